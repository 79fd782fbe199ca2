// The happy path over loopback HTTP: the built package signs a SendSms request that an independent
// Aliyun-compatible server verifies, with exactly the parameters Aliyun expects.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';

import createConnector, * as pkg from '../../pkg/lib/index.js';
import { startAliyunServer } from '../support/aliyun-server.mjs';
import { SEND_SMS_V1_PARAMETERS } from '../support/fixtures.mjs';
import { configFor } from '../support/harness.mjs';

const KEY_ID = 'LTAI-send-test';
const SECRET = `send-secret-${randomUUID()}`;
const UUID_V4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

let server;

const makeConfig = (overrides) =>
  configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto Test' }, overrides);

const notCalled = async () => {
  throw new Error('getConfig must not be called when a config is passed');
};

/** Sends one message and returns [result, what the server received]. */
async function send(data, config = makeConfig()) {
  const connector = await createConnector({ getConfig: notCalled });
  const count = server.requests.length;
  const result = await connector.sendMessage(data, config);
  assert.equal(server.requests.length, count + 1, 'exactly one request reaches the server');
  const received = server.requests.at(-1);
  assert.equal(received.verified, true, `server-side signature check: ${received.outcome?.code}`);
  return [result, received];
}

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET, 'other-id': 'other-secret' } });
});
after(() => server.close());
beforeEach(() => server.reset());

describe('sendMessage happy path', () => {
  test('resolves with what Aliyun answered, and the server verified the signature', async () => {
    const [result, received] = await send({
      to: '+86 130-1234-5678',
      type: 'SignIn',
      payload: { code: '123456', locale: 'en', uiLocales: 'en zh-CN' },
    });
    assert.deepEqual(Object.keys(result).sort(), ['BizId', 'Code', 'Message', 'RequestId']);
    assert.equal(result.Code, 'OK');
    assert.equal(result.Message, 'OK');
    assert.equal(result.RequestId, received.requestId);
    assert.equal(typeof result.BizId, 'string');
    assert.ok(result.BizId.length > 0);

    assert.equal(received.method, 'POST');
    assert.equal(received.path, '/');
    assert.equal(received.contentType, 'application/x-www-form-urlencoded');
    assert.equal(received.outcome.code, 'OK');
    assert.equal(received.bodyIsCanonical, true, `body is sorted and RFC 3986-encoded: ${received.rawBody}`);
    assert.ok(received.rawBody.endsWith(`&Signature=${encodeURIComponent(received.params.Signature)}`));
  });

  test('sends exactly the SendSms parameters with the right values', async () => {
    const startedAt = Date.now();
    const [, { params }] = await send({ to: '+86 130 1234 5678', type: 'SignIn', payload: { code: '123456' } });
    const endedAt = Date.now();
    assert.deepEqual(Object.keys(params).sort(), SEND_SMS_V1_PARAMETERS);
    assert.equal(params.Action, 'SendSms');
    assert.equal(params.Version, '2017-05-25');
    assert.equal(params.Format, 'JSON');
    assert.equal(params.RegionId, 'cn-hangzhou');
    assert.equal(params.SignatureMethod, 'HMAC-SHA1');
    assert.equal(params.SignatureVersion, '1.0');
    assert.match(params.SignatureNonce, UUID_V4);
    assert.equal(params.AccessKeyId, KEY_ID);
    assert.equal(params.PhoneNumbers, '8613012345678');
    assert.equal(params.SignName, 'Logto Test');
    assert.equal(params.TemplateCode, 'SMS_SIGNIN');
    assert.equal(params.TemplateParam, '{"code":"123456"}');
    assert.match(params.Timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const sent = Date.parse(params.Timestamp);
    // Whole seconds, UTC: between the second before the call and the end of the call.
    assert.ok(sent >= Math.floor(startedAt / 1000) * 1000 && sent <= endedAt, `${params.Timestamp}`);
    assert.match(params.Signature, /^[A-Za-z\d+/]{27}=$/, 'base64 of a 20-byte HMAC-SHA1');
    assert.ok(!JSON.stringify(params).includes(SECRET));
  });

  test('every send uses a fresh nonce', async () => {
    const nonces = new Set();
    for (let i = 0; i < 5; i += 1) {
      const [, { params }] = await send({ to: '13012345678', type: 'SignIn', payload: { code: String(i) } });
      nonces.add(params.SignatureNonce);
    }
    assert.equal(nonces.size, 5);
  });

  test('TemplateParam keeps only string values, drops locale keys and objects, sorts keys', async () => {
    const [, { params }] = await send({
      to: '13012345678',
      type: 'SignIn',
      payload: {
        zeta: 'last',
        code: '654321',
        locale: 'zh-CN',
        uiLocales: 'zh-CN en',
        application: { name: 'App', id: 'app-1' },
        user: { id: 'u1', primaryPhone: '13012345678' },
        organization: null,
        count: 3,
        flag: true,
        list: ['a'],
        alpha: 'first',
      },
    });
    assert.equal(params.TemplateParam, '{"alpha":"first","code":"654321","zeta":"last"}');
    assert.deepEqual(JSON.parse(params.TemplateParam), { alpha: 'first', code: '654321', zeta: 'last' });
  });

  test('TemplateParam survives quotes, backslashes, unicode and reserved characters', async () => {
    const code = `a"b\\c 中文 !*'() &=+%~`;
    const [, { params }] = await send({ to: '13012345678', type: 'SignIn', payload: { code } });
    assert.deepEqual(JSON.parse(params.TemplateParam), { code });
  });

  test('no payload sends an empty TemplateParam object', async () => {
    const [, { params }] = await send({ to: '13012345678', type: 'SignIn' });
    assert.equal(params.TemplateParam, '{}');
  });

  test('PhoneNumbers is digits only', async () => {
    for (const [to, digits] of [
      ['+86 130-1234-5678', '8613012345678'],
      ['008613012345678', '8613012345678'],
      ['13012345678', '13012345678'],
      ['+1 (862) 401-7194', '18624017194'],
      ['+852 9123 4567', '85291234567'],
      ['  12345 ', '12345'],
      ['123456789012345', '123456789012345'],
    ]) {
      const [, { params }] = await send({ to, type: 'SignIn', payload: { code: '1' } });
      assert.equal(params.PhoneNumbers, digits, to);
    }
  });

  test('template choice: usage type, then region for { china, overseas } codes', async () => {
    const cases = [
      // [type, to, strict, expected TemplateCode]
      ['SignIn', '13012345678', false, 'SMS_SIGNIN'],
      ['ForgotPassword', '13012345678', false, 'SMS_FORGOT'],
      ['Generic', '13012345678', false, 'SMS_GENERIC'],
      ['Register', '13012345678', false, 'SMS_REG_CN'],
      ['Register', '8613012345678', false, 'SMS_REG_CN'],
      ['Register', '+86 130 1234 5678', false, 'SMS_REG_CN'],
      ['Register', '008613012345678', false, 'SMS_REG_CN'],
      ['Register', '+1 862-401-7194', false, 'SMS_REG_INT'],
      ['Register', '+852 9123 4567', false, 'SMS_REG_INT'],
      // Strict: a bare 1xxxxxxxxxx is not known to be Chinese.
      ['Register', '13012345678', true, 'SMS_REG_INT'],
      ['Register', '18624017194', true, 'SMS_REG_INT'],
      ['Register', '+8613012345678', true, 'SMS_REG_CN'],
      ['Register', '8613012345678', true, 'SMS_REG_CN'],
      ['Register', '+1 862-401-7194', true, 'SMS_REG_INT'],
      // A single code ignores the region.
      ['SignIn', '+1 862-401-7194', true, 'SMS_SIGNIN'],
    ];
    for (const [type, to, strict, expected] of cases) {
      const [, { params }] = await send(
        { to, type, payload: { code: '1' } },
        makeConfig({ strictPhoneRegionNumberCheck: strict }),
      );
      assert.equal(params.TemplateCode, expected, `${type} ${to} strict=${strict}`);
    }
  });

  test('usage types without a template, and a missing type, use the Generic template', async () => {
    for (const type of ['MfaVerification', 'BindNewIdentifier', 'OrganizationInvitation', 'SomethingNew', undefined]) {
      const data = { to: '13012345678', payload: { code: '1' } };
      if (type !== undefined) data.type = type;
      const [, { params }] = await send(data);
      assert.equal(params.TemplateCode, 'SMS_GENERIC', String(type));
    }
  });

  test('the first template of a usage type wins', async () => {
    const config = makeConfig();
    config.templates = [{ usageType: 'SignIn', templateCode: 'SMS_FIRST' }, ...config.templates];
    const [, { params }] = await send({ to: '13012345678', type: 'SignIn', payload: { code: '1' } }, config);
    assert.equal(params.TemplateCode, 'SMS_FIRST');
  });

  test('regionId, a non-ASCII sign name and an endpoint path reach the server', async () => {
    const [, received] = await send(
      { to: '13012345678', type: 'SignIn', payload: { code: '1' } },
      makeConfig({ regionId: 'ap-southeast-1', signName: '阿里云短信测试', endpoint: `${server.url}sms/api/` }),
    );
    assert.equal(received.path, '/sms/api/');
    assert.equal(received.params.RegionId, 'ap-southeast-1');
    assert.equal(received.params.SignName, '阿里云短信测试');
    assert.equal(received.bodyIsCanonical, true);
  });

  test('another access key pair signs with its own secret', async () => {
    const [, received] = await send(
      { to: '13012345678', type: 'SignIn', payload: { code: '1' } },
      makeConfig({ accessKeyId: 'other-id', accessKeySecret: 'other-secret' }),
    );
    assert.equal(received.params.AccessKeyId, 'other-id');
  });

  test('data fields sent as undefined or extra keys are tolerated', async () => {
    const [, { params }] = await send({ to: '13012345678', type: 'SignIn', payload: { code: '1', x: undefined }, extra: 1 });
    assert.equal(params.TemplateParam, '{"code":"1"}');
  });

  test('concurrent sends each verify', async () => {
    const connector = await createConnector({ getConfig: notCalled });
    const config = makeConfig();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        connector.sendMessage({ to: '13012345678', type: 'SignIn', payload: { code: String(i) } }, config),
      ),
    );
    assert.equal(results.length, 8);
    assert.ok(results.every((r) => r.Code === 'OK'));
    assert.equal(server.requests.length, 8);
    assert.ok(server.requests.every((r) => r.verified));
    assert.equal(new Set(server.requests.map((r) => r.params.SignatureNonce)).size, 8);
  });
});

describe('getConfig', () => {
  test('is called with the metadata id when sendMessage gets no config', async () => {
    const calls = [];
    const connector = await createConnector({
      getConfig: async (id) => {
        calls.push(id);
        return makeConfig();
      },
    });
    const result = await connector.sendMessage({ to: '13012345678', type: 'SignIn', payload: { code: '777777' } });
    assert.equal(result.Code, 'OK');
    assert.deepEqual(calls, ['aliyun-short-message-service']);
    assert.equal(server.requests.at(-1).params.TemplateParam, '{"code":"777777"}');
    assert.equal(server.requests.at(-1).verified, true);
  });

  test('is read for every send, so config changes apply at once', async () => {
    let signName = 'First';
    const connector = await createConnector({ getConfig: async () => makeConfig({ signName }) });
    await connector.sendMessage({ to: '13012345678', type: 'SignIn', payload: { code: '1' } });
    signName = 'Second';
    await connector.sendMessage({ to: '13012345678', type: 'SignIn', payload: { code: '1' } });
    assert.deepEqual(
      server.requests.map((r) => r.params.SignName),
      ['First', 'Second'],
    );
  });

  test('is not called when a config is passed', async () => {
    const [result] = await send({ to: '13012345678', type: 'SignIn', payload: { code: '1' } });
    assert.equal(result.Code, 'OK');
  });

  test("a getConfig failure rejects sendMessage with getConfig's own error, unchanged", async () => {
    // README: an error thrown by Logto's getConfig passes through unchanged (as in the official connector).
    const original = new Error('config store unavailable');
    const connector = await createConnector({
      getConfig: async () => {
        throw original;
      },
    });
    await assert.rejects(connector.sendMessage({ to: '13012345678', type: 'SignIn', payload: { code: '1' } }), (error) => {
      assert.equal(error, original);
      assert.equal(error.message, 'config store unavailable');
      return true;
    });
    assert.equal(server.requests.length, 0);
  });
});

describe('connector shape', () => {
  test('createConnector returns what Logto expects', async () => {
    const connector = await createConnector({ getConfig: notCalled });
    assert.equal(connector.type, 'Sms');
    assert.equal(connector.metadata, pkg.metadata);
    assert.equal(connector.configGuard, pkg.configGuard);
    assert.equal(typeof connector.sendMessage, 'function');
    assert.equal(pkg.createConnector, createConnector);
    assert.equal(pkg.metadata.id, 'aliyun-short-message-service');
    assert.equal(pkg.metadata.target, 'aliyun-sms');
    assert.equal(pkg.metadata.platform, null);
    for (const key of ['accessKeyId', 'accessKeySecret', 'signName', 'templates', 'strictPhoneRegionNumberCheck']) {
      assert.ok(
        pkg.metadata.formItems.some((item) => item.key === key),
        `formItems has ${key}`,
      );
    }
    assert.equal(typeof pkg.getSignature, 'function');
    assert.equal(typeof pkg.isChinaNumber, 'function');
  });
});
