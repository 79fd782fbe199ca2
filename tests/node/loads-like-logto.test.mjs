// "Loads like Logto", in-process: the built package copied into a Logto-shaped tree, with no npm
// install in the connector directory, resolves the host's @logto/connector-kit and throws that
// copy's ConnectorError (so Logto's `error instanceof ConnectorError` checks hold).
//
// Here the host's connector-kit is a real copy, not a symlink, so it is a module instance distinct
// from the workspace's: passing proves the package uses whatever copy its host has, not one of its
// own. (logto-loader.test.mjs covers npm pack and the real `logto connector add`.)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { ConnectorError as RootConnectorError } from '@logto/connector-kit';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import { configFor } from '../support/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const KEY_ID = 'LTAI-loader';
const SECRET = `loader-secret-${randomUUID()}`;

let tmp;
let connectorDir;
let hostKit;
let server;

/**
 * <tmp>/packages/core/
 *   node_modules/@logto/connector-kit      a real copy (its own module instance)
 *   node_modules/<everything else>         symlinks to the workspace's node_modules
 *   connectors/connector-aliyun-sms-wasm/  a copy of pkg/, nothing installed
 */
function layOutLogto() {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'logto-like-'));
  const core = path.join(tmp, 'packages', 'core');
  const modules = path.join(core, 'node_modules');
  mkdirSync(path.join(modules, '@logto'), { recursive: true });
  const rootModules = path.join(root, 'node_modules');
  for (const entry of readdirSync(rootModules)) {
    if (entry === '@logto' || entry.startsWith('.')) continue;
    symlinkSync(path.join(rootModules, entry), path.join(modules, entry));
  }
  for (const entry of readdirSync(path.join(rootModules, '@logto'))) {
    const from = path.join(rootModules, '@logto', entry);
    const to = path.join(modules, '@logto', entry);
    if (entry === 'connector-kit') cpSync(from, to, { recursive: true, dereference: true });
    else symlinkSync(from, to);
  }
  connectorDir = path.join(core, 'connectors', 'connector-aliyun-sms-wasm');
  mkdirSync(path.dirname(connectorDir), { recursive: true });
  cpSync(path.join(root, 'pkg'), connectorDir, { recursive: true });
  return path.join(modules, '@logto', 'connector-kit');
}

/** What Logto's connector loader does with a package directory. */
async function loadLikeLogto(directory, getConfig) {
  const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8'));
  assert.ok(
    manifest.dependencies && '@logto/connector-kit' in manifest.dependencies,
    'Logto only loads packages that depend on @logto/connector-kit',
  );
  const { default: createConnector } = await import(pathToFileURL(path.join(directory, 'lib', 'index.js')).href);
  assert.equal(typeof createConnector, 'function', 'default export is createConnector');
  const connector = await createConnector({ getConfig });
  return { manifest, connector };
}

const makeConfig = (overrides = {}) =>
  configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto' }, overrides);

const message = () => ({ to: '13012345678', type: 'SignIn', payload: { code: '123456' } });

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  const kitDir = layOutLogto();
  hostKit = await import(pathToFileURL(path.join(kitDir, 'lib', 'index.js')).href);
});

after(async () => {
  await server.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('loads like Logto (host connector-kit is a separate copy)', () => {
  test('the copied package has nothing installed and declares connector-kit', () => {
    assert.equal(existsSync(path.join(connectorDir, 'node_modules')), false);
    const manifest = JSON.parse(readFileSync(path.join(connectorDir, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'connector-aliyun-sms-wasm');
    assert.equal(manifest.type, 'module');
    assert.equal(typeof manifest.dependencies['@logto/connector-kit'], 'string');
    assert.equal(manifest.bin?.['connector-aliyun-sms-wasm'], 'bin/cli.js');
    assert.ok(existsSync(path.join(connectorDir, 'bin', 'cli.js')));
    assert.ok(existsSync(path.join(connectorDir, 'lib', 'index.js')));
  });

  test('the host copy of connector-kit is a separate module instance', () => {
    assert.notEqual(hostKit.ConnectorError, RootConnectorError);
  });

  test('createConnector works and sends through the verifying server', async () => {
    const calls = [];
    const { connector } = await loadLikeLogto(connectorDir, async (id) => {
      calls.push(id);
      return makeConfig();
    });
    assert.equal(connector.type, hostKit.ConnectorType.Sms);
    assert.equal(connector.metadata.id, 'aliyun-short-message-service');
    assert.equal(typeof connector.configGuard.safeParse, 'function');
    // Logto validates the stored config with its own connector-kit before use.
    hostKit.validateConfig(makeConfig(), connector.configGuard);

    const result = await connector.sendMessage({ to: '+86 130 1234 5678', type: 'SignIn', payload: { code: '246810' } });
    assert.equal(result.Code, 'OK');
    assert.deepEqual(calls, ['aliyun-short-message-service']);
    const received = server.requests.at(-1);
    assert.equal(received.verified, true);
    assert.equal(received.params.PhoneNumbers, '8613012345678');
    assert.equal(received.params.TemplateParam, '{"code":"246810"}');
  });

  test("errors are instances of the host's ConnectorError, not the workspace's", async () => {
    const { connector } = await loadLikeLogto(connectorDir, async () => makeConfig());
    const cases = [
      ['invalid_config', () => connector.sendMessage(message(), makeConfig({ accessKeySecret: 'wrong-secret' }))],
      ['invalid_request_parameters', () => connector.sendMessage({ ...message(), to: 'abc' })],
      ['invalid_config', () => connector.sendMessage(message(), { nope: true })],
      [
        'rate_limit_exceeded',
        () => {
          server.respondNext({ aliyunError: 'isv.BUSINESS_LIMIT_CONTROL' });
          return connector.sendMessage(message());
        },
      ],
      [
        'invalid_response',
        () => {
          server.respondNext('html500');
          return connector.sendMessage(message());
        },
      ],
      [
        'general',
        () => {
          server.respondNext('reset');
          return connector.sendMessage(message());
        },
      ],
    ];
    for (const [code, run] of cases) {
      await assert.rejects(run(), (error) => {
        assert.ok(error instanceof hostKit.ConnectorError, `${code}: instanceof the host's ConnectorError`);
        assert.ok(!(error instanceof RootConnectorError), `${code}: not the workspace's copy`);
        assert.equal(error.code, code);
        assert.equal(typeof error.data.errorDescription, 'string');
        assert.ok(!error.message.includes(SECRET) && !JSON.stringify(error.data).includes(SECRET));
        return true;
      });
    }
    assert.throws(
      () => hostKit.validateConfig({}, connector.configGuard),
      (error) => error instanceof hostKit.ConnectorError && error.code === 'invalid_config',
    );
    assert.throws(
      () => connector.configGuard.parse({}),
      (error) => error instanceof hostKit.ConnectorError && error.code === 'invalid_config',
    );
  });
});
