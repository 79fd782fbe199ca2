// The built package (pkg/, `node scripts/build.mjs` first) in other JavaScript runtimes, over
// loopback HTTP. `npm test` runs it with the npm packages `bun` and `deno` (devDependencies):
//   node tests/runtimes/run.mjs bun=/path/to/bun deno=/path/to/deno [node=/path/to/node]
// Each runtime runs tests/runtimes/smoke.mjs against two tests/support/aliyun-server.mjs
// instances (mainland and international, each checking every signature itself) and a fault
// server; the run fails unless each runtime sent through SendSms (V1 and V3),
// SendSmsVerifyCode and SendMessageToGlobe, picked the localized template, passed doctor, and
// reported every fault as the typed error Node reports.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { API, GLOBE_API, VERIFY_CODE_API, startAliyunServer } from '../support/aliyun-server.mjs';
import { endlessBody, hang, startFaultServer } from '../support/fault-server.mjs';

const smoke = fileURLToPath(new URL('smoke.mjs', import.meta.url));
const runtimes = process.argv.slice(2).map((arg) => arg.split('='));
if (runtimes.length === 0) throw new Error('usage: node tests/runtimes/run.mjs bun=<path> deno=<path> …');
const credentials = { 'LTAI-runtimes': 'runtimes-secret' };
for (const [name, binary] of runtimes) {
  const mainland = await startAliyunServer({
    credentials,
    actions: [API.action, VERIFY_CODE_API.action, 'GetSmsSign', 'GetSmsTemplate', 'QuerySendDetails'],
  });
  const international = await startAliyunServer({ credentials, actions: [GLOBE_API.action] });
  const faults = await startFaultServer((req, res) =>
    req.url.startsWith('/hang') ? hang(req, res) : endlessBody()(req, res)
  );
  try {
    const urls = [mainland.url, international.url, faults.url];
    const args = name === 'deno' ? ['run', '-A', smoke, ...urls] : [smoke, ...urls];
    const { stdout } = await promisify(execFile)(binary, args, { timeout: 60_000 });
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.deepEqual(
      { sent: outcome.sent, v3: outcome.v3, verifyCode: outcome.verifyCode, overseas: outcome.overseas },
      { sent: 'OK', v3: 'OK', verifyCode: 'OK', overseas: ['overseas', 'SendMessageToGlobe', 'OK'] },
      name
    );
    assert.deepEqual(outcome.localized, { usageType: 'SignIn', locale: 'en' }, name);
    assert.equal(outcome.doctor, true, name);
    assert.deepEqual(outcome.issues, ['accessKeyId', 'accessKeySecret', 'signName', 'templates'], name);
    assert.equal(outcome.signature, true, name);
    assert.match(outcome.refused, /^general: Network error calling Aliyun at http:\/\/127\.0\.0\.1:9\/ \(request\)/, name);
    assert.match(outcome.hang, /^general: Aliyun did not answer within 300 ms \(request aborted\)$/, name);
    assert.match(outcome.endless, /^invalid_response: Unexpected answer from Aliyun \(HTTP 200\): the answer exceeds the \d+-byte limit \(request aborted\)$/, name);
    assert.match(outcome.cyclic, /^invalid_request_parameters: Message data cannot be read: /, name);
    // What the servers saw: every request signed correctly, each API and signature version once
    // or more, the localized template sent.
    const seen = [...mainland.requests, ...international.requests];
    assert.ok(seen.length > 5 && seen.every((request) => request.verified), name);
    const actions = new Set(seen.map((request) => `${request.params.Action ?? request.headers['x-acs-action']} ${request.signatureVersion}`));
    for (const expected of ['SendSms v1', 'SendSms v3', 'SendSmsVerifyCode v1', 'SendMessageToGlobe v1']) {
      assert.ok(actions.has(expected), `${name}: ${expected} not among ${[...actions].join(', ')}`);
    }
    assert.ok(seen.some((request) => request.params.TemplateCode === 'SMS_SIGNIN_EN'), name);
    console.log(`${name}: ${JSON.stringify(outcome)}`);
  } finally {
    await Promise.all([mainland.close(), international.close(), faults.close()]);
  }
}
