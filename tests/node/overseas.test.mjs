// The overseas route over the built package (pkg/): two independent loopback servers, one per
// account. The mainland one knows only the mainland account and serves SendSms; the international
// one knows only its own account and serves SendMessageToGlobe and SendSms. Each verifies every
// signature (V1 and V3) with its own account's secret, so a request signed for the wrong account,
// or sent to the wrong site, cannot pass.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';

import { canonicalQuery, GLOBE_API, rfc3986, sign, startAliyunServer } from '../support/aliyun-server.mjs';
import { configFor, errorTexts, expectConnectorError, loadConnector } from '../support/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ERROR_ROWS = JSON.parse(readFileSync(path.join(root, 'data', 'send-message-to-globe-errors.json'), 'utf8'));

const CN = { accessKeyId: 'LTAI-mainland-account', accessKeySecret: `cn-secret-${randomUUID()}` };
const INTL = { accessKeyId: 'LTAI-intl-account', accessKeySecret: `intl-secret-${randomUUID()}` };
const SENDER_ID = 'Logto';

let mainland;
let intl;
let connector;

before(async () => {
  mainland = await startAliyunServer({ credentials: { [CN.accessKeyId]: CN.accessKeySecret } });
  intl = await startAliyunServer({
    credentials: { [INTL.accessKeyId]: INTL.accessKeySecret },
    actions: ['SendSms', GLOBE_API.action],
    senderIds: [SENDER_ID, '12345'],
    signNames: ['IntlSign'],
  });
  connector = await loadConnector();
});
after(async () => {
  await mainland.close();
  await intl.close();
});
beforeEach(() => {
  mainland.reset();
  intl.reset();
});

/** The route to the international server with its own account. */
const route = (overrides = {}) => ({
  ...INTL,
  endpoint: intl.url,
  from: SENDER_ID,
  message: { Generic: 'Your code is {{code}}', SignIn: 'Hi {{name}}, sign in with {{code}}' },
  ...overrides,
});

/** A mainland config (its endpoint the mainland server) with `overseas` and other overrides. */
const config = (overrides = {}) =>
  configFor({ url: mainland.url, ...CN, signName: 'CnSign' }, { overseas: route(), ...overrides });

const message = (to, type = 'Register', payload = { code: '123456', name: 'Ada' }) => ({ to, type, payload });

const send = (to, cfg = config(), type = 'Register', payload) => connector.sendMessage(message(to, type, payload), cfg);

// ---------------------------------------------------------------------------------------------

describe('the international loopback server itself (hand-built requests)', () => {
  const globeParams = (overrides = {}) => {
    const p = {
      AccessKeyId: INTL.accessKeyId,
      Action: 'SendMessageToGlobe',
      Format: 'JSON',
      Message: 'Your code is 1',
      RegionId: 'ap-southeast-1',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      To: '85291234567',
      Version: '2018-05-01',
      ...overrides,
    };
    for (const [key, value] of Object.entries(p)) if (value === undefined) delete p[key];
    return p;
  };
  const post = async (server, p, secret = INTL.accessKeySecret) => {
    const body = `${canonicalQuery(p)}&Signature=${rfc3986(sign('POST', p, secret))}`;
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    return { status: response.status, json: await response.json() };
  };

  test('answers OK with the SendMessageToGlobe fields, and its own checks in that envelope', async () => {
    const ok = await post(intl, globeParams({ From: SENDER_ID }));
    assert.equal(ok.status, 200);
    assert.equal(ok.json.ResponseCode, 'OK');
    assert.equal(ok.json.To, '85291234567');
    assert.equal(ok.json.From, SENDER_ID);
    assert.equal(ok.json.Segments, '1');
    assert.equal(ok.json.Code, undefined);
    const cases = [
      [{ To: undefined }, 400, 'Code', 'MissingTo'],
      [{ Message: undefined }, 400, 'Code', 'MissingMessage'],
      [{ Version: '2017-05-25' }, 400, 'Code', 'InvalidVersion'],
      [{ To: '+85291234567' }, 200, 'ResponseCode', 'MOBILE_NUMBER_ILLEGAL'],
      [{ To: '8613012345678' }, 200, 'ResponseCode', 'COUNTRY_RESTRICTED'],
      [{ From: 'Unknown' }, 200, 'ResponseCode', 'INVALID_SENDERID'],
    ];
    for (const [patch, status, field, code] of cases) {
      const { status: got, json } = await post(intl, globeParams(patch));
      assert.equal(got, status, JSON.stringify(patch));
      assert.equal(json[field], code, JSON.stringify(patch));
    }
    // Signed with the other account's secret: rejected.
    assert.equal((await post(intl, globeParams(), CN.accessKeySecret)).json.Code, 'SignatureDoesNotMatch');
    // A mainland-only instance does not serve the action at all.
    const { status, json } = await post(mainland, globeParams({ AccessKeyId: CN.accessKeyId }), CN.accessKeySecret);
    assert.equal(status, 404);
    assert.equal(json.Code, 'InvalidAction.NotFound');
  });
});

describe('two accounts, two servers', () => {
  test('mainland numbers go to the mainland account, the rest to the international one', async () => {
    const mainlandNumbers = ['+86 130 1234 5678', '8613912345678', '13012345678'];
    const overseasNumbers = ['+1 862 401 7194', '+852 9123 4567', '+44 7700 900123'];
    for (const to of [...mainlandNumbers, ...overseasNumbers]) await send(to);

    assert.equal(mainland.requests.length, mainlandNumbers.length);
    for (const record of mainland.requests) {
      assert.equal(record.verified, true);
      assert.equal(record.accessKeyId, CN.accessKeyId);
      assert.equal(record.action, 'SendSms');
      assert.equal(record.params.TemplateCode, 'SMS_REG_CN');
      assert.equal(record.params.SignName, 'CnSign');
      assert.equal(record.params.RegionId, 'cn-hangzhou');
    }
    assert.deepEqual(
      mainland.requests.map((r) => r.params.PhoneNumbers),
      ['8613012345678', '8613912345678', '13012345678'],
    );

    assert.equal(intl.requests.length, overseasNumbers.length);
    for (const record of intl.requests) {
      assert.equal(record.verified, true);
      assert.equal(record.accessKeyId, INTL.accessKeyId);
      assert.equal(record.action, 'SendMessageToGlobe');
      assert.equal(record.params.Version, '2018-05-01');
      assert.equal(record.params.RegionId, 'ap-southeast-1');
      assert.equal(record.params.Message, 'Your code is 123456');
      assert.equal(record.params.From, SENDER_ID);
      assert.equal(record.outcome.code, 'OK');
      for (const key of ['PhoneNumbers', 'SignName', 'TemplateCode', 'TemplateParam']) assert.equal(record.params[key], undefined, key);
    }
    assert.deepEqual(
      intl.requests.map((r) => r.params.To),
      ['18624017194', '85291234567', '447700900123'],
    );
  });

  test('each server rejects the other account: the signatures are really checked per account', async () => {
    // The mainland site does not offer SendMessageToGlobe.
    const wrongSite = config({ overseas: route({ endpoint: mainland.url }) });
    const notHere = await expectConnectorError(send('+852 9123 4567', wrongSite), 'general');
    assert.equal(notHere.error.data.Code, 'InvalidAction.NotFound');
    assert.equal(notHere.error.data.route, 'overseas');
    // SendSms to the mainland server with the international key: that server does not know it.
    const wrongAccount = config({ overseas: route({ endpoint: mainland.url, api: 'SendSms' }) });
    const { error } = await expectConnectorError(send('+852 9123 4567', wrongAccount), 'invalid_config');
    assert.equal(error.data.Code, 'InvalidAccessKeyId.NotFound');
    assert.equal(error.data.api, 'SendSms');
    assert.equal(mainland.requests.length, 2);
    assert.equal(mainland.requests[1].verified, false);
    assert.equal(mainland.requests[1].accessKeyId, undefined);
    assert.equal(mainland.requests[1].params.AccessKeyId, INTL.accessKeyId);
    // The right key id with the other account's secret.
    const wrongSecret = config({ overseas: route({ accessKeySecret: CN.accessKeySecret }) });
    const failed = await expectConnectorError(send('+852 9123 4567', wrongSecret), 'invalid_config');
    assert.equal(failed.error.data.Code, 'SignatureDoesNotMatch');
    assert.equal(intl.requests.at(-1).verified, false);
  });
});

describe('routing', () => {
  const cases = [
    // to, strict off, strict on
    ['+86 130 1234 5678', 'mainland', 'mainland'],
    ['0086 130 1234 5678', 'mainland', 'mainland'],
    ['8613012345678', 'mainland', 'mainland'],
    // A bare 11-digit 1xx number is mainland unless the strict switch demands a country code.
    ['13012345678', 'mainland', 'overseas'],
    ['+1 862 401 7194', 'overseas', 'overseas'],
    ['+852 9123 4567', 'overseas', 'overseas'],
    ['00852 9123 4567', 'overseas', 'overseas'],
    ['+44 7700 900123', 'overseas', 'overseas'],
    ['+44 (0) 20 7946 0958', 'overseas', 'overseas'],
  ];
  for (const strict of [false, true]) {
    test(`strict ${strict ? 'on' : 'off'}: the template's mainland rule picks the route`, async () => {
      const cfg = config({ strictPhoneRegionNumberCheck: strict });
      for (const [to, off, on] of cases) {
        const expected = strict ? on : off;
        mainland.reset();
        intl.reset();
        const result = await send(to, cfg);
        assert.equal(result.route, expected, `${to} strict=${strict}`);
        assert.equal(result.api, expected === 'mainland' ? 'SendSms' : 'SendMessageToGlobe');
        assert.equal(mainland.requests.length, expected === 'mainland' ? 1 : 0, to);
        assert.equal(intl.requests.length, expected === 'overseas' ? 1 : 0, to);
        const [record] = expected === 'mainland' ? mainland.requests : intl.requests;
        assert.equal(record.verified, true, to);
        const digits = to.replace(/^(\+|00)/, '').replace(/[^\d]/g, '');
        assert.equal(expected === 'mainland' ? record.params.PhoneNumbers : record.params.To, digits, to);
      }
    });
  }

  test('the same rule as the template choice: without a route, the overseas code goes where the route would', async () => {
    for (const strict of [false, true]) {
      for (const [to, off, on] of cases) {
        mainland.reset();
        await send(to, config({ strictPhoneRegionNumberCheck: strict, overseas: null }));
        const code = mainland.requests[0].params.TemplateCode;
        assert.equal(code, (strict ? on : off) === 'mainland' ? 'SMS_REG_CN' : 'SMS_REG_INT', `${to} strict=${strict}`);
      }
    }
  });

  test('no route, null, {} or only empty values: every number on the top-level settings, results unchanged', async () => {
    const noRoutes = [undefined, null, {}, '', { accessKeyId: '', message: '', from: null }, { message: { Generic: '' } }];
    for (const overseas of noRoutes) {
      mainland.reset();
      const cfg = config({ overseas });
      if (overseas === undefined) delete cfg.overseas;
      const result = await send('+852 9123 4567', cfg);
      assert.equal(intl.requests.length, 0, JSON.stringify(overseas));
      assert.equal(mainland.requests.length, 1);
      assert.equal(mainland.requests[0].params.TemplateCode, 'SMS_REG_INT');
      assert.deepEqual(Object.keys(result).sort(), ['BizId', 'Code', 'Message', 'RequestId'], JSON.stringify(overseas));
      const parsed = connector.configGuard.safeParse(cfg);
      assert.equal(parsed.success, true);
      assert.equal('overseas' in parsed.data, false);
    }
  });
});

describe('SendMessageToGlobe', () => {
  test('resolves with the parsed answer, route and api', async () => {
    const result = await send('+852 9123 4567');
    const [record] = intl.requests;
    assert.equal(result.ResponseCode, 'OK');
    assert.equal(result.RequestId, record.requestId);
    assert.match(result.MessageId, /^\d+$/);
    assert.equal(result.Segments, '1');
    assert.equal(result.To, '85291234567');
    assert.equal(result.From, SENDER_ID);
    assert.equal(result.NumberDetail.Country, 'Hong Kong, China');
    assert.equal(result.route, 'overseas');
    assert.equal(result.api, 'SendMessageToGlobe');
  });

  test('From and Message: placeholders from the payload, text per usage type, no From when unset', async () => {
    await send('+1 862 401 7194', config(), 'SignIn', { code: '987654', name: 'Grace', locale: 'en' });
    assert.equal(intl.requests[0].params.Message, 'Hi Grace, sign in with 987654');
    assert.equal(intl.requests[0].params.From, SENDER_ID);
    // Other usage types take Generic.
    await send('+1 862 401 7194', config(), 'MfaVerification', { code: '111222' });
    assert.equal(intl.requests[1].params.Message, 'Your code is 111222');
    // One text for all, spaces inside braces, a numeric sender ID, values inserted as they are.
    await send(
      '+44 7700 900123',
      config({ overseas: route({ from: '12345', message: '{{ code }} · {{link}} · 验证码 {{code}} 🔐' }) }),
      'SignIn',
      { code: '42&=+%', link: 'https://example.com/a?b=c d' },
    );
    assert.equal(intl.requests[2].params.Message, '42&=+% · https://example.com/a?b=c d · 验证码 42&=+% 🔐');
    assert.equal(intl.requests[2].params.From, '12345');
    assert.equal(intl.requests[2].verified, true);
    // No sender ID: no From parameter at all.
    await send('+44 7700 900123', config({ overseas: route({ from: '' }) }));
    assert.equal('From' in intl.requests[3].params, false);
    assert.equal(intl.requests[3].verified, true);
  });

  test('a placeholder the payload lacks fails with invalid_request_parameters and sends nothing', async () => {
    const cfg = config({ overseas: route({ message: 'Hi {{name}}, {{code}}' }) });
    for (const payload of [{ code: '1' }, { code: '1', name: 7 }, { code: '1', name: { first: 'Ada' } }, undefined]) {
      const { error } = await expectConnectorError(
        connector.sendMessage({ to: '+852 9123 4567', type: 'SignIn', payload }, cfg),
        'invalid_request_parameters',
      );
      assert.match(error.data.errorDescription, /\{\{(name|code)\}\}/);
      assert.equal(error.data.route, 'overseas');
      assert.equal(error.data.api, 'SendMessageToGlobe');
    }
    assert.equal(intl.requests.length, 0);
    assert.equal(mainland.requests.length, 0);
    // Mainland numbers do not use the text.
    await send('13012345678', cfg, 'SignIn', { code: '1' });
    assert.equal(mainland.requests.length, 1);
  });

  test('an unapproved sender ID is invalid_config (checked by the server)', async () => {
    const { error } = await expectConnectorError(send('+852 9123 4567', config({ overseas: route({ from: 'Other' }) })), 'invalid_config');
    assert.equal(error.data.Code, 'INVALID_SENDERID');
    assert.equal(error.data.RequestId, intl.requests[0].requestId);
    assert.equal(intl.requests[0].verified, true);
  });

  describe('every mapped error', () => {
    for (const row of ERROR_ROWS) {
      const code = row.match === 'prefix' ? `${row.code}.Sample` : row.code;
      for (const status of [200, 400]) {
        test(`${code} (HTTP ${status}) → ${row.class}`, async () => {
          intl.respondNext({ aliyunError: code, status, message: `simulated ${code}` });
          const { error } = await expectConnectorError(send('+44 7700 900123'), row.class);
          const [record] = intl.requests;
          assert.equal(record.verified, true);
          assert.equal(error.data.Code, code);
          assert.equal(error.data.RequestId, record.requestId);
          assert.equal(error.data.status, status);
          assert.equal(error.data.route, 'overseas');
          assert.equal(error.data.api, 'SendMessageToGlobe');
          // What to do, from the table; Alibaba Cloud's own text stays in data.Message.
          assert.equal(error.data.errorDescription, `Aliyun SendMessageToGlobe failed: ${code}: ${row.hint}`);
          assert.equal(error.data.Message, `simulated ${code}`);
        });
      }
    }

    test('an unknown code is general; an answer that is not JSON is invalid_response', async () => {
      intl.respondNext({ aliyunError: 'SOME_CODE_NOT_IN_THE_TABLE' });
      await expectConnectorError(send('+44 7700 900123'), 'general');
      for (const mode of ['not-json', 'html500', 'empty', 'truncated']) {
        intl.respondNext(mode);
        const { error } = await expectConnectorError(send('+44 7700 900123'), 'invalid_response');
        assert.equal(error.data.route, 'overseas', mode);
      }
      // A SendSms-shaped OK is not a SendMessageToGlobe answer.
      intl.respondNext({ status: 200, body: JSON.stringify({ Code: 'OK', Message: 'OK', RequestId: 'R' }) });
      await expectConnectorError(send('+44 7700 900123'), 'invalid_response');
    });
  });
});

describe('the route with api SendSms', () => {
  test("the template's overseas code (or its single one) and the route's signName, on the international account", async () => {
    const cfg = config({ overseas: route({ api: 'SendSms', signName: 'IntlSign', message: '', from: '' }) });
    const result = await send('+852 9123 4567', cfg, 'Register');
    assert.equal(result.Code, 'OK');
    assert.equal(result.route, 'overseas');
    assert.equal(result.api, 'SendSms');
    await send('+852 9123 4567', cfg, 'SignIn');
    const [register, signIn] = intl.requests;
    for (const record of [register, signIn]) {
      assert.equal(record.verified, true);
      assert.equal(record.accessKeyId, INTL.accessKeyId);
      assert.equal(record.action, 'SendSms');
      assert.equal(record.params.SignName, 'IntlSign');
      assert.equal(record.params.PhoneNumbers, '85291234567');
      assert.equal(record.params.RegionId, 'ap-southeast-1');
    }
    assert.equal(register.params.TemplateCode, 'SMS_REG_INT');
    assert.equal(signIn.params.TemplateCode, 'SMS_SIGNIN');
    assert.equal(register.params.TemplateParam, '{"code":"123456","name":"Ada"}');
    // Mainland still on the mainland account.
    await send('13012345678', cfg);
    assert.equal(mainland.requests[0].params.SignName, 'CnSign');
  });

  test("signName defaults to the top-level one (the server's allow-list rejects it here)", async () => {
    const cfg = config({ overseas: route({ api: 'SendSms' }) });
    const { error } = await expectConnectorError(send('+852 9123 4567', cfg), 'invalid_config');
    assert.equal(intl.requests[0].params.SignName, 'CnSign');
    assert.equal(error.data.Code, 'isv.SMS_SIGNATURE_ILLEGAL');
    assert.equal(error.data.route, 'overseas');
    assert.equal(error.data.api, 'SendSms');
  });
});

describe('credentials and signatures', () => {
  test('no keys in the route: the top-level account (with its STS token) signs on the international endpoint', async () => {
    const TOKEN = `sts-token-${randomUUID()}`;
    const shared = await startAliyunServer({
      credentials: { [CN.accessKeyId]: CN.accessKeySecret },
      securityTokens: { [CN.accessKeyId]: TOKEN },
      actions: [GLOBE_API.action],
    });
    try {
      const overseas = { endpoint: shared.url, message: '{{code}}' };
      for (const signatureVersion of ['v1', 'v3']) {
        shared.reset();
        mainland.reset();
        const result = await send('+852 9123 4567', config({ securityToken: TOKEN, signatureVersion, overseas }));
        assert.equal(result.ResponseCode, 'OK');
        const [record] = shared.requests;
        assert.equal(record.verified, true);
        assert.equal(record.accessKeyId, CN.accessKeyId);
        assert.equal(record.signatureVersion, signatureVersion);
        assert.equal(signatureVersion === 'v1' ? record.params.SecurityToken : record.headers['x-acs-security-token'], TOKEN);
        assert.equal(mainland.requests.length, 0);
      }
    } finally {
      await shared.close();
    }
  });

  test("the route's own STS token is signed with the route's key, not the top-level one", async () => {
    const TOKEN = `intl-sts-${randomUUID()}`;
    const sts = await startAliyunServer({
      credentials: { [INTL.accessKeyId]: INTL.accessKeySecret },
      securityTokens: { [INTL.accessKeyId]: TOKEN },
      actions: [GLOBE_API.action],
    });
    try {
      const cfg = config({ securityToken: `cn-sts-${randomUUID()}`, overseas: route({ endpoint: sts.url, securityToken: TOKEN }) });
      assert.equal((await send('+44 7700 900123', cfg)).ResponseCode, 'OK');
      assert.equal(sts.requests[0].params.SecurityToken, TOKEN);
      // Without it the server refuses: the token really is required and checked.
      const missing = config({ overseas: route({ endpoint: sts.url }) });
      const { error } = await expectConnectorError(send('+44 7700 900123', missing), 'general');
      assert.equal(error.data.Code, 'MissingSecurityToken');
    } finally {
      await sts.close();
    }
  });

  test('V1 and V3 on each route, the route inheriting the top-level version unless it sets its own', async () => {
    const combinations = [
      [undefined, undefined, 'v1', 'v1'],
      ['v3', undefined, 'v3', 'v3'],
      ['v1', 'v3', 'v1', 'v3'],
      ['v3', 'v1', 'v3', 'v1'],
    ];
    for (const [top, own, expectedTop, expectedOwn] of combinations) {
      mainland.reset();
      intl.reset();
      const cfg = config({ signatureVersion: top, overseas: route({ signatureVersion: own }) });
      await send('13012345678', cfg, 'SignIn');
      await send('+1 862 401 7194', cfg, 'SignIn', { code: '555', name: '山田 🌏' });
      assert.equal(mainland.requests[0].signatureVersion, expectedTop);
      assert.equal(mainland.requests[0].verified, true);
      assert.equal(intl.requests[0].signatureVersion, expectedOwn);
      assert.equal(intl.requests[0].verified, true);
      assert.equal(intl.requests[0].params.Message, 'Hi 山田 🌏, sign in with 555');
      if (expectedOwn === 'v3') {
        assert.equal(intl.requests[0].headers['x-acs-action'], 'SendMessageToGlobe');
        assert.equal(intl.requests[0].headers['x-acs-version'], '2018-05-01');
        assert.equal(intl.requests[0].rawBody, '');
      }
    }
  });

  test('no credential of either account shows in any failure', async () => {
    const TOKEN = `intl-token-${randomUUID()}`;
    const echo = `echo ${CN.accessKeySecret} ${INTL.accessKeySecret} ${TOKEN}`;
    const cfg = config({ overseas: route({ securityToken: TOKEN }) });
    for (const [to, server] of [['+852 9123 4567', intl], ['13012345678', mainland]]) {
      server.respondNext({ aliyunError: 'isp.SYSTEM_ERROR', message: echo });
      const { error } = await expectConnectorError(send(to, cfg), 'general');
      for (const text of Object.values(errorTexts(error))) {
        for (const secret of [CN.accessKeySecret, INTL.accessKeySecret, TOKEN]) {
          assert.ok(!text.includes(secret), `${to}: ${text.slice(0, 200)}`);
        }
      }
      assert.match(error.data.Message, /^echo \*\*\* \*\*\* \*\*\*$/);
    }
  });
});

describe('config issues under ["overseas", ...]', () => {
  const guard = () => connector.configGuard;
  const base = () => config();
  const pathsOf = (overseas) => {
    const result = guard().safeParse({ ...base(), overseas });
    assert.equal(result.success, false, JSON.stringify(overseas));
    return result.error.issues.map((issue) => issue.path.join('.'));
  };

  test('every field has its path', () => {
    const cases = [
      ['x', 'overseas'],
      [42, 'overseas'],
      [[1], 'overseas'],
      [{ ...route(), api: 'SendBatchSms' }, 'overseas.api'],
      [{ ...route(), api: 3 }, 'overseas.api'],
      [{ ...route(), accessKeyId: ' id' }, 'overseas.accessKeyId'],
      [{ ...route(), accessKeyId: undefined }, 'overseas.accessKeyId'],
      [{ ...route(), accessKeySecret: undefined }, 'overseas.accessKeySecret'],
      [{ ...route(), accessKeySecret: 5 }, 'overseas.accessKeySecret'],
      [{ ...route(), securityToken: ' token' }, 'overseas.securityToken'],
      [{ ...route(), endpoint: 'http://dysmsapi.ap-southeast-1.aliyuncs.com/' }, 'overseas.endpoint'],
      [{ ...route(), endpoint: 'ftp://x' }, 'overseas.endpoint'],
      [{ ...route(), regionId: 'AP_SOUTHEAST' }, 'overseas.regionId'],
      [{ ...route(), signatureVersion: 'v2' }, 'overseas.signatureVersion'],
      [{ ...route(), from: 'Logto Inc' }, 'overseas.from'],
      [{ ...route(), from: 'ABCDEFGHIJKL' }, 'overseas.from'],
      [{ ...route(), from: '1234567890123456' }, 'overseas.from'],
      [{ ...route(), message: undefined }, 'overseas.message'],
      [{ ...route(), message: 'no code here' }, 'overseas.message'],
      [{ ...route(), message: 'unclosed {{code' }, 'overseas.message'],
      [{ ...route(), message: '{{code}} {{no-dashes}}' }, 'overseas.message'],
      // A list is the form with locales (issue 20): the entry that is not one is named.
      [{ ...route(), message: ['{{code}}'] }, 'overseas.message.0'],
      [{ ...route(), message: [{ usageType: 'SignIn', text: '{{code}}' }] }, 'overseas.message'],
      [{ ...route(), message: { SignIn: '{{code}}' } }, 'overseas.message.Generic'],
      [{ ...route(), message: { Generic: 'only {{link}}' } }, 'overseas.message.Generic'],
      [{ ...route(), message: { Generic: '{{code}}', SignIn: 'plain' } }, 'overseas.message.SignIn'],
      [{ ...route(), message: { Generic: '{{code}}', SignIn: 1 } }, 'overseas.message.SignIn'],
      [{ ...route(), signName: ' IntlSign' }, 'overseas.signName'],
    ];
    for (const [overseas, path] of cases) {
      assert.deepEqual(pathsOf(overseas), [path], JSON.stringify(overseas));
    }
    // Only a token: both halves of the pair are named.
    assert.deepEqual(pathsOf({ message: '{{code}}', securityToken: 'token-value' }), ['overseas.accessKeyId', 'overseas.accessKeySecret']);
    // All at once, with a top-level problem.
    const result = guard().safeParse({ ...base(), signName: '', overseas: { api: 'X', from: '!', regionId: 'A B' } });
    assert.deepEqual(
      result.error.issues.map((issue) => issue.path.join('.')),
      ['signName', 'overseas.api', 'overseas.regionId', 'overseas.from', 'overseas.message'],
    );
    assert.match(result.error.errorDescription, /overseas\.message: Required/);
  });

  test('SendSms needs no message; defaults and inheritance are filled in', () => {
    const result = guard().safeParse({ ...base(), signatureVersion: 'v3', overseas: { api: 'SendSms' } });
    assert.equal(result.success, true);
    assert.deepEqual(result.data.overseas, {
      api: 'SendSms',
      endpoint: 'https://dysmsapi.ap-southeast-1.aliyuncs.com/',
      regionId: 'ap-southeast-1',
      signatureVersion: 'v3',
      signName: 'CnSign',
    });
    // The parsed config is itself valid and the same.
    assert.deepEqual(guard().safeParse(result.data).data, result.data);
  });

  test('sendMessage with a broken route rejects with invalid_config and its issues, sending nothing', async () => {
    const { error } = await expectConnectorError(send('13012345678', config({ overseas: route({ from: 'Too long sender' }) })), 'invalid_config');
    assert.deepEqual(error.data.issues.map((issue) => issue.path), [['overseas', 'from']]);
    assert.equal(mainland.requests.length + intl.requests.length, 0);
  });

  test('issues never quote a secret of either account', () => {
    const result = guard().safeParse({
      ...base(),
      overseas: { ...route(), signatureVersion: INTL.accessKeySecret, api: CN.accessKeySecret },
    });
    const text = JSON.stringify(result.error);
    assert.equal(result.error.issues.length, 2, text);
    assert.ok(!text.includes(INTL.accessKeySecret), text);
    assert.ok(!text.includes(CN.accessKeySecret), text);
  });
});

describe('the CLI', () => {
  const CLI = path.join(root, 'pkg', 'bin', 'cli.js');
  let dir;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-overseas-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr, output: stdout + stderr }));
    });

  test('sends through the route and says which route and API it used', async () => {
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(config()));
    const abroad = await cli(['send', '--config', file, '--to', '+852 9123 4567', '--type', 'Register', '--code', '246810']);
    assert.equal(abroad.status, 0, abroad.output);
    assert.equal(intl.requests.length, 1);
    assert.equal(intl.requests[0].params.Message, 'Your code is 246810');
    assert.match(abroad.stdout, /ResponseCode=OK MessageId=\d+ Segments=1 RequestId=\S+/);
    assert.ok(abroad.stdout.includes(intl.requests[0].requestId));
    assert.match(abroad.stdout, /Route: overseas route \(SendMessageToGlobe\)/);
    assert.match(abroad.stdout, /Number: Hong Kong, China/);

    const home = await cli(['send', '--config', file, '--to', '13012345678', '--code', '246810']);
    assert.equal(home.status, 0, home.output);
    assert.match(home.stdout, /Code=OK/);
    assert.match(home.stdout, /Route: mainland route \(SendSms\)/);

    // A failure names the route; no secret of either account is printed.
    intl.respondNext({ aliyunError: 'AMOUNT_NOT_ENOUGH', message: `balance of ${INTL.accessKeySecret}` });
    const broke = await cli(['send', '--config', file, '--to', '+44 7700 900123', '--type', 'Register']);
    assert.equal(broke.status, 1, broke.output);
    assert.match(broke.stderr, /Failed: usage_limit_exceeded/);
    assert.match(broke.stderr, /Route: overseas route \(SendMessageToGlobe\)/);
    for (const result of [abroad, home, broke]) {
      assert.ok(!result.output.includes(INTL.accessKeySecret));
      assert.ok(!result.output.includes(CN.accessKeySecret));
    }

    // Without a route: the top-level settings.
    writeFileSync(file, JSON.stringify(config({ overseas: undefined })));
    const plain = await cli(['send', '--config', file, '--to', '+852 9123 4567']);
    assert.equal(plain.status, 0, plain.output);
    assert.match(plain.stdout, /Route: top-level settings \(SendSms\)/);
  });
});
