// The access key secret never shows: not in error.message, String(error), its stack,
// JSON.stringify(error.data), util.inspect(error), nor anything written to the console or to
// stdout/stderr while the connector works, on every error path (config, message, network, host
// fetch, Aliyun answers) and on success. The signature and the AccessKeyId may appear.
// The STS token is held to the same rule, and so is a secret pasted into another field.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import { hang, startFaultServer } from '../support/fault-server.mjs';
import {
  configFor,
  ConnectorError,
  captureOutput,
  errorTexts,
  getSignature,
  loadConnector,
  message,
  templates,
} from '../support/harness.mjs';

// Distinctive values: nothing else in this suite could contain them by chance.
const KEY_ID = 'LTAI-secrets-test';
const SECRET = `Sk${randomBytes(15).toString('hex')}Zq`;
const WRONG_SECRET = `Wr${randomBytes(15).toString('hex')}Zq`;
const STS_KEY_ID = 'STS.secrets-test';
const STS_SECRET = `St${randomBytes(15).toString('hex')}Zq`;
const TOKEN = `CAIS${randomBytes(24).toString('hex')}Tk`;

let server;
let connector;

const makeConfig = (overrides) =>
  configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto Secrets', timeout: 3000 }, overrides);

const stsConfig = (overrides = {}) =>
  makeConfig({ accessKeyId: STS_KEY_ID, accessKeySecret: STS_SECRET, securityToken: TOKEN, ...overrides });

/**
 * Runs `fn` with output captured; asserts that none of `secrets` is in what it threw (or
 * returned) in any rendering, nor in the captured output. Returns what `fn` threw.
 */
async function noLeak(fn, { secrets = [SECRET], mustThrow = true } = {}) {
  const { value, error, output } = await captureOutput(fn);
  if (mustThrow) {
    assert.ok(error !== undefined, `expected a failure, got ${JSON.stringify(value)?.slice(0, 200)}`);
    assert.ok(error instanceof ConnectorError, `expected ConnectorError, got ${error?.constructor?.name}`);
  }
  const shown = { ...errorTexts(error), value: JSON.stringify(value) ?? '', output };
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(shown)) {
      assert.ok(!text.includes(secret), `a secret leaked in ${where}: ${text.slice(0, 2000)}`);
      // Not even a part of it: any 16 consecutive characters of a secret count as a leak.
      const part = windows(secret).find((w) => text.includes(w));
      assert.equal(part, undefined, `part of a secret (${part}) leaked in ${where}: ${text.slice(0, 2000)}`);
    }
  }
  return error;
}

const send = (data, config) => () => connector.sendMessage(data, config);

/** Every run of 16 consecutive characters of `secret`. */
const windows = (secret) =>
  secret.length <= 16 ? [secret] : Array.from({ length: secret.length - 15 }, (_, i) => secret.slice(i, i + 16));

before(async () => {
  server = await startAliyunServer({
    credentials: { [KEY_ID]: SECRET, [STS_KEY_ID]: STS_SECRET },
    securityTokens: { [STS_KEY_ID]: TOKEN },
  });
  connector = await loadConnector();
});
after(() => server.close());
beforeEach(() => server.reset());

test('the capture sees console.* and text written to stdout/stderr', async () => {
  const marker = `marker-${randomBytes(8).toString('hex')}`;
  const { output } = await captureOutput(() => {
    console.error(`console ${marker}`);
    process.stderr.write(`stderr ${marker}\n`);
  });
  assert.ok(output.includes(`console ${marker}`));
  assert.ok(output.includes(`stderr ${marker}`));
});

describe('config errors', () => {
  const cases = [
    ['another field invalid', { timeout: 5, signName: ' ', endpoint: 'ftp://x/' }],
    ['the secret padded with whitespace', { accessKeySecret: ` ${SECRET}\n` }],
    ['templates missing', { templates: undefined }],
    ['a template type out of range', { templates: [{ ...templates()[0], type: 3 }, ...templates().slice(1)] }],
    ['plain http to a public host', { endpoint: 'http://dysmsapi.aliyuncs.com/' }],
    ['SIZE LIMIT: a config of megabytes', { padding: 'x'.repeat(1 << 20), accessKeySecret: SECRET }],
  ];
  for (const [name, overrides] of cases) {
    test(`sendMessage: ${name}`, async () => {
      const error = await noLeak(send(message(), makeConfig(overrides)));
      assert.equal(error.code, 'invalid_config');
      assert.equal(server.requests.length, 0);
    });
    test(`configGuard.parse and safeParse: ${name}`, async () => {
      await noLeak(() => connector.configGuard.parse(makeConfig(overrides)));
      const result = connector.configGuard.safeParse(makeConfig(overrides));
      assert.equal(result.success, false);
      assert.ok(!JSON.stringify(result.error).includes(SECRET));
    });
  }

  test('the secret is wrong-typed in another credential field', async () => {
    // A number where a string belongs: the value is not echoed either.
    await noLeak(send(message(), makeConfig({ accessKeyId: Number.parseInt(SECRET.slice(2, 12), 16) })), {
      secrets: [String(Number.parseInt(SECRET.slice(2, 12), 16)), SECRET],
    });
  });

  test('a secret pasted into another field is not echoed (signatureVersion)', async () => {
    const error = await noLeak(send(message(), makeConfig({ signatureVersion: SECRET })));
    assert.equal(error.code, 'invalid_config');
  });

  test('not even the start of a long token or secret pasted into another field', async () => {
    // Issue messages clip what they quote to 64 characters; the clip must not keep the first
    // characters of an STS token (hundreds of characters) or of a secret after some text.
    const longToken = `CAIS${randomBytes(200).toString('hex')}`;
    for (const signatureVersion of [longToken, `${'x'.repeat(40)}${SECRET}`, `${SECRET}${'y'.repeat(80)}`]) {
      const config = makeConfig({ securityToken: longToken, signatureVersion });
      const error = await noLeak(send(message(), config), { secrets: [SECRET, longToken] });
      assert.equal(error.code, 'invalid_config');
      await noLeak(() => connector.configGuard.parse(config), { secrets: [SECRET, longToken] });
    }
  });
});

describe('message errors', () => {
  const cyclic = { to: '13012345678', type: 'SignIn', payload: { code: '1' } };
  cyclic.payload.self = cyclic;
  const cases = [
    ['to is the secret', { to: SECRET, type: 'SignIn', payload: { code: '1' } }],
    ['to too short', message('1234')],
    ['payload is the secret', { to: '13012345678', type: 'SignIn', payload: SECRET }],
    ['type is a number', { to: '13012345678', type: 7, payload: { code: SECRET } }],
    ['data is the secret', SECRET],
    ['cyclic data', cyclic],
    ['SIZE LIMIT: data of megabytes', { to: '13012345678', type: 'SignIn', payload: { code: SECRET, pad: 'x'.repeat(1 << 20) } }],
  ];
  for (const [name, data] of cases) {
    test(name, async () => {
      const error = await noLeak(send(data, makeConfig()));
      assert.equal(error.code, 'invalid_request_parameters');
      assert.equal(server.requests.length, 0);
    });
  }

  test('getSignature with values that are not strings', async () => {
    await noLeak(() => getSignature({ Action: 'SendSms', Bad: 1 }, SECRET, 'POST'));
    await noLeak(() => getSignature('not an object', SECRET, 'POST'));
  });
});

describe('network and host faults', () => {
  test('connection refused', async () => {
    const probe = http.createServer();
    await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    await noLeak(send(message(), makeConfig({ endpoint: `http://127.0.0.1:${port}/` })));
  });

  for (const mode of ['reset', 'drop']) {
    test(`connection ${mode}`, async () => {
      server.respondNext(mode);
      await noLeak(send(message(), makeConfig()));
    });
  }

  test('no answer within the timeout', async () => {
    const silent = await startFaultServer(hang);
    try {
      await noLeak(send(message(), makeConfig({ endpoint: silent.url, timeout: 200 })));
    } finally {
      await silent.close();
    }
  });

  const original = globalThis.fetch;
  const hostFaults = [
    [
      'fetch throws an error that quotes the secret',
      () => {
        throw new Error(`polyfill could not send with key ${SECRET}`);
      },
    ],
    [
      'fetch rejects with a cause whose code quotes the secret',
      () => Promise.reject(Object.assign(new Error('fetch failed'), { cause: { code: `E_${SECRET}` } })),
    ],
    ['fetch resolves to a string with the secret', () => Promise.resolve(SECRET)],
    [
      'the body read fails quoting the secret',
      async () => ({ status: 200, text: () => Promise.reject(new Error(`stream for ${SECRET} broke`)) }),
    ],
  ];
  for (const [name, replacement] of hostFaults) {
    test(name, async () => {
      globalThis.fetch = replacement;
      try {
        const error = await noLeak(send(message(), makeConfig()));
        assert.equal(error.code, 'general');
      } finally {
        globalThis.fetch = original;
      }
    });
  }

  test('fetch missing from the host', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    delete globalThis.fetch;
    try {
      await noLeak(send(message(), makeConfig()));
    } finally {
      Object.defineProperty(globalThis, 'fetch', descriptor);
    }
  });
});

describe('answers from the server', () => {
  const modes = [
    ['HTML 500', 'html500'],
    ['not JSON', 'not-json'],
    ['truncated', 'truncated'],
    ['4 MiB body', 'huge'],
    ['wrongly typed fields', { status: 200, body: '{"Code":1,"Message":[],"RequestId":{}}' }],
    ['Aliyun echoes the secret in Message', { aliyunError: 'isp.SYSTEM_ERROR', message: `key ${SECRET} rejected` }],
    ['Aliyun echoes the secret in Code and RequestId', { status: 400, body: JSON.stringify({ Code: `X.${SECRET}`, RequestId: SECRET }) }],
    ['a proxy page quotes the secret', { status: 502, body: `<html>upstream said ${SECRET}</html>`, contentType: 'text/html' }],
    ['a non-JSON body that is only the secret', { status: 200, body: SECRET, contentType: 'text/plain' }],
    ['truncated JSON quoting the secret', { status: 200, body: `{"Code":"OK","Message":"${SECRET}` }],
    ['OK with HTTP 500 quoting the secret', { status: 500, body: JSON.stringify({ Code: 'OK', Message: SECRET }) }],
  ];
  for (const [name, mode] of modes) {
    test(name, async () => {
      server.respondNext(mode);
      await noLeak(send(message(), makeConfig()));
      assert.equal(server.requests.length, 1);
    });
  }

  test('a wrong secret: SignatureDoesNotMatch shows neither the wrong nor the right one', async () => {
    const error = await noLeak(send(message(), makeConfig({ accessKeySecret: WRONG_SECRET })), {
      secrets: [WRONG_SECRET, SECRET],
    });
    assert.equal(error.data.Code, 'SignatureDoesNotMatch');
    // The AccessKeyId may appear; it is not secret.
  });

  test('V3 with a wrong secret', async () => {
    const error = await noLeak(send(message(), makeConfig({ accessKeySecret: WRONG_SECRET, signatureVersion: 'v3' })), {
      secrets: [WRONG_SECRET, SECRET],
    });
    assert.equal(error.data.Code, 'SignatureDoesNotMatch');
  });

  test('success: the result carries no secret', async () => {
    for (const signatureVersion of ['v1', 'v3']) {
      const result = await noLeak(send(message(), makeConfig({ signatureVersion })), { mustThrow: false });
      assert.equal(result, undefined);
    }
    const sts = await noLeak(send(message(), stsConfig({ signatureVersion: 'v3' })), {
      mustThrow: false,
      secrets: [STS_SECRET, TOKEN],
    });
    assert.equal(sts, undefined);
    assert.equal(server.requests.length, 3);
    assert.ok(server.requests.every((r) => r.verified));
  });
});

describe('the STS security token is as secret as the key secret', () => {
  test('not in config errors', async () => {
    await noLeak(send(message(), stsConfig({ timeout: 1 })), { secrets: [STS_SECRET, TOKEN] });
  });

  test('not in network errors', async () => {
    server.respondNext('reset');
    await noLeak(send(message(), stsConfig()), { secrets: [STS_SECRET, TOKEN] });
  });

  for (const signatureVersion of ['v1', 'v3']) {
    test(`${signatureVersion} SignatureDoesNotMatch echoes the signed request, token included`, async () => {
      // Aliyun (and the stand-in) answer SignatureDoesNotMatch with the string to sign, which
      // holds the SecurityToken; it must be redacted like the secret.
      const error = await noLeak(send(message(), stsConfig({ signatureVersion, accessKeySecret: WRONG_SECRET })), {
        secrets: [WRONG_SECRET, STS_SECRET, TOKEN],
      });
      assert.equal(error.data.Code, 'SignatureDoesNotMatch');
    });
  }

  test('Aliyun echoing the token in Message', async () => {
    server.respondNext({ aliyunError: 'InvalidSecurityToken.Expired', status: 400, message: `token ${TOKEN} expired` });
    await noLeak(send(message(), stsConfig()), { secrets: [STS_SECRET, TOKEN] });
  });
});

describe('endpoints must be https, except loopback', () => {
  const rejected = [
    'http://dysmsapi.aliyuncs.com/',
    'http://10.0.0.1:8080/',
    'http://127.0.0.1.nip.io/',
    'http://localhost.evil.com/',
    'http://2130706433/',
    'http://[::ffff:127.0.0.1]/',
    'ws://127.0.0.1/',
    'file:///etc/passwd',
  ];
  for (const endpoint of rejected) {
    test(`rejected: ${endpoint}`, async () => {
      const result = connector.configGuard.safeParse(makeConfig({ endpoint }));
      assert.equal(result.success, false);
      assert.deepEqual(
        result.error.issues.map((issue) => issue.path),
        [['endpoint']],
      );
      const error = await noLeak(send(message(), makeConfig({ endpoint })));
      assert.equal(error.code, 'invalid_config');
    });
  }

  for (const endpoint of ['https://dysmsapi.aliyuncs.com/', 'http://127.0.0.1:9/', 'http://localhost/', 'http://[::1]:8080/']) {
    test(`accepted: ${endpoint}`, () => {
      assert.equal(connector.configGuard.safeParse(makeConfig({ endpoint })).success, true);
    });
  }
});
