// The package installed the way Logto installs connectors, and loaded by Logto's own loader.
//
// 1. `npm pack` pkg/ into a temp dir, extract the tarball into a throwaway Logto instance's
//    packages/core/connectors/ (no npm install there: connectors resolve @logto/connector-kit
//    from packages/core/node_modules, like in a real instance), and load it with @logto/cli's
//    `loadConnectorFactories` / `buildRawConnector` from a child process whose cwd is
//    packages/core (tests/support/logto-instance.mjs explains why a child process).
// 2. The same through the real CLI, offline: `logto connector add <tarball> --path <instance>`.
//
// Both instances then send through the loopback Aliyun-compatible server, which verifies the
// signature on its own terms.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import { fixturePath, readFixture } from '../support/fixtures.mjs';
import {
  createLogtoInstance,
  extractConnector,
  makeTempDir,
  npmPack,
  quietNpmEnv,
  repoNodeModules,
  repoRoot,
  requireFromLogtoCli,
  runInInstance,
  runLogtoCli,
} from '../support/logto-instance.mjs';

const KEY_ID = 'LTAI-loader-test';
const SECRET = `loader-secret-${randomUUID()}`;
const CHECK_SCRIPT = path.join(repoRoot, 'tests', 'support', 'logto-instance-check.mjs');
const PKG_DIR = path.join(repoRoot, 'pkg');
const PACKAGE_NAME = JSON.parse(readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')).name;
const KIT_VERSION = JSON.parse(
  readFileSync(path.join(repoNodeModules, '@logto', 'connector-kit', 'package.json'), 'utf8')
).version;
const SKIP_MARKER = '[load-connector] skip';
// The loader checks the connector's @logto/connector-kit range with this semver.
const semver = requireFromLogtoCli('semver');

let server;
let temp;
let npmEnv;
let packed;

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  temp = makeTempDir('logto-loader-test-');
  npmEnv = quietNpmEnv(path.join(temp.dir, 'npm-cache'));
  packed = await npmPack(PKG_DIR, path.join(temp.dir), npmEnv);
});

after(async () => {
  await server?.close();
  temp?.cleanup();
});

/** Runs the check script in `instance` against the server, which answers OK then rate-limit. */
async function checkInstance(instance) {
  server.reset();
  server.respondNext('ok');
  server.respondNext({ aliyunError: 'isv.BUSINESS_LIMIT_CONTROL', message: 'triggers minute flow control' });
  const source = readFileSync(CHECK_SCRIPT, 'utf8');
  const run = await runInInstance(instance, 'logto-instance-check', source, [
    server.url,
    KEY_ID,
    SECRET,
    fixturePath('config.json'),
    fixturePath('locales.json'),
  ]);
  run.requests = [...server.requests];
  return run;
}

/** Common preconditions: the check script ran to the end. */
function assertRan(run) {
  const output = `${run.stdout}\n${run.stderr}\n${run.result?.logs?.join('\n') ?? ''}`;
  assert.equal(run.code, 0, `check script exit code; output:\n${output}`);
  assert.ok(run.result, `check script wrote no result; output:\n${output}`);
  assert.equal(run.result.crash, undefined, `check script crashed: ${run.result.crash?.stack}`);
  return output;
}

/** The tests run against one loaded instance; `context()` returns { instance, run }. */
function instanceTests(context) {
  test('loadConnectorFactories loads it from connectors/<name>, not skipped', (t) => {
    const { instance, run } = context();
    const output = assertRan(run);
    assert.ok(!output.includes(SKIP_MARKER), `the loader skipped a connector:\n${output}`);
    const connectorDir = path.join(instance.connectorsDir, PACKAGE_NAME);
    assert.deepEqual(
      run.result.packages.map(({ name }) => name),
      [PACKAGE_NAME],
      'getConnectorPackagesFromDirectory finds the package'
    );
    assert.deepEqual(run.result.factories, [{ id: 'aliyun-short-message-service', type: 'Sms', path: connectorDir }]);
    t.diagnostic(`loaded ${path.relative(instance.root, connectorDir)}; @logto/connector-kit resolved to ${run.result.resolved.connectorKit}`);
  });

  test('metadata: id, target, type Sms, logo inlined as a data URL, readme as text', () => {
    const { run } = context();
    assertRan(run);
    const { factory, packageFiles } = run.result;
    assert.ok(factory, 'factory loaded');
    assert.equal(factory.type, 'Sms');
    assert.equal(factory.metadata.id, 'aliyun-short-message-service');
    assert.equal(factory.metadata.target, 'aliyun-sms');
    assert.equal(factory.metadata.platform, null);
    assert.equal(factory.metadata.logoDark, null);
    assert.ok(factory.hasSafeParse, 'configGuard.safeParse is a function');
    assert.deepEqual(factory.metadata.formItemKeys.slice(0, 5), [
      'accessKeyId',
      'accessKeySecret',
      'signName',
      'templates',
      'strictPhoneRegionNumberCheck',
    ]);
    // The loader inlines ./logo.svg only when the file is in the package; else it stays a path.
    const logoPrefix = 'data:image/svg+xml;base64,';
    assert.ok(packageFiles.logoSvg, 'logo.svg is in the installed package');
    assert.ok(
      factory.metadata.logo.startsWith(logoPrefix),
      `metadata.logo should be a data URL, got ${JSON.stringify(factory.metadata.logo.slice(0, 60))}`
    );
    assert.equal(
      Buffer.from(factory.metadata.logo.slice(logoPrefix.length), 'base64').toString('utf8'),
      packageFiles.logoSvg
    );
    // ./README.md is replaced by its text when the file is in the package, else left as a path.
    assert.ok(packageFiles.readme, 'README.md is in the installed package (Logto\'s console shows it)');
    assert.equal(factory.metadata.readme, packageFiles.readme);
    assert.equal(run.result.raw.type, 'Sms');
    assert.equal(run.result.raw.logo, factory.metadata.logo, 'buildRawConnector parses metadata the same way');
    assert.equal(run.result.raw.readme, factory.metadata.readme);
  });

  test("connector-kit's validateConfig: good config passes, bad one is ConnectorError invalid_config with issues", () => {
    const { run } = context();
    assertRan(run);
    assert.deepEqual(run.result.validateGood, { ok: true }, 'a good config passes validateConfig');
    assert.equal(run.result.validateBad.ok, false, 'a bad config is rejected');
    const rejected = run.result.validateBad.error;
    assert.equal(rejected.isInstanceConnectorError, true, 'rejection is the instance ConnectorError');
    assert.equal(rejected.code, 'invalid_config');
    assert.ok(Array.isArray(rejected.data?.issues) && rejected.data.issues.length > 0, 'data.issues present');
    const issuePaths = rejected.data.issues.map((issue) => JSON.stringify(issue.path));
    assert.ok(issuePaths.includes('["accessKeyId"]'), issuePaths.join(' '));
    assert.ok(issuePaths.includes('["templates"]'), issuePaths.join(' '));
  });

  test('sendMessage (buildRawConnector, config from getConfig) reaches the loopback server, signature verified', () => {
    const { run } = context();
    assertRan(run);
    assert.deepEqual(run.result.configCalls, ['aliyun-short-message-service', 'aliyun-short-message-service']);
    assert.equal(run.result.sendOk.ok, true, JSON.stringify(run.result.sendOk.error));
    assert.equal(run.result.sendOk.value.Code, 'OK');
    assert.equal(typeof run.result.sendOk.value.BizId, 'string');
    // Then the localized sends of the next test.
    const sends = run.requests.slice(0, 2);
    for (const request of sends) {
      assert.equal(request.verified, true, `server-side signature check: ${request.outcome?.code}`);
      assert.equal(request.params.PhoneNumbers, '8613012345678');
      assert.equal(request.params.TemplateCode, 'SMS_SIGNIN');
      assert.deepEqual(JSON.parse(request.params.TemplateParam), { code: '246810' });
    }
    assert.equal(sends[0].outcome.code, 'OK', 'the server accepted the first request on its own checks');
  });

  test('payload.locale picks the localized template, by the choice table (tests/fixtures/locales.json)', () => {
    const { run } = context();
    assertRan(run);
    const cases = readFixture('locales.json').cases.filter((row) => row.templateCode !== undefined);
    assert.equal(run.result.localized.length, cases.length);
    const requests = run.requests.slice(2);
    assert.equal(requests.length, cases.length, 'one request per case');
    cases.forEach((row, index) => {
      const sent = run.result.localized[index];
      assert.equal(sent.ok, true, `${JSON.stringify(row)}: ${JSON.stringify(sent.error)}`);
      assert.deepEqual(sent.value.entry, row.entry, JSON.stringify(row));
      assert.equal(requests[index].verified, true);
      assert.equal(requests[index].params.TemplateCode, row.templateCode, JSON.stringify(row));
      assert.deepEqual(JSON.parse(requests[index].params.TemplateParam), { code: '123456' });
    });
  });

  test("rate limit rejects with the instance's own ConnectorError, rate_limit_exceeded", () => {
    const { run } = context();
    assertRan(run);
    assert.equal(run.result.sendRateLimited.ok, false, 'the rate-limited send rejects');
    const limited = run.result.sendRateLimited.error;
    assert.equal(limited.isInstanceConnectorError, true, `instanceof instance ConnectorError (${limited.constructorName})`);
    assert.equal(limited.code, 'rate_limit_exceeded');
    assert.equal(limited.data.Code, 'isv.BUSINESS_LIMIT_CONTROL', 'data.Code as the official connector puts it');
  });
}

describe('npm pack', () => {
  test('ships what Logto reads, with a connector-kit range the loader accepts', () => {
    const files = packed.files.map(({ path: file }) => file).sort();
    for (const needed of ['package.json', 'lib/index.js', 'lib/wasm/aliyun_sms.js', 'lib/wasm/aliyun_sms_bg.wasm', 'logo.svg', 'README.md']) {
      assert.ok(files.includes(needed), `${needed} is in the tarball (has: ${files.join(', ')})`);
    }
    assert.equal(packed.name, PACKAGE_NAME);
    assert.ok(PACKAGE_NAME.startsWith('connector-'), 'the CLI only picks up packages named connector-*');
    const manifest = JSON.parse(readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
    const range = manifest.dependencies['@logto/connector-kit'];
    assert.ok(semver.satisfies(KIT_VERSION, range), `connector-kit ${KIT_VERSION} satisfies ${range}`);
    assert.deepEqual(Object.keys(manifest.dependencies), ['@logto/connector-kit'], 'nothing else to install');
  });
});

describe('extracted into packages/core/connectors/ and loaded by @logto/cli', () => {
  let instance;
  let run;

  before(async () => {
    instance = createLogtoInstance(path.join(temp.dir, 'instance-extracted'));
    await extractConnector(instance, packed.tarball, PACKAGE_NAME);
    run = await checkInstance(instance);
  });

  instanceTests(() => ({ instance, run }));
});

describe('logto connector add <tarball> (the real CLI, offline)', () => {
  let instance;
  let cli;
  let tarball;

  before(async () => {
    instance = createLogtoInstance(path.join(temp.dir, 'instance-cli'));
    // A copy elsewhere: the CLI deletes the tarball `npm pack` leaves in the connectors dir.
    tarball = path.join(temp.dir, 'source', packed.filename);
    mkdirSync(path.dirname(tarball), { recursive: true });
    copyFileSync(packed.tarball, tarball);
    // cwd outside the instance: the instance is found through --path only.
    cli = await runLogtoCli(['connector', 'add', tarball, '--path', instance.root], { cwd: temp.dir, env: npmEnv });
  });

  test('adds the package into packages/core/connectors/<name>', (t) => {
    const output = `${cli.stdout}\n${cli.stderr}`;
    t.diagnostic(output.trim().split('\n').filter(Boolean).join(' | '));
    assert.equal(cli.code, 0, output);
    assert.match(output, new RegExp(`Added .*${PACKAGE_NAME}.* v${packed.version.replaceAll('.', '\\.')}`));
    assert.doesNotMatch(output, /Failed to add|error/i);
    const installed = path.join(instance.connectorsDir, PACKAGE_NAME);
    assert.ok(existsSync(path.join(installed, 'package.json')), `${installed}/package.json exists`);
    assert.equal(JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')).name, PACKAGE_NAME);
    assert.deepEqual(readdirSync(instance.connectorsDir), [PACKAGE_NAME], 'no tarball left behind');
    assert.ok(existsSync(tarball), 'the source tarball is untouched');
  });

  describe('and the loader loads what the CLI installed', () => {
    let run;
    before(async () => {
      run = await checkInstance(instance);
    });
    instanceTests(() => ({ instance, run }));
  });
});
