// Faults over real loopback sockets, against the built package: every one ends in the documented
// ConnectorError code (README "Errors you may see") within `timeout` plus a margin, nothing is
// left hanging, and the next send works.
// The "SIZE LIMITS" section at the end checks that megabyte configs, messages and answers are
// refused before they are processed (src/limits.rs).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { after, before, beforeEach, describe, test } from 'node:test';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import { NETWORK_BOUND_MS, settlesWithin } from '../support/bounds.mjs';
import { bigBody, endlessBody, hang, startFaultServer } from '../support/fault-server.mjs';
import {
  configFor,
  collectGarbage,
  expectConnectorError,
  loadConnector,
  message,
  mib,
  templates,
  wasmMemoryBytes,
} from '../support/harness.mjs';

const execFileAsync = promisify(execFile);
const KEY_ID = 'LTAI-faults-test';
const SECRET = `faults-secret-${randomUUID()}`;
/** Slack on top of `timeout` for a rejection: generous, the machine is shared. */
const MARGIN_MS = 1500;
const TIMEOUT_MS = 3000;

let server;
let connector;

const makeConfig = (overrides) =>
  configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto Faults', timeout: TIMEOUT_MS }, overrides);

/** After a fault, a normal send to the healthy server succeeds and verifies. */
async function nextSendWorks() {
  const before = server.requests.length;
  const result = await connector.sendMessage(message(), makeConfig());
  assert.equal(result.Code, 'OK');
  assert.equal(server.requests.length, before + 1);
  assert.equal(server.requests.at(-1).verified, true);
}

/** Sends with `config`, expects `code` within timeout + margin, then checks the next send. */
async function fault(code, { config = makeConfig(), data = message(), within } = {}) {
  const bound = within ?? config.timeout + MARGIN_MS;
  const outcome = await expectConnectorError(connector.sendMessage(data, config), code, { within: bound });
  await nextSendWorks();
  return outcome;
}

async function closedPort() {
  const probe = http.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  connector = await loadConnector();
});
after(() => server.close());
beforeEach(() => server.reset());

describe('network faults -> general', () => {
  test('connection refused: fails fast and names the endpoint', async () => {
    const port = await closedPort();
    const { error, elapsed } = await fault('general', {
      config: makeConfig({ endpoint: `http://127.0.0.1:${port}/` }),
    });
    assert.ok(elapsed < TIMEOUT_MS, `did not wait for the timeout (${elapsed} ms)`);
    assert.ok(error.data.errorDescription.includes(`127.0.0.1:${port}`), error.data.errorDescription);
    assert.equal(error.data.status, undefined);
  });

  test('connection reset before any answer', async () => {
    server.respondNext('reset');
    const { error, elapsed } = await fault('general');
    assert.ok(elapsed < TIMEOUT_MS, `${elapsed} ms`);
    assert.match(error.data.errorDescription, /^Network error calling Aliyun at http:\/\/127\.0\.0\.1:\d+\/ \(request\)/);
    assert.equal(server.requests[0].verified, true, 'the request arrived signed');
  });

  test('connection reset in the middle of the body', async () => {
    server.respondNext('drop');
    const { error, elapsed } = await fault('general');
    assert.ok(elapsed < TIMEOUT_MS, `${elapsed} ms`);
    assert.match(error.data.errorDescription, /^Network error calling Aliyun at .* \(reading body\)/);
    assert.equal(error.data.status, undefined);
  });

  test('no answer: the timeout fires, the request is aborted and the server sees the socket close', async () => {
    const silent = await startFaultServer(hang);
    try {
      const timeout = 300;
      const { error, elapsed } = await expectConnectorError(
        connector.sendMessage(message(), makeConfig({ endpoint: silent.url, timeout })),
        'general',
        { within: timeout + MARGIN_MS },
      );
      assert.ok(elapsed >= timeout - 50, `not before the timeout (${elapsed} ms)`);
      assert.match(error.data.errorDescription, /\b300 ms\b/);
      assert.equal(silent.connections.length, 1);
      const [connection] = silent.connections;
      assert.equal(connection.requests, 1);
      assert.equal(await silent.closed(connection, 2000), true, 'the client closed its socket after aborting');
      await nextSendWorks();
    } finally {
      await silent.close();
    }
  });

  test('headers sent, then silence: the timeout covers the body and closes the socket', async () => {
    const stalled = await startFaultServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"Code":');
    });
    try {
      const timeout = 400;
      const { error } = await expectConnectorError(
        connector.sendMessage(message(), makeConfig({ endpoint: stalled.url, timeout })),
        'general',
        { within: timeout + MARGIN_MS },
      );
      assert.match(error.data.errorDescription, /did not answer within 400 ms \(request aborted\)/);
      assert.equal(await stalled.closed(stalled.connections[0], 2000), true);
      await nextSendWorks();
    } finally {
      await stalled.close();
    }
  });

  test('a body that keeps trickling in: the timeout fires, reading stops and the socket closes', async () => {
    // 1 KiB every 50 ms never reaches a size limit; only the timeout can end it. Before the fix,
    // an abort during a body that was still flowing was ignored and sendMessage never settled.
    const trickle = await startFaultServer(endlessBody(1024, 50));
    try {
      const timeout = 500;
      const { error, elapsed } = await expectConnectorError(
        connector.sendMessage(message(), makeConfig({ endpoint: trickle.url, timeout })),
        'general',
        { within: timeout + MARGIN_MS },
      );
      assert.match(error.data.errorDescription, /did not answer within 500 ms \(request aborted\)/);
      assert.ok(elapsed >= timeout - 50, `${elapsed} ms`);
      const [connection] = trickle.connections;
      assert.equal(await trickle.closed(connection, 2000), true, 'the client hung up');
      await nextSendWorks();
    } finally {
      await trickle.close();
    }
  });

  test('a fast endless body: cut by the size limit before a short timeout, and the socket closes', async () => {
    // 64 KiB every 5 ms crosses the 64 KiB answer limit within the first chunks, long before the
    // 1000 ms timeout: the size limit answers, never the timeout.
    const flood = await startFaultServer(endlessBody());
    try {
      const timeout = 1000;
      const { error } = await expectConnectorError(
        settlesWithin(connector.sendMessage(message(), makeConfig({ endpoint: flood.url, timeout })), timeout + MARGIN_MS),
        'invalid_response',
        { within: timeout + MARGIN_MS },
      );
      assert.match(error.data.errorDescription, /HTTP 200\b.*\bexceeds the \d+-byte limit/, error.data.errorDescription);
      assert.equal(error.data.status, 200);
      assert.equal(await flood.closed(flood.connections[0], 2000), true, 'the client hung up');
      await nextSendWorks();
    } finally {
      await flood.close();
    }
  });

  test('a redirect is refused, not followed', async () => {
    const redirector = await startFaultServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: server.url });
      res.end();
    });
    try {
      const { error } = await fault('general', { config: makeConfig({ endpoint: redirector.url }) });
      assert.match(error.data.errorDescription, /redirect/);
      assert.equal(error.data.status, undefined, 'the 307 is not reported as an answer');
      assert.equal(server.requests.length, 1, 'only the follow-up send reached the server');
    } finally {
      await redirector.close();
    }
  });
});

describe('answers that are not Aliyun JSON -> invalid_response', () => {
  const cases = [
    ['HTTP 500 with an HTML page', 'html500', 500],
    ['HTTP 502 with HTML', { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>', contentType: 'text/html' }, 502],
    ['HTTP 503 with plain text', { status: 503, body: 'Service Unavailable', contentType: 'text/plain' }, 503],
    ['HTTP 504 with an empty body', { status: 504, body: '' }, 504],
    ['200 with non-JSON', 'not-json', 200],
    ['200 with a truncated JSON body', 'truncated', 200],
    ['200 with an empty body', 'empty', 200],
    ['200 with a JSON array', { status: 200, body: '[{"Code":"OK"}]' }, 200],
    ['200 with JSON null', { status: 200, body: 'null' }, 200],
    ['200 without Code', { status: 200, body: '{"Message":"OK","RequestId":"R"}' }, 200],
    ['200 with a numeric Code', { status: 200, body: '{"Code":0,"Message":"OK"}' }, 200],
    ['200 with Code an object', { status: 200, body: '{"Code":{"value":"OK"}}' }, 200],
    ['200 with Message an array', { status: 200, body: '{"Code":"OK","Message":["OK"]}' }, 200],
    ['200 with RequestId a number', { status: 200, body: '{"Code":"OK","RequestId":42}' }, 200],
    ['200 with BizId a boolean', { status: 200, body: '{"Code":"OK","BizId":true}' }, 200],
    ['200 with invalid UTF-8', { status: 200, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, 200],
    ['HTTP 500 saying OK', { status: 500, body: '{"Code":"OK","Message":"OK","RequestId":"R"}' }, 500],
    ['a body of several megabytes (4 MiB of HTML)', 'huge', 200],
  ];
  for (const [name, mode, status] of cases) {
    test(name, async () => {
      server.respondNext(mode);
      const { error } = await fault('invalid_response');
      assert.equal(error.data.status, status);
      if (error.data.Code === undefined) {
        assert.ok(error.data.errorDescription.includes(`HTTP ${status}`), error.data.errorDescription);
      }
      assert.ok(error.data.errorDescription.length < 1000, 'only a prefix of the body is quoted');
      assert.equal(server.requests[0].verified, true);
    });
  }

  test('8 MiB of HTML with a Content-Length (own server)', async () => {
    const big = await startFaultServer(bigBody(8 << 20));
    try {
      const { error } = await fault('invalid_response', { config: makeConfig({ endpoint: big.url }) });
      assert.match(error.data.errorDescription, /\(HTTP 200\).*exceeds the \d+-byte limit/);
      assert.ok(error.data.errorDescription.length < 1000);
    } finally {
      await big.close();
    }
  });
});

describe('the host fetch misbehaving -> general', () => {
  const original = globalThis.fetch;
  const withFetch = async (replacement, run) => {
    globalThis.fetch = replacement;
    try {
      return await run();
    } finally {
      globalThis.fetch = original;
    }
  };

  test('fetch throws synchronously', async () => {
    const { error } = await withFetch(
      () => {
        throw new TypeError('fetch exploded synchronously');
      },
      () => expectConnectorError(connector.sendMessage(message(), makeConfig()), 'general', { within: MARGIN_MS }),
    );
    assert.match(error.data.errorDescription, /fetch exploded synchronously/);
    assert.equal(server.requests.length, 0);
    await nextSendWorks();
  });

  test('fetch throws something that is not an Error', async () => {
    const { error } = await withFetch(
      () => {
        // eslint-disable-next-line no-throw-literal
        throw { weird: true };
      },
      () => expectConnectorError(connector.sendMessage(message(), makeConfig()), 'general', { within: MARGIN_MS }),
    );
    assert.match(error.data.errorDescription, /^Network error calling Aliyun at .* \(fetch threw\)/);
    await nextSendWorks();
  });

  test('fetch is missing from the host', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    delete globalThis.fetch;
    let outcome;
    try {
      assert.equal(typeof globalThis.fetch, 'undefined');
      outcome = await expectConnectorError(connector.sendMessage(message(), makeConfig()), 'general', {
        within: MARGIN_MS,
      });
    } finally {
      Object.defineProperty(globalThis, 'fetch', descriptor);
    }
    assert.match(outcome.error.data.errorDescription, /fetch/i);
    assert.equal(server.requests.length, 0);
    await nextSendWorks();
  });

  test('fetch rejects', async () => {
    const { error } = await withFetch(
      () => Promise.reject(new Error('offline')),
      () => expectConnectorError(connector.sendMessage(message(), makeConfig()), 'general', { within: MARGIN_MS }),
    );
    assert.match(error.data.errorDescription, /^Network error calling Aliyun at .* \(request\): offline$/);
    await nextSendWorks();
  });

  test('fetch resolves to something that is not a Response', async () => {
    for (const value of [undefined, null, 42, 'OK']) {
      const { error } = await withFetch(
        () => Promise.resolve(value),
        () => expectConnectorError(connector.sendMessage(message(), makeConfig()), 'general', { within: MARGIN_MS }),
      );
      assert.match(error.data.errorDescription, /something other than a Response/, String(value));
    }
    await nextSendWorks();
  });

  test('a Response whose body fails to read', async () => {
    const rejected = await withFetch(
      async () => ({ status: 200, text: () => Promise.reject(new Error('body stream broke')) }),
      () => expectConnectorError(connector.sendMessage(message(), makeConfig()), 'general', { within: MARGIN_MS }),
    );
    assert.match(rejected.error.data.errorDescription, /\(reading body\): body stream broke$/);
    const thrown = await withFetch(
      async () => ({
        status: 200,
        text: () => {
          throw new Error('text() threw');
        },
      }),
      () => expectConnectorError(connector.sendMessage(message(), makeConfig()), 'general', { within: MARGIN_MS }),
    );
    assert.match(thrown.error.data.errorDescription, /\(reading body\): text\(\) threw$/);
    await nextSendWorks();
  });

  test('fetch that honours the AbortSignal but never answers: the timeout aborts it', async () => {
    let signal;
    const timeout = 200;
    const { error } = await withFetch(
      (url, init) => {
        signal = init.signal;
        return new Promise((resolve, reject) => {
          init.signal.addEventListener('abort', () => reject(init.signal.reason ?? new Error('aborted')));
        });
      },
      () =>
        expectConnectorError(connector.sendMessage(message(), makeConfig({ timeout })), 'general', {
          within: timeout + MARGIN_MS,
        }),
    );
    assert.match(error.data.errorDescription, /did not answer within 200 ms \(request aborted\)/);
    assert.equal(signal?.aborted, true, 'the AbortSignal given to fetch was aborted');
    await nextSendWorks();
  });

  // The timeout must not depend on the AbortSignal alone: a host fetch (or a polyfill, or a
  // Response body) that ignores the signal would leave sendMessage pending forever.
  const neverSettling = [
    ['fetch ignores the AbortSignal and never settles', () => new Promise(() => {})],
    [
      'the Response body ignores the AbortSignal and never settles',
      async () => ({ status: 200, text: () => new Promise(() => {}) }),
    ],
  ];
  for (const [name, replacement] of neverSettling) {
    test(`TIMEOUT: ${name}: the timeout still rejects`, async () => {
      const timeout = 200;
      const bound = timeout + MARGIN_MS;
      const { error } = await withFetch(replacement, () =>
        expectConnectorError(settlesWithin(connector.sendMessage(message(), makeConfig({ timeout })), bound + 1000), 'general', {
          within: bound,
        }),
      );
      assert.match(error.data.errorDescription, /did not answer within 200 ms \(request aborted\)/);
      await nextSendWorks();
    });
  }
});

describe("the host's random source", () => {
  const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const nonces = () => server.requests.map((r) => r.params.SignatureNonce);

  /**
   * One send in a fresh process whose `globalThis.crypto` is `crypto` (the source of a script
   * expression) from the start: getrandom takes the host's source once, at its first draw.
   * `sends` sends in a row. Resolves with what the script printed: `{ code, description }` or
   * `{ result, drawn }` (the last send's result).
   */
  const sendWithCrypto = async (crypto, sends = 1) => {
    const script = `
      const host = globalThis.crypto;
      const drawn = [];
      Object.defineProperty(globalThis, 'crypto', { value: ${crypto}, configurable: true, writable: true });
      const { default: createConnector } = await import(${JSON.stringify(new URL('../../pkg/lib/index.js', import.meta.url).href)});
      const connector = await createConnector({ getConfig: async () => ({}) });
      try {
        let result;
        for (let i = 0; i < ${sends}; i += 1) {
          result = await connector.sendMessage(${JSON.stringify(message())}, ${JSON.stringify(makeConfig())});
        }
        process.stdout.write(JSON.stringify({ result, drawn }));
      } catch (error) {
        process.stdout.write(JSON.stringify({ code: error.code, description: error.data?.errorDescription }));
      }
    `;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { timeout: NETWORK_BOUND_MS });
    return JSON.parse(stdout);
  };

  test('the nonces are made of crypto.getRandomValues bytes, as the host drew them, 16 sends per draw', async () => {
    const outcome = await sendWithCrypto(
      '{ getRandomValues: (bytes) => { host.getRandomValues(bytes); drawn.push([...bytes]); return bytes; }, randomUUID: () => { throw new Error("not used"); } }',
      17,
    );
    assert.equal(outcome.result?.Code, 'OK', JSON.stringify(outcome));
    assert.ok(server.requests.every((r) => r.verified));
    // One draw of 256 bytes serves 16 nonces; the 17th send draws again.
    assert.deepEqual(outcome.drawn.map((d) => d.length), [256, 256]);
    // RFC 9562 version 4: the version nibble and the variant bits set over each 16 bytes drawn.
    const expected = Array.from({ length: 17 }, (_, i) => {
      const bytes = outcome.drawn[i >> 4].slice((i % 16) * 16, (i % 16) * 16 + 16);
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      const hex = Buffer.from(bytes).toString('hex');
      return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
    });
    assert.deepEqual(nonces(), expected);
    for (const uuid of expected) assert.match(uuid, V4);
    assert.equal(new Set(expected).size, 17);
  });

  test('a host without randomUUID: getRandomValues alone makes a fresh v4 nonce for each send', async () => {
    for (let i = 0; i < 2; i += 1) {
      const outcome = await sendWithCrypto('{ getRandomValues: (bytes) => host.getRandomValues(bytes) }');
      assert.equal(outcome.result?.Code, 'OK', JSON.stringify(outcome));
    }
    assert.equal(server.requests.length, 2);
    for (const nonce of nonces()) assert.match(nonce, V4);
    assert.equal(new Set(nonces()).size, 2);
    assert.ok(server.requests.every((r) => r.verified));
  });

  test('no random source at all -> general, and nothing is sent', async () => {
    for (const crypto of ['undefined', '{}', '{ getRandomValues: () => { throw new Error("entropy gone"); } }']) {
      const outcome = await sendWithCrypto(crypto);
      assert.equal(outcome.code, 'general', JSON.stringify(outcome));
      assert.match(outcome.description, /^No secure random source in this host/);
    }
    assert.equal(server.requests.length, 0);
    await nextSendWorks();
  });
});

describe('many faults in a row leave nothing behind', () => {
  test('50 mixed faults, then normal sends succeed and wasm memory is steady', async () => {
    // [server mode, expected code, what errorDescription must say]
    const faults = [
      ['reset', 'general', /^Network error calling Aliyun at http:\/\/127\.0\.0\.1:\d+\/ \(request\)/],
      ['drop', 'general', /^Network error calling Aliyun at http:\/\/127\.0\.0\.1:\d+\/ \(reading body\)/],
      ['html500', 'invalid_response', /\(HTTP 500\): not JSON: "<html>/],
      ['not-json', 'invalid_response', /\(HTTP 200\): not JSON: "OK"/],
      ['truncated', 'invalid_response', /\(HTTP 200\): not JSON: "\{"Code":"OK"/],
      ['empty', 'invalid_response', /\(HTTP 200\): not JSON: empty body/],
      [{ aliyunError: 'isp.SYSTEM_ERROR' }, 'general', /^Aliyun SendSms failed: isp\.SYSTEM_ERROR: /],
    ];
    const run = async () => {
      for (let i = 0; i < 50; i += 1) {
        const [mode, code, description] = faults[i % faults.length];
        server.respondNext(mode);
        const { error } = await expectConnectorError(connector.sendMessage(message(), makeConfig()), code);
        assert.match(error.data.errorDescription, description, JSON.stringify(mode));
      }
    };
    await run();
    await collectGarbage();
    const wasmAfterFirst = wasmMemoryBytes();
    await run();
    await collectGarbage();
    const wasmAfterSecond = wasmMemoryBytes();
    assert.ok(
      wasmAfterSecond - wasmAfterFirst <= 1 << 20,
      `wasm memory grew from ${mib(wasmAfterFirst)} to ${mib(wasmAfterSecond)}`,
    );
    await nextSendWorks();
  });
});

describe('hostile values -> typed errors, and the instance lives on', () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };

  test('a revoked Proxy, a throwing ownKeys trap and a throwing getter, in the data and in the config, 1,000 times: each a ConnectorError; then a normal send and safeParse work', async () => {
    let thrown = 0;
    const onUncaught = () => {
      thrown += 1;
    };
    process.on('uncaughtException', onUncaught);
    try {
      const hostile = [
        () => revoked(),
        () => new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); } }),
        () => ({ get code() { throw new Error('getter'); } }),
      ];
      for (let i = 0; i < 1000; i += 1) {
        const value = hostile[i % hostile.length]();
        const { error } = await expectConnectorError(
          settlesWithin(connector.sendMessage({ ...message(), payload: value }, makeConfig()), 2000),
          'invalid_request_parameters',
        );
        assert.match(error.data.errorDescription, /^Message data cannot be read: /);
        const guarded = connector.configGuard.safeParse({ ...makeConfig(), templates: [value] });
        assert.equal(guarded.success, false);
        if (i % 100 === 0) await expectConnectorError(connector.sendMessage(message(), hostile[i % 3]()), 'invalid_config');
      }
      assert.equal(thrown, 0, 'nothing escaped as an uncaught exception');
      assert.equal(server.requests.length, 0, 'nothing was sent');
      assert.equal(connector.configGuard.safeParse(makeConfig()).success, true);
      await nextSendWorks();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  test('a getter that answers differently at each read is read once: a small payload first, then 5,000 levels deep', async () => {
    const deep = () => {
      const root = {};
      let node = root;
      for (let i = 0; i < 5000; i += 1) node = node.a = {};
      return root;
    };
    let reads = 0;
    const data = {
      ...message(),
      get payload() {
        reads += 1;
        return reads === 1 ? { code: '123456' } : deep();
      },
    };
    const result = await connector.sendMessage(data, makeConfig());
    assert.equal(result.Code, 'OK');
    assert.equal(reads, 1);
    assert.equal(JSON.parse(server.requests.at(-1).params.TemplateParam).code, '123456');
    await nextSendWorks();
  });
});

// ---------------------------------------------------------------------------------------------
// SIZE LIMITS: megabyte inputs must be refused with a clear error before they are processed.

const FOUR_MIB = 4 << 20;
const SIZE_WORDS = /large|big|size|exceed|limit|at most/i;

describe('SIZE LIMITS', () => {
  test('SIZE LIMIT: a config of megabytes is refused as invalid_config, nothing sent', async () => {
    const config = makeConfig({ padding: 'x'.repeat(FOUR_MIB) });
    const { error } = await expectConnectorError(connector.sendMessage(message(), config), 'invalid_config', {
      within: 5000,
    });
    assert.match(error.data.errorDescription, SIZE_WORDS);
    assert.ok(Array.isArray(error.data.issues) && error.data.issues.length > 0);
    assert.ok(error.data.errorDescription.length < 1000);
    assert.equal(server.requests.length, 0);
    await nextSendWorks();
  });

  test('SIZE LIMIT: configGuard.safeParse refuses a config of megabytes', async () => {
    const result = connector.configGuard.safeParse(makeConfig({ signName: 'x'.repeat(FOUR_MIB) }));
    assert.equal(result.success, false);
    assert.match(result.error.errorDescription, SIZE_WORDS);
    assert.ok(result.error.errorDescription.length < 1000);
  });

  test('SIZE LIMIT: message data of megabytes is refused as invalid_request_parameters, nothing sent', async () => {
    for (const data of [
      { to: '13012345678', type: 'SignIn', payload: { code: 'x'.repeat(FOUR_MIB) } },
      { to: '13012345678', type: 'SignIn', payload: { code: '1', user: { customData: 'x'.repeat(FOUR_MIB) } } },
      { to: `${' '.repeat(FOUR_MIB)}13012345678`, type: 'SignIn', payload: { code: '1' } },
    ]) {
      const { error } = await expectConnectorError(
        connector.sendMessage(data, makeConfig()),
        'invalid_request_parameters',
        { within: 5000 },
      );
      assert.match(error.data.errorDescription, SIZE_WORDS);
      assert.ok(error.data.errorDescription.length < 1000);
    }
    assert.equal(server.requests.length, 0);
    await nextSendWorks();
  });

  test('SIZE LIMIT: refusing megabyte inputs does not grow WebAssembly memory by megabytes', async () => {
    // In a fresh process: this one's instance has already grown for the big answers above.
    const script = `
      import createConnector from ${JSON.stringify(new URL('../../pkg/lib/index.js', import.meta.url).href)};
      import * as glue from ${JSON.stringify(new URL('../../pkg/lib/wasm/aliyun_sms.js', import.meta.url).href)};
      const connector = await createConnector({ getConfig: async () => ({}) });
      const memory = () => glue.initSync().memory.buffer.byteLength;
      const config = ${JSON.stringify(makeConfig({ endpoint: 'http://127.0.0.1:9/', timeout: 100 }))};
      const message = { to: '13012345678', type: 'SignIn', payload: { code: '1' } };
      const before = memory();
      for (let i = 0; i < 3; i += 1) {
        const pad = String(i) + 'x'.repeat(${FOUR_MIB});
        connector.configGuard.safeParse({ ...config, padding: pad });
        await connector.sendMessage(message, { ...config, padding: pad }).catch(() => {});
        await connector.sendMessage({ ...message, payload: { code: '1', pad } }, config).catch(() => {});
      }
      process.stdout.write(JSON.stringify({ before, after: memory() }));
    `;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
      maxBuffer: 1 << 20,
      timeout: NETWORK_BOUND_MS,
    });
    const { before, after } = JSON.parse(stdout);
    assert.ok(after - before < 1 << 20, `wasm memory grew from ${mib(before)} to ${mib(after)}`);
  });

  test('SIZE LIMIT: a small compressed answer that inflates to 32 MiB is cut off at the limit (gzip and br, honest Content-Length); memory does not grow', async () => {
    // fetch inflates the body, so its Content-Length (the compressed size, under the limit) says
    // nothing of what reading it makes. In a fresh process, to read its WebAssembly memory.
    const inflated = Buffer.alloc(32 << 20, 0x20);
    const bodies = { gzip: zlib.gzipSync(inflated), br: zlib.brotliCompressSync(inflated) };
    const bomb = http.createServer((request, response) => {
      const coding = request.url.includes('br') ? 'br' : 'gzip';
      request.resume().on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding, 'content-length': bodies[coding].length });
        response.end(bodies[coding]);
      });
    });
    await new Promise((resolve) => bomb.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${bomb.address().port}`;
      assert.ok(bodies.gzip.length < 64 << 10 && bodies.br.length < 64 << 10, 'both under the limit as sent');
      const script = `
        import createConnector from ${JSON.stringify(new URL('../../pkg/lib/index.js', import.meta.url).href)};
        import * as glue from ${JSON.stringify(new URL('../../pkg/lib/wasm/aliyun_sms.js', import.meta.url).href)};
        const connector = await createConnector({ getConfig: async () => ({}) });
        const memory = () => glue.initSync().memory.buffer.byteLength;
        const config = ${JSON.stringify(makeConfig({ timeout: 10000 }))};
        const message = { to: '13012345678', type: 'SignIn', payload: { code: '1' } };
        const before = memory();
        const outcomes = [];
        for (const path of ['/gzip/', '/br/']) {
          const started = Date.now();
          const error = await connector.sendMessage(message, { ...config, endpoint: ${JSON.stringify(base)} + path }).then(() => null, (e) => e);
          outcomes.push({ code: error?.code, description: error?.data?.errorDescription, ms: Date.now() - started });
        }
        process.stdout.write(JSON.stringify({ before, after: memory(), outcomes }));
      `;
      const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
        maxBuffer: 1 << 20,
        timeout: NETWORK_BOUND_MS,
      });
      const { before, after, outcomes } = JSON.parse(stdout);
      for (const outcome of outcomes) {
        assert.equal(outcome.code, 'invalid_response', JSON.stringify(outcome));
        assert.match(outcome.description, /exceeds the \d+-byte limit/);
        assert.ok(outcome.ms < 5000, JSON.stringify(outcome));
      }
      assert.ok(after - before < 1 << 20, `wasm memory grew from ${mib(before)} to ${mib(after)}`);
    } finally {
      await new Promise((resolve) => bomb.close(resolve));
    }
  });

  test('SIZE LIMIT: a well-formed OK answer of 8 MiB is invalid_response, not a success', async () => {
    const big = await startFaultServer(bigBody(8 << 20, { json: true }));
    try {
      const { error } = await fault('invalid_response', { config: makeConfig({ endpoint: big.url }) });
      assert.match(error.data.errorDescription, SIZE_WORDS);
      assert.ok(error.data.errorDescription.length < 1000);
    } finally {
      await big.close();
    }
  });

  test('SIZE LIMIT: an endless body is cut off at the limit, long before the timeout', async () => {
    const endless = await startFaultServer(endlessBody());
    try {
      const timeout = 5000;
      const { elapsed } = await expectConnectorError(
        settlesWithin(connector.sendMessage(message(), makeConfig({ endpoint: endless.url, timeout })), 4000),
        'invalid_response',
        { within: 3000 },
      );
      assert.ok(elapsed < timeout);
      const [connection] = endless.connections;
      assert.equal(await endless.closed(connection, 2000), true, 'the client hung up');
      assert.ok(connection.bytesWritten < 32 << 20, `the server got to write ${mib(connection.bytesWritten)}`);
      await nextSendWorks();
    } finally {
      await endless.close();
    }
  });

  test('realistic large inputs stay accepted (guards against limits set too low)', async () => {
    const config = makeConfig({
      securityToken: `CAIS${'t'.repeat(2048)}`,
      templates: [
        ...templates(),
        ...['OrganizationInvitation', 'UserPermissionValidation', 'BindNewIdentifier', 'MfaVerification', 'BindMfa'].map(
          (usageType) => ({ usageType, templateCode: { china: `SMS_${usageType}_CN`, overseas: `SMS_${usageType}_INT` } }),
        ),
      ],
    });
    const sts = await startAliyunServer({
      credentials: { [KEY_ID]: SECRET },
      securityTokens: { [KEY_ID]: config.securityToken },
    });
    try {
      assert.equal(connector.configGuard.safeParse(config).success, true);
      const data = {
        to: '+86 130 1234 5678',
        type: 'MfaVerification',
        payload: {
          code: '123456',
          locale: 'zh-CN',
          uiLocales: 'zh-CN en',
          application: { id: 'app', name: 'App', displayName: 'My App', branding: { logoUrl: `https://x/${'l'.repeat(500)}` } },
          user: { id: 'u1', name: 'User', customData: { notes: 'n'.repeat(4096) } },
          organization: { id: 'o1', name: 'Org', customData: { tier: 'gold' } },
        },
      };
      const result = await connector.sendMessage(data, { ...config, endpoint: sts.url });
      assert.equal(result.Code, 'OK');
      assert.equal(sts.requests[0].verified, true);
    } finally {
      await sts.close();
    }
  });
});
