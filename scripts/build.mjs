// Assembles pkg/, the publishable npm package: pkg-template/ plus two wasm-pack builds in
// pkg/lib/wasm/: `aliyun_sms` (the connector, which Logto loads) and `aliyun_sms_tools` (the same
// core with the operator tools, feature `tools`, which only the CLI's doctor and status load). The
// version is taken from Cargo.toml. Run through `npm run build`, which
// installs the tools first (scripts/setup.sh).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { formItemsFrom, readData, stripMarkers } from './docs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);

const cargoToml = readFileSync(at('Cargo.toml'), 'utf8');
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargoToml)?.[1];
if (!version) {
  throw new Error('Cannot read the package version from Cargo.toml');
}
// Checked before the long wasm-pack run: a broken data file fails the build at once.
const formItems = formItemsFrom(readData(root));

// Panic locations name dependencies by their path under cargo's registry: without the builder's
// home directory (`/root/.cargo/registry/src/`), so the shipped module says nothing about the
// machine it was built on, and is half a kilobyte smaller.
const cargoHome = process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo');
const remap = `--remap-path-prefix=${path.join(cargoHome, 'registry', 'src')}${path.sep}=`;
// wasm-pack uses the first wasm-opt on PATH: the npm `binaryen` one, not a system copy.
const env = {
  ...process.env,
  PATH: [at('node_modules', '.bin'), path.join(process.env.HOME ?? '', '.cargo', 'bin'), process.env.PATH].join(
    path.delimiter
  ),
  RUSTFLAGS: [process.env.RUSTFLAGS, remap].filter(Boolean).join(' '),
};
const wasmPack = (outDir, cargoArgs = [], outName = 'aliyun_sms', extraEnv = {}) =>
  execFileSync(
    'wasm-pack',
    ['build', '--release', '--target', 'web', '--out-dir', outDir, '--out-name', outName, '--no-pack', '--', ...cargoArgs],
    { cwd: root, env: { ...env, ...extraEnv }, stdio: 'inherit' }
  );

// `--probe`: only the benchmark's probe build (bench/boundary.mjs, the bench's `wasm-fetch`), with
// the extra exports of the `boundary-probe` feature, into bench/.probe-wasm/. pkg/ is left as it
// is, and so is target/'s build of the connector (bench/size.mjs reads it): the probe builds in
// target/probe/.
if (process.argv.includes('--probe')) {
  wasmPack(at('bench', '.probe-wasm'), ['--features', 'boundary-probe'], 'aliyun_sms', {
    CARGO_TARGET_DIR: at('target', 'probe'),
  });
  process.exit(0);
}

// The tools' module first, so target/ is left holding the connector's build (bench/size.mjs
// reads it).
const modules = [
  { dir: 'pkg-wasm-tools', name: 'aliyun_sms_tools', features: ['--features', 'tools'] },
  { dir: 'pkg-wasm', name: 'aliyun_sms', features: [] },
];
for (const { dir, name, features } of modules) wasmPack(dir, features, name);

// Strings cross into WebAssembly through the glue's `passStringToWasm0`, which copies the ASCII
// prefix with a `charCodeAt` loop and uses `TextEncoder.encodeInto` only from the first non-ASCII
// character on. The loop costs 5 to 14 times what `encodeInto` does for the same ASCII text (626
// bytes of config JSON: 887 ns against 64 ns, Node 20), and the config crosses on every send. The
// replacement keeps the glue's contract (one allocation sized to the text, `realloc` when UTF-8
// needs more room, WASM_VECTOR_LEN set) and lets `encodeInto` copy everything. wasm-bindgen is
// pinned exactly (Cargo.toml), so the function replaced is known; if it ever changes, the build
// fails here instead of shipping unpatched.
const loop = /\n    let len = arg\.length;\n    let ptr = malloc\(len, 1\) >>> 0;\n\n    const mem = getUint8ArrayMemory0\(\);\n\n    let offset = 0;\n\n    for \(; offset < len; offset\+\+\) \{\n        const code = arg\.charCodeAt\(offset\);\n        if \(code > 0x7F\) break;\n        mem\[ptr \+ offset\] = code;\n    \}\n    if \(offset !== len\) \{\n        if \(offset !== 0\) \{\n            arg = arg\.slice\(offset\);\n        \}\n/;
const patchGlue = (gluePath) => {
  const original = readFileSync(gluePath, 'utf8');
  if (!loop.test(original)) {
    throw new Error(`${gluePath}: passStringToWasm0 is not the one scripts/build.mjs patches (wasm-bindgen changed?)`);
  }
  const patched = original.replace(
    loop,
    `
    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;
    // Patched by scripts/build.mjs: encodeInto from the start, no charCodeAt loop.
    const first = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    let offset = first.written;
    if (first.read !== len) {
        arg = arg.slice(first.read);
`
  );
  writeFileSync(gluePath, patched);
};
for (const { dir, name } of modules) patchGlue(at(dir, `${name}.js`));

const pkg = at('pkg');
rmSync(pkg, { recursive: true, force: true });
cpSync(at('pkg-template'), pkg, { recursive: true });
mkdirSync(path.join(pkg, 'lib', 'wasm'), { recursive: true });
// The generated glue ships minified (25 KB -> 11 KB): nobody edits it, and every byte is read at
// each cold start and kept in every install. pkg-wasm*/ keep the readable version.
const { buildSync } = await import('esbuild');
for (const { dir, name } of modules) {
  cpSync(at(dir, `${name}_bg.wasm`), path.join(pkg, 'lib', 'wasm', `${name}_bg.wasm`));
  buildSync({
    entryPoints: [at(dir, `${name}.js`)],
    outfile: path.join(pkg, 'lib', 'wasm', `${name}.js`),
    format: 'esm',
    minify: true,
    target: 'node20',
    banner: { js: '// Generated by wasm-bindgen from the Rust core (src/), minified by esbuild.' },
    logLevel: 'warning',
  });
}
cpSync(at('LICENSE'), path.join(pkg, 'LICENSE'));
// Logto's console shows the guide's HTML comments as text: ship it without the region markers.
for (const guide of ['README.md', 'README.de.md']) {
  const file = path.join(pkg, guide);
  writeFileSync(file, stripMarkers(readFileSync(file, 'utf8')));
}
// The form items come from data/config-fields.json, the one source the docs are rendered from
// too. Written as a module so the package reads no JSON at load and needs nothing new.
writeFileSync(
  path.join(pkg, 'lib', 'config-fields.js'),
  '// Generated by scripts/build.mjs from data/config-fields.json: metadata.formItems, with `type`\n' +
    '// naming a ConnectorConfigFormItemType member.\n' +
    `export const formItems = ${JSON.stringify(formItems, null, 2)};\n`
);

const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
manifest.version = version;
writeFileSync(path.join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
for (const { name } of modules) {
  const wasmBytes = readFileSync(path.join(pkg, 'lib', 'wasm', `${name}_bg.wasm`));
  console.log(
    `Built pkg/ (${manifest.name}@${version}): ${name}_bg.wasm ${wasmBytes.length} bytes (${kib(wasmBytes.length)}), ` +
      `${gzipSync(wasmBytes, { level: 9 }).length} bytes gzipped; glue ${statSync(path.join(pkg, 'lib', 'wasm', `${name}.js`)).size} bytes`
  );
}
