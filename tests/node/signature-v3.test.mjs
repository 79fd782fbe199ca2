// Signature V3 and STS credentials end to end: the package signs, the loopback server verifies on
// its own (tests/support/aliyun-server.mjs: its own canonical request and HMAC-SHA256).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import createConnector from '../../pkg/lib/index.js';
import { startAliyunServer } from '../support/aliyun-server.mjs';
import { configFor } from '../support/harness.mjs';

const KEY_ID = 'LTAI-v3-test';
const SECRET = 'v3-secret-7a1c0e9d4b';
const STS_KEY_ID = 'STS.temporary-key';
const STS_SECRET = 'sts-secret-5f2e8c1a';
const TOKEN = 'CAIS-sts-token/with+symbols==';

const config = (server, extra = {}) =>
  configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto' }, extra);

const message = (to = '+86 130-1234-5678', type = 'SignIn') => ({
  to,
  type,
  payload: { code: '246810', locale: 'en', uiLocales: 'en', user: { id: 'u1' } },
});

let server;
let connector;
before(async () => {
  server = await startAliyunServer({
    credentials: { [KEY_ID]: SECRET, [STS_KEY_ID]: STS_SECRET },
    securityTokens: { [STS_KEY_ID]: TOKEN },
  });
  connector = await createConnector({ getConfig: async () => config(server) });
});
after(() => server.close());

const last = () => server.requests.at(-1);

describe('signature V3 (ACS3-HMAC-SHA256)', () => {
  test('a V3 send is verified by the server, parameters in the query, empty body', async () => {
    const result = await connector.sendMessage(message('+1 862-401-7194', 'Register'), config(server, { signatureVersion: 'v3' }));
    assert.equal(result.Code, 'OK');
    const record = last();
    assert.equal(record.signatureVersion, 'v3');
    assert.equal(record.verified, true);
    assert.equal(record.rawBody, '');
    assert.equal(record.params.PhoneNumbers, '18624017194');
    assert.equal(record.params.TemplateCode, 'SMS_REG_INT');
    assert.equal(record.params.TemplateParam, '{"code":"246810"}');
    assert.equal(record.params.SignName, 'Logto');
    assert.match(record.headers.authorization, /^ACS3-HMAC-SHA256 Credential=LTAI-v3-test,SignedHeaders=host;x-acs-action;/);
    assert.equal(record.headers['x-acs-action'], 'SendSms');
    assert.equal(record.headers['x-acs-version'], '2017-05-25');
    assert.equal(record.headers['x-acs-security-token'], undefined);
  });

  test('a wrong secret under V3 is SignatureDoesNotMatch -> invalid_config', async () => {
    await assert.rejects(
      connector.sendMessage(message(), config(server, { signatureVersion: 'v3', accessKeySecret: 'not-the-secret' })),
      (error) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.code, 'invalid_config');
        assert.equal(error.data.Code, 'SignatureDoesNotMatch');
        return true;
      },
    );
    assert.equal(last().verified, false);
  });

  test("V3 sends no unsigned content-type: every header but the runtime's own is in SignedHeaders", async () => {
    const result = await connector.sendMessage(message(), config(server, { signatureVersion: 'v3' }));
    assert.equal(result.Code, 'OK');
    const record = last();
    assert.equal(record.signatureVersion, 'v3');
    assert.equal(record.unsignedHeader, undefined, `sent unsigned: ${record.unsignedHeader}`);
    const signed = /SignedHeaders=([^,]+)/.exec(record.headers.authorization)?.[1].split(';') ?? [];
    if (record.headers['content-type'] !== undefined) {
      assert.ok(signed.includes('content-type'), `content-type ${record.headers['content-type']} is sent but not signed (${signed.join(';')})`);
    }
    assert.equal(record.verified, true);
  });

  test('the server refuses a V3 request that carries an unsigned content-type', async () => {
    // The server side of the check above: a correctly signed request plus one unsigned header.
    const before = server.requests.length;
    const original = globalThis.fetch;
    globalThis.fetch = (url, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('content-type', 'application/x-www-form-urlencoded');
      return original(url, { ...init, headers, body: init.body ?? '' });
    };
    try {
      await assert.rejects(connector.sendMessage(message(), config(server, { signatureVersion: 'v3' })), (error) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.code, 'general');
        assert.equal(error.data.Code, 'InvalidSignedHeaders');
        assert.match(error.data.errorDescription, /content-type/);
        return true;
      });
    } finally {
      globalThis.fetch = original;
    }
    assert.equal(server.requests.length, before + 1);
    assert.equal(last().unsignedHeader, 'content-type');
  });

  test('V1 stays the default and is unchanged', async () => {
    await connector.sendMessage(message());
    assert.equal(last().signatureVersion, 'v1');
    assert.equal(last().verified, true);
    assert.equal(last().params.SignatureMethod, 'HMAC-SHA1');
  });

  test('100 concurrent V3 sends: all verified, distinct nonces', async () => {
    const before = server.requests.length;
    const results = await Promise.all(
      Array.from({ length: 100 }, () => connector.sendMessage(message(), config(server, { signatureVersion: 'v3' }))),
    );
    assert.ok(results.every((r) => r.Code === 'OK'));
    const records = server.requests.slice(before);
    assert.equal(records.length, 100);
    assert.ok(records.every((r) => r.verified));
    assert.equal(new Set(records.map((r) => r.nonce)).size, 100);
  });
});

describe('STS temporary credentials (securityToken)', () => {
  for (const signatureVersion of ['v1', 'v3']) {
    test(`${signatureVersion}: the token is sent, covered by the signature, and accepted`, async () => {
      const sts = config(server, { accessKeyId: STS_KEY_ID, accessKeySecret: STS_SECRET, securityToken: TOKEN, signatureVersion });
      const result = await connector.sendMessage(message(), sts);
      assert.equal(result.Code, 'OK');
      const record = last();
      assert.equal(record.verified, true);
      if (signatureVersion === 'v1') {
        assert.equal(record.params.SecurityToken, TOKEN);
      } else {
        assert.equal(record.headers['x-acs-security-token'], TOKEN);
        assert.match(record.headers.authorization, /x-acs-security-token/);
      }
    });

    test(`${signatureVersion}: without the token, temporary credentials are refused -> general`, async () => {
      const sts = config(server, { accessKeyId: STS_KEY_ID, accessKeySecret: STS_SECRET, signatureVersion });
      await assert.rejects(connector.sendMessage(message(), sts), (error) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.code, 'general');
        assert.equal(error.data.Code, 'MissingSecurityToken');
        assert.match(error.data.errorDescription, /MissingSecurityToken/);
        return true;
      });
    });

    test(`${signatureVersion}: a wrong token is refused and never echoed in the error`, async () => {
      const wrongToken = 'CAIS-wrong-token-value';
      const sts = config(server, {
        accessKeyId: STS_KEY_ID,
        accessKeySecret: STS_SECRET,
        securityToken: wrongToken,
        signatureVersion,
      });
      await assert.rejects(connector.sendMessage(message(), sts), (error) => {
        assert.ok(error instanceof ConnectorError);
        // InvalidSecurityToken.* is the config's token: invalid_config (data/send-sms-errors.json).
        assert.equal(error.code, 'invalid_config');
        assert.equal(error.data.Code, 'InvalidSecurityToken.MismatchWithAccessKey');
        const text = `${error.message} ${error.stack} ${JSON.stringify(error.data)}`;
        assert.ok(!text.includes(wrongToken), `the token is echoed: ${text}`);
        assert.ok(!text.includes(STS_SECRET));
        return true;
      });
      // The server did echo it, so the check above is one that can fail.
      assert.ok(last().outcome.message.includes(wrongToken), last().outcome.message);
    });
  }

  test('the token is validated like a credential and kept out of errors', () => {
    const bad = connector.configGuard.safeParse(config(server, { securityToken: 42 }));
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error.issues.map((i) => i.path), [['securityToken']]);
    const good = connector.configGuard.safeParse(config(server, { securityToken: TOKEN, signatureVersion: 'v3' }));
    assert.equal(good.data.securityToken, TOKEN);
    assert.equal(good.data.signatureVersion, 'v3');
    const wrong = connector.configGuard.safeParse(config(server, { signatureVersion: 'v2' }));
    assert.deepEqual(wrong.error.issues.map((i) => i.path), [['signatureVersion']]);
  });
});

describe('international site', () => {
  test('endpoint and regionId for ap-southeast-1 are accepted and kept', () => {
    const parsed = connector.configGuard.parse({
      ...config(server),
      endpoint: 'https://dysmsapi.ap-southeast-1.aliyuncs.com',
      regionId: 'ap-southeast-1',
    });
    assert.equal(parsed.endpoint, 'https://dysmsapi.ap-southeast-1.aliyuncs.com/');
    assert.equal(parsed.regionId, 'ap-southeast-1');
  });

  test('regionId is sent as RegionId (V1) and the signature covers it', async () => {
    await connector.sendMessage(message(), config(server, { regionId: 'ap-southeast-1' }));
    assert.equal(last().params.RegionId, 'ap-southeast-1');
    assert.equal(last().verified, true);
  });

  test('plain http to the international host is refused', () => {
    const result = connector.configGuard.safeParse({
      ...config(server),
      endpoint: 'http://dysmsapi.ap-southeast-1.aliyuncs.com/',
    });
    assert.equal(result.success, false);
    assert.deepEqual(result.error.issues.map((i) => i.path), [['endpoint']]);
  });
});
