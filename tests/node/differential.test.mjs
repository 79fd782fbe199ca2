// The official @logto/connector-aliyun-sms@1.5.5 as an oracle: both connectors get the same table
// of inputs and the same Aliyun answers, and must agree on the template, the verification code and
// the error code, except where a row states the intended difference.
//
// Transport:
// - Ours POSTs over a real socket to the loopback Aliyun-compatible server (config `endpoint`
//   http://127.0.0.1:<port>/, which our config allows for loopback hosts only).
// - The official connector hard-codes https://dysmsapi.aliyuncs.com/ and sends with `got`. A TLS
//   front (tests/support/tls.mjs) with a throwaway self-signed certificate for that name pipes to
//   the same server, and `https.globalAgent` is swapped for one that connects that host name to
//   the front, trusting only the throwaway certificate. The TLS handshake and the check of the
//   certificate against the real host name still happen. Why not NODE_EXTRA_CA_CERTS plus a
//   dns.lookup override: the hard-coded port 443 cannot reach an ephemeral test port by name
//   resolution alone, and NODE_EXTRA_CA_CERTS is read only at process start (a child process
//   would lose the in-process `instanceof ConnectorError` checks).
//
// Signatures: the server verifies both (record.verified). Where its own checks stop before the
// signature (e.g. the official connector sends an empty PhoneNumbers or SignName, which the server
// answers MissingPhoneNumbers / MissingSignName), the official signature is checked with the
// server module's exported `sign()`, which is independent of both connectors.
//
// Answers: each row names Aliyun's answer. For 'ok', ours gets the server's real verdict (which
// must be OK); the official connector gets a canned OK body, because the server's own checks
// reject some of what it sends (PhoneNumbers with '+', spaces or dashes; TemplateParam with
// non-string values; empty fields) and the point here is what each connector does with the same
// answer. The server's own verdict on the official requests is reported in the diagnostics.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import createOurConnector from '../../pkg/lib/index.js';
import { sign, startAliyunServer } from '../support/aliyun-server.mjs';
import { NETWORK_BOUND_MS, settlesWithin } from '../support/bounds.mjs';
import { makeThrowawayCertificate, routeHttpsGlobalAgent, startTlsFront } from '../support/tls.mjs';

const KEY_ID = 'LTAI-differential-test';
const SECRET = `differential-secret-${randomUUID()}`;
const ALIYUN_HOST = 'dysmsapi.aliyuncs.com';

// ---------------------------------------------------------------------------------------------
// Inputs.

/** Template objects from `[usageType, templateCode, type?]` rows (codes copied: variants share rows). */
const templatesOf = (entries) =>
  entries.map(([usageType, templateCode, type]) => ({ usageType, templateCode: structuredClone(templateCode), ...(type === undefined ? {} : { type }) }));

/** The four required templates, one code each. */
const PLAIN = [
  ['SignIn', 'SMS_SIGNIN'],
  ['Register', 'SMS_REGISTER'],
  ['ForgotPassword', 'SMS_FORGOT'],
  ['Generic', 'SMS_GENERIC'],
];
/** The four required templates, three with a code per region. */
const REGIONAL = [
  ['SignIn', { china: 'SMS_SIGNIN_CN', overseas: 'SMS_SIGNIN_INT' }],
  ['Register', { china: 'SMS_REG_CN', overseas: 'SMS_REG_INT' }],
  ['ForgotPassword', 'SMS_FORGOT'],
  ['Generic', { china: 'SMS_GEN_CN', overseas: 'SMS_GEN_INT' }],
];

/** Config variants. `endpoint` is added at run time; the official connector ignores it. */
const CONFIGS = {
  minimal: { templates: templatesOf(PLAIN) },
  regional: { strictPhoneRegionNumberCheck: false, templates: templatesOf(REGIONAL) },
  regionalStrict: { strictPhoneRegionNumberCheck: true, templates: templatesOf(REGIONAL) },
  full: {
    templates: templatesOf([
      ['SignIn', 'SMS_SIGNIN', 2],
      ['Register', 'SMS_REGISTER', 2],
      ['ForgotPassword', 'SMS_FORGOT', 2],
      ['OrganizationInvitation', 'SMS_ORG_INVITE', 0],
      ['Generic', 'SMS_GENERIC', 2],
      ['UserPermissionValidation', 'SMS_PERMISSION', 2],
      ['BindNewIdentifier', 'SMS_BIND_ID', 2],
      ['MfaVerification', 'SMS_MFA', 2],
      ['BindMfa', 'SMS_BIND_MFA', 2],
    ]),
  },
  emptySignName: { signName: '', templates: templatesOf(PLAIN) },
  emptyUnusedTemplate: { templates: templatesOf([...PLAIN, ['BindMfa', '']]) },
  strictNull: {
    strictPhoneRegionNumberCheck: null,
    templates: templatesOf([REGIONAL[0], ...PLAIN.slice(1)]),
  },
  missingGeneric: { templates: templatesOf(PLAIN.filter(([usageType]) => usageType !== 'Generic')) },
  strictNotBoolean: { strictPhoneRegionNumberCheck: 'yes', templates: templatesOf(PLAIN) },
};

/** `to` as Logto passes it → what ours sends as PhoneNumbers (stated, not computed). */
const OUR_PHONE = {
  '13012345678': '13012345678',
  '8613012345678': '8613012345678',
  '+8613012345678': '8613012345678',
  '008613012345678': '8613012345678',
  '+86 130 1234 5678': '8613012345678',
  '+1 862-401-7194': '18624017194',
  '85291234567': '85291234567',
  '+852 9123 4567': '85291234567',
  '18624017194': '18624017194',
  ' 13012345678 ': '13012345678',
  '+86-130-1234-5678': '8613012345678',
};

const LOGTO_PAYLOAD = {
  code: '112233',
  locale: 'zh-CN',
  uiLocales: 'zh-CN en',
  application: { id: 'app-123', name: 'Demo App', displayName: 'Demo', logo: 'https://example.com/logo.png' },
  user: { id: 'user-9', username: 'alice', primaryPhone: '8613012345678', name: null },
};

/** Payload variants with the TemplateParam each connector is expected to send (stated). */
const PAYLOADS = {
  code: { payload: { code: '123456' }, official: '{"code":"123456"}', ours: '{"code":"123456"}' },
  codeLocale: { payload: { code: '654321', locale: 'en' }, official: '{"code":"654321"}', ours: '{"code":"654321"}' },
  logto: {
    payload: LOGTO_PAYLOAD,
    official:
      '{"code":"112233","uiLocales":"zh-CN en","application":{"id":"app-123","name":"Demo App","displayName":"Demo","logo":"https://example.com/logo.png"},"user":{"id":"user-9","username":"alice","primaryPhone":"8613012345678","name":null}}',
    ours: '{"code":"112233"}',
  },
  linkFirst: {
    payload: { link: 'https://example.com/verify?x=1', code: '778899' },
    official: '{"link":"https://example.com/verify?x=1","code":"778899"}',
    ours: '{"code":"778899","link":"https://example.com/verify?x=1"}',
  },
  empty: { payload: {}, official: '{}', ours: '{}' },
  numericCode: { payload: { code: 123456 }, official: '{"code":123456}', ours: '{}' },
};

/** Aliyun answers: what the server is told, and the error code each connector must reject with. */
const ANSWERS = {
  ok: { mode: 'ok', official: 'OK', ours: 'OK' },
  limit: {
    mode: { aliyunError: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发分钟级流控Permits:1' },
    official: 'rate_limit_exceeded',
    ours: 'rate_limit_exceeded',
  },
  amount: {
    mode: { aliyunError: 'isv.AMOUNT_NOT_ENOUGH', message: '账户余额不足' },
    official: 'general',
    ours: 'usage_limit_exceeded',
    why: 'ours maps isv.AMOUNT_NOT_ENOUGH to usage_limit_exceeded; official maps every non-rate-limit Code to general',
  },
  sig400: {
    mode: { aliyunError: 'SignatureDoesNotMatch', status: 400, message: 'Specified signature is not matched with our calculation.' },
    official: 'general',
    ours: 'invalid_config',
    why: 'ours maps SignatureDoesNotMatch (HTTP 400) to invalid_config (wrong secret); official: any HTTP error is general',
  },
  html500: { mode: 'html500', official: 'invalid_response', ours: 'invalid_response' },
};

const WHY = {
  phone: 'ours sends PhoneNumbers digits only (no +, 00, spaces, dashes); official sends `to` as given',
  param: 'ours keeps only string values minus locale/uiLocales; official drops only locale',
  spacedChina:
    'spaces: official matches its China regex (optional 86/+86/0086, then 1 and 10 digits, anchored) against the raw `to`, which fails, so overseas; ours strips separators first, so China',
  spacedChinaTrim:
    'whitespace around `to`: official matches its anchored China regex against the raw `to`, which fails, so overseas; ours trims first, so China',
  dashedChina:
    'dashes: official matches its anchored China regex against the raw `to`, which fails, so overseas; ours strips separators first, so China',
  strictNull:
    'ours reads strictPhoneRegionNumberCheck: null as unset (false) and sends; official z.boolean().optional() rejects null (invalid_config, no request)',
  badTo: 'ours rejects an unusable `to` before any request (invalid_request_parameters); official sends it to Aliyun as is',
  emptySignName: 'ours requires a non-empty signName (invalid_config, no request); official z.string() accepts "" and sends SignName=""',
  numericCode: 'ours drops non-string payload values, so a numeric code is not sent at all; official sends {"code":123456}',
};

/**
 * One row. Defaults: config 'minimal', type 'SignIn', to '13012345678', payload 'code', answer 'ok'.
 * `code`: the TemplateCode both must send, or { official, ours, why }.
 * `sends`: { official, ours } (default both true). `result`: { official, ours, why } to override
 * the answer's expected codes (for rows rejected before sending).
 */
const ROWS = [];
const row = (name, spec) => ROWS.push({ name, config: 'minimal', type: 'SignIn', to: '13012345678', payload: 'code', answer: 'ok', ...spec });

// Phone formats × region rule, non-strict, regional templates.
row('regional, mainland bare', { config: 'regional', code: 'SMS_SIGNIN_CN' });
row('regional, 86 prefix', { config: 'regional', to: '8613012345678', code: 'SMS_SIGNIN_CN' });
row('regional, +86 prefix', { config: 'regional', to: '+8613012345678', code: 'SMS_SIGNIN_CN' });
row('regional, 0086 prefix', { config: 'regional', to: '008613012345678', code: 'SMS_SIGNIN_CN' });
row('regional, +86 with spaces', {
  config: 'regional',
  to: '+86 130 1234 5678',
  code: { official: 'SMS_SIGNIN_INT', ours: 'SMS_SIGNIN_CN', why: WHY.spacedChina },
});
row('regional, US formatted', { config: 'regional', to: '+1 862-401-7194', code: 'SMS_SIGNIN_INT' });
row('regional, HK bare', { config: 'regional', to: '85291234567', code: 'SMS_SIGNIN_INT' });
row('regional, HK formatted', { config: 'regional', to: '+852 9123 4567', code: 'SMS_SIGNIN_INT' });
row('regional, NANP without +1', { config: 'regional', to: '18624017194', code: 'SMS_SIGNIN_CN' });
// The same, strict.
row('strict, mainland bare', { config: 'regionalStrict', code: 'SMS_SIGNIN_INT' });
row('strict, 86 prefix', { config: 'regionalStrict', to: '8613012345678', code: 'SMS_SIGNIN_CN' });
row('strict, +86 prefix', { config: 'regionalStrict', to: '+8613012345678', code: 'SMS_SIGNIN_CN' });
row('strict, 0086 prefix', { config: 'regionalStrict', to: '008613012345678', code: 'SMS_SIGNIN_CN' });
row('strict, +86 with spaces', {
  config: 'regionalStrict',
  to: '+86 130 1234 5678',
  code: { official: 'SMS_SIGNIN_INT', ours: 'SMS_SIGNIN_CN', why: WHY.spacedChina },
});
row('strict, dashes', {
  config: 'regionalStrict',
  to: '+86-130-1234-5678',
  code: { official: 'SMS_SIGNIN_INT', ours: 'SMS_SIGNIN_CN', why: WHY.dashedChina },
});
row('regional, whitespace around', {
  config: 'regional',
  to: ' 13012345678 ',
  code: { official: 'SMS_SIGNIN_INT', ours: 'SMS_SIGNIN_CN', why: WHY.spacedChinaTrim },
});
row('strict, US formatted', { config: 'regionalStrict', to: '+1 862-401-7194', code: 'SMS_SIGNIN_INT' });
row('strict, HK bare', { config: 'regionalStrict', to: '85291234567', code: 'SMS_SIGNIN_INT' });
row('strict, HK formatted', { config: 'regionalStrict', to: '+852 9123 4567', code: 'SMS_SIGNIN_INT' });
row('strict, NANP without +1', { config: 'regionalStrict', to: '18624017194', code: 'SMS_SIGNIN_INT' });
// Usage types, configured or falling back to Generic.
row('Register regional, HK', { config: 'regional', type: 'Register', to: '+852 9123 4567', code: 'SMS_REG_INT' });
row('MfaVerification not configured → Generic (regional CN)', { config: 'regional', type: 'MfaVerification', code: 'SMS_GEN_CN' });
row('MfaVerification not configured → Generic', { type: 'MfaVerification', code: 'SMS_GENERIC' });
row('BindMfa not configured → Generic', { type: 'BindMfa', code: 'SMS_GENERIC' });
row('UserPermissionValidation not configured → Generic', { type: 'UserPermissionValidation', code: 'SMS_GENERIC' });
row('ForgotPassword configured', { type: 'ForgotPassword', to: '+8613012345678', code: 'SMS_FORGOT' });
row('MfaVerification configured', { config: 'full', type: 'MfaVerification', code: 'SMS_MFA' });
row('BindMfa configured', { config: 'full', type: 'BindMfa', code: 'SMS_BIND_MFA' });
row('OrganizationInvitation configured', { config: 'full', type: 'OrganizationInvitation', code: 'SMS_ORG_INVITE' });
row('BindNewIdentifier configured', { config: 'full', type: 'BindNewIdentifier', to: '+1 862-401-7194', code: 'SMS_BIND_ID' });
row('no type → Generic', { type: undefined, code: 'SMS_GENERIC' });
// Payloads.
row('payload with locale', { payload: 'codeLocale', code: 'SMS_SIGNIN' });
row('Logto-style payload', { payload: 'logto', to: '+8613012345678', code: 'SMS_SIGNIN' });
row('payload with an extra string', { payload: 'linkFirst', code: 'SMS_SIGNIN' });
row('empty payload', { payload: 'empty', type: 'Generic', code: 'SMS_GENERIC' });
row('numeric code', { payload: 'numericCode', code: 'SMS_SIGNIN', codeValueDiffers: WHY.numericCode });
// Aliyun answers.
row('rate limited', { answer: 'limit', code: 'SMS_SIGNIN' });
row('rate limited, Logto payload, strict +86', { config: 'regionalStrict', to: '+8613012345678', payload: 'logto', answer: 'limit', code: 'SMS_SIGNIN_CN' });
row('amount not enough', { answer: 'amount', code: 'SMS_SIGNIN' });
row('signature does not match (400)', { answer: 'sig400', code: 'SMS_SIGNIN' });
row('HTTP 500 HTML', { answer: 'html500', code: 'SMS_SIGNIN' });
row('HTTP 500 HTML, regional US', { config: 'regional', to: '+1 862-401-7194', answer: 'html500', code: 'SMS_SIGNIN_INT' });
// Unusable `to`.
for (const to of ['not-a-phone', '', '123']) {
  row(`bad to ${JSON.stringify(to)}`, {
    to,
    code: 'SMS_SIGNIN',
    sends: { official: true, ours: false },
    result: { official: 'OK', ours: 'invalid_request_parameters', why: WHY.badTo },
  });
}
// Configs.
row('empty signName', {
  config: 'emptySignName',
  code: 'SMS_SIGNIN',
  sends: { official: true, ours: false },
  result: { official: 'OK', ours: 'invalid_config', why: WHY.emptySignName },
});
// Same on both: an empty code on a template that is never picked does not stop other sends.
row('empty templateCode on an unused usage type', {
  config: 'emptyUnusedTemplate',
  code: 'SMS_SIGNIN',
});
row('strictPhoneRegionNumberCheck null', {
  config: 'strictNull',
  code: 'SMS_SIGNIN_CN',
  sends: { official: false, ours: true },
  result: { official: 'invalid_config', ours: 'OK', why: WHY.strictNull },
});
row('no Generic template', { config: 'missingGeneric', sends: { official: false, ours: false }, result: { official: 'invalid_config', ours: 'invalid_config' } });
row('strictPhoneRegionNumberCheck not a boolean', {
  config: 'strictNotBoolean',
  sends: { official: false, ours: false },
  result: { official: 'invalid_config', ours: 'invalid_config' },
});

// ---------------------------------------------------------------------------------------------
// Harness.

let server;
let tlsCert;
let front;
let restoreAgent;
const connectors = {};

const configFor = (name) => ({
  accessKeyId: KEY_ID,
  accessKeySecret: SECRET,
  signName: 'Logto Differential',
  ...CONFIGS[name],
  endpoint: server.url,
  timeout: 20_000,
});

const notCalled = async () => {
  throw new Error('getConfig must not be called: the config is passed');
};

/** The answer for one connector: the row's mode, but a canned OK body for the official 'ok'. */
const modeFor = (side, answer) =>
  side === 'official' && answer === 'ok'
    ? {
        status: 200,
        body: JSON.stringify({ Code: 'OK', Message: 'OK', RequestId: randomUUID().toUpperCase(), BizId: `900${Date.now()}^0` }),
      }
    : ANSWERS[answer].mode;

async function drive(side, spec) {
  server.reset();
  server.respondNext(modeFor(side, spec.answer));
  const data = { to: spec.to, type: spec.type, payload: PAYLOADS[spec.payload].payload };
  let outcome;
  try {
    // Bounded: got, in the official connector, has no timeout of its own.
    const sending = connectors[side].sendMessage(data, configFor(spec.config));
    outcome = { ok: true, value: await settlesWithin(sending, NETWORK_BOUND_MS, `the ${side} connector's send`) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  return { outcome, requests: [...server.requests] };
}

const resultCode = ({ outcome }) => (outcome.ok ? outcome.value?.Code : outcome.error?.code ?? String(outcome.error));

/** Whether the official request's signature verifies, independently of both connectors. */
const officialSignatureVerifies = (record) => {
  const { Signature: given, ...signed } = record.params;
  return typeof given === 'string' && sign(record.method, signed, SECRET) === given;
};

const sameJson = (a, b) => {
  try {
    assert.deepStrictEqual(JSON.parse(a), JSON.parse(b));
    return true;
  } catch {
    return false;
  }
};

const differences = [];
const officialServerVerdicts = new Map();

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  // A prerequisite, not an option: without openssl this suite fails rather than skips.
  try {
    tlsCert = makeThrowawayCertificate([ALIYUN_HOST]);
  } catch (error) {
    throw new Error(
      `the differential suite needs the openssl CLI for a throwaway TLS certificate (bash scripts/setup.sh installs it): ${error.message}`,
      { cause: error },
    );
  }
  front = await startTlsFront({ cert: tlsCert.cert, key: tlsCert.key, targetPort: server.port });
  restoreAgent = routeHttpsGlobalAgent({ [ALIYUN_HOST]: front.port }, { ca: tlsCert.cert });
  const { default: createOfficial } = await import('@logto/connector-aliyun-sms');
  connectors.official = await createOfficial({ getConfig: notCalled });
  connectors.ours = await createOurConnector({ getConfig: notCalled });
});

after(async () => {
  restoreAgent?.();
  await front?.close();
  await server?.close();
  tlsCert?.cleanup();
});

describe('differential: official @logto/connector-aliyun-sms@1.5.5 vs ours', () => {
  test('the table has at least 30 rows', () => {
    assert.ok(ROWS.length >= 30, `${ROWS.length} rows`);
  });

  test('the official connector reaches the loopback server only through verified TLS', async () => {
    // Without the throwaway CA, the same TLS front is rejected: the handshake really verifies.
    const error = await new Promise((resolve) => {
      const request = https.request(
        {
          host: '127.0.0.1',
          port: front.port,
          servername: ALIYUN_HOST,
          path: '/',
          method: 'POST',
          agent: new https.Agent(),
          timeout: NETWORK_BOUND_MS,
        },
        (response) => {
          response.resume();
          resolve(undefined);
        }
      );
      request.on('timeout', () => request.destroy(new Error(`no TLS answer within ${NETWORK_BOUND_MS} ms`)));
      request.on('error', resolve);
      request.end();
    });
    assert.ok(error, 'an untrusted certificate must fail the request');
    assert.match(error.code ?? '', /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/, String(error));
  });

  for (const [index, spec] of ROWS.entries()) {
    const label = `row ${index + 1}: ${spec.name}`;
    test(label, async () => {
      const official = await drive('official', spec);
      const ours = await drive('ours', spec);
      const answer = ANSWERS[spec.answer];
      const sends = spec.sends ?? { official: true, ours: true };
      const expected = {
        official: spec.result?.official ?? answer.official,
        ours: spec.result?.ours ?? answer.ours,
      };
      const seen = {};

      // Requests: count, signature, host.
      assert.equal(official.requests.length, sends.official ? 1 : 0, 'official request count');
      assert.equal(ours.requests.length, sends.ours ? 1 : 0, 'our request count');
      const theirs = official.requests[0];
      const mine = ours.requests[0];
      if (theirs) {
        assert.equal(theirs.headers.host, ALIYUN_HOST, 'official request came in under the real host name');
        assert.ok(officialSignatureVerifies(theirs), 'official signature verifies (server sign())');
        if (theirs.expectedSignature) assert.equal(theirs.verified, true, 'server verified the official signature');
        const verdict = theirs.outcome?.code;
        officialServerVerdicts.set(verdict, [...(officialServerVerdicts.get(verdict) ?? []), index + 1]);
        seen.official = theirs.params;
      }
      if (mine) {
        assert.equal(mine.verified, true, `server verified our signature (${mine.outcome?.code})`);
        if (spec.answer === 'ok') assert.equal(mine.outcome.code, 'OK', `the server's own checks accept ours: ${mine.outcome.message}`);
        seen.ours = mine.params;
      }

      // Results: both are the host's ConnectorError, or both resolve with Aliyun's fields.
      for (const [side, run] of [['official', official], ['ours', ours]]) {
        if (run.outcome.ok) {
          assert.deepEqual(Object.keys(run.outcome.value).sort(), ['BizId', 'Code', 'Message', 'RequestId'], `${side} result keys`);
        } else {
          assert.ok(run.outcome.error instanceof ConnectorError, `${side} rejects with ConnectorError: ${run.outcome.error}`);
        }
      }
      const codes = { official: resultCode(official), ours: resultCode(ours) };
      assert.deepEqual(codes, expected, 'result per connector');

      // Template code and TemplateParam.
      const expectedCode = typeof spec.code === 'object' ? spec.code : { official: spec.code, ours: spec.code };
      if (theirs) assert.equal(theirs.params.TemplateCode, expectedCode.official, 'official TemplateCode');
      if (mine) assert.equal(mine.params.TemplateCode, expectedCode.ours, 'our TemplateCode');
      const payload = PAYLOADS[spec.payload];
      if (theirs) {
        assert.equal(theirs.params.TemplateParam, payload.official, 'official TemplateParam');
        assert.equal(theirs.params.PhoneNumbers, spec.to, 'official PhoneNumbers: `to` as given');
      }
      if (mine) {
        assert.equal(mine.params.TemplateParam, payload.ours, 'our TemplateParam');
        assert.equal(mine.params.PhoneNumbers, OUR_PHONE[spec.to], 'our PhoneNumbers: digits only');
      }
      if (theirs && mine) {
        const theirCode = JSON.parse(theirs.params.TemplateParam).code;
        const ourCode = JSON.parse(mine.params.TemplateParam).code;
        if (spec.codeValueDiffers) assert.notEqual(ourCode, theirCode, 'the code values differ, as the row states');
        else assert.equal(ourCode, theirCode, 'same `code` value in TemplateParam');
      }

      // Record what differs, from what was observed.
      const diff = [];
      if (sends.official !== sends.ours) {
        diff.push(['request', sends.official ? 'sent' : 'none', sends.ours ? 'sent' : 'none', spec.result?.why ?? '']);
      }
      if (theirs && mine) {
        if (theirs.params.TemplateCode !== mine.params.TemplateCode) {
          diff.push(['TemplateCode', theirs.params.TemplateCode, mine.params.TemplateCode, expectedCode.why]);
        }
        if (theirs.params.PhoneNumbers !== mine.params.PhoneNumbers) {
          diff.push(['PhoneNumbers', JSON.stringify(theirs.params.PhoneNumbers), mine.params.PhoneNumbers, WHY.phone]);
        }
        if (!sameJson(theirs.params.TemplateParam, mine.params.TemplateParam)) {
          diff.push(['TemplateParam', theirs.params.TemplateParam, mine.params.TemplateParam, spec.codeValueDiffers ?? WHY.param]);
        }
      }
      if (codes.official !== codes.ours && sends.official === sends.ours) {
        diff.push(['result', codes.official, codes.ours, spec.result?.why ?? answer.why ?? '']);
      } else if (codes.official !== codes.ours) {
        diff.push(['result', codes.official, codes.ours, '(follows from the request difference)']);
      }
      for (const [aspect, theirValue, ourValue, why] of diff) {
        assert.ok(why, `row ${label} differs in ${aspect} without a stated reason`);
        differences.push({ row: index + 1, name: spec.name, to: spec.to, answer: spec.answer, aspect, official: theirValue, ours: ourValue, why });
      }
    });
  }

  test('seeded random separator-free numbers: both pick the same regional template', async (t) => {
    // Separator-free `to` values are where the two region rules must agree exactly.
    let seed = 0x5eed_1234;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
    };
    const pick = (list) => list[Math.floor(random() * list.length)];
    const digits = (n) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const prefixes = ['', '', '86', '+86', '0086', '+', '00', '+1', '852', '+852', '8', '860', '+8'];
    let compared = 0;
    let ourRejections = 0;
    const tally = new Map();
    for (let i = 0; i < 120; i += 1) {
      const body = random() < 0.7 ? `1${digits(pick([9, 10, 10, 10, 11]))}` : digits(pick([7, 8, 10, 11]));
      const spec = { config: pick(['regional', 'regionalStrict']), type: 'SignIn', to: `${pick(prefixes)}${body}`, payload: 'code', answer: 'ok' };
      const official = await drive('official', spec);
      const ours = await drive('ours', spec);
      const theirs = official.requests[0];
      assert.ok(theirs, `official always sends (${spec.to})`);
      const mine = ours.requests[0];
      if (!mine) {
        ourRejections += 1;
        assert.equal(resultCode(ours), 'invalid_request_parameters', `ours rejected ${spec.to}`);
        const count = spec.to.replace(/^\+|^00/, '').length;
        assert.ok(count < 5 || count > 15, `ours rejected ${spec.to} with ${count} digits`);
        continue;
      }
      compared += 1;
      assert.equal(mine.params.TemplateCode, theirs.params.TemplateCode, `${spec.config} ${spec.to}`);
      tally.set(mine.params.TemplateCode, (tally.get(mine.params.TemplateCode) ?? 0) + 1);
    }
    t.diagnostic(
      `${compared} numbers agreed (${[...tally].map(([code, n]) => `${code} x${n}`).join(', ')}); ${ourRejections} rejected by ours before sending`
    );
    assert.ok(compared >= 90, `${compared} compared`);
  });

  test('table of differences', (t) => {
    const lines = [];
    lines.push(`${ROWS.length} rows; ${new Set(differences.map((d) => d.row)).size} differ. Columns: row | input | aspect | official | ours | why`);
    const systematic = new Set([WHY.phone, WHY.param]);
    for (const d of differences.filter((d) => !systematic.has(d.why))) {
      const input = `${d.name} (to ${JSON.stringify(d.to)}, answer ${d.answer})`;
      lines.push(`row ${d.row} | ${input} | ${d.aspect} | ${d.official} | ${d.ours} | ${d.why}`);
    }
    for (const why of systematic) {
      const rows = differences.filter((d) => d.why === why);
      if (rows.length === 0) continue;
      const sample = rows[0];
      lines.push(
        `rows ${rows.map((d) => d.row).join(',')} | ${sample.aspect} | e.g. official ${sample.official} / ours ${sample.ours} | ${why}`
      );
    }
    lines.push(
      `server's own verdict on the official requests (each was answered with the row's answer regardless): ${[
        ...officialServerVerdicts,
      ]
        .map(([code, rows]) => (code === 'OK' ? `OK x${rows.length}` : `${code} x${rows.length} (rows ${rows.join(',')})`))
        .join('; ')}`
    );
    for (const line of lines) t.diagnostic(line);
    assert.ok(differences.length > 0);
  });
});
