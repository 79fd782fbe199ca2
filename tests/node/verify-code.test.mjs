// `api: "SendSmsVerifyCode"` (Aliyun's Message Authentication Service, dypnsapi 2017-05-25) over the
// built package: the request next to the one Alibaba Cloud's own SDK (@alicloud/dypnsapi20170525)
// sends, both verified by the loopback server in V1 and V3; what clean-deep leaves; routing with
// and without an overseas route; every credential type; every error class; 1,000 concurrent sends.
//
// Everything here runs against our own servers (tests/support/aliyun-server.mjs, sts-server.mjs,
// metadata-server.mjs), never against Alibaba Cloud.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';

import Dypnsapi, * as $Dypnsapi from '@alicloud/dypnsapi20170525';
import { doctor } from '../../pkg/lib/index.js';
import * as OpenApi from '@alicloud/openapi-core';
import cleanDeep from 'clean-deep';

import { GLOBE_API, VERIFY_CODE_API, startAliyunServer } from '../support/aliyun-server.mjs';
import { NETWORK_BOUND_MS, settlesWithin } from '../support/bounds.mjs';
import { cli, shellWords, writeConfig } from '../support/cli.mjs';
import { errorTexts, expectConnectorError, loadConnector } from '../support/harness.mjs';
import { startMetadataServer } from '../support/metadata-server.mjs';
import { OIDC_PROVIDER_ARN, ROLE_ARN, startStsServer } from '../support/sts-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ERROR_ROWS = JSON.parse(await readFile(path.join(root, 'data', 'send-sms-verify-code-errors.json'), 'utf8'));

const KEY = { accessKeyId: 'LTAI-mas-account', accessKeySecret: `mas-secret-${randomUUID()}` };
const STS_KEY = { accessKeyId: 'STS.mas-account', accessKeySecret: `mas-sts-secret-${randomUUID()}`, securityToken: `CAIS${randomBytes(90).toString('base64')}` };
const INTL = { accessKeyId: 'LTAI-mas-intl', accessKeySecret: `mas-intl-secret-${randomUUID()}` };
const SOURCE = { accessKeyId: 'LTAI-mas-role-source', accessKeySecret: `mas-source-${randomUUID()}` };
const SYSTEM_SIGN = '速通互联验证码';
const SECRETS = [KEY.accessKeySecret, STS_KEY.accessKeySecret, STS_KEY.securityToken, INTL.accessKeySecret, SOURCE.accessKeySecret];

/** The business parameters of SendSmsVerifyCode (everything but the signature's own). */
const BUSINESS = ['CountryCode', 'PhoneNumber', 'SignName', 'TemplateCode', 'TemplateParam'];

// The dypnsapi server accepts the fixed keys and every temporary key the STS and metadata
// stand-ins mint (registered as they are issued).
const keys = { [KEY.accessKeyId]: KEY.accessKeySecret, [STS_KEY.accessKeyId]: STS_KEY.accessKeySecret };
const tokens = { [STS_KEY.accessKeyId]: STS_KEY.securityToken };
const expirations = {};
const register = (issued) => {
  keys[issued.accessKeyId] = issued.accessKeySecret;
  tokens[issued.accessKeyId] = issued.securityToken;
  expirations[issued.accessKeyId] = issued.expiresAt;
  SECRETS.push(issued.accessKeySecret, issued.securityToken);
};

let dypns;
let intl;
let connector;
let tmp;
const helpers = [];

before(async () => {
  dypns = await startAliyunServer({
    credentials: keys,
    securityTokens: tokens,
    expirations,
    actions: [VERIFY_CODE_API.action, 'QuerySendDetails'],
    signNames: [SYSTEM_SIGN],
    // The SDK's V1 nonces are not UUIDs; the connector's are checked in send.test.mjs.
    anyNonce: true,
  });
  intl = await startAliyunServer({ credentials: { [INTL.accessKeyId]: INTL.accessKeySecret }, actions: [GLOBE_API.action] });
  connector = await loadConnector();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'aliyun-mas-'));
});
after(async () => {
  await Promise.all([dypns.close(), intl.close(), ...helpers.map((server) => server.close())]);
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  dypns.reset();
  intl.reset();
});

/** A Message Authentication Service config for the loopback server: no templates (the system ones). */
const config = (overrides = {}) => ({
  ...KEY,
  api: 'SendSmsVerifyCode',
  signName: SYSTEM_SIGN,
  endpoint: dypns.url,
  timeout: 5000,
  ...overrides,
});

const send = (to, cfg = config(), type = 'SignIn', payload = { code: '123456' }) =>
  connector.sendMessage({ to, type, payload }, cfg);

/** The SDK's client for the loopback server: `v1` is its RPC signature ('v2' in the SDK's words). */
function sdk(signatureVersion) {
  const { host } = new URL(dypns.url);
  const Client = Dypnsapi.default ?? Dypnsapi;
  return new Client(
    new OpenApi.$OpenApiUtil.Config({
      ...KEY,
      endpoint: host,
      protocol: 'http',
      regionId: 'cn-hangzhou',
      ...(signatureVersion === 'v1' ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
}

const business = (params) => Object.fromEntries(BUSINESS.filter((key) => key in params).map((key) => [key, params[key]]));

describe("the request, next to Alibaba Cloud's SDK", () => {
  for (const signatureVersion of ['v1', 'v3']) {
    test(`${signatureVersion}: the same parameters as @alicloud/dypnsapi20170525, both verified by the server`, async () => {
      const result = await send('+86 130-1234-5678', config({ signatureVersion }), 'ForgotPassword', { code: '654321', locale: 'zh-CN' });
      const ours = dypns.requests.at(-1);
      assert.equal(ours.verified, true, JSON.stringify(ours.outcome));
      assert.equal(ours.signatureVersion, signatureVersion);
      assert.equal(ours.action, 'SendSmsVerifyCode');
      assert.equal(result.Code, 'OK');

      const request = new $Dypnsapi.SendSmsVerifyCodeRequest({
        countryCode: '86',
        phoneNumber: '13012345678',
        signName: SYSTEM_SIGN,
        templateCode: '100003',
        templateParam: JSON.stringify({ code: '654321', min: '10' }),
      });
      const answer = await sdk(signatureVersion).sendSmsVerifyCode(request);
      const theirs = dypns.requests.at(-1);
      assert.notEqual(theirs, ours);
      assert.equal(theirs.verified, true, JSON.stringify(theirs.outcome));
      assert.equal(theirs.signatureVersion, signatureVersion);
      assert.equal(answer.body.code, 'OK');

      // The same business parameters, value for value, and nothing else of the API's own.
      assert.deepEqual(business(ours.params), business(theirs.params));
      assert.deepEqual(Object.keys(business(ours.params)).sort(), [...BUSINESS].sort());
      const common = ['AccessKeyId', 'Action', 'Format', 'RegionId', 'Signature', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp', 'Version', 'SecurityToken'];
      const extra = Object.keys(ours.params).filter((key) => !BUSINESS.includes(key) && !common.includes(key));
      assert.deepEqual(extra, [], 'no CodeLength, ReturnVerifyCode or other option');
      if (signatureVersion === 'v1') {
        assert.equal(ours.params.Version, theirs.params.Version);
        assert.equal(ours.params.Action, theirs.params.Action);
      } else {
        assert.equal(ours.headers['x-acs-version'], theirs.headers['x-acs-version']);
        assert.equal(ours.headers['x-acs-action'], theirs.headers['x-acs-action']);
      }
      // Both were accepted as sends with the same content.
      const [first, second] = dypns.verifyCodes;
      const same = (sent) => ({ ...sent, bizId: 0, requestId: 0, sentAt: 0 });
      assert.deepEqual(same(first), same(second));
    });
  }

  test("resolves with Aliyun's answer: Code, Message, Success, RequestId, Model", async () => {
    const result = await send('13012345678');
    const [sent] = dypns.verifyCodes;
    assert.deepEqual(result, {
      Code: 'OK',
      Message: '成功',
      Success: true,
      RequestId: sent.requestId,
      Model: { BizId: sent.bizId, RequestId: sent.requestId },
    });
  });

  test('national number, CountryCode 86, system template per usage type, min 10 unless the payload has one', async () => {
    const cases = [
      ['SignIn', '100001'],
      ['Register', '100001'],
      ['Generic', '100001'],
      ['OrganizationInvitation', '100001'],
      ['MfaVerification', '100001'],
      ['BindMfa', '100001'],
      ['BindNewIdentifier', '100002'],
      ['ForgotPassword', '100003'],
      ['UserPermissionValidation', '100005'],
    ];
    for (const [type, code] of cases) {
      await send('008613012345678', config(), type, { code: '1', uiLocales: 'zh' });
      const { params } = dypns.requests.at(-1);
      assert.deepEqual(business(params), {
        CountryCode: '86',
        PhoneNumber: '13012345678',
        SignName: SYSTEM_SIGN,
        TemplateCode: code,
        TemplateParam: '{"code":"1","min":"10"}',
      }, type);
    }
    await send('13012345678', config(), 'SignIn', { code: '1', min: '5' });
    assert.equal(dypns.requests.at(-1).params.TemplateParam, '{"code":"1","min":"5"}');
  });

  test('given templates follow the usual rules; a { china, overseas } code sends china', async () => {
    const templates = [
      { usageType: 'SignIn', templateCode: '100004' },
      { usageType: 'Register', templateCode: { china: '100001', overseas: 'SMS_INT' } },
      { usageType: 'ForgotPassword', templateCode: '100003' },
      { usageType: 'Generic', templateCode: '100002' },
    ];
    for (const [type, code] of [['SignIn', '100004'], ['Register', '100001'], ['BindMfa', '100002']]) {
      await send('13012345678', config({ templates }), type);
      assert.equal(dypns.requests.at(-1).params.TemplateCode, code, type);
    }
  });
});

describe("Logto's clean-deep", () => {
  test('a config with emptied optional fields sends the same as what clean-deep leaves of it', async () => {
    const raw = config({ templates: [], regionId: '', securityToken: null, overseas: {}, strictPhoneRegionNumberCheck: null, signatureVersion: '' });
    const cleaned = cleanDeep(raw);
    assert.equal('templates' in cleaned, false);
    for (const cfg of [raw, cleaned]) {
      const parsed = connector.configGuard.safeParse(cfg);
      assert.equal(parsed.success, true, JSON.stringify(parsed.error));
      assert.equal(parsed.data.api, 'SendSmsVerifyCode');
      assert.equal(parsed.data.templates.length, 9);
      await send('13012345678', cfg);
    }
    const [before, afterClean] = dypns.requests;
    assert.deepEqual(business(before.params), business(afterClean.params));
    assert.deepEqual(connector.configGuard.safeParse(raw), connector.configGuard.safeParse(cleaned));
  });

  test('the parsed config says api and the templates in force, and parses to itself', () => {
    const { data } = connector.configGuard.safeParse(config({ endpoint: '' }));
    assert.equal(data.api, 'SendSmsVerifyCode');
    assert.equal(data.endpoint, 'https://dypnsapi.aliyuncs.com/');
    assert.equal(data.regionId, 'cn-hangzhou');
    assert.deepEqual(
      Object.fromEntries(data.templates.map((t) => [t.usageType, t.templateCode])),
      {
        SignIn: '100001',
        Register: '100001',
        Generic: '100001',
        OrganizationInvitation: '100001',
        MfaVerification: '100001',
        BindMfa: '100001',
        BindNewIdentifier: '100002',
        ForgotPassword: '100003',
        UserPermissionValidation: '100005',
      },
    );
    assert.deepEqual(connector.configGuard.safeParse(data), { success: true, data });
  });

  test("api: missing, null, '' or 'SendSms' is today's config; anything else is an issue at ['api']", () => {
    const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, templateCode: 'SMS_1' }));
    const today = { ...KEY, signName: 'Logto', templates };
    const expected = connector.configGuard.safeParse(today);
    assert.equal('api' in expected.data, false);
    for (const api of [null, '', 'SendSms']) {
      assert.deepEqual(connector.configGuard.safeParse({ ...today, api }), expected, String(api));
    }
    for (const api of ['sendSmsVerifyCode', 'SendMessageToGlobe', 3]) {
      const result = connector.configGuard.safeParse({ ...today, api });
      assert.equal(result.success, false);
      assert.deepEqual(result.error.issues.map((issue) => issue.path), [['api']], String(api));
    }
  });
});

describe('routing', () => {
  test('without an overseas route, other numbers are refused before any request', async () => {
    for (const to of ['+1 862 401 7194', '+852 9123 4567', '+44 7700 900123']) {
      const { error } = await expectConnectorError(send(to), 'invalid_request_parameters');
      assert.match(error.data.errorDescription, /mainland China numbers only/);
      assert.match(error.data.errorDescription, /overseas/);
    }
    // strictPhoneRegionNumberCheck: a bare 11-digit number is not mainland, as for the templates.
    await expectConnectorError(send('13012345678', config({ strictPhoneRegionNumberCheck: true })), 'invalid_request_parameters');
    assert.equal(dypns.requests.length, 0);
  });

  test('with an overseas route, mainland numbers take SendSmsVerifyCode and the rest the route, tagged', async () => {
    const overseas = { ...INTL, endpoint: intl.url, message: 'Your code is {{code}}' };
    const mainland = await send('+86 130 1234 5678', config({ overseas }));
    assert.equal(mainland.route, 'mainland');
    assert.equal(mainland.api, 'SendSmsVerifyCode');
    assert.equal(mainland.Code, 'OK');
    const abroad = await send('+852 9123 4567', config({ overseas }));
    assert.equal(abroad.route, 'overseas');
    assert.equal(abroad.api, 'SendMessageToGlobe');
    assert.equal(dypns.requests.length, 1);
    assert.equal(intl.requests.length, 1);
    assert.equal(intl.requests[0].verified, true);
    assert.equal(intl.requests[0].params.Message, 'Your code is 123456');
    dypns.respondNext({ aliyunError: 'FREQUENCY_FAIL' });
    const { error } = await expectConnectorError(send('13012345678', config({ overseas })), 'rate_limit_exceeded');
    assert.equal(error.data.route, 'mainland');
    assert.equal(error.data.api, 'SendSmsVerifyCode');
  });

  test('an overseas route with api SendSms needs templates (the system ones are the Message Authentication Service\'s)', () => {
    const result = connector.configGuard.safeParse(config({ overseas: { ...INTL, api: 'SendSms', endpoint: intl.url } }));
    assert.equal(result.success, false);
    assert.deepEqual(result.error.issues.map((issue) => issue.path), [['templates']]);
  });
});

describe('every credential type', () => {
  const sends = async (cfg) => {
    for (const signatureVersion of ['v1', 'v3']) {
      const before = dypns.requests.length;
      const result = await send('13012345678', { ...cfg, signatureVersion });
      assert.equal(result.Code, 'OK');
      assert.equal(dypns.requests.length, before + 1);
      const record = dypns.requests.at(-1);
      assert.equal(record.verified, true, JSON.stringify(record.outcome));
      assert.equal(record.action, 'SendSmsVerifyCode');
    }
    return dypns.requests.at(-1);
  };

  test('access_key, permanent and with an STS token', async () => {
    assert.equal((await sends(config())).accessKeyId, KEY.accessKeyId);
    const record = await sends(config(STS_KEY));
    assert.equal(record.accessKeyId, STS_KEY.accessKeyId);
  });

  test('ram_role_arn, oidc_role_arn and ecs_ram_role: temporary credentials sign the send', async () => {
    const sts = await startStsServer({ sources: { [SOURCE.accessKeyId]: SOURCE.accessKeySecret }, onIssue: register });
    helpers.push(sts);
    const ram = await sends(config({ ...SOURCE, credentialType: 'ram_role_arn', roleArn: ROLE_ARN, stsEndpoint: sts.url }));
    assert.ok(ram.accessKeyId.startsWith('STS.'), ram.accessKeyId);
    assert.equal(sts.calls.AssumeRole, 1, 'cached for the second send');

    const token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(60).toString('base64url')}.${randomBytes(30).toString('base64url')}`;
    const file = path.join(tmp, 'oidc-token');
    await writeFile(file, `${token}\n`);
    const oidcSts = await startStsServer({ onIssue: register, oidcToken: token });
    helpers.push(oidcSts);
    const oidc = await sends(config({ accessKeyId: '-', accessKeySecret: '-', credentialType: 'oidc_role_arn', roleArn: ROLE_ARN, oidcProviderArn: OIDC_PROVIDER_ARN, oidcTokenFile: file, stsEndpoint: oidcSts.url }));
    assert.ok(oidc.accessKeyId.startsWith('STS.'), oidc.accessKeyId);
    assert.equal(oidcSts.calls.AssumeRoleWithOIDC, 1);

    const metadata = await startMetadataServer({ onIssue: register });
    helpers.push(metadata);
    const ecs = await sends(config({ accessKeyId: '-', accessKeySecret: '-', credentialType: 'ecs_ram_role', roleName: 'SmsSender', ecsMetadataEndpoint: metadata.url }));
    assert.ok(ecs.accessKeyId.length > 0);
    assert.notEqual(ecs.accessKeyId, ram.accessKeyId);
  });
});

describe('every error class', () => {
  for (const row of ERROR_ROWS) {
    const code = row.match === 'prefix' ? `${row.code}.Sub` : row.code;
    for (const status of [200, 400]) {
      test(`${code} (HTTP ${status}) → ${row.class}`, async () => {
        dypns.respondNext({ aliyunError: code, status, message: `about ${code}` });
        const { error } = await expectConnectorError(send('13012345678'), row.class);
        assert.equal(error.data.Code, code);
        assert.equal(error.data.Message, `about ${code}`);
        assert.equal(typeof error.data.RequestId, 'string');
        assert.equal(error.data.errorDescription, `Aliyun SendSmsVerifyCode failed: ${code}: ${row.hint}`);
      });
    }
  }

  test("the server's own refusals map too: an unknown sign name, a non-system template", async () => {
    await expectConnectorError(send('13012345678', config({ signName: 'MyOwnSign' })), 'invalid_config');
    const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, templateCode: 'SMS_123' }));
    await expectConnectorError(send('13012345678', config({ templates })), 'invalid_config');
    const wrongKey = config({ accessKeySecret: 'not-the-secret' });
    const { error } = await expectConnectorError(send('13012345678', wrongKey), 'invalid_config');
    assert.equal(error.data.Code, 'SignatureDoesNotMatch');
  });

  test('unknown codes are general, answers that are not JSON invalid_response, and no secret shows', async () => {
    dypns.respondNext({ aliyunError: 'Some.NewCode', status: 400 });
    const { error: general } = await expectConnectorError(send('13012345678'), 'general');
    dypns.respondNext('not-json');
    const { error: invalid } = await expectConnectorError(send('13012345678'), 'invalid_response');
    dypns.respondNext('echo-signed');
    const { error: echoed } = await expectConnectorError(send('13012345678', config(STS_KEY)), 'invalid_config');
    for (const error of [general, invalid, echoed]) {
      for (const [how, text] of Object.entries(errorTexts(error))) {
        for (const secret of SECRETS) assert.equal(text.includes(secret), false, `${how} shows a secret`);
      }
    }
  });
});

test('1,000 concurrent sends: all verified, distinct nonces, each code once', async () => {
  const CONCURRENT = 1000;
  const results = await settlesWithin(
    Promise.allSettled(
      Array.from({ length: CONCURRENT }, (_, i) =>
        send(
          `+86 130 ${String(1000 + (i % 9000)).padStart(4, '0')} ${String(i).padStart(4, '0')}`,
          config({ signatureVersion: i % 2 === 0 ? 'v1' : 'v3', ...(i % 4 === 3 ? STS_KEY : {}), timeout: 30_000 }),
          i % 5 === 0 ? 'ForgotPassword' : 'SignIn',
          { code: `c-${i}` },
        ),
      ),
    ),
    2 * NETWORK_BOUND_MS,
    `${CONCURRENT} SendSmsVerifyCode sends`,
  );
  const failed = results.filter((r) => r.status === 'rejected');
  assert.equal(failed.length, 0, `first: ${failed[0]?.reason?.data?.errorDescription}`);
  assert.equal(dypns.requests.length, CONCURRENT);
  assert.equal(dypns.requests.filter((r) => !r.verified || r.outcome.code !== 'OK').length, 0);
  assert.equal(new Set(dypns.requests.map((r) => r.nonce)).size, CONCURRENT);
  const codes = dypns.requests.map((r) => JSON.parse(r.params.TemplateParam).code).sort();
  assert.deepEqual(codes, Array.from({ length: CONCURRENT }, (_, i) => `c-${i}`).sort());
  assert.equal(new Set(results.map((r) => r.value.Model.BizId)).size, CONCURRENT);
});

describe('the operator tools', () => {
  test('doctor: the key, endpoint and clock through dypnsapi QuerySendDetails; warn lines for what it cannot check; no send', async () => {
    for (const signatureVersion of ['v1', 'v3']) {
      dypns.reset();
      const report = await doctor(config({ signatureVersion }));
      const line = (name) => report.checks.find((check) => check.name === name);
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(line('credentials').verdict, 'ok');
      assert.match(line('credentials').detail, /QuerySendDetails \(dypnsapi\)/);
      assert.equal(line('endpoint').verdict, 'ok');
      assert.equal(line('clock').verdict, 'ok');
      assert.equal(line('signName').verdict, 'warn');
      assert.match(line('signName').detail, /cannot be checked without sending/);
      const templates = report.checks.filter((check) => check.name === 'template');
      assert.deepEqual(templates.map((check) => [check.subject, check.verdict]), [
        ['100001', 'warn'],
        ['100002', 'warn'],
        ['100003', 'warn'],
        ['100005', 'warn'],
      ]);
      assert.deepEqual(dypns.requests.map((r) => [r.action, r.verified]), [['QuerySendDetails', true]]);
      assert.equal(dypns.verifyCodes.length, 0, 'nothing sent');
    }
    const refused = await doctor(config({ accessKeySecret: 'not-the-secret' }));
    assert.equal(refused.ok, false);
    assert.equal(refused.checks.find((check) => check.name === 'credentials').verdict, 'fail');
    assert.equal(JSON.stringify(refused).includes(KEY.accessKeySecret), false);
  });

  test('the CLI: send prints the API and the status command; status looks the code up in dypnsapi', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aliyun-mas-cli-'));
    try {
      const file = writeConfig(dir, config());
      const sent = await cli(['send', '--config', file, '--to', '+86 130 1234 5678', '--code', '246810']);
      assert.equal(sent.status, 0, sent.output);
      const [record] = dypns.verifyCodes;
      assert.equal(JSON.parse(record.templateParam).code, '246810');
      assert.match(sent.stdout, new RegExp(`Sent: Code=OK RequestId=${record.requestId} BizId=${record.bizId.replace('^', '\\^')}`));
      assert.match(sent.stdout, /Route: top-level settings \(SendSmsVerifyCode\)/);
      const line = sent.stdout.split('\n').find((text) => text.startsWith('Delivery status: '));
      assert.ok(line, sent.stdout);
      const words = shellWords(line.slice('Delivery status: '.length)).slice(1);
      const status = await cli(words);
      assert.equal(status.status, 0, status.output);
      assert.match(status.stdout, /: delivered/);
      assert.match(status.stdout, /template +100001/);
      assert.match(status.stdout, /API +SendSmsVerifyCode/);
      const query = dypns.requests.at(-1);
      assert.equal(query.action, 'QuerySendDetails');
      assert.equal(query.verified, true);
      assert.equal(query.params.PhoneNumber, '13012345678');
      const json = await cli([...words, '--json']);
      assert.equal(json.status, 0, json.output);
      const answer = JSON.parse(json.stdout);
      assert.equal(answer.state, 'delivered');
      assert.equal(answer.api, 'SendSmsVerifyCode');
      const unknown = await cli(['status', '--config', file, '--to', '13012345678', '--biz-id', 'nothing^0']);
      assert.equal(unknown.status, 0, unknown.output);
      assert.match(unknown.stdout, /not found/);
      // doctor: warnings for what it cannot check, exit 0; nothing sent.
      const before = dypns.verifyCodes.length;
      const checked = await cli(['doctor', '--config', file]);
      assert.equal(checked.status, 0, checked.output);
      assert.match(checked.stdout, /^warn +signName +".+" cannot be checked without sending/m);
      assert.match(checked.stdout, /^ok +credentials +AccessKey ID LTAI-mas-account accepted \(QuerySendDetails \(dypnsapi\)/m);
      assert.match(checked.stdout, /doctor: 4 ok, 5 warn, 0 fail \(no SMS was sent\)/);
      assert.equal(dypns.verifyCodes.length, before);
      for (const result of [sent, status, json, unknown, checked]) assert.equal(result.output.includes(KEY.accessKeySecret), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
