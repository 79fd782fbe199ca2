// `connector-aliyun-sms-wasm status` (QuerySendDetails for one message) and the status command
// `send` prints: the real CLI as a child process against the verifying loopback server, each
// delivery state in text and --json, with exit codes. Also the library's querySendDetails,
// signed through the same call code as SendSms (V1 and V3) and verified by the server.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import { querySendDetails } from '../../pkg/lib/index.js';
import { startAliyunServer } from '../support/aliyun-server.mjs';
import { cli, shellWords, writeConfig } from '../support/cli.mjs';
import { configFor } from '../support/harness.mjs';

const KEY_ID = 'LTAI-status';
const SECRET = `status-secret-${randomUUID()}`;
const PHONE = '+86 130 1234 5678';

let server;
let dir;
let configFile;

const makeConfig = (overrides, on = server) =>
  configFor({ url: on.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto Status' }, overrides);

/** Today in Asia/Shanghai per the platform's time zone data (not the CLI's own arithmetic). */
const shanghaiToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date())
    .replaceAll('-', '');

/** Runs `status` as text and as --json; both must exit alike. */
async function status(args) {
  const before = server.requests.length;
  const text = await cli(['status', '--config', configFile, ...args]);
  const requests = server.requests.slice(before);
  const json = await cli(['status', '--json', '--config', configFile, ...args]);
  assert.equal(json.status, text.status, `exit status, text and --json:\n${text.output}\n${json.output}`);
  const lines = json.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one JSON object: ${json.output}`);
  for (const output of [text.output, json.output]) assert.ok(!output.includes(SECRET));
  return { status: text.status, text, json: JSON.parse(lines[0]), requests };
}

/** A message as the server recorded it, sent now to PHONE. */
const message = (overrides) => server.addMessage({ phoneNumber: '8613012345678', templateCode: 'SMS_SIGNIN', ...overrides });

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-status-test-'));
  configFile = writeConfig(dir, makeConfig());
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => server.reset());

describe('send prints the status command for the message it sent', () => {
  test('the printed command, run as printed, finds the message: delivered', async () => {
    const sent = await cli(['send', '--config', configFile, '--to', PHONE]);
    assert.equal(sent.status, 0, sent.output);
    const bizId = /BizId=(\S+)/.exec(sent.stdout)?.[1];
    assert.ok(bizId, sent.stdout);
    const line = sent.stdout.split('\n').find((l) => l.startsWith('Delivery status: '));
    assert.ok(line, sent.stdout);
    const words = shellWords(line.slice('Delivery status: '.length));
    assert.deepEqual(words.slice(0, -2), ['connector-aliyun-sms-wasm', 'status', '--config', configFile, '--to', PHONE, '--biz-id', bizId]);
    assert.equal(words.at(-2), '--date');
    assert.match(words.at(-1), /^\d{8}$/);
    // The BizId holds a `^` and the phone a space: both must be quoted for a shell.
    assert.ok(line.includes(`'${bizId}'`) && line.includes(`'${PHONE}'`), line);
    const result = await cli(words.slice(1));
    assert.equal(result.status, 0, result.output);
    assert.match(result.stdout, new RegExp(`^BizId ${bizId.replace('^', '\\^')} to 13012345678, sent \\d{8} \\(Asia/Shanghai\\): delivered$`, 'm'));
    assert.match(result.stdout, /^ {2}template {6}SMS_SIGNIN$/m);
    const query = server.requests.at(-1);
    assert.equal(query.params.Action, 'QuerySendDetails');
    assert.equal(query.params.BizId, bizId);
    assert.equal(query.verified, true);
  });
});

describe('status: each delivery state', () => {
  test('delivered: state, carrier code, send and receive times, template; exit 0', async () => {
    const bizId = message();
    const { status: code, text, json } = await status(['--to', PHONE, '--biz-id', bizId]);
    assert.equal(code, 0, text.output);
    assert.match(text.stdout, /: delivered\n {2}carrier code {2}DELIVERED\n {2}sent {10}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n {2}received {6}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n {2}template {6}SMS_SIGNIN\n/);
    assert.equal(json.ok, true);
    assert.equal(json.state, 'delivered');
    assert.equal(json.bizId, bizId);
    assert.equal(json.phoneNumber, '13012345678');
    assert.equal(json.requestId, server.requests.at(-1).requestId);
    assert.match(text.stdout, new RegExp(`RequestId {5}${server.requests.at(-2).requestId}`));
    assert.deepEqual(Object.keys(json.messages[0]), ['state', 'errCode', 'templateCode', 'sendDate', 'receiveDate']);
    assert.equal(json.messages[0].errCode, 'DELIVERED');
    // The text as sent holds the code: status never prints it.
    assert.ok(!text.stdout.includes('verification code is'), text.stdout);
  });

  test('waiting: no receive time yet; exit 0', async () => {
    const bizId = message();
    server.setDelivery(bizId, 'waiting');
    const { status: code, text, json } = await status(['--to', PHONE, '--biz-id', bizId]);
    assert.equal(code, 0);
    assert.match(text.stdout, /: waiting \(the carrier has not reported yet\)\n/);
    assert.doesNotMatch(text.stdout, /received/);
    assert.equal(json.state, 'waiting');
    assert.equal(json.messages[0].receiveDate, null);
  });

  test('failed: with the carrier\'s ErrCode; still exit 0 (the query succeeded)', async () => {
    const bizId = message();
    server.setDelivery(bizId, { state: 'failed', errCode: 'IC:0015' });
    const { status: code, text, json } = await status(['--to', PHONE, '--biz-id', bizId]);
    assert.equal(code, 0);
    assert.match(text.stdout, /: failed \(IC:0015\)\n {2}carrier code {2}IC:0015\n/);
    assert.equal(json.state, 'failed');
    assert.equal(json.messages[0].errCode, 'IC:0015');
  });

  test('no such message that day: not found, exit 0', async () => {
    message();
    const { status: code, text, json } = await status(['--to', PHONE, '--biz-id', '123456^0']);
    assert.equal(code, 0);
    assert.match(text.stdout, /: not found\n {2}Aliyun has no record of it on that day/);
    assert.equal(json.state, 'not_found');
    assert.deepEqual(json.messages, []);
  });

  test('--date picks the day; by default it is today in Asia/Shanghai', async () => {
    const yesterday = Date.now() - 86_400_000;
    const old = message({ sentAt: yesterday });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(yesterday)).replaceAll('-', '');
    const found = await status(['--to', PHONE, '--biz-id', old, '--date', day]);
    assert.equal(found.json.state, 'delivered');
    assert.equal(found.requests[0].params.SendDate, day);
    const todayBefore = shanghaiToday();
    const missed = await status(['--to', PHONE, '--biz-id', old]);
    const todayAfter = shanghaiToday();
    assert.equal(missed.json.state, 'not_found');
    assert.ok([todayBefore, todayAfter].includes(missed.requests[0].params.SendDate), missed.requests[0].params.SendDate);
  });

  test('the query as Aliyun documents it: mainland numbers as 11 digits, others with the country code', async () => {
    for (const [to, expected] of [
      ['+86 130 1234 5678', '13012345678'],
      ['0086-130-1234-5678', '13012345678'],
      ['+1 (862) 401-7194', '18624017194'],
    ]) {
      const { requests } = await status(['--to', to, '--biz-id', '1^0']);
      const { params, verified } = requests[0];
      assert.equal(verified, true);
      assert.equal(params.PhoneNumber, expected, to);
      assert.equal(params.BizId, '1^0');
      assert.equal(params.PageSize, '50');
      assert.equal(params.CurrentPage, '1');
    }
  });
});

describe('status: errors and usage', () => {
  test('Aliyun refuses the query: exit 1 with its code, in text and --json', async () => {
    for (const [setup, code, connectorCode] of [
      [() => server.setDenied(['QuerySendDetails']), 'Forbidden.RAM', 'general'],
      [() => server.setMode({ aliyunError: 'isv.BUSINESS_LIMIT_CONTROL' }), 'isv.BUSINESS_LIMIT_CONTROL', 'rate_limit_exceeded'],
    ]) {
      server.reset();
      setup();
      const { status: exit, text, json } = await status(['--to', PHONE, '--biz-id', '1^0']);
      assert.equal(exit, 1, text.output);
      assert.ok(text.stderr.includes(code), text.stderr);
      assert.equal(json.ok, false);
      assert.equal(json.error.code, connectorCode);
      assert.equal(json.error.Code, code);
    }
  });

  test('a wrong secret: exit 1, SignatureDoesNotMatch, the secret never printed', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const file = writeConfig(dir, makeConfig({ accessKeySecret: wrong }));
    const result = await cli(['status', '--config', file, '--to', PHONE, '--biz-id', '1^0']);
    assert.equal(result.status, 1, result.output);
    assert.match(result.stderr, /invalid_config/);
    assert.match(result.stderr, /SignatureDoesNotMatch/);
    assert.ok(!result.output.includes(wrong));
  });

  test('usage errors exit 2 and query nothing', async () => {
    for (const args of [
      ['status', '--config', configFile, '--to', PHONE],
      ['status', '--config', configFile, '--biz-id', '1^0'],
      ['status', '--to', PHONE, '--biz-id', '1^0'],
      ['status', '--config', configFile, '--to', PHONE, '--biz-id', '1^0', '--date', '2026-12-01'],
      ['status', '--config', configFile, '--to', PHONE, '--biz-id', '1^0', '--code', '1'],
      ['status', '--config', configFile, '--to', PHONE, '--biz-id', ' '],
      // Refused before any call: a --to that is no phone number, a date that does not exist.
      ['status', '--config', configFile, '--to', 'not-a-phone', '--biz-id', '1^0'],
      ['status', '--config', configFile, '--to', PHONE, '--biz-id', '1^0', '--date', '20260231'],
      ['status', '--json', '--config', configFile, '--to', 'not-a-phone', '--biz-id', '1^0'],
    ]) {
      const result = await cli(args);
      assert.equal(result.status, 2, `${JSON.stringify(args)}: ${result.output}`);
    }
    assert.equal(server.requests.length, 0);
  });
});

describe('status on a config with an overseas route: the records are where the send went', () => {
  const INTL = { accessKeyId: 'LTAI-status-intl', accessKeySecret: `status-intl-secret-${randomUUID()}` };
  const INTL_PHONE = '+65 9123 4567';
  let intl;
  before(async () => {
    intl = await startAliyunServer({ credentials: { [INTL.accessKeyId]: INTL.accessKeySecret }, actions: ['SendSms', 'QuerySendDetails', 'SendMessageToGlobe'], signNames: ['IntlSign'] });
  });
  after(() => intl.close());
  beforeEach(() => intl.reset());

  const routed = (api, overrides = {}) =>
    makeConfig({
      overseas: { api, ...INTL, endpoint: intl.url, signName: 'IntlSign', message: 'Your code is {{code}}', ...overrides },
    });

  test('an overseas number on a SendSms route: the route\'s account, signed with its key (V1 and V3); a mainland number: the top level', async () => {
    for (const signatureVersion of ['v1', 'v3']) {
      const file = writeConfig(dir, routed('SendSms', { signatureVersion }));
      server.reset();
      intl.reset();
      const sent = await cli(['send', '--config', file, '--to', INTL_PHONE]);
      assert.equal(sent.status, 0, sent.output);
      assert.match(sent.stdout, /^Route: overseas route \(SendSms\)$/m);
      const line = sent.stdout.split('\n').find((l) => l.startsWith('Delivery status: '));
      assert.ok(line, sent.stdout);
      const result = await cli([...shellWords(line.slice('Delivery status: '.length)).slice(1), '--json']);
      assert.equal(result.status, 0, result.output);
      const json = JSON.parse(result.stdout);
      assert.equal(json.state, 'delivered', result.stdout);
      assert.equal(json.route, 'overseas');
      assert.equal(json.phoneNumber, '6591234567');
      const query = intl.requests.at(-1);
      assert.equal(query.action, 'QuerySendDetails');
      assert.equal(query.signatureVersion, signatureVersion);
      assert.equal(query.verified, true);
      assert.equal(query.accessKeyId, INTL.accessKeyId);
      assert.equal(server.requests.length, 0, 'nothing asked of the mainland account');
      const text = await cli(shellWords(line.slice('Delivery status: '.length)).slice(1));
      assert.match(text.stdout, /^ {2}Route {9}overseas route \(SendSms\)$/m, text.stdout);
    }
    intl.reset();
    const bizId = message();
    const mainlandRecord = await querySendDetails(routed('SendSms'), { to: PHONE, bizId });
    assert.equal(mainlandRecord.route, 'mainland');
    assert.equal(mainlandRecord.details[0].state, 'delivered');
    assert.equal(server.requests.at(-1).verified, true);
    assert.equal(intl.requests.length, 0);
  });

  test('a refusal on the route\'s account names the route', async () => {
    intl.setDenied(['QuerySendDetails']);
    await assert.rejects(querySendDetails(routed('SendSms'), { to: INTL_PHONE, bizId: '1^0' }), (error) => {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.data.Code, 'Forbidden.RAM');
      assert.equal(error.data.route, 'overseas');
      assert.equal(error.data.api, 'SendSms');
      assert.ok(!JSON.stringify(error.data).includes(INTL.accessKeySecret));
      return true;
    });
  });

  test('an overseas number on a SendMessageToGlobe route: no BizId to look up, said before any call (exit 2)', async () => {
    const file = writeConfig(dir, routed('SendMessageToGlobe'));
    const result = await cli(['status', '--config', file, '--to', INTL_PHONE, '--biz-id', '1^0']);
    assert.equal(result.status, 2, result.output);
    assert.match(result.stderr, /SendMessageToGlobe: its messages have a MessageId, not a BizId/);
    await assert.rejects(querySendDetails(routed('SendMessageToGlobe'), { to: INTL_PHONE, bizId: '1^0' }), (error) => {
      assert.equal(error.code, 'invalid_request_parameters');
      assert.equal(error.data.route, 'overseas');
      assert.equal(error.data.api, 'SendMessageToGlobe');
      return true;
    });
    assert.equal(intl.requests.length + server.requests.length, 0);
  });
});

describe('querySendDetails: a second action through the same signing code (V1 and V3)', () => {
  for (const signatureVersion of ['v1', 'v3']) {
    test(`${signatureVersion}: the server verifies the signature and answers the record`, async () => {
      const bizId = message();
      const result = await querySendDetails(makeConfig({ signatureVersion }), { to: PHONE, bizId });
      const [request] = server.requests;
      assert.equal(request.signatureVersion, signatureVersion);
      assert.equal(request.verified, true);
      assert.equal(request.outcome.code, 'OK');
      if (signatureVersion === 'v3') {
        assert.equal(request.headers['x-acs-action'], 'QuerySendDetails');
        assert.equal(request.rawBody, '', 'V3 sends no body');
        assert.match(request.headers.authorization, /SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,/);
      } else {
        assert.equal(request.params.Action, 'QuerySendDetails');
        assert.equal(request.params.Version, '2017-05-25');
        assert.equal(request.bodyIsCanonical, true);
      }
      assert.equal(request.params.PhoneNumber, '13012345678');
      assert.equal(request.params.BizId, bizId);
      assert.equal(result.bizId, bizId);
      assert.equal(result.totalCount, 1);
      assert.equal(result.details[0].state, 'delivered');
      assert.equal(result.details[0].templateCode, 'SMS_SIGNIN');
    });
  }

  test('a wrong secret is refused by the same verification, as a ConnectorError', async () => {
    await assert.rejects(querySendDetails(makeConfig({ accessKeySecret: 'not-the-secret' }), { to: PHONE, bizId: '1^0' }), (error) => {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'invalid_config');
      assert.equal(error.data.Code, 'SignatureDoesNotMatch');
      return true;
    });
    assert.equal(server.requests[0].verified, false);
  });
});
