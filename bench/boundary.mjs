// What crossing the WebAssembly boundary costs now (serde-wasm-bindgen, after the size and depth
// measure of src/wasm/values.rs) against before (JSON.stringify, serde_json, JSON.parse), for the
// message data `sendMessage` reads and the result it returns. Uses the probe build
// (`node scripts/build.mjs --probe`, feature `boundary-probe`), which carries both paths:
// `*Typed` is the shipped reader and writer, `*Json` the JSON text round trip of earlier releases.
//   node bench/boundary.mjs [--batches=N] [--iterations=N]    prints one JSON object
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { benchDir, median, repoDir, spread } from './lib/parent.mjs';

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const batches = arg('batches', 15);
const iterations = arg('iterations', 20000);

const probeDir = path.join(benchDir, '.probe-wasm');
const glue = await import(path.join(probeDir, 'aliyun_sms.js'));
glue.initSync({ module: readFileSync(path.join(probeDir, 'aliyun_sms_bg.wasm')) });

// A bare message, and one shaped like Logto core's: the payload carries the user and the
// application (fields as in Logto's user and application rows).
const bare = { to: '8613012345678', type: 'SignIn', payload: { code: '123456', locale: 'en', uiLocales: 'en' } };
const user = {
  id: 'u1x9k2m4p6', username: 'alice', primaryEmail: 'alice@example.com', primaryPhone: '8613012345678',
  name: 'Alice', avatar: null, customData: { plan: 'pro', tags: ['beta', 'cn'] }, identities: {},
  profile: { givenName: 'Alice', familyName: 'Li' }, applicationId: 'app1', lastSignInAt: 1700000000000,
  createdAt: 1690000000000, isSuspended: false, hasPassword: true, ssoIdentities: [], mfaVerificationFactors: [],
};
const application = { id: 'app1', name: 'My app', description: 'The web app', type: 'SPA', customData: {}, isThirdParty: false };
const logto = { to: '8613012345678', type: 'SignIn', payload: { code: '123456', locale: 'en', uiLocales: 'en', user, application } };

// Both paths must read the same thing, or the comparison means nothing.
for (const data of [bare, logto]) {
  const [json, typed] = [glue.probeDataJson(data), glue.probeDataTyped(data)];
  if (json !== typed || json === 0) throw new Error(`probes disagree: JSON ${json}, typed ${typed}`);
}
if (JSON.stringify(glue.probeResultJson()) !== JSON.stringify(glue.probeResultTyped())) {
  throw new Error('result probes disagree');
}

const cases = {
  dataBareJson: () => glue.probeDataJson(bare),
  dataBareTyped: () => glue.probeDataTyped(bare),
  dataLogtoJson: () => glue.probeDataJson(logto),
  dataLogtoTyped: () => glue.probeDataTyped(logto),
  resultJson: () => glue.probeResultJson(),
  resultTyped: () => glue.probeResultTyped(),
};
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
const names = Object.keys(cases);
for (let b = 0; b <= batches; b += 1) {
  for (const name of b % 2 ? [...names].reverse() : names) {
    const fn = cases[name];
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) fn();
    if (b > 0) samples[name].push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
}
const size = (file) => {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
console.log(
  JSON.stringify({
    batches,
    iterations,
    us: Object.fromEntries(names.map((n) => [n, { median: median(samples[n]), spread: spread(samples[n]) }])),
    wasm: {
      shipped: size(path.join(repoDir, 'pkg', 'lib', 'wasm', 'aliyun_sms_bg.wasm')),
      probe: size(path.join(probeDir, 'aliyun_sms_bg.wasm')),
    },
    probeBuiltAt: statSync(path.join(probeDir, 'aliyun_sms_bg.wasm')).mtime.toISOString(),
  })
);
