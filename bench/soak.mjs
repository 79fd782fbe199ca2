#!/usr/bin/env node
// Soak test (not run in CI): many sequential sends through the built package (pkg/) against the
// loopback Aliyun stand-in, sampling memory as it goes, to show nothing accumulates per send.
//
//   node scripts/build.mjs && node bench/soak.mjs [--sends 50000] [--every 2500] [--json out.json]
//
// The stand-in runs in a child process, so its own bookkeeping (it keeps every request) does not
// count against the connector. Every sample follows a full garbage collection. Exits non-zero
// if a send fails or memory keeps growing over the second half of the run.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';

import createConnector from '../pkg/lib/index.js';
import * as glue from '../pkg/lib/wasm/aliyun_sms.js';

const { values } = parseArgs({
  options: {
    sends: { type: 'string', default: '50000' },
    every: { type: 'string', default: '2500' },
    json: { type: 'string' },
  },
});
const SENDS = Number(values.sends);
const EVERY = Number(values.every);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const KEY_ID = 'LTAI-soak';
const SECRET = `soak-secret-${randomUUID()}`;

/** Starts tests/support/aliyun-server.mjs in a child process; resolves with its URL. */
function startServer() {
  const script = fileURLToPath(new URL('../tests/support/aliyun-server.mjs', import.meta.url));
  const child = spawn(
    process.execPath,
    [script, '--port', '0', '--access-key-id', KEY_ID, '--access-key-secret', SECRET],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(buffered);
      if (match) {
        buffered = '';
        // Keep draining its per-request log so the pipe never fills.
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ url: match[1], child });
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const sample = (sent, latencies) => {
  gc();
  gc();
  const { rss, heapUsed, arrayBuffers, external } = process.memoryUsage();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    sent,
    rss,
    heapUsed,
    arrayBuffers,
    external,
    wasm: glue.initSync().memory.buffer.byteLength,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
};

const mib = (bytes) => (bytes / (1 << 20)).toFixed(2);

/** Least-squares slope of `key` against `sent`, in bytes per 1,000 sends. */
function slope(samples, key) {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.sent, 0) / n;
  const my = samples.reduce((s, p) => s + p[key], 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.sent - mx) * (p[key] - my);
    den += (p.sent - mx) ** 2;
  }
  return (num / den) * 1000;
}

const { url, child } = await startServer();
const connector = await createConnector({ getConfig: async () => ({}) });
const config = {
  accessKeyId: KEY_ID,
  accessKeySecret: SECRET,
  signName: 'Logto Soak',
  templates: [
    { usageType: 'SignIn', templateCode: 'SMS_SIGNIN' },
    { usageType: 'Register', templateCode: { china: 'SMS_REG_CN', overseas: 'SMS_REG_INT' } },
    { usageType: 'ForgotPassword', templateCode: 'SMS_FORGOT' },
    { usageType: 'Generic', templateCode: 'SMS_GENERIC' },
  ],
  endpoint: url,
  timeout: 10_000,
};

console.log(`soak: ${SENDS} sequential sends to ${url}, a sample every ${EVERY} (after a full GC)`);
const samples = [sample(0, [])];
let failures = 0;
let firstFailure;
let latencies = [];
const started = Date.now();
try {
  for (let i = 1; i <= SENDS; i += 1) {
    const t0 = performance.now();
    try {
      const result = await connector.sendMessage(
        {
          to: i % 3 === 0 ? '+1 862 401 7194' : '13012345678',
          type: i % 2 === 0 ? 'SignIn' : 'Register',
          payload: { code: String(100000 + (i % 900000)) },
        },
        { ...config, signatureVersion: i % 2 === 0 ? 'v1' : 'v3' },
      );
      if (result.Code !== 'OK') throw new Error(`unexpected ${JSON.stringify(result)}`);
    } catch (error) {
      failures += 1;
      firstFailure ??= error;
    }
    latencies.push(performance.now() - t0);
    if (i % EVERY === 0) {
      samples.push(sample(i, latencies));
      latencies = [];
      const s = samples.at(-1);
      console.log(
        `${String(i).padStart(7)} sent  rss ${mib(s.rss)} MiB  heap ${mib(s.heapUsed)} MiB  ` +
          `arrayBuffers ${mib(s.arrayBuffers)} MiB  wasm ${mib(s.wasm)} MiB  p50 ${s.p50Ms.toFixed(2)} ms  p99 ${s.p99Ms.toFixed(2)} ms`,
      );
    }
  }
} finally {
  child.kill();
}
const seconds = (Date.now() - started) / 1000;

// Judge growth over the second half: the first sizes pools, caches and JIT code (a one-off step
// of about 1 MiB of heap and 30 MiB of RSS shows up some 10,000 sends in), the second must be flat.
const warm = samples.filter((s) => s.sent >= SENDS / 2);
const summary = {
  sends: SENDS,
  failures,
  seconds,
  sendsPerSecond: Math.round(SENDS / seconds),
  first: samples[1] ?? samples[0],
  last: samples.at(-1),
  maxRss: Math.max(...samples.map((s) => s.rss)),
  wasmGrowthAfterWarmup: warm.at(-1).wasm - warm[0].wasm,
  heapSlopeBytesPer1000AfterWarmup: Math.round(slope(warm, 'heapUsed')),
  rssSlopeBytesPer1000AfterWarmup: Math.round(slope(warm, 'rss')),
};
console.log(
  `\n${SENDS} sends in ${seconds.toFixed(1)} s (${summary.sendsPerSecond}/s), ${failures} failed` +
    `\nwasm memory: ${mib(samples[0].wasm)} MiB at start, ${mib(summary.last.wasm)} MiB at the end` +
    ` (growth over the second half ${summary.wasmGrowthAfterWarmup} bytes)` +
    `\nheap: ${mib(summary.first.heapUsed)} -> ${mib(summary.last.heapUsed)} MiB` +
    ` (slope over the second half ${summary.heapSlopeBytesPer1000AfterWarmup} bytes per 1,000 sends)` +
    `\nrss: ${mib(summary.first.rss)} -> ${mib(summary.last.rss)} MiB, max ${mib(summary.maxRss)} MiB` +
    ` (slope over the second half ${summary.rssSlopeBytesPer1000AfterWarmup} bytes per 1,000 sends)`,
);
if (firstFailure) console.error('first failure:', firstFailure.code, firstFailure.data?.errorDescription ?? firstFailure);
if (values.json) writeFileSync(values.json, `${JSON.stringify({ summary, samples }, null, 2)}\n`);

// Steady means: no failure, wasm memory flat in the second half, and the heap not climbing by
// more than 16 KiB per 1,000 sends there (a leak of even 100 bytes per send would be 100 KiB).
const steady =
  failures === 0 && summary.wasmGrowthAfterWarmup <= 64 * 1024 && summary.heapSlopeBytesPer1000AfterWarmup < 16 * 1024;
console.log(steady ? 'steady: yes' : 'steady: NO');
process.exitCode = steady ? 0 : 1;
