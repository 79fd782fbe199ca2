// The package's bin (pkg/bin/cli.js) and `npm start` (scripts/start.mjs), run as child processes
// against the verifying loopback server.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import { run } from '../support/cli.mjs';
import { configFor } from '../support/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(root, 'pkg', 'bin', 'cli.js');
const START = path.join(root, 'scripts', 'start.mjs');
const KEY_ID = 'LTAI-cli';
const SECRET = `cli-secret-${randomUUID()}`;

let server;
let dir;

const makeConfig = (overrides) =>
  configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto CLI' }, overrides);

function writeConfig(config, name = `${randomUUID()}.json`) {
  const file = path.join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

const cli = (args, options) => run(CLI, args, options);

/** An environment without any ALIYUN_* variable of the developer's. */
const cleanEnv = (extra = {}) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ALIYUN_')));
  return { ...env, ...extra };
};

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-cli-test-'));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => server.reset());

describe('pkg/bin/cli.js send', () => {
  test('is an executable ESM script with a node shebang', () => {
    const text = readFileSync(CLI, 'utf8');
    assert.ok(text.startsWith('#!/usr/bin/env node\n'));
  });

  test('sends, prints Aliyun Code/RequestId/BizId, exits 0', async () => {
    const config = writeConfig(makeConfig());
    const result = await cli(['send', '--config', config, '--to', '+86 130 1234 5678', '--type', 'SignIn', '--code', '654321']);
    assert.equal(result.status, 0, result.output);
    assert.equal(server.requests.length, 1);
    const received = server.requests[0];
    assert.equal(received.verified, true);
    assert.equal(received.params.PhoneNumbers, '8613012345678');
    assert.equal(received.params.TemplateCode, 'SMS_SIGNIN');
    assert.equal(received.params.TemplateParam, '{"code":"654321"}');
    assert.equal(received.params.SignName, 'Logto CLI');
    assert.ok(result.stdout.includes('Code=OK'), result.stdout);
    assert.ok(result.stdout.includes(received.requestId), result.stdout);
    assert.match(result.stdout, /BizId=\S+/);
    assert.ok(!result.output.includes(SECRET));
  });

  test('defaults: SignIn template and a random 6-digit code', async () => {
    const config = writeConfig(makeConfig());
    const result = await cli(['send', '--config', config, '--to', '13012345678']);
    assert.equal(result.status, 0, result.output);
    const { params } = server.requests[0];
    assert.equal(params.TemplateCode, 'SMS_SIGNIN');
    assert.match(JSON.parse(params.TemplateParam).code, /^\d{6}$/);
  });

  test('--type picks the template; unknown types use Generic; region applies', async () => {
    const config = writeConfig(makeConfig());
    for (const [type, to, expected] of [
      ['Register', '13012345678', 'SMS_REG_CN'],
      ['Register', '+1 862 401 7194', 'SMS_REG_INT'],
      ['MfaVerification', '13012345678', 'SMS_GENERIC'],
    ]) {
      const result = await cli(['send', '--config', config, '--to', to, '--type', type]);
      assert.equal(result.status, 0, result.output);
      assert.equal(server.requests.at(-1).params.TemplateCode, expected, `${type} ${to}`);
    }
  });

  test('short options -c and -t', async () => {
    const config = writeConfig(makeConfig());
    const result = await cli(['send', '-c', config, '-t', '13012345678']);
    assert.equal(result.status, 0, result.output);
  });

  test('a wrong secret: prints invalid_config and SignatureDoesNotMatch, never the secret, exits 1', async () => {
    const secret = `wrong-${randomUUID()}`;
    const config = writeConfig(makeConfig({ accessKeySecret: secret }));
    const result = await cli(['send', '--config', config, '--to', '13012345678']);
    assert.equal(result.status, 1, result.output);
    assert.ok(result.stderr.includes('invalid_config'), result.stderr);
    assert.ok(result.stderr.includes('SignatureDoesNotMatch'), result.stderr);
    assert.ok(result.stderr.includes(server.requests[0].requestId), 'RequestId is shown');
    assert.ok(!result.output.includes(secret));
  });

  test('Aliyun business errors: exits 1 with the connector code', async () => {
    const config = writeConfig(makeConfig());
    for (const [mode, code] of [
      [{ aliyunError: 'isv.BUSINESS_LIMIT_CONTROL' }, 'rate_limit_exceeded'],
      [{ aliyunError: 'isv.AMOUNT_NOT_ENOUGH' }, 'usage_limit_exceeded'],
      ['html500', 'invalid_response'],
    ]) {
      server.respondNext(mode);
      const result = await cli(['send', '--config', config, '--to', '13012345678']);
      assert.equal(result.status, 1, result.output);
      assert.ok(result.stderr.includes(code), result.stderr);
      assert.ok(!result.output.includes(SECRET));
    }
  });

  test('a secret echoed back by the server is not printed', async () => {
    const config = writeConfig(makeConfig());
    server.respondNext({ aliyunError: 'isp.SYSTEM_ERROR', message: `bad ${SECRET}` });
    const result = await cli(['send', '--config', config, '--to', '13012345678']);
    assert.equal(result.status, 1, result.output);
    assert.ok(!result.output.includes(SECRET), result.output);
  });

  test('an invalid phone number: exits 1 with invalid_request_parameters, nothing sent', async () => {
    const config = writeConfig(makeConfig());
    const result = await cli(['send', '--config', config, '--to', 'not-a-phone']);
    assert.equal(result.status, 1, result.output);
    assert.ok(result.stderr.includes('invalid_request_parameters'), result.stderr);
    assert.equal(server.requests.length, 0);
  });

  test('an invalid config: exits 1 with invalid_config and the issues', async () => {
    const bad = makeConfig({ timeout: 1 });
    bad.templates = bad.templates.slice(0, 2);
    const config = writeConfig(bad);
    const result = await cli(['send', '--config', config, '--to', '13012345678']);
    assert.equal(result.status, 1, result.output);
    assert.ok(result.stderr.includes('invalid_config'), result.stderr);
    assert.ok(result.stderr.includes('timeout'), result.stderr);
    assert.ok(result.stderr.includes('ForgotPassword'), result.stderr);
    assert.ok(!result.output.includes(SECRET));
    assert.equal(server.requests.length, 0);
  });

  test('a network failure: exits 1 with general', async () => {
    const config = writeConfig(makeConfig({ timeout: 300 }));
    server.respondNext('hang');
    const result = await cli(['send', '--config', config, '--to', '13012345678']);
    assert.equal(result.status, 1, result.output);
    assert.ok(result.stderr.includes('general'), result.stderr);
  });
});

describe('pkg/bin/cli.js usage', () => {
  test('--help prints usage and exits 0', async () => {
    for (const args of [['--help'], ['-h'], ['send', '--help']]) {
      const result = await cli(args);
      assert.equal(result.status, 0, result.output);
      assert.match(result.stdout, /Usage:/);
      assert.match(result.stdout, /send --config/);
    }
  });

  test('usage errors exit 2 and send nothing', async () => {
    const config = writeConfig(makeConfig());
    const cases = [
      [],
      ['send'],
      ['send', '--config', config],
      ['send', '--to', '13012345678'],
      ['receive', '--config', config, '--to', '13012345678'],
      ['send', 'extra', '--config', config, '--to', '13012345678'],
      ['send', '--config', config, '--to', '13012345678', '--unknown'],
      ['send', '--config', config, '--to'],
      ['send', '--config', path.join(dir, 'does-not-exist.json'), '--to', '13012345678'],
    ];
    for (const args of cases) {
      const result = await cli(args);
      assert.equal(result.status, 2, `${JSON.stringify(args)}: ${result.output}`);
      assert.ok(result.stderr.length > 0);
    }
    assert.equal(server.requests.length, 0);
  });

  test('a config file that is not JSON exits 2 without quoting it', async () => {
    const text = `{"accessKeyId":"x","accessKeySecret":"${SECRET}",,}`;
    const config = writeConfig(text);
    const result = await cli(['send', '--config', config, '--to', '13012345678']);
    assert.equal(result.status, 2, result.output);
    assert.ok(!result.output.includes(SECRET), result.output);
  });

  test('a config file holding a non-object exits 2', async () => {
    for (const text of ['[]', '"text"', 'null', '42']) {
      const result = await cli(['send', '--config', writeConfig(text), '--to', '13012345678']);
      assert.equal(result.status, 2, `${text}: ${result.output}`);
    }
  });

  test('refuses a package that does not depend on @logto/connector-kit, as Logto would', async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'aliyun-cli-nodep-'));
    try {
      cpSync(path.join(root, 'pkg'), copy, { recursive: true });
      const manifestPath = path.join(copy, 'package.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      delete manifest.dependencies['@logto/connector-kit'];
      writeFileSync(manifestPath, JSON.stringify(manifest));
      const result = await run(path.join(copy, 'bin', 'cli.js'), [
        'send',
        '--config',
        writeConfig(makeConfig()),
        '--to',
        '13012345678',
      ]);
      assert.equal(result.status, 1, result.output);
      assert.match(result.stderr, /connector-kit/);
      assert.equal(server.requests.length, 0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('npm start (scripts/start.mjs)', () => {
  test('without credentials: demo against the bundled server, shows the verified signed request', async () => {
    const result = await run(START, [], { env: cleanEnv() });
    assert.equal(result.status, 0, result.output);
    // The doctor runs first: one line per check, all ok, and its read-only calls verified too.
    assert.match(result.stdout, /\$ connector-aliyun-sms-wasm doctor --config /);
    assert.match(result.stdout, /ok {4}credentials +AccessKey ID LTAI-local-demo-key-id accepted/);
    assert.match(result.stdout, /ok {4}template SMS_000000001 +used by Register, SignIn, ForgotPassword, Generic/);
    assert.match(result.stdout, /doctor: 6 ok, 0 warn, 0 fail \(no SMS was sent\)/);
    // Then the message, then its delivery, looked up with the status command.
    assert.match(result.stdout, /\$ connector-aliyun-sms-wasm status --config \S+ --to "\+86 130 1234 5678" --biz-id "\d+\^0"/);
    assert.match(result.stdout, /BizId \d+\^0 to 13012345678, sent \d{8} \(Asia\/Shanghai\): delivered/);
    assert.match(result.stdout, /Signed requests received by the local server \(4\)/);
    assert.doesNotMatch(result.stdout, /DID NOT verify/);
    assert.match(result.stdout, /listening|server at http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(result.stdout, /Code=OK/);
    assert.match(result.stdout, /signature verified/);
    assert.match(result.stdout, /PhoneNumbers\s+= 8613012345678/);
    assert.match(result.stdout, /Signature\s+= \S+/);
    // The temporary config (printed in the command line) is gone.
    const match = /--config (\S+config\.json)/.exec(result.stdout);
    assert.ok(match, result.stdout);
    assert.equal(existsSync(match[1]), false, `${match[1]} was deleted`);
  });

  test('with credentials: sends through ALIYUN_ENDPOINT with the env config', async () => {
    const result = await run(START, [], {
      env: cleanEnv({
        ALIYUN_ACCESS_KEY_ID: KEY_ID,
        ALIYUN_ACCESS_KEY_SECRET: SECRET,
        ALIYUN_SIGN_NAME: 'Env Sign',
        ALIYUN_TEMPLATE_CODE: 'SMS_ENV_1',
        ALIYUN_PHONE: '+86 130 0000 1111',
        ALIYUN_ENDPOINT: server.url,
        ALIYUN_REGION_ID: 'cn-shanghai',
      }),
    });
    assert.equal(result.status, 0, result.output);
    assert.equal(server.requests.length, 1);
    const { params, verified } = server.requests[0];
    assert.equal(verified, true);
    assert.equal(params.SignName, 'Env Sign');
    assert.equal(params.TemplateCode, 'SMS_ENV_1');
    assert.equal(params.PhoneNumbers, '8613000001111');
    assert.equal(params.RegionId, 'cn-shanghai');
    assert.match(result.stdout, /Code=OK/);
    assert.ok(!result.output.includes(SECRET));
  });

  test('with credentials: exits with the CLI status on failure', async () => {
    const secret = `wrong-${randomUUID()}`;
    const result = await run(START, [], {
      env: cleanEnv({
        ALIYUN_ACCESS_KEY_ID: KEY_ID,
        ALIYUN_ACCESS_KEY_SECRET: secret,
        ALIYUN_SIGN_NAME: 'Env Sign',
        ALIYUN_TEMPLATE_CODE: 'SMS_ENV_1',
        ALIYUN_PHONE: '13000001111',
        ALIYUN_ENDPOINT: server.url,
      }),
    });
    assert.equal(result.status, 1, result.output);
    assert.match(result.stderr, /SignatureDoesNotMatch/);
    assert.ok(!result.output.includes(secret));
  });

  test('incomplete credentials are a usage error (exit 2), nothing sent', async () => {
    for (const extra of [
      { ALIYUN_ACCESS_KEY_ID: KEY_ID },
      { ALIYUN_ACCESS_KEY_ID: KEY_ID, ALIYUN_ACCESS_KEY_SECRET: SECRET, ALIYUN_ENDPOINT: server.url },
    ]) {
      const result = await run(START, [], { env: cleanEnv(extra) });
      assert.equal(result.status, 2, result.output);
      assert.ok(!result.output.includes(SECRET));
    }
    assert.equal(server.requests.length, 0);
  });
});
