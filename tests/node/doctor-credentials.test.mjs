// `doctor` with a credential provider (issue 13's check 6): the temporary credentials are fetched
// first, a `provider` line says from where and until when, and every other check runs with them;
// a provider that cannot deliver is the `credentials` failure, naming the step. The real CLI runs
// as a child process against our own loopback STS and SMS servers, never against Alibaba Cloud.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import { cli, writeConfig } from '../support/cli.mjs';
import { configFor } from '../support/harness.mjs';
import { ROLE_ARN, startStsServer } from '../support/sts-server.mjs';

const SOURCE_ID = 'LTAI-doctor-role-source';
const SOURCE_SECRET = `DoctorSrc${randomBytes(16).toString('hex')}`;

// The SMS server knows only the temporary pairs the STS stand-in mints.
const keys = {};
const tokens = {};
const issued = [];
let sms;
let sts;
let dir;

before(async () => {
  sms = await startAliyunServer({ credentials: keys, securityTokens: tokens });
  sts = await startStsServer({
    sources: { [SOURCE_ID]: SOURCE_SECRET },
    onIssue: (pair) => {
      keys[pair.accessKeyId] = pair.accessKeySecret;
      tokens[pair.accessKeyId] = pair.securityToken;
      issued.push(pair);
    },
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-sms-doctor-credentials-'));
});
after(async () => {
  await Promise.all([sms.close(), sts.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const ramRole = (overrides = {}) =>
  configFor(
    { url: sms.url, accessKeyId: SOURCE_ID, accessKeySecret: SOURCE_SECRET, signName: 'Logto Roles' },
    { credentialType: 'ram_role_arn', roleArn: ROLE_ARN, stsEndpoint: sts.url, ...overrides },
  );

async function doctor(config) {
  const run = await cli(['doctor', '--json', '--config', writeConfig(dir, config)]);
  const report = JSON.parse(run.stdout.trim());
  for (const secret of [SOURCE_SECRET, ...issued.flatMap((pair) => [pair.accessKeySecret, pair.securityToken])]) {
    assert.ok(!run.output.includes(secret), 'no secret or token is printed');
  }
  return { status: run.status, report };
}

test('ram_role_arn: a provider line, then every check signed with the temporary pair', async () => {
  const before = issued.length;
  const smsBefore = sms.requests.length;
  const { status, report } = await doctor(ramRole());
  assert.equal(status, 0, JSON.stringify(report));
  assert.equal(issued.length, before + 1, 'exactly one AssumeRole');
  const names = report.checks.map((check) => check.name);
  assert.equal(names.indexOf('provider'), names.indexOf('config') + 1, names.join(' '));
  const provider = report.checks.find((check) => check.name === 'provider');
  assert.equal(provider.verdict, 'ok');
  assert.match(provider.detail, /^ram_role_arn: temporary credentials from STS AssumeRole, valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  assert.equal(report.checks.find((check) => check.name === 'credentials').verdict, 'ok');
  const calls = sms.requests.slice(smsBefore);
  assert.ok(calls.length > 0);
  const minted = issued.at(-1).accessKeyId;
  assert.ok(calls.every((call) => call.accessKeyId === minted && call.verified), 'signed with the temporary pair');
  assert.ok(calls.every((call) => call.action !== 'SendSms'), 'doctor sends nothing');
});

test('ram_role_arn refused by STS: credentials fail naming the step, nothing else asked', async () => {
  const smsBefore = sms.requests.length;
  const { status, report } = await doctor(ramRole({ roleArn: 'acs:ram::1234567890123456:role/no-such-role' }));
  assert.equal(status, 1);
  const credentials = report.checks.find((check) => check.name === 'credentials');
  assert.equal(credentials.verdict, 'fail');
  assert.match(credentials.detail, /AssumeRole/);
  assert.ok(!report.checks.some((check) => check.name === 'provider'));
  assert.equal(sms.requests.length, smsBefore, 'no probe without credentials');
});
