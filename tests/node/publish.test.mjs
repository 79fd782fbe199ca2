// `npm publish --dry-run` of the built pkg/: what a release would upload. npm fixes some manifest
// mistakes on publish without failing (npm 11 drops a `bin` written as `./bin/…`, for one), so
// the only sign is a warning: this test fails on any such correction and checks the file list.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');

test('npm publish --dry-run: no manifest corrections, only the files the package needs', async () => {
  const { stdout, stderr } = await promisify(execFile)('npm', ['publish', '--dry-run', '--json', pkgDir], {
    env: { ...process.env, npm_config_loglevel: 'warn' },
    timeout: 60_000,
  });
  assert.doesNotMatch(stderr, /auto-corrected|errors corrected|was invalid|was normalized/, stderr);
  // npm prints the JSON summary on stdout; warnings go to stderr.
  const summary = JSON.parse(stdout.slice(stdout.indexOf('{')));
  const report = summary['connector-aliyun-sms-wasm'] ?? summary;
  assert.equal(report.name, 'connector-aliyun-sms-wasm');
  assert.deepEqual(report.files.map((file) => file.path).sort(), [
    'LICENSE',
    'README.de.md',
    'README.md',
    'bin/cli.js',
    'lib/config-fields.js',
    'lib/index.d.ts',
    'lib/index.js',
    'lib/wasm/aliyun_sms.js',
    'lib/wasm/aliyun_sms_bg.wasm',
    'lib/wasm/aliyun_sms_tools.js',
    'lib/wasm/aliyun_sms_tools_bg.wasm',
    'logo.svg',
    'package.json',
  ]);
});

test('the WebAssembly modules name no path of the machine that built them', async () => {
  for (const name of ['aliyun_sms_bg.wasm', 'aliyun_sms_tools_bg.wasm']) {
    const text = (await readFile(path.join(pkgDir, 'lib', 'wasm', name))).toString('latin1');
    // Dependencies' panic locations are relative to cargo's registry (scripts/build.mjs).
    assert.match(text, /index\.crates\.io-[0-9a-f]+\/serde_json-[\d.]+\/src\//, name);
    for (const local of [os.homedir(), path.resolve(pkgDir, '..'), '/.cargo/registry']) {
      assert.equal(text.includes(local), false, `${name} names ${local}`);
    }
  }
});
