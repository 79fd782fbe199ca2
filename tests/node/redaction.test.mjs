// Aliyun echoes what it signed when a signature does not match ("server string to sign
// is:POST&%2F&...%26SecurityToken%3D<token, encoded twice>..."), and proxies echo requests in error
// pages. No 16 consecutive characters of the secret or the STS token, in any form a request
// carries them, may reach the error: not its message, stack, data, nor util.inspect of it; and an
// echoed string to sign is not passed on at all.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';

import { rfc3986, startAliyunServer } from '../support/aliyun-server.mjs';
import { configFor, errorTexts, expectConnectorError, loadConnector, message } from '../support/harness.mjs';

const KEY_ID = 'STS.redaction-test';
const SECRET = `Rs${randomBytes(15).toString('hex')}Zq`;
const WRONG_SECRET = `Wr${randomBytes(15).toString('hex')}Zq`;
/** A long STS token with the characters that encode: base64's + / =, like real tokens. */
const TOKEN = `CAIS${randomBytes(420).toString('base64')}+/=${randomBytes(30).toString('base64')}`;

let server;
let connector;

const stsConfig = (overrides = {}) =>
  configFor(
    { url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto Redaction', timeout: 3000 },
    { securityToken: TOKEN, ...overrides },
  );

/** The secret as it can appear in text: as is, encoded once (upper/lower hex), encoded twice. */
const forms = (secret) => {
  const once = rfc3986(secret);
  const lower = once.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  return [secret, once, lower, rfc3986(once), rfc3986(lower)];
};

/** Every run of 16 consecutive characters of `text`. */
const windows = (text) =>
  text.length <= 16 ? [text] : Array.from({ length: text.length - 15 }, (_, i) => text.slice(i, i + 16));

/** Asserts no 16-character run of any form of any of `secrets` in any rendering of `error`. */
function assertNoWindow(error, secrets) {
  const texts = errorTexts(error);
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      const runs = windows(form);
      for (const [where, text] of Object.entries(texts)) {
        const found = runs.find((run) => text.includes(run));
        assert.equal(found, undefined, `16 characters of a secret (${found}) in ${where}: ${text.slice(0, 1500)}`);
      }
    }
  }
}

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET }, securityTokens: { [KEY_ID]: TOKEN } });
  connector = await loadConnector();
});
after(() => server.close());
beforeEach(() => server.reset());

test('the token really has characters that encode, and is long', () => {
  assert.ok(TOKEN.length > 500);
  for (const c of ['+', '/', '=']) assert.ok(TOKEN.includes(c));
  assert.notEqual(rfc3986(rfc3986(TOKEN)), TOKEN);
});

describe("Aliyun's echo of the string to sign", () => {
  for (const signatureVersion of ['v1', 'v3']) {
    test(`${signatureVersion}: a good request answered with the echo`, async () => {
      server.respondNext('echo-signed');
      const { error } = await expectConnectorError(connector.sendMessage(message(), stsConfig({ signatureVersion })), 'invalid_config');
      const record = server.requests.at(-1);
      assert.equal(record.verified, true, 'the request was signed right: the echo is the only problem');
      // The echo really held the token: otherwise this test would prove nothing.
      const signed = record.stringToSign ?? record.canonicalRequest;
      assert.ok(forms(TOKEN).some((form) => signed.includes(form)), 'the echo holds the token');
      assert.equal(error.data.Code, 'SignatureDoesNotMatch');
      assert.match(error.data.Message, /withheld/);
      assert.match(error.data.errorDescription, /^Aliyun SendSms failed: SignatureDoesNotMatch: .*accessKeySecret/);
      assert.doesNotMatch(JSON.stringify(error.data), /%2F|%26|ACS3-HMAC-SHA256\\n/);
      assertNoWindow(error, [SECRET, TOKEN]);
    });

    test(`${signatureVersion}: a wrong secret, which the server really rejects with the echo`, async () => {
      const config = stsConfig({ signatureVersion, accessKeySecret: WRONG_SECRET });
      const { error } = await expectConnectorError(connector.sendMessage(message(), config), 'invalid_config');
      assert.equal(server.requests.at(-1).verified, false);
      assert.equal(error.data.Code, 'SignatureDoesNotMatch');
      assertNoWindow(error, [SECRET, WRONG_SECRET, TOKEN]);
    });
  }
});

describe('secrets quoted in other answers, across the clips', () => {
  // A proxy page is quoted to 200 characters; Aliyun's Code and Message to 512. A secret across
  // either clip must be gone, not cut into a prefix nothing recognises.
  const cases = [];
  for (const at of [185, 190, 195, 199]) {
    cases.push([`a proxy page with the secret at ${at}`, { status: 502, contentType: 'text/html', body: `${'p'.repeat(at)}${SECRET} rest` }]);
  }
  for (const at of [500, 505, 511]) {
    cases.push([`Message with the secret at ${at}`, { aliyunError: 'isp.SYSTEM_ERROR', status: 200, message: `${'m'.repeat(at)}${SECRET}` }]);
    cases.push([
      `Message with the token encoded twice at ${at}`,
      { aliyunError: 'Some.UnknownCode', status: 400, message: `${'m'.repeat(at)}%26SecurityToken%3D${rfc3986(rfc3986(TOKEN))}` },
    ]);
  }
  cases.push([
    'Code and RequestId with the token encoded once',
    { status: 400, body: JSON.stringify({ Code: `X.${rfc3986(TOKEN)}`, RequestId: `${'r'.repeat(300)}${rfc3986(TOKEN)}` }) },
  ]);
  cases.push(['a proxy page with the token in lower-case hex', { status: 502, body: forms(TOKEN)[2], contentType: 'text/plain' }]);
  for (const [name, mode] of cases) {
    test(name, async () => {
      server.respondNext(mode);
      let error;
      try {
        await connector.sendMessage(message(), stsConfig());
        assert.fail('expected a rejection');
      } catch (caught) {
        if (caught instanceof assert.AssertionError) throw caught;
        error = caught;
      }
      assert.equal(typeof error.data?.errorDescription, 'string');
      assertNoWindow(error, [SECRET, TOKEN]);
    });
  }
});
