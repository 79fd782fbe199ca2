// Load: 1,000 concurrent sends against the loopback Aliyun stand-in, which verifies every
// signature independently. Nothing lost, nothing duplicated, every nonce distinct, and memory
// (WebAssembly linear memory, JS heap, array buffers, RSS) back to a steady level afterwards.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import { NETWORK_BOUND_MS, settlesWithin } from '../support/bounds.mjs';
import { collectGarbage, loadConnector, memorySample, mib, templates } from '../support/harness.mjs';

const CONCURRENT = 1000;
const KEY_ID = 'LTAI-load-test';
const SECRET = `load-secret-${randomUUID()}`;
const STS_KEY_ID = 'STS.load-test';
const STS_SECRET = `load-sts-secret-${randomUUID()}`;
const STS_TOKEN = `CAIS-load-token-${randomUUID()}`;

let server;
let connector;
const realFetch = globalThis.fetch;
let inFlight = 0;
let maxInFlight = 0;

before(async () => {
  server = await startAliyunServer({
    credentials: { [KEY_ID]: SECRET, [STS_KEY_ID]: STS_SECRET },
    securityTokens: { [STS_KEY_ID]: STS_TOKEN },
  });
  connector = await loadConnector();
  // Count requests in flight at the host's fetch, to show the sends really overlapped.
  globalThis.fetch = async (...args) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await realFetch(...args);
    } finally {
      inFlight -= 1;
    }
  };
});

after(async () => {
  globalThis.fetch = realFetch;
  await server.close();
});

/** The i-th send: V1 and V3, permanent and STS credentials, China and overseas numbers. */
function send(batch, i) {
  const sts = i % 4 === 3;
  const config = {
    accessKeyId: sts ? STS_KEY_ID : KEY_ID,
    accessKeySecret: sts ? STS_SECRET : SECRET,
    ...(sts ? { securityToken: STS_TOKEN } : {}),
    signatureVersion: i % 2 === 0 ? 'v1' : 'v3',
    signName: 'Logto Load',
    templates: templates(),
    endpoint: server.url,
    timeout: 30_000,
  };
  const code = `${batch}-${i}`;
  const to = i % 3 === 0 ? `+1 862 401 ${String(7000 + (i % 1000)).padStart(4, '0')}` : `1301234${String(i).padStart(4, '0')}`;
  return connector.sendMessage({ to, type: i % 5 === 0 ? 'Register' : 'SignIn', payload: { code } }, config);
}

/** Runs one batch of CONCURRENT overlapping sends and checks everything the server saw. */
async function batch(name) {
  server.reset();
  maxInFlight = 0;
  const started = Date.now();
  const results = await settlesWithin(
    Promise.allSettled(Array.from({ length: CONCURRENT }, (_, i) => send(name, i))),
    2 * NETWORK_BOUND_MS,
    `batch ${name} of ${CONCURRENT} sends (each with a 30000 ms timeout)`,
  );
  const elapsed = Date.now() - started;
  const failed = results.filter((r) => r.status === 'rejected');
  assert.equal(
    failed.length,
    0,
    `${failed.length} sends failed, first: ${failed[0]?.reason?.code} ${failed[0]?.reason?.data?.errorDescription}`,
  );
  for (const { value } of results) {
    assert.equal(value.Code, 'OK');
    assert.equal(typeof value.RequestId, 'string');
  }
  const received = server.requests;
  assert.equal(received.length, CONCURRENT, 'every send reached the server exactly once');
  const unverified = received.filter((r) => !r.verified || r.outcome.code !== 'OK');
  assert.equal(unverified.length, 0, `first: ${JSON.stringify(unverified[0]?.outcome)}`);
  const nonces = new Set(received.map((r) => r.nonce));
  assert.equal(nonces.size, CONCURRENT, 'distinct nonces');
  assert.equal(received.filter((r) => r.replayed).length, 0);
  // Nothing lost, nothing duplicated: each payload code arrived once.
  const codes = received.map((r) => JSON.parse(r.params.TemplateParam).code).sort();
  const expected = Array.from({ length: CONCURRENT }, (_, i) => `${name}-${i}`).sort();
  assert.deepEqual(codes, expected);
  // The RequestIds handed back are the server's, one per send.
  assert.equal(new Set(results.map((r) => r.value.RequestId)).size, CONCURRENT);
  const versions = { v1: 0, v3: 0 };
  for (const r of received) versions[r.signatureVersion] += 1;
  return { elapsed, maxInFlight, versions };
}

test(`${CONCURRENT} concurrent sendMessage calls: all succeed, distinct nonces, all verified; memory steady`, async (t) => {
  await collectGarbage();
  const baseline = memorySample();
  const first = await batch('first');
  await collectGarbage();
  const afterFirst = memorySample();
  const second = await batch('second');
  await collectGarbage();
  const afterSecond = memorySample();
  const third = await batch('third');
  await collectGarbage();
  const afterThird = memorySample();

  for (const [name, run] of [
    ['first', first],
    ['second', second],
    ['third', third],
  ]) {
    t.diagnostic(
      `${name} batch: ${CONCURRENT} sends in ${run.elapsed} ms, max ${run.maxInFlight} fetches in flight, ` +
        `v1 ${run.versions.v1} / v3 ${run.versions.v3}`,
    );
  }
  const show = (s) =>
    `rss ${mib(s.rss)}, heap ${mib(s.heapUsed)}, arrayBuffers ${mib(s.arrayBuffers)}, wasm ${mib(s.wasm)}`;
  t.diagnostic(`baseline:     ${show(baseline)}`);
  t.diagnostic(`after first:  ${show(afterFirst)}`);
  t.diagnostic(`after second: ${show(afterSecond)}`);
  t.diagnostic(`after third:  ${show(afterThird)}`);

  // The sends really overlapped (not serialised somewhere inside the connector).
  assert.ok(first.maxInFlight >= CONCURRENT / 2, `only ${first.maxInFlight} in flight at once`);

  // WebAssembly memory never shrinks; after the first batch has sized it, later batches reuse it.
  assert.ok(
    afterThird.wasm - afterFirst.wasm <= 1 << 20,
    `wasm memory kept growing: ${mib(afterFirst.wasm)} -> ${mib(afterSecond.wasm)} -> ${mib(afterThird.wasm)}`,
  );
  // Generous bounds for the JS side (sockets, undici pools and the server share this process).
  assert.ok(
    afterThird.heapUsed - afterFirst.heapUsed < 16 << 20,
    `heap grew ${mib(afterFirst.heapUsed)} -> ${mib(afterThird.heapUsed)}`,
  );
  assert.ok(
    afterThird.arrayBuffers - afterFirst.arrayBuffers < 16 << 20,
    `arrayBuffers grew ${mib(afterFirst.arrayBuffers)} -> ${mib(afterThird.arrayBuffers)}`,
  );
  assert.ok(
    afterThird.rss - afterFirst.rss < 96 << 20,
    `rss grew ${mib(afterFirst.rss)} -> ${mib(afterThird.rss)}`,
  );
});
