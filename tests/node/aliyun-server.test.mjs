// The test oracle itself: tests/support/aliyun-server.mjs must accept exactly what Aliyun accepts,
// so the package's passing tests mean something. Requests here are built by hand.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';

import {
  canonicalQuery,
  canonicalRequestV3,
  rfc3986,
  sign,
  signV3,
  startAliyunServer,
  stringToSign,
} from '../support/aliyun-server.mjs';
import { fetchBound } from '../support/bounds.mjs';
import { SEND_SMS_V1_PARAMETERS } from '../support/fixtures.mjs';
import { TS_CONNECTOR_SIGNATURE, TS_CONNECTOR_VECTOR, V1_VECTORS, V3_VECTORS } from '../support/vectors.mjs';

const KEY_ID = 'LTAI-oracle';
const SECRET = 'oracle-secret';
let server;

const timestamp = (millis = Date.now()) => new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z');

const params = (overrides = {}) => {
  const p = {
    AccessKeyId: KEY_ID,
    Action: 'SendSms',
    Format: 'JSON',
    PhoneNumbers: '8613012345678',
    RegionId: 'cn-hangzhou',
    SignName: 'Logto',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_1',
    TemplateParam: '{"code":"123456"}',
    Timestamp: timestamp(),
    Version: '2017-05-25',
    ...overrides,
  };
  for (const [key, value] of Object.entries(p)) if (value === undefined) delete p[key];
  return p;
};

const signedBody = (p, secret = SECRET) => `${canonicalQuery(p)}&Signature=${rfc3986(sign('POST', p, secret))}`;

async function post(body, { path = '', contentType = 'application/x-www-form-urlencoded' } = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    signal: fetchBound(),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
});
after(() => server.close());
beforeEach(() => server.reset());

describe('signing primitives', () => {
  test("the server's signer reproduces the TypeScript connector's vector", () => {
    assert.equal(sign('POST', TS_CONNECTOR_VECTOR, 'testsecret'), TS_CONNECTOR_SIGNATURE);
  });

  for (const vector of V1_VECTORS) {
    test(`V1: the server's signer reproduces the published vector ${vector.name}`, () => {
      assert.equal(stringToSign(vector.method, vector.parameters), vector.stringToSign, vector.source);
      assert.equal(sign(vector.method, vector.parameters, vector.accessKeySecret), vector.signature, vector.source);
    });
  }

  for (const vector of V3_VECTORS) {
    test(`V3: the server's signer reproduces the published vector ${vector.name}`, () => {
      assert.equal(createHash('sha256').update(vector.body, 'utf8').digest('hex'), vector.hashedPayload);
      const signedHeaders = Object.keys(vector.headers).sort().join(';');
      assert.equal(signedHeaders, vector.signedHeaders);
      const canonical = canonicalRequestV3({ ...vector, signedHeaders });
      assert.equal(canonical, vector.canonicalRequest, vector.source);
      assert.equal(
        `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical, 'utf8').digest('hex')}`,
        vector.stringToSign,
      );
      const signature = signV3(canonical, vector.accessKeySecret);
      assert.equal(signature, vector.signature, vector.source);
      assert.equal(
        `ACS3-HMAC-SHA256 Credential=${vector.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
        vector.authorization,
      );
    });
  }

  test('RFC 3986 encoding', () => {
    assert.equal(rfc3986("<a%b'>"), '%3Ca%25b%27%3E');
    assert.equal(rfc3986("a b*~!'()+/"), 'a%20b%2A~%21%27%28%29%2B%2F');
    assert.equal(rfc3986('中'), '%E4%B8%AD');
    assert.equal(rfc3986('AZaz09-_.~'), 'AZaz09-_.~');
  });
});

describe('verification', () => {
  test('a correctly signed request gets OK, BizId and RequestId', async () => {
    const { status, json, headers } = await post(signedBody(params()));
    assert.equal(status, 200);
    assert.equal(json.Code, 'OK');
    assert.equal(json.Message, 'OK');
    assert.equal(typeof json.BizId, 'string');
    assert.equal(json.RequestId, headers.get('x-acs-request-id'));
    assert.equal(server.requests[0].verified, true);
    assert.equal(server.requests[0].bodyIsCanonical, true);
  });

  test('a replayed request gets SignatureNonceUsed (HTTP 400)', async () => {
    const body = signedBody(params());
    assert.equal((await post(body)).json.Code, 'OK');
    const replay = await post(body);
    assert.equal(replay.status, 400);
    assert.equal(replay.json.Code, 'SignatureNonceUsed');
  });

  test('a tampered parameter gets SignatureDoesNotMatch (HTTP 400)', async () => {
    const p = params();
    const signature = sign('POST', p, SECRET);
    const body = `${canonicalQuery({ ...p, PhoneNumbers: '8613099999999' })}&Signature=${rfc3986(signature)}`;
    const { status, json } = await post(body);
    assert.equal(status, 400);
    assert.equal(json.Code, 'SignatureDoesNotMatch');
    assert.equal(server.requests[0].verified, false);
  });

  test('the wrong secret gets SignatureDoesNotMatch, and does not burn the nonce', async () => {
    const p = params();
    assert.equal((await post(signedBody(p, 'wrong'))).json.Code, 'SignatureDoesNotMatch');
    assert.equal((await post(signedBody(p))).json.Code, 'OK');
  });

  test('an unknown AccessKeyId gets InvalidAccessKeyId.NotFound (HTTP 404)', async () => {
    const { status, json } = await post(signedBody(params({ AccessKeyId: 'nobody' })));
    assert.equal(status, 404);
    assert.equal(json.Code, 'InvalidAccessKeyId.NotFound');
  });

  test('each missing required parameter gets Missing<Name> (HTTP 400)', async () => {
    // Signature is checked below; TemplateParam is optional.
    for (const name of SEND_SMS_V1_PARAMETERS.filter((name) => name !== 'Signature' && name !== 'TemplateParam')) {
      const { status, json } = await post(signedBody(params({ [name]: undefined })));
      assert.equal(status, 400, name);
      assert.equal(json.Code, `Missing${name}`);
    }
    const { json } = await post(canonicalQuery(params()));
    assert.equal(json.Code, 'MissingSignature');
  });

  test('wrong fixed values are rejected', async () => {
    const cases = [
      [{ Action: 'SendBatchSms' }, 404, 'InvalidAction.NotFound'],
      [{ Version: '2018-01-01' }, 400, 'InvalidVersion'],
      [{ Format: 'XML' }, 400, 'InvalidParameter.Format'],
      [{ SignatureMethod: 'HMAC-SHA256' }, 400, 'InvalidSignatureMethod'],
      [{ SignatureVersion: '2.0' }, 400, 'InvalidSignatureVersion'],
      [{ RegionId: 'Hangzhou' }, 400, 'InvalidRegionId'],
      [{ SignatureNonce: 'not-a-uuid' }, 400, 'InvalidSignatureNonce'],
      [{ SignatureNonce: '00000000-0000-1000-8000-000000000000' }, 400, 'InvalidSignatureNonce'],
      [{ Timestamp: '2016-10-20 06:27:56' }, 400, 'InvalidTimeStamp.Format'],
      [{ Timestamp: timestamp().replace('Z', '.000Z') }, 400, 'InvalidTimeStamp.Format'],
      [{ Timestamp: '2024-02-30T00:00:00Z' }, 400, 'InvalidTimeStamp.Format'],
      [{ Timestamp: timestamp(Date.now() - 16 * 60 * 1000) }, 400, 'InvalidTimeStamp.Expired'],
      [{ Timestamp: timestamp(Date.now() + 16 * 60 * 1000) }, 400, 'InvalidTimeStamp.Expired'],
    ];
    for (const [patch, status, code] of cases) {
      const response = await post(signedBody(params(patch)));
      assert.equal(response.status, status, JSON.stringify(patch));
      assert.equal(response.json.Code, code, JSON.stringify(patch));
    }
    // Within 15 minutes is fine.
    assert.equal((await post(signedBody(params({ Timestamp: timestamp(Date.now() - 14 * 60 * 1000) })))).json.Code, 'OK');
  });

  test('business checks answer HTTP 200 with isv.* codes', async () => {
    const cases = [
      [{ PhoneNumbers: '+8613012345678' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
      [{ PhoneNumbers: '1234' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
      [{ PhoneNumbers: '1234567890123456' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
      [{ PhoneNumbers: '86 130' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
      [{ TemplateParam: '{"code":1}' }, 'isv.INVALID_JSON_PARAM'],
      [{ TemplateParam: '["123456"]' }, 'isv.INVALID_JSON_PARAM'],
      [{ TemplateParam: '{"code":"1"' }, 'isv.INVALID_JSON_PARAM'],
    ];
    for (const [patch, code] of cases) {
      const response = await post(signedBody(params(patch)));
      assert.equal(response.status, 200, JSON.stringify(patch));
      assert.equal(response.json.Code, code, JSON.stringify(patch));
    }
  });

  test('sign name and template allow-lists', async () => {
    const strict = await startAliyunServer({
      credentials: { [KEY_ID]: SECRET },
      signNames: ['Logto'],
      templateCodes: ['SMS_1'],
    });
    try {
      const send = async (p) => (await fetch(strict.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: signedBody(p), signal: fetchBound() })).json();
      assert.equal((await send(params())).Code, 'OK');
      assert.equal((await send(params({ SignName: 'Other' }))).Code, 'isv.SMS_SIGNATURE_ILLEGAL');
      assert.equal((await send(params({ TemplateCode: 'SMS_2' }))).Code, 'isv.SMS_TEMPLATE_ILLEGAL');
    } finally {
      await strict.close();
    }
  });

  test('a body that is not a form is not read as parameters', async () => {
    const { status, json } = await post(signedBody(params()), { contentType: 'text/plain' });
    assert.equal(status, 400);
    assert.match(json.Code, /^Missing/);
  });

  test('a repeated parameter is rejected', async () => {
    const p = params();
    const { status, json } = await post(`${signedBody(p)}&Action=SendSms`);
    assert.equal(status, 400);
    assert.equal(json.Code, 'InvalidParameter');
  });

  test('a non-canonical (unsorted) body still verifies, but is flagged', async () => {
    const p = params();
    const signature = sign('POST', p, SECRET);
    const unsorted = Object.entries(p)
      .reverse()
      .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
      .join('&');
    const { json } = await post(`${unsorted}&Signature=${rfc3986(signature)}`);
    assert.equal(json.Code, 'OK');
    assert.equal(server.requests[0].verified, true);
    assert.equal(server.requests[0].bodyIsCanonical, false);
  });
});

describe('verification V3', () => {
  const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

  /** A V3 SendSms request signed by hand over `extra` headers too, sent with fetch and no body. */
  async function postV3({ extra = {}, sign: signExtra = true } = {}) {
    const url = new URL(server.url);
    const query = { PhoneNumbers: '8613012345678', SignName: 'Logto', TemplateCode: 'SMS_1', TemplateParam: '{"code":"1"}' };
    const headers = {
      host: url.host,
      'x-acs-action': 'SendSms',
      'x-acs-version': '2017-05-25',
      'x-acs-date': timestamp(),
      'x-acs-signature-nonce': randomUUID().replaceAll('-', ''),
      'x-acs-content-sha256': EMPTY_SHA256,
      ...extra,
    };
    const signedNames = Object.keys(headers).filter((name) => signExtra || !(name in extra)).sort();
    const signedHeaders = signedNames.join(';');
    const canonical = canonicalRequestV3({ method: 'POST', path: '/', query, headers, signedHeaders, hashedPayload: EMPTY_SHA256 });
    const { host, ...sent } = headers;
    const response = await fetch(`${server.url}?${canonicalQuery(query)}`, {
      method: 'POST',
      headers: { ...sent, authorization: `ACS3-HMAC-SHA256 Credential=${KEY_ID},SignedHeaders=${signedHeaders},Signature=${signV3(canonical, SECRET)}` },
      signal: fetchBound(),
    });
    return { status: response.status, json: await response.json(), record: server.requests.at(-1) };
  }

  test('a correctly signed V3 request with no body gets OK', async () => {
    const { status, json, record } = await postV3();
    assert.equal(status, 200);
    assert.equal(json.Code, 'OK');
    assert.equal(record.verified, true);
    assert.equal(record.headers['content-type'], undefined, 'fetch adds no content-type without a body');
  });

  test('an unsigned content-type gets InvalidSignedHeaders (HTTP 400), signed it is accepted', async () => {
    const unsigned = await postV3({ extra: { 'content-type': 'application/x-www-form-urlencoded' }, sign: false });
    assert.equal(unsigned.status, 400);
    assert.equal(unsigned.json.Code, 'InvalidSignedHeaders');
    assert.match(unsigned.json.Message, /content-type/);
    assert.equal(unsigned.record.unsignedHeader, 'content-type');
    const signed = await postV3({ extra: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(signed.json.Code, 'OK');
    assert.equal(signed.record.verified, true);
  });

  test("any other unsigned header is refused too, the runtime's own are not", async () => {
    const custom = await postV3({ extra: { 'x-custom-header': 'value' }, sign: false });
    assert.equal(custom.json.Code, 'InvalidSignedHeaders');
    assert.equal(custom.record.unsignedHeader, 'x-custom-header');
    // fetch's own user-agent, accept, accept-language, sec-fetch-mode, ... were sent unsigned above.
    const plain = await postV3();
    assert.equal(plain.json.Code, 'OK');
    for (const name of ['user-agent', 'accept', 'connection']) assert.ok(name in plain.record.headers, name);
  });

  test('a wrong security token is echoed in the answer (as Aliyun echoes its string to sign)', async () => {
    const sts = await startAliyunServer({ credentials: { [KEY_ID]: SECRET }, securityTokens: { [KEY_ID]: 'right-token' } });
    try {
      const p = params({ SecurityToken: 'wrong-token-123' });
      const response = await fetch(sts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: signedBody(p),
        signal: fetchBound(),
      });
      const json = await response.json();
      assert.equal(json.Code, 'InvalidSecurityToken.MismatchWithAccessKey');
      assert.ok(json.Message.includes('wrong-token-123'), json.Message);
    } finally {
      await sts.close();
    }
  });
});

describe('modes, CORS and lifecycle', () => {
  test('OPTIONS preflight and CORS headers', async () => {
    const preflight = await fetch(server.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' },
      signal: fetchBound(),
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers'), /content-type/i);
    const { headers } = await post(signedBody(params()));
    assert.equal(headers.get('access-control-allow-origin'), '*');
    assert.equal(server.requests.length, 1, 'preflights are not recorded');
  });

  test('respondNext is one-shot and queues; setMode persists', async () => {
    server.respondNext({ aliyunError: 'isv.DAY_LIMIT_CONTROL' });
    server.respondNext('not-json');
    assert.equal((await post(signedBody(params()))).json.Code, 'isv.DAY_LIMIT_CONTROL');
    assert.equal((await post(signedBody(params()))).text, 'OK');
    assert.equal((await post(signedBody(params()))).json.Code, 'OK');
    server.setMode('html500');
    assert.equal((await post(signedBody(params()))).status, 500);
    assert.equal((await post(signedBody(params()))).status, 500);
    server.setMode('ok');
    assert.equal((await post(signedBody(params()))).json.Code, 'OK');
  });

  test('simulated answers still record the verified request', async () => {
    server.respondNext({ aliyunError: 'Throttling.User', status: 400 });
    const { status, json } = await post(signedBody(params()));
    assert.equal(status, 400);
    assert.equal(json.Code, 'Throttling.User');
    assert.equal(server.requests[0].verified, true);
    assert.deepEqual(server.requests[0].mode, { aliyunError: 'Throttling.User', status: 400 });
  });

  test('close() does not hang on a request that never gets an answer', async () => {
    const local = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
    local.setMode('hang');
    const pending = fetch(local.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: signedBody(params()),
      signal: fetchBound(),
    }).then(
      () => 'answered',
      () => 'failed',
    );
    const deadline = Date.now() + 10_000;
    while (local.requests.length === 0) {
      assert.ok(Date.now() < deadline, 'the hanging request never reached the server');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const started = Date.now();
    await local.close();
    assert.ok(Date.now() - started < 2000, 'close() returned promptly');
    assert.equal(await pending, 'failed');
    await local.close(); // idempotent
  });

  test('standalone: prints its URL and logs each signed request with its verification', async () => {
    const script = fileURLToPath(new URL('../support/aliyun-server.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, '--port', '0', '--access-key-id', KEY_ID, '--access-key-secret', SECRET], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on('close', resolve));
    const waitFor = async (pattern) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(output)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return pattern.exec(output);
    };
    try {
      const [, url] = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      const p = params();
      const good = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: signedBody(p),
        signal: fetchBound(),
      });
      assert.equal((await good.json()).Code, 'OK');
      await waitFor(/signature verified/);
      assert.ok(output.includes(`SignatureNonce   = ${p.SignatureNonce}`), output);
      assert.ok(output.includes('Signature        = '), output);
      const bad = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: signedBody(params(), 'wrong'),
        signal: fetchBound(),
      });
      assert.equal((await bad.json()).Code, 'SignatureDoesNotMatch');
      await waitFor(/signature DID NOT verify/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('read-only actions: GetSmsSign, GetSmsTemplate, QuerySendDetails', () => {
  /** A signed request of `action` with only its own parameters beside the common ones. */
  const call = async (action, own) => {
    const common = params({ Action: action, PhoneNumbers: undefined, SignName: undefined, TemplateCode: undefined, TemplateParam: undefined });
    return post(signedBody({ ...common, ...own }));
  };

  beforeEach(() => server.reset());

  test('each is verified like SendSms: a wrong secret gets SignatureDoesNotMatch', async () => {
    for (const [action, own] of [
      ['GetSmsSign', { SignName: 'Logto' }],
      ['GetSmsTemplate', { TemplateCode: 'SMS_1' }],
      ['QuerySendDetails', { PhoneNumber: '13012345678', SendDate: '20261201', PageSize: '10', CurrentPage: '1' }],
    ]) {
      const good = await call(action, own);
      assert.equal(good.json.Code, 'OK', action);
      const bad = await post(signedBody({ ...params({ Action: action, PhoneNumbers: undefined, SignName: undefined, TemplateCode: undefined, TemplateParam: undefined }), ...own }, 'wrong'));
      assert.equal(bad.status, 400, action);
      assert.equal(bad.json.Code, 'SignatureDoesNotMatch', action);
    }
    assert.deepEqual(server.requests.map((r) => [r.action, r.verified]), [
      ['GetSmsSign', true], ['GetSmsSign', false],
      ['GetSmsTemplate', true], ['GetSmsTemplate', false],
      ['QuerySendDetails', true], ['QuerySendDetails', false],
    ]);
  });

  test('each requires its own parameters', async () => {
    for (const [action, name] of [['GetSmsSign', 'SignName'], ['GetSmsTemplate', 'TemplateCode'], ['QuerySendDetails', 'SendDate']]) {
      const own = action === 'QuerySendDetails' ? { PhoneNumber: '13012345678', PageSize: '10', CurrentPage: '1' } : {};
      const { status, json } = await call(action, own);
      assert.equal(status, 400, action);
      assert.equal(json.Code, `Missing${name}`, action);
    }
  });

  test('GetSmsSign answers each review state', async () => {
    server.setSign('Pending', 'under_review');
    server.setSign('Refused', { state: 'rejected', reason: 'No licence.' });
    server.setSign('Withdrawn', 'cancelled');
    server.setSign('Nobody', 'unknown');
    const sign = async (name) => (await call('GetSmsSign', { SignName: name })).json;
    assert.equal((await sign('Logto')).SignStatus, 1);
    assert.equal((await sign('Pending')).SignStatus, 0);
    const refused = await sign('Refused');
    assert.equal(refused.SignStatus, 2);
    assert.equal(refused.AuditInfo.RejectInfo, 'No licence.');
    assert.equal((await sign('Withdrawn')).SignStatus, 10);
    assert.equal((await sign('Nobody')).Code, 'isv.SMS_SIGNATURE_ILLEGAL');
  });

  test('GetSmsTemplate answers state and content (TemplateStatus as a string)', async () => {
    server.setTemplate('SMS_PLAIN', { state: 'approved', content: 'Welcome!' });
    server.setTemplate('SMS_GONE', 'unknown');
    const template = async (code) => (await call('GetSmsTemplate', { TemplateCode: code })).json;
    const standard = await template('SMS_1');
    assert.equal(standard.TemplateStatus, '1');
    assert.match(standard.TemplateContent, /\$\{code\}/);
    assert.equal((await template('SMS_PLAIN')).TemplateContent, 'Welcome!');
    assert.equal((await template('SMS_GONE')).Code, 'isv.SMS_TEMPLATE_ILLEGAL');
  });

  test('QuerySendDetails finds a sent message by number, Shanghai day and BizId, in each state', async () => {
    const sent = await post(signedBody(params({ PhoneNumbers: '8613012345678', TemplateParam: '{"code":"424242"}' })));
    const { BizId } = sent.json;
    assert.equal(server.messages.length, 1);
    assert.match(server.messages[0].content, /424242/);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).replaceAll('-', '');
    const query = async (own) =>
      (await call('QuerySendDetails', { PhoneNumber: '13012345678', SendDate: day, PageSize: '10', CurrentPage: '1', ...own })).json;
    for (const [state, status, errCode] of [
      ['delivered', 3, 'DELIVERED'],
      ['waiting', 1, ''],
      [{ state: 'failed', errCode: 'IC:0015' }, 2, 'IC:0015'],
    ]) {
      server.setDelivery(BizId, state);
      const answer = await query({ BizId });
      assert.equal(answer.TotalCount, 1);
      const [record] = answer.SmsSendDetailDTOs.SmsSendDetailDTO;
      assert.equal(record.SendStatus, status);
      assert.equal(record.ErrCode, errCode);
      assert.equal(record.TemplateCode, 'SMS_1');
    }
    assert.equal((await query({ BizId: 'other^0' })).TotalCount, 0);
    assert.equal((await query({ SendDate: '20200101' })).TotalCount, 0);
    assert.equal((await query({ PhoneNumber: '13099999999' })).TotalCount, 0);
    assert.equal((await query({ SendDate: '2026-12-01' })).Code, 'isv.INVALID_PARAMETERS');
  });

  test('setDenied: RAM refuses the action after verifying it', async () => {
    server.setDenied(['GetSmsSign']);
    const { status, json } = await call('GetSmsSign', { SignName: 'Logto' });
    assert.equal(status, 403);
    assert.equal(json.Code, 'Forbidden.RAM');
    assert.equal(server.requests[0].verified, true);
    assert.equal((await call('GetSmsTemplate', { TemplateCode: 'SMS_1' })).json.Code, 'OK');
  });

  test('setClockSkew moves both the Date header and the Timestamp check; setDateHeader(false) drops Date', async () => {
    const plain = await call('GetSmsSign', { SignName: 'Logto' });
    const now = Date.parse(plain.headers.get('date'));
    assert.ok(Math.abs(now - Date.now()) < 5 * 60_000, plain.headers.get('date'));
    server.setClockSkew(-20 * 60_000);
    const skewed = await call('GetSmsSign', { SignName: 'Logto' });
    assert.ok(Date.now() - Date.parse(skewed.headers.get('date')) > 15 * 60_000, skewed.headers.get('date'));
    assert.equal(skewed.json.Code, 'InvalidTimeStamp.Expired');
    server.setClockSkew(0);
    server.setDateHeader(false);
    const bare = await call('GetSmsSign', { SignName: 'Logto' });
    assert.equal(bare.headers.get('date'), null);
    assert.equal(bare.json.Code, 'OK');
  });
});
