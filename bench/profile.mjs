// CPU profile of one implementation's sequential sends (or of signing), summarised by self time.
//
//   node bench/profile.mjs [ours|theirs|fetch|got|sign] [--sends=3000] [--top=25] [--pkg=<dir>]
//                          [--against=<impl>]   also profile <impl> and print the per-send difference
//
// Runs bench/client.mjs (or bench/sign.mjs) under `node --cpu-prof` against the same loopback TLS
// server as bench/run.mjs, then prints the functions with the most self time (µs per send) and
// the time by area (WebAssembly, the wasm-bindgen glue, lib/index.js, undici, TLS/net, GC...).
// The shipped .wasm has no name section, so wasm frames show as indexes; pass --pkg=<dir> with a
// copy of pkg/ whose .wasm keeps names (see docs/performance.md) to see them.
// The profile covers the whole child process, import and warm-up included (kept small
// relative to the measured sends).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { benchDir, makeCertificate, runNode, startServer } from './lib/parent.mjs';

const args = process.argv.slice(2);
const impl = args.find((a) => !a.startsWith('--')) ?? 'ours';
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const sends = Number(option('sends', 3000));
const top = Number(option('top', 25));
const pkg = option('pkg', undefined);
const against = option('against', undefined);

const area = ({ functionName, url }) => {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, unattributed)';
  if (url.startsWith('wasm://wasm/aliyun_sms')) return 'our WebAssembly';
  if (url.startsWith('wasm://')) return pkg ? 'other WebAssembly (undici llhttp)' : 'WebAssembly (ours + undici llhttp; use --pkg for names)';
  if (url.endsWith('/wasm/aliyun_sms.js')) return 'wasm-bindgen glue (aliyun_sms.js)';
  if (url.endsWith('/lib/index.js') && url.includes('connector-aliyun-sms/')) return 'official connector lib/index.js';
  if (url.endsWith('/lib/index.js')) return 'our lib/index.js';
  if (url.includes('/node_modules/')) return `deps: ${url.split('/node_modules/').pop().split('/').slice(0, url.includes('/node_modules/@') ? 2 : 1).join('/')}`;
  if (url.includes('internal/deps/undici')) return 'undici (fetch)';
  if (/node:(internal\/)?(tls|_tls|net|stream|internal\/streams|_http|https|http)/.test(url)) return 'node tls/net/http/streams';
  if (url.startsWith('node:')) return 'node other';
  if (url.includes('/bench/')) return 'bench harness';
  if (url === '') return `native: ${functionName || '(anonymous)'}`;
  return 'other';
};

const cert = makeCertificate();
if (!cert) throw new Error('openssl is needed for the TLS server');
const server = await startServer(cert);
const dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-sms-bench-prof-'));

/** Profiles `which`; resolves { count, byFunction, byArea, busy } (self µs totals). */
async function profileOf(which) {
  const out = path.join(dir, which);
  const env = { NODE_EXTRA_CA_CERTS: cert.certPath, ...(pkg ? { BENCH_PKG_DIR: pkg } : {}) };
  const prof = ['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=50'];
  let count = sends;
  if (which === 'sign') {
    const iterations = Math.max(1000, Math.floor(sends / 10));
    await runNode([...prof, path.join(benchDir, 'sign.mjs'), JSON.stringify({ batches: 10, iterations })], { env });
    count = iterations * 11; // warm-up plus batches, per implementation
  } else {
    await server.reset();
    // Floors replay the exact form body our connector sends (captured by the server).
    await runNode([path.join(benchDir, 'client.mjs'), JSON.stringify({ impl: 'ours', route, warm: 3, seq: 0, concTotal: 0 })], { env });
    const floorBody = (await server.stats()).lastBody;
    await runNode(
      [...prof, path.join(benchDir, 'client.mjs'), JSON.stringify({ impl: which, route, warm: 200, seq: sends, concTotal: 0, floorBody })],
      { env }
    );
  }
  const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(path.join(out, file), 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map();
  const byArea = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const where = callFrame.url
      ? `${callFrame.url.replace(/^.*\/(node_modules|pkg|bench)\//, '$1/').replace(/^wasm:\/\/wasm\/.*$/, 'wasm')}${callFrame.url.startsWith('wasm:') ? '' : `:${callFrame.lineNumber + 1}`}`
      : '';
    const key = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const a = area(callFrame);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
    if (a !== 'idle') busy += us;
  }
  return { count, byFunction, byArea, busy };
}

const route = { port443: server.port443, port443Error: server.port443Error, tlsPort: server.tlsPort };
const per = (us, count) => `${(us / count).toFixed(1).padStart(8)} µs`;
try {
  const main = await profileOf(impl);
  const unit = impl === 'sign' ? 'signature (both implementations)' : 'send';
  const { count, busy } = main;
  console.log(`${impl}: ${count} ${impl === 'sign' ? 'signatures per implementation' : 'sends'} profiled; busy (non-idle) ${per(busy, count)} per ${unit}\n`);
  console.log(`By area (self time per ${unit}, % of busy):`);
  for (const [a, us] of [...main.byArea].sort((x, y) => y[1] - x[1]).slice(0, 18)) {
    console.log(`${per(us, count)}  ${a === 'idle' ? '     ' : `${((us / busy) * 100).toFixed(1).padStart(5)}%`}  ${a}`);
  }
  console.log(`\nTop ${top} functions by self time (per ${unit}):`);
  for (const [key, us] of [...main.byFunction].sort((x, y) => y[1] - x[1]).slice(0, top)) {
    console.log(`${per(us, count)}  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
  if (against) {
    const base = await profileOf(against);
    const scale = (m, c) => new Map([...m].map(([k, v]) => [k, v / c]));
    const a = scale(main.byFunction, main.count);
    const b = scale(base.byFunction, base.count);
    const keys = new Set([...a.keys(), ...b.keys()]);
    const diff = [...keys].map((k) => [k, (a.get(k) ?? 0) - (b.get(k) ?? 0)]).filter(([k]) => k !== '(idle)');
    console.log(`\n${impl} minus ${against}: busy ${(main.busy / main.count - base.busy / base.count).toFixed(1)} µs per send`);
    const areas = new Set([...main.byArea.keys(), ...base.byArea.keys()]);
    console.log('By area (µs per send):');
    for (const [k, d] of [...areas]
      .map((k) => [k, (main.byArea.get(k) ?? 0) / main.count - (base.byArea.get(k) ?? 0) / base.count])
      .filter(([k]) => k !== 'idle')
      .sort((x, y) => y[1] - x[1])) {
      if (Math.abs(d) >= 1) console.log(`${d.toFixed(1).padStart(8)} µs  ${k}`);
    }
    console.log(`Top ${top} functions ${impl} spends more in:`);
    for (const [k, d] of diff.sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${d.toFixed(1).padStart(8)} µs  ${k}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await server.close();
  cert.cleanup();
}
