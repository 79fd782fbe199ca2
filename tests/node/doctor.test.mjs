// `connector-aliyun-sms-wasm doctor`: the real CLI (pkg/bin/cli.js) as a child process against
// the verifying loopback server, each check in each state, in text and in --json, with exit codes.
// The overseas route's checks run against a second, international instance that knows only the
// route's account.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';

import { GLOBE_API, startAliyunServer } from '../support/aliyun-server.mjs';
import { cli, writeConfig } from '../support/cli.mjs';
import { configFor } from '../support/harness.mjs';

const KEY_ID = 'LTAI-doctor';
const SECRET = `doctor-secret-${randomUUID()}`;
const TOKEN = `doctor-token-${randomUUID()}`;
const TEMPLATE_CODES = ['SMS_SIGNIN', 'SMS_REG_CN', 'SMS_REG_INT', 'SMS_FORGOT', 'SMS_GENERIC'];
const MINUTE = 60_000;
const INTL = { accessKeyId: 'LTAI-doctor-intl', accessKeySecret: `doctor-intl-secret-${randomUUID()}` };

let server;
/** The international site: the overseas route's account only. */
let intl;
let dir;

const makeConfig = (overrides, on = server) =>
  configFor({ url: on.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto Doctor' }, overrides);

/** A second server whose key needs `TOKEN` (STS); closed by the test. */
const stsServer = () => startAliyunServer({ credentials: { [KEY_ID]: SECRET }, securityTokens: { [KEY_ID]: TOKEN } });

const label = (check) => [check.name, check.subject, check.route && `(${check.route} route)`].filter(Boolean).join(' ');

/**
 * Runs `doctor` on `config` twice, as text and with --json. Both must exit alike; the text must be
 * one line per check of the JSON report, in order, then the summary. Returns both, and the
 * requests the text run made.
 */
async function doctor(config, { on = server } = {}) {
  const file = writeConfig(dir, config);
  const before = on.requests.length;
  const intlBefore = intl.requests.length;
  const text = await cli(['doctor', '--config', file]);
  const requests = on.requests.slice(before);
  const intlRequests = intl.requests.slice(intlBefore);
  const json = await cli(['doctor', '--json', '--config', file]);
  assert.equal(json.status, text.status, `exit status, text and --json:\n${text.output}\n${json.output}`);
  assert.equal(json.stderr, '');
  const lines = json.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, 'one JSON object');
  const report = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(report).sort(), ['checks', 'ok', 'summary']);
  const textLines = text.stdout.trimEnd().split('\n');
  assert.equal(textLines.length, report.checks.length + 1, text.stdout);
  report.checks.forEach((check, i) => {
    assert.deepEqual(Object.keys(check).filter((k) => !['subject', 'route', 'issues'].includes(k)), ['name', 'verdict', 'detail']);
    if (check.route !== undefined) assert.equal(check.route, 'overseas');
    const line = textLines[i];
    assert.ok(line.startsWith(check.verdict.padEnd(4)), line);
    assert.ok(line.includes(`${label(check)} `), line);
    // Two runs: the clock's measured offset may differ by a second or flip its sign around 0.
    const steady = (text) => text.replace(/the local clock is .*? the endpoint's Date/, 'the local clock is # the endpoint\'s Date');
    assert.ok(steady(line).endsWith(steady(check.detail)), `${line}\n${check.detail}`);
  });
  assert.match(textLines.at(-1), new RegExp(`^doctor: ${report.summary}`));
  assert.equal(report.ok, !report.checks.some((c) => c.verdict === 'fail'));
  assert.equal(text.status, report.ok ? 0 : 1, text.output);
  for (const output of [text.output, json.output]) {
    assert.ok(!output.includes(SECRET), 'the secret is never printed');
    assert.ok(!output.includes(TOKEN), 'the token is never printed');
    assert.ok(!output.includes(INTL.accessKeySecret), "the route's secret is never printed");
  }
  return { status: text.status, text: text.stdout, report, requests, intlRequests };
}

const find = (report, name, subject) => {
  const check = report.checks.find((c) => c.name === name && c.route === undefined && (subject === undefined || c.subject === subject));
  assert.ok(check, `${name} ${subject ?? ''} in ${JSON.stringify(report.checks)}`);
  return check;
};

const verdicts = (report) => Object.fromEntries(report.checks.map((c) => [label(c), c.verdict]));

/** The overseas route's check `name` (about `subject`, when given). */
const onRoute = (report, name, subject) => {
  const check = report.checks.find((c) => c.route === 'overseas' && c.name === name && (subject === undefined || c.subject === subject));
  assert.ok(check, `overseas ${name} ${subject ?? ''} in ${JSON.stringify(report.checks)}`);
  return check;
};

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  intl = await startAliyunServer({
    credentials: { [INTL.accessKeyId]: INTL.accessKeySecret },
    actions: ['SendSms', 'GetSmsSign', 'GetSmsTemplate', GLOBE_API.action, 'QueryMessage'],
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-doctor-test-'));
});
after(async () => {
  await server.close();
  await intl.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.reset();
  intl.reset();
});

describe('doctor: everything in order', () => {
  test('every check ok, exit 0, read-only calls only, each signature verified', async () => {
    const { status, report, requests, text } = await doctor(makeConfig());
    assert.equal(status, 0);
    assert.deepEqual(
      report.checks.map(label),
      ['config', 'endpoint', 'clock', 'credentials', 'signName', ...TEMPLATE_CODES.map((code) => `template ${code}`)],
    );
    assert.ok(report.checks.every((c) => c.verdict === 'ok'), text);
    assert.equal(report.summary, '10 ok, 0 warn, 0 fail');
    assert.match(text, /\(no SMS was sent\)/);
    // One GetSmsSign, then one GetSmsTemplate per distinct code: never SendSms.
    assert.deepEqual(
      requests.map((r) => r.params.Action),
      ['GetSmsSign', ...TEMPLATE_CODES.map(() => 'GetSmsTemplate')],
    );
    assert.ok(requests.every((r) => r.verified && r.outcome.code === 'OK'));
    assert.equal(requests[0].params.SignName, 'Logto Doctor');
    assert.deepEqual(requests.slice(1).map((r) => r.params.TemplateCode), TEMPLATE_CODES);
    assert.equal(server.messages.length, 0);
    assert.match(find(report, 'credentials').detail, /AccessKey ID LTAI-doctor accepted/);
  });

  test('signature V3 with an STS token: signed and verified the same way', async () => {
    const sts = await stsServer();
    after(() => sts.close());
    const config = makeConfig({ signatureVersion: 'v3', securityToken: TOKEN }, sts);
    const { status, report, requests } = await doctor(config, { on: sts });
    assert.equal(status, 0, JSON.stringify(report));
    assert.ok(requests.every((r) => r.signatureVersion === 'v3' && r.verified));
    assert.deepEqual(requests.map((r) => r.headers['x-acs-action']), ['GetSmsSign', ...TEMPLATE_CODES.map(() => 'GetSmsTemplate')]);
    assert.match(find(report, 'config').detail, /signature v3, with an STS security token/);
    assert.match(find(report, 'credentials').detail, /with its STS token accepted/);
  });

  test('a template code used twice is asked about once', async () => {
    const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, templateCode: 'SMS_ONE' }));
    const { status, report, requests } = await doctor(makeConfig({ templates }));
    assert.equal(status, 0);
    assert.equal(requests.filter((r) => r.params.Action === 'GetSmsTemplate').length, 1);
    assert.match(find(report, 'template', 'SMS_ONE').detail, /^used by SignIn, Register, ForgotPassword, Generic;/);
  });
});

describe('doctor check 1: the config', () => {
  test('an invalid config: fail with every issue and its path, nothing sent, exit 1', async () => {
    const bad = makeConfig({ timeout: 1, endpoint: 'http://example.com/' });
    bad.templates = bad.templates.slice(0, 2);
    const { status, report, requests } = await doctor(bad);
    assert.equal(status, 1);
    const config = find(report, 'config');
    assert.equal(config.verdict, 'fail');
    assert.match(config.detail, /^3 problems: /);
    for (const part of ['templates: UsageType (ForgotPassword, Generic)', 'endpoint: Endpoint must use https', 'timeout: Must be at least 100 ms']) {
      assert.ok(config.detail.includes(part), `${part} in ${config.detail}`);
    }
    assert.deepEqual(config.issues.map((i) => i.path.join('.')).sort(), ['endpoint', 'templates', 'timeout']);
    assert.ok(report.checks.slice(1).every((c) => c.verdict === 'warn' && c.detail === 'could not check: the config is invalid'));
    assert.equal(requests.length, 0);
  });

  test('empty template codes are warned about, not asked about', async () => {
    const templates = [
      { usageType: 'SignIn', templateCode: 'SMS_SIGNIN' },
      { usageType: 'Register', templateCode: { china: 'SMS_REG_CN', overseas: '' } },
      { usageType: 'ForgotPassword', templateCode: 'SMS_SIGNIN' },
      { usageType: 'Generic', templateCode: 'SMS_SIGNIN' },
    ];
    const { status, report, requests } = await doctor(makeConfig({ templates }));
    assert.equal(status, 0);
    const empty = find(report, 'template', '(empty)');
    assert.equal(empty.verdict, 'warn');
    assert.match(empty.detail, /^Register \(overseas\) has an empty template code/);
    assert.deepEqual(requests.filter((r) => r.params.Action === 'GetSmsTemplate').map((r) => r.params.TemplateCode), ['SMS_SIGNIN', 'SMS_REG_CN']);
  });
});

describe('doctor check 2: endpoint and clock', () => {
  test('an endpoint that does not answer: fail, the rest could not be checked, exit 1', async () => {
    const closed = http.createServer();
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address();
    await new Promise((resolve) => closed.close(resolve));
    const { status, report } = await doctor(makeConfig({ endpoint: `http://127.0.0.1:${port}/`, timeout: 2000 }));
    assert.equal(status, 1);
    const endpoint = find(report, 'endpoint');
    assert.equal(endpoint.verdict, 'fail');
    assert.match(endpoint.detail, new RegExp(`^http://127\\.0\\.0\\.1:${port}/ did not answer: Network error`));
    assert.equal(find(report, 'clock').verdict, 'warn');
    assert.equal(find(report, 'credentials').detail, 'could not check: the endpoint did not answer');
    assert.equal(find(report, 'signName').verdict, 'warn');
  });

  test('an endpoint that answers like a proxy error page: fail', async () => {
    server.setMode('html500');
    const { status, report } = await doctor(makeConfig());
    assert.equal(status, 1);
    const endpoint = find(report, 'endpoint');
    assert.equal(endpoint.verdict, 'fail');
    assert.match(endpoint.detail, /answered, but not as Aliyun's API does: Unexpected answer from Aliyun \(HTTP 500\)/);
    assert.match(find(report, 'credentials').detail, /^could not check: /);
  });

  test('clock within 5 minutes: ok, with the offset', async () => {
    server.setClockSkew(-90_000);
    const { status, report } = await doctor(makeConfig());
    assert.equal(status, 0);
    const clock = find(report, 'clock');
    assert.equal(clock.verdict, 'ok');
    assert.match(clock.detail, /^the local clock is 1 min (29|30|31) s ahead of the endpoint's Date/);
  });

  test('clock 7 minutes off: warn, exit 0 (Aliyun still accepts it)', async () => {
    server.setClockSkew(7 * MINUTE);
    const { status, report } = await doctor(makeConfig());
    assert.equal(status, 0);
    const clock = find(report, 'clock');
    assert.equal(clock.verdict, 'warn');
    assert.match(clock.detail, /^the local clock is (6 min 59|7 min [0-9]+) s behind the endpoint's Date/);
    assert.equal(find(report, 'credentials').verdict, 'ok');
  });

  test('clock 20 minutes off: fail with the offset, Aliyun refuses the timestamp, exit 1', async () => {
    server.setClockSkew(-20 * MINUTE);
    const { status, report, requests } = await doctor(makeConfig());
    assert.equal(status, 1);
    assert.equal(requests[0].outcome.code, 'InvalidTimeStamp.Expired');
    const clock = find(report, 'clock');
    assert.equal(clock.verdict, 'fail');
    assert.match(clock.detail, /^the local clock is (19 min [0-9]+|20 min [0-9]+) s ahead of the endpoint's Date/);
    assert.match(clock.detail, /InvalidTimeStamp\.Expired/);
    assert.match(find(report, 'credentials').detail, /^could not check: Aliyun refused the request's time/);
  });

  test('an answer without a Date header: the clock could not be checked (warn)', async () => {
    server.setDateHeader(false);
    const { status, report } = await doctor(makeConfig());
    assert.equal(status, 0);
    assert.deepEqual(find(report, 'clock'), {
      name: 'clock',
      verdict: 'warn',
      detail: 'could not check: the answer has no readable Date header',
    });
  });
});

describe('doctor check 3: credentials', () => {
  test('an unknown AccessKey ID: fail naming accessKeyId, exit 1', async () => {
    const { status, report } = await doctor(makeConfig({ accessKeyId: 'LTAI-nobody' }));
    assert.equal(status, 1);
    const credentials = find(report, 'credentials');
    assert.equal(credentials.verdict, 'fail');
    assert.equal(credentials.detail, 'Aliyun does not know AccessKey ID LTAI-nobody (InvalidAccessKeyId.NotFound): check accessKeyId');
    for (const check of report.checks.filter((c) => c.name === 'signName' || c.name === 'template')) {
      assert.equal(check.verdict, 'warn');
      assert.match(check.detail, /^could not check/);
    }
  });

  test('a wrong secret: fail naming accessKeySecret, the secret never printed, exit 1', async () => {
    const wrong = `wrong-secret-${randomUUID()}`;
    const file = writeConfig(dir, makeConfig({ accessKeySecret: wrong }));
    for (const extra of [[], ['--json']]) {
      const result = await cli(['doctor', '--config', file, ...extra]);
      assert.equal(result.status, 1, result.output);
      assert.match(result.stdout, /request signature was refused \(SignatureDoesNotMatch\): accessKeySecret is not the secret of AccessKey ID LTAI-doctor/);
      assert.ok(!result.output.includes(wrong), result.output);
    }
  });

  test('a wrong STS token: fail naming the token', async () => {
    const sts = await stsServer();
    after(() => sts.close());
    const { status, report } = await doctor(makeConfig({ securityToken: `${TOKEN}-old` }, sts), { on: sts });
    assert.equal(status, 1);
    assert.match(find(report, 'credentials').detail, /STS security token was refused \(InvalidSecurityToken\.MismatchWithAccessKey\)/);
  });

  test('a key RAM will not let read: warn naming the permission, signature and templates not checked, exit 0', async () => {
    server.setDenied(['GetSmsSign', 'GetSmsTemplate']);
    const { status, report, requests } = await doctor(makeConfig());
    assert.equal(status, 0, 'such a key may still send');
    const credentials = find(report, 'credentials');
    assert.equal(credentials.verdict, 'warn');
    assert.match(credentials.detail, /valid, but RAM does not let it call GetSmsSign \(Forbidden\.RAM\): grant dysms:GetSmsSign and dysms:GetSmsTemplate/);
    assert.match(find(report, 'signName').detail, /^could not check: the key may not call GetSmsSign/);
    for (const code of TEMPLATE_CODES) assert.equal(find(report, 'template', code).verdict, 'warn');
    assert.equal(requests.length, 1, 'templates are not asked about');
    assert.equal(report.summary, '3 ok, 7 warn, 0 fail');
  });
});

describe('doctor check 4: the signature name', () => {
  for (const [state, verdict, pattern] of [
    ['approved', 'ok', /^"Logto Doctor" is approved$/],
    ['under_review', 'warn', /^"Logto Doctor" is under review: sends fail until Aliyun approves it$/],
    [{ state: 'rejected', reason: 'The name does not match the business licence.' }, 'fail', /^"Logto Doctor" was rejected: The name does not match the business licence$/],
    ['cancelled', 'fail', /review was cancelled/],
    ['unknown', 'fail', /^"Logto Doctor" is not a signature of this account: isv\.SMS_SIGNATURE_ILLEGAL: /],
    [{ status: 7 }, 'warn', /has review status 7/],
  ]) {
    test(`${JSON.stringify(state)}: ${verdict}`, async () => {
      server.setSign('Logto Doctor', state);
      const { status, report } = await doctor(makeConfig());
      const sign = find(report, 'signName');
      assert.equal(sign.verdict, verdict, sign.detail);
      assert.match(sign.detail, pattern);
      assert.equal(status, verdict === 'fail' ? 1 : 0);
      // The key got through either way: the templates were still checked.
      assert.equal(find(report, 'credentials').verdict, 'ok');
      assert.equal(find(report, 'template', 'SMS_GENERIC').verdict, 'ok');
    });
  }
});

describe('doctor check 5: every template code', () => {
  test('each state, china and overseas codes included, in one run', async () => {
    server.setTemplate('SMS_SIGNIN', 'approved');
    server.setTemplate('SMS_REG_CN', 'under_review');
    server.setTemplate('SMS_REG_INT', { state: 'rejected', reason: 'Contains a link.' });
    server.setTemplate('SMS_FORGOT', 'unknown');
    server.setTemplate('SMS_GENERIC', 'cancelled');
    const { status, report } = await doctor(makeConfig());
    assert.equal(status, 1);
    assert.deepEqual(verdicts(report), {
      config: 'ok',
      endpoint: 'ok',
      clock: 'ok',
      credentials: 'ok',
      signName: 'ok',
      'template SMS_SIGNIN': 'ok',
      'template SMS_REG_CN': 'warn',
      'template SMS_REG_INT': 'fail',
      'template SMS_FORGOT': 'fail',
      'template SMS_GENERIC': 'fail',
    });
    assert.match(find(report, 'template', 'SMS_REG_CN').detail, /^used by Register \(china\); the template is under review/);
    assert.match(find(report, 'template', 'SMS_REG_INT').detail, /^used by Register \(overseas\); the template was rejected: Contains a link;/);
    assert.match(find(report, 'template', 'SMS_FORGOT').detail, /not a template of this account: isv\.SMS_TEMPLATE_ILLEGAL/);
    assert.equal(report.summary, '6 ok, 1 warn, 3 fail');
  });

  test('an approved template without ${code}: fail, users would get no code', async () => {
    server.setTemplate('SMS_GENERIC', { state: 'approved', content: 'Welcome to Logto!' });
    const { status, report } = await doctor(makeConfig());
    assert.equal(status, 1);
    const generic = find(report, 'template', 'SMS_GENERIC');
    assert.equal(generic.verdict, 'fail');
    assert.match(generic.detail, /its content has no \$\{code\}: users would get a message without their code/);
  });

  test('other ${…} variables Logto does not fill are named: warn', async () => {
    server.setTemplate('SMS_SIGNIN', { state: 'approved', content: 'Hi ${name}, your ${product} code is ${code}.' });
    const { status, report } = await doctor(makeConfig());
    assert.equal(status, 0);
    const signin = find(report, 'template', 'SMS_SIGNIN');
    assert.equal(signin.verdict, 'warn');
    assert.match(signin.detail, /also \$\{name\}, \$\{product\}, which Logto's payload does not fill$/);
  });

  test('a key that may read signatures but not templates: template checks warn, exit 0', async () => {
    server.setDenied(['GetSmsTemplate']);
    const { status, report } = await doctor(makeConfig());
    assert.equal(status, 0);
    assert.equal(find(report, 'signName').verdict, 'ok');
    for (const code of TEMPLATE_CODES) {
      const check = find(report, 'template', code);
      assert.equal(check.verdict, 'warn');
      assert.match(check.detail, /^could not check: the key may not call GetSmsTemplate \(Forbidden\.RAM\): grant dysms:GetSmsTemplate$/);
    }
  });

  test('Aliyun text that echoes the secret is redacted', async () => {
    server.setTemplate('SMS_GENERIC', { state: 'rejected', reason: `Rejected ${SECRET}` });
    const { report } = await doctor(makeConfig());
    assert.match(find(report, 'template', 'SMS_GENERIC').detail, /rejected: Rejected \*\*\*/);
  });
});

describe('doctor check 6: the overseas route', () => {
  /** The mainland config with a route to the international server on its own account. */
  const withRoute = (route = {}) =>
    makeConfig({
      overseas: {
        ...INTL,
        endpoint: intl.url,
        from: 'Logto',
        message: { Generic: 'Your code is {{code}}', OrganizationInvitation: 'Join us: {{link}}' },
        ...route,
      },
    });
  /** Mainland codes only: the overseas code is the route's business. */
  const MAINLAND_CODES = TEMPLATE_CODES.filter((code) => code !== 'SMS_REG_INT');

  test('SendMessageToGlobe route ok: its endpoint, clock, key (QueryMessage), sender ID and texts, exit 0', async () => {
    const { status, report, requests, intlRequests, text } = await doctor(withRoute());
    assert.equal(status, 0, text);
    assert.deepEqual(report.checks.map(label), [
      'config',
      'endpoint',
      'clock',
      'credentials',
      'signName',
      ...MAINLAND_CODES.map((code) => `template ${code}`),
      'endpoint (overseas route)',
      'clock (overseas route)',
      'credentials (overseas route)',
      'from (overseas route)',
      'message Generic (overseas route)',
      'message OrganizationInvitation (overseas route)',
    ]);
    assert.ok(report.checks.every((c) => c.verdict === 'ok'), text);
    assert.match(text, /^ok {4}credentials \(overseas route\) +AccessKey ID LTAI-doctor-intl accepted \(QueryMessage signed with v1\)$/m);
    assert.equal(onRoute(report, 'endpoint').detail, `${intl.url} answered`);
    assert.match(onRoute(report, 'from').detail, /^sender ID "Logto" \(5 letters and digits, at most 11\)/);
    assert.equal(onRoute(report, 'message', 'OrganizationInvitation').detail, "Logto's payload fills its {{link}}");
    // The mainland account is asked about its own codes only; the route's account gets one
    // read-only QueryMessage for an id no message has, signed with the route's key. Nothing is sent.
    assert.deepEqual(requests.map((r) => r.params.Action), ['GetSmsSign', ...MAINLAND_CODES.map(() => 'GetSmsTemplate')]);
    assert.equal(intlRequests.length, 1);
    const [query] = intlRequests;
    assert.equal(query.params.Action, 'QueryMessage');
    assert.equal(query.params.Version, '2018-05-01');
    assert.equal(query.params.MessageId, '0');
    assert.equal(query.params.RegionId, 'ap-southeast-1');
    assert.equal(query.accessKeyId, INTL.accessKeyId);
    assert.ok(query.verified);
    assert.equal(query.outcome.code, 'DATA_NOT_EXIST');
    assert.ok(!intl.requests.some((r) => r.params.Action === GLOBE_API.action || r.params.Action === 'SendSms'));
  });

  test("the route signs with its own signatureVersion (V3), the mainland keeps V1", async () => {
    const { status, report, intlRequests } = await doctor(withRoute({ signatureVersion: 'v3' }));
    assert.equal(status, 0, JSON.stringify(report));
    assert.equal(intlRequests.length, 1);
    assert.equal(intlRequests[0].signatureVersion, 'v3');
    assert.equal(intlRequests[0].headers['x-acs-action'], 'QueryMessage');
    assert.ok(intlRequests[0].verified);
    assert.match(onRoute(report, 'credentials').detail, /QueryMessage signed with v3/);
    // The mainland stays on V1.
    assert.match(find(report, 'credentials').detail, /GetSmsSign signed with v1/);
  });

  test("a wrong route secret: fail naming the route's key, the mainland still ok, exit 1", async () => {
    const wrong = `wrong-intl-secret-${randomUUID()}`;
    const { status, report, text } = await doctor(withRoute({ accessKeySecret: wrong }));
    assert.equal(status, 1);
    const credentials = onRoute(report, 'credentials');
    assert.equal(credentials.verdict, 'fail');
    assert.equal(
      credentials.detail,
      'the request signature was refused (SignatureDoesNotMatch): accessKeySecret is not the secret of AccessKey ID LTAI-doctor-intl',
    );
    assert.equal(find(report, 'credentials').verdict, 'ok');
    assert.match(text, /^fail {2}credentials \(overseas route\) /m);
    assert.ok(!text.includes(wrong));
    assert.ok(!JSON.stringify(report).includes(wrong));
  });

  test('a route key RAM will not let read: warn naming dysms:QueryMessage, exit 0', async () => {
    intl.setDenied(['QueryMessage']);
    const { status, report, intlRequests } = await doctor(withRoute());
    assert.equal(status, 0, 'such a key may still send');
    assert.equal(intlRequests[0].outcome.code, 'Forbidden.RAM');
    const credentials = onRoute(report, 'credentials');
    assert.equal(credentials.verdict, 'warn');
    assert.match(
      credentials.detail,
      /^AccessKey ID LTAI-doctor-intl is valid, but RAM does not let it call QueryMessage \(Forbidden\.RAM\): grant dysms:QueryMessage/,
    );
    assert.equal(onRoute(report, 'endpoint').verdict, 'ok');
  });

  test('no sender ID: warn that some countries need a registered one, exit 0', async () => {
    const { status, report } = await doctor(withRoute({ from: '' }));
    assert.equal(status, 0);
    const from = onRoute(report, 'from');
    assert.equal(from.verdict, 'warn');
    assert.match(from.detail, /^no sender ID: Alibaba Cloud picks one; some countries deliver only with a sender ID registered/);
  });

  test('a placeholder Logto does not fill is named: warn, exit 0', async () => {
    const message = { Generic: 'Your code is {{code}}', SignIn: 'Hi {{ name }}, sign in with {{code}}', Register: '{{code}} ({{locale}})' };
    const { status, report } = await doctor(withRoute({ message }));
    assert.equal(status, 0);
    const signIn = onRoute(report, 'message', 'SignIn');
    assert.equal(signIn.verdict, 'warn');
    assert.equal(
      signIn.detail,
      "it has {{name}}, which Logto's payload does not fill: such a send fails with invalid_request_parameters",
    );
    assert.equal(onRoute(report, 'message', 'Register').verdict, 'ok');
    assert.equal(onRoute(report, 'message', 'Generic').verdict, 'ok');
  });

  test('a SendSms route: its signName and overseas codes are checked on its own account', async () => {
    intl.setSign('IntlSign', 'under_review');
    intl.setTemplate('SMS_REG_INT', { state: 'rejected', reason: 'Not an international template.' });
    const { status, report, requests, intlRequests } = await doctor(withRoute({ api: 'SendSms', signName: 'IntlSign' }));
    assert.equal(status, 1);
    assert.deepEqual(requests.map((r) => r.params.TemplateCode).filter(Boolean), MAINLAND_CODES);
    assert.deepEqual(
      intlRequests.map((r) => [r.params.Action, r.params.SignName ?? r.params.TemplateCode]),
      [['GetSmsSign', 'IntlSign'], ...['SMS_SIGNIN', 'SMS_REG_INT', 'SMS_FORGOT', 'SMS_GENERIC'].map((code) => ['GetSmsTemplate', code])],
    );
    assert.ok(intlRequests.every((r) => r.verified && r.accessKeyId === INTL.accessKeyId));
    assert.match(onRoute(report, 'credentials').detail, /^AccessKey ID LTAI-doctor-intl accepted \(GetSmsSign signed with v1\)$/);
    assert.equal(onRoute(report, 'signName').verdict, 'warn');
    const rejected = onRoute(report, 'template', 'SMS_REG_INT');
    assert.equal(rejected.verdict, 'fail');
    assert.match(rejected.detail, /^used by Register \(overseas\); the template was rejected: Not an international template/);
    assert.ok(!report.checks.some((c) => c.route === 'overseas' && ['from', 'message'].includes(c.name)));
  });
});

describe('doctor usage', () => {
  test('usage errors exit 2 and call nothing', async () => {
    const file = writeConfig(dir, makeConfig());
    for (const args of [
      ['doctor'],
      ['doctor', '--config', file, '--to', '13012345678'],
      ['doctor', '--config', file, 'extra'],
      ['doctor', '--config', path.join(dir, 'missing.json')],
      ['doctor', '--config', writeConfig(dir, '{"accessKeySecret":')],
      ['doctor', '--config', file, '--json=yes'],
    ]) {
      const result = await cli(args);
      assert.equal(result.status, 2, `${JSON.stringify(args)}: ${result.output}`);
      assert.ok(result.stderr.length > 0);
    }
    assert.equal(server.requests.length, 0);
  });

  test('--help lists doctor and status', async () => {
    const result = await cli(['--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /connector-aliyun-sms-wasm doctor --config <config\.json> \[--json\]/);
    assert.match(result.stdout, /connector-aliyun-sms-wasm status --config <config\.json> --to <phone> --biz-id <id> \[--date YYYYMMDD\] \[--json\]/);
  });
});
