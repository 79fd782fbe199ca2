// Benchmark: this package (pkg/) against @logto/connector-aliyun-sms@1.5.5, side by side in one
// run, implementations interleaved. A benchmark, not a test: it never fails on a figure; it
// prints medians, ratios and PASS/MISS against the targets, and writes
// bench/results/latest.json.
//
//   node bench/run.mjs            full run (about 6 minutes on 2 shared cores)
//   node bench/run.mjs --quick    smoke run (well under a minute)
//   node bench/run.mjs --only=cold,message,sign,boundary,footprint,memory
//   node bench/run.mjs --pkg=<dir>  measure that build of the package instead of pkg/
//
// Everything runs on 127.0.0.1; the only network use is `npm pack`/`npm install` for the
// footprint section (npm's cache first, then the registry).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { measureFootprint } from './footprint.mjs';
import { benchDir, makeCertificate, median, repoDir, rotate, runNode, spread, startServer } from './lib/parent.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const enabled = (section) => !only || only.includes(section);

const plan = quick
  ? {
      cold: { runs: 5, warmups: 1 },
      message: { rounds: 2, warm: 100, seq: 300, concWarm: 100, conc: 100, concTotal: 500 },
      sign: { batches: 6, iterations: 3000 },
      boundary: { batches: 4, iterations: 3000 },
      memory: { total: 4000, every: 1000 },
    }
  : {
      cold: { runs: 25, warmups: 2 },
      message: { rounds: 10, warm: 300, seq: 1000, concWarm: 200, conc: 100, concTotal: 2000 },
      sign: { batches: 20, iterations: 10000 },
      boundary: { batches: 15, iterations: 20000 },
      memory: { total: 20000, every: 2000 },
    };

const log = (...parts) => console.error('[bench]', ...parts);

// The run measures a snapshot of pkg/ taken now, so a rebuild of pkg/ while the benchmark runs
// cannot mix two builds into one result. It lives inside the repo (bench/.pkg-snapshot/, git-
// ignored) so it resolves @logto/connector-kit from the repo's node_modules, like pkg/ and the
// official connector do. Children find it through BENCH_PKG_DIR (bench/lib/child.mjs).
// `--pkg=<dir>` measures another build of the package instead (e.g. a copy of an older pkg/).
const sourcePkg = path.resolve(args.find((a) => a.startsWith('--pkg='))?.slice('--pkg='.length) ?? path.join(repoDir, 'pkg'));
const snapshotDir = path.join(benchDir, '.pkg-snapshot');
rmSync(snapshotDir, { recursive: true, force: true });
cpSync(sourcePkg, snapshotDir, { recursive: true });
process.env.BENCH_PKG_DIR = snapshotDir;
const results = { quick, startedAt: new Date().toISOString(), environment: environment(), plan, sections: {} };
results.environment.pkgChangedDuringRun = false;
const started = performance.now();

function environment() {
  const git = (gitArgs) => {
    try {
      return execFileSync('git', gitArgs, { cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const ours = JSON.parse(readFileSync(path.join(snapshotDir, 'package.json'), 'utf8'));
  const theirs = JSON.parse(readFileSync(path.join(repoDir, 'node_modules', '@logto', 'connector-aliyun-sms', 'package.json'), 'utf8'));
  const kit = JSON.parse(readFileSync(path.join(repoDir, 'node_modules', '@logto', 'connector-kit', 'package.json'), 'utf8'));
  const wasm = readFileSync(path.join(snapshotDir, 'lib', 'wasm', 'aliyun_sms_bg.wasm'));
  // Both connectors must load the same connector-kit (the repo's node_modules), as in Logto.
  const kitFrom = (file) => {
    try {
      return createRequire(path.join(repoDir, file)).resolve('@logto/connector-kit');
    } catch (error) {
      return `unresolved: ${error.code ?? error.message}`;
    }
  };
  const kitOurs = kitFrom(path.relative(repoDir, path.join(snapshotDir, 'lib', 'index.js')));
  const kitTheirs = kitFrom('node_modules/@logto/connector-aliyun-sms/lib/index.js');
  if (kitOurs !== kitTheirs) {
    throw new Error(`the two connectors resolve different connector-kits: ${kitOurs} vs ${kitTheirs}`);
  }
  return {
    node: process.version,
    execPath: process.execPath,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
    loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    ours: `${ours.name}@${ours.version}`,
    theirs: `${theirs.name}@${theirs.version}`,
    connectorKit: `${kit.version} (${path.relative(repoDir, kitOurs)}, for both)`,
    wasmSha256: createHash('sha256').update(wasm).digest('hex').slice(0, 16),
    gitHead: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: git(['status', '--porcelain', '--', 'src', 'Cargo.toml', 'pkg-template']) ? true : false,
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Cold start
// ---------------------------------------------------------------------------------------------
async function coldStart() {
  const { runs, warmups } = plan.cold;
  const impls = ['ours', 'theirs', 'none'];
  const modes = ['bare', 'kit'];
  const raw = {};
  for (const impl of impls) for (const mode of modes) raw[`${impl}:${mode}`] = [];
  for (let i = 0; i < warmups + runs; i += 1) {
    for (const mode of rotate(modes, i)) {
      for (const impl of rotate(impls, i)) {
        const { json, wallMs } = await runNode([path.join(benchDir, 'cold.mjs'), impl, mode]);
        if (i >= warmups) raw[`${impl}:${mode}`].push({ ...json, wallMs });
      }
    }
  }
  const summary = {};
  for (const [key, list] of Object.entries(raw)) {
    summary[key] = {
      runs: list.length,
      bootMs: median(list.map((r) => r.bootMs)),
      kitMs: median(list.map((r) => r.kitMs)),
      connectorMs: median(list.map((r) => r.connectorMs)),
      connectorSpread: spread(list.map((r) => r.connectorMs)),
      sinceStartMs: median(list.map((r) => r.sinceStartMs)),
      wallMs: median(list.map((r) => r.wallMs)),
    };
  }
  return { summary, raw };
}

// ---------------------------------------------------------------------------------------------
// 2. Per message (loopback server in its own process; HTTPS and plain HTTP)
// ---------------------------------------------------------------------------------------------
// Implementations per transport. `floor` is a bare `fetch` of the same signed body with
// `AbortSignal.timeout` (the physical limit for a fetch-based connector); `fetch` is the same
// without a deadline; `got` and `https` (node:https) are informative. The official connector
// hard-codes https://dysmsapi.aliyuncs.com/, so it is measured over HTTPS only.
// `wasm-fetch` is the floor's request made from an async Rust export (the probe build's
// `probeFetch`): what this stack's boundary costs before the connector does anything;
// `js-replica` is ours' request steps (deadline, AbortController, Headers) written in JS.
const TRANSPORTS = {
  https: ['ours', 'floor', 'wasm-fetch', 'theirs', 'fetch', 'got', 'https'],
  // `ours-localized`: ours with 45 templates (four locales per usage type) and a `payload.locale`
  // found at the choice rule's third step; `ours-localized-none` the same config and no locale
  // (only the rule's last step): their ratio is what the choice costs.
  http: ['ours', 'ours-localized', 'ours-localized-none', 'floor', 'wasm-fetch', 'js-replica', 'fetch'],
};

async function perMessage(cert, server) {
  const p = plan.message;
  const route = { port443: server.port443, port443Error: server.port443Error, tlsPort: server.tlsPort };
  const env = { NODE_EXTRA_CA_CERTS: cert.certPath };
  const markUrl = `http://127.0.0.1:${server.httpPort}/__mark/`;
  const httpUrl = `http://127.0.0.1:${server.httpPort}/`;
  const client = async (transport, impl, overrides = {}, floorBody = undefined) => {
    const options = { impl, route, markUrl, floorBody, ...p, ...overrides, ...(transport === 'http' ? { url: httpUrl } : {}) };
    await server.reset();
    const { json } = await runNode([path.join(benchDir, 'client.mjs'), JSON.stringify(options)], { env });
    const stats = await server.stats();
    const side = transport === 'https' ? 'tls' : 'plain';
    const expected = options.warm + options.seq + (options.concTotal > 0 ? options.concWarm + options.concTotal : 0);
    if (stats[side].requests !== expected) {
      throw new Error(`${impl} over ${transport}: the loopback server saw ${stats[side].requests} requests, expected ${expected}`);
    }
    const m = stats.marks;
    // Each mark arrives on a connection of its own over plain HTTP: the end mark's is not a send's.
    const own = side === 'plain' ? 1 : 0;
    const phase = (name) =>
      m[`${impl}:${name}:end`] && m[`${impl}:${name}:start`]
        ? m[`${impl}:${name}:end`][side].connections - m[`${impl}:${name}:start`][side].connections - own
        : null;
    return { ...json, stats, newConnections: { seq: phase('seq'), conc: phase('conc') } };
  };

  // Probe: the exact form body ours sends (every floor replays it, byte for byte).
  const probe = { warm: 3, seq: 0, concTotal: 0 };
  const oursProbe = await client('https', 'ours', probe);
  const floorBody = oursProbe.stats.lastBody;
  const theirsProbe = await client('https', 'theirs', probe);
  const bodies = {
    ours: Buffer.byteLength(floorBody),
    theirs: Buffer.byteLength(theirsProbe.stats.lastBody),
  };
  log(`  routing: ${oursProbe.mechanism}; form body bytes ours ${bodies.ours}, theirs ${bodies.theirs}`);

  const runs = Object.entries(TRANSPORTS).flatMap(([transport, impls]) => impls.map((impl) => [transport, impl]));
  const raw = {};
  for (const [transport, impl] of runs) raw[`${transport}:${impl}`] = [];
  for (let round = 0; round < p.rounds; round += 1) {
    for (const [transport, impl] of rotate(runs, round)) {
      const key = `${transport}:${impl}`;
      const r = await client(transport, impl, {}, impl.startsWith('ours') || impl === 'theirs' ? undefined : floorBody);
      raw[key].push({
        seqCpuUs: r.sequential.cpuUs / r.seq,
        seqUserUs: r.sequential.userUs / r.seq,
        seqSystemUs: r.sequential.systemUs / r.seq,
        seqWallUs: (r.sequential.wallMs * 1000) / r.seq,
        concCpuUs: r.concurrent.cpuUs / r.concTotal,
        concThroughput: r.concTotal / (r.concurrent.wallMs / 1000),
        newConnections: r.newConnections,
      });
      const last = raw[key].at(-1);
      log(
        `  round ${round + 1}/${p.rounds} ${transport.padEnd(5)} ${impl.padEnd(6)} cpu ${last.seqCpuUs.toFixed(0)} us/send seq, ` +
          `${last.concCpuUs.toFixed(0)} us/send @${p.conc}; wall ${last.seqWallUs.toFixed(0)} us/send, ${last.concThroughput.toFixed(0)} sends/s @${p.conc}`
      );
    }
  }
  const summary = {};
  for (const [key, list] of Object.entries(raw)) {
    summary[key] = {
      seqCpuUs: median(list.map((r) => r.seqCpuUs)),
      seqCpuSpread: spread(list.map((r) => r.seqCpuUs)),
      seqUserUs: median(list.map((r) => r.seqUserUs)),
      seqSystemUs: median(list.map((r) => r.seqSystemUs)),
      seqWallUs: median(list.map((r) => r.seqWallUs)),
      concCpuUs: median(list.map((r) => r.concCpuUs)),
      concCpuSpread: spread(list.map((r) => r.concCpuUs)),
      concThroughput: median(list.map((r) => r.concThroughput)),
      newConnectionsSeq: median(list.map((r) => r.newConnections.seq)),
      newConnectionsConc: median(list.map((r) => r.newConnections.conc)),
    };
  }
  // The floor ratios, per round (ours and the floor ran in the same round) and their median:
  // a noisy round moves both.
  const floorRatios = {};
  const wasmFloorRatios = {};
  for (const transport of Object.keys(TRANSPORTS)) {
    for (const mode of ['seq', 'conc']) {
      const cpu = (impl) => raw[`${transport}:${impl}`].map((r) => r[`${mode}CpuUs`]);
      const floor = cpu('floor');
      const ratios = (impl) => {
        const perRound = cpu(impl).map((v, i) => v / floor[i]);
        return { median: median(perRound), spread: spread(perRound), perRound };
      };
      floorRatios[`${transport}:${mode}`] = ratios('ours');
      wasmFloorRatios[`${transport}:${mode}`] = ratios('wasm-fetch');
    }
  }
  // What choosing among localized templates costs, per round (HTTP): against the same config
  // without a payload locale (the choice alone), and against `ours` (the larger config too).
  const localizedRatios = {};
  for (const [name, base] of [['choice', 'ours-localized-none'], ['config', 'ours']]) {
    for (const mode of ['seq', 'conc']) {
      const reference = raw[`http:${base}`].map((r) => r[`${mode}CpuUs`]);
      const perRound = raw['http:ours-localized'].map((r, i) => r[`${mode}CpuUs`] / reference[i]);
      localizedRatios[`${name}:${mode}`] = { median: median(perRound), spread: spread(perRound), perRound };
    }
  }
  return { routing: oursProbe.mechanism, bodies, sequentialSendsPerImpl: p.rounds * p.seq, summary, floorRatios, wasmFloorRatios, localizedRatios, raw };
}

// ---------------------------------------------------------------------------------------------
// 3. Signing
// ---------------------------------------------------------------------------------------------
async function signing() {
  const { json } = await runNode([path.join(benchDir, 'sign.mjs'), JSON.stringify(plan.sign)]);
  const sets = {};
  for (const [size, set] of Object.entries(json.sets)) {
    const perBatch = set.results.ours.map((v, i) => v / set.results.reference[i]);
    sets[size] = {
      parameters: set.parameters,
      oursNs: median(set.results.ours),
      referenceNs: median(set.results.reference),
      // Batches of ours and the reference alternate, so each pair shares the machine's state.
      ratio: median(perBatch),
      ratioSpread: spread(perBatch),
      raw: set.results,
    };
  }
  return { signaturesMatch: true, sets };
}

// ---------------------------------------------------------------------------------------------
// 5. Memory
// ---------------------------------------------------------------------------------------------
/** Least-squares slope of y over x. */
const slope = (points) => {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den ? num / den : 0;
};

async function memory(cert, server) {
  const { total, every } = plan.memory;
  const route = { port443: server.port443, port443Error: server.port443Error, tlsPort: server.tlsPort };
  const out = {};
  for (const impl of ['ours', 'theirs']) {
    const options = { impl, total, every, httpUrl: `http://127.0.0.1:${server.httpPort}/`, route };
    const { json } = await runNode(['--expose-gc', path.join(benchDir, 'memory.mjs'), JSON.stringify(options)], {
      env: { NODE_EXTRA_CA_CERTS: cert.certPath },
    });
    const samples = json.samples;
    const half = total / 2;
    const second = samples.filter((s) => s.sends >= half);
    const at = (n) => samples.find((s) => s.sends === n) ?? samples.at(-1);
    const rssSlope = slope(second.map((s) => ({ x: s.sends, y: s.rss })));
    const heapSlope = slope(second.map((s) => ({ x: s.sends, y: s.heapUsed })));
    const rssHalf = at(half).rss;
    out[impl] = {
      transport: json.url.startsWith('https') ? 'https' : 'http',
      samples,
      rssAtStart: samples[0].rss,
      rssAtHalf: rssHalf,
      rssAtEnd: at(total).rss,
      rssMax: Math.max(...second.map((s) => s.rss)),
      // Growth over the second half extrapolated from the slope, as a fraction of the RSS there.
      rssSlopeKiBPer1k: (rssSlope * 1000) / 1024,
      rssGrowthSecondHalf: (rssSlope * (total - half)) / rssHalf,
      heapSlopeKiBPer1k: (heapSlope * 1000) / 1024,
      wasmAtHalf: impl === 'ours' ? at(half).wasmMemory : null,
      wasmAtEnd: impl === 'ours' ? at(total).wasmMemory : null,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
const fmt = {
  ms: (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a'),
  us: (v) => (Number.isFinite(v) ? `${v.toFixed(0)} µs` : 'n/a'),
  ns: (v) => (Number.isFinite(v) ? `${(v / 1000).toFixed(2)} µs` : 'n/a'),
  rate: (v) => (Number.isFinite(v) ? `${v.toFixed(0)}/s` : 'n/a'),
  kb: (v) => (Number.isFinite(v) ? `${(v / 1000).toFixed(1)} KB` : 'n/a'),
  mib: (v) => (Number.isFinite(v) ? `${(v / 1048576).toFixed(2)} MiB` : 'n/a'),
  x: (v) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a'),
  x3: (v) => (Number.isFinite(v) ? `${v.toFixed(3)}x` : 'n/a'),
  pct: (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a'),
};

function report() {
  const s = results.sections;
  const rows = [];
  const targets = [];
  const row = (metric, ours, theirs, other, ratio) => rows.push([metric, ours, theirs, other ?? '', ratio ?? '']);
  const target = (name, value, ok, goal) => targets.push([name, value, goal, ok === null ? 'n/a' : ok ? 'PASS' : 'MISS']);

  if (s.cold) {
    const c = s.cold.summary;
    row('Cold: bare node (no import), child wall', '', '', fmt.ms(c['none:bare'].wallMs), '');
    row('Cold: import+createConnector, from process start', fmt.ms(c['ours:bare'].sinceStartMs), fmt.ms(c['theirs:bare'].sinceStartMs), `boot ${fmt.ms(c['none:bare'].sinceStartMs)}`, fmt.x(c['ours:bare'].sinceStartMs / c['theirs:bare'].sinceStartMs));
    row('Cold: import+createConnector (kit included)', fmt.ms(c['ours:bare'].connectorMs), fmt.ms(c['theirs:bare'].connectorMs), '', fmt.x(c['ours:bare'].connectorMs / c['theirs:bare'].connectorMs));
    row('Cold: child wall time (spawn to exit)', fmt.ms(c['ours:bare'].wallMs), fmt.ms(c['theirs:bare'].wallMs), `bare ${fmt.ms(c['none:bare'].wallMs)}`, fmt.x(c['ours:bare'].wallMs / c['theirs:bare'].wallMs));
    row('Cold: connector own, kit preloaded', fmt.ms(c['ours:kit'].connectorMs), fmt.ms(c['theirs:kit'].connectorMs), `kit ${fmt.ms(c['none:kit'].kitMs)}`, fmt.x(c['ours:kit'].connectorMs / c['theirs:kit'].connectorMs));
    row('Cold: child wall, kit preloaded', fmt.ms(c['ours:kit'].wallMs), fmt.ms(c['theirs:kit'].wallMs), `kit only ${fmt.ms(c['none:kit'].wallMs)}`, fmt.x(c['ours:kit'].wallMs / c['theirs:kit'].wallMs));
    const r = c['ours:kit'].connectorMs / c['theirs:kit'].connectorMs;
    target("Connector's own cold start (kit preloaded)", fmt.x3(r), r <= 0.1, '≤0.10x');
  }
  if (s.message) {
    const m = s.message.summary;
    const r = s.message.floorRatios;
    const t = (impl) => m[`https:${impl}`];
    const h = (impl) => m[`http:${impl}`];
    const others = (get, pick, f) => ['floor', 'wasm-fetch', 'js-replica', 'fetch', 'got', 'https'].filter((i) => get(i)).map((i) => `${i === 'https' ? 'node:https' : i} ${f(get(i)[pick])}`).join(' / ');
    row('Client CPU per send, sequential HTTPS', fmt.us(t('ours').seqCpuUs), fmt.us(t('theirs').seqCpuUs), others(t, 'seqCpuUs', fmt.us), fmt.x(t('ours').seqCpuUs / t('theirs').seqCpuUs));
    row('Client CPU per send, 100 concurrent HTTPS', fmt.us(t('ours').concCpuUs), fmt.us(t('theirs').concCpuUs), others(t, 'concCpuUs', fmt.us), fmt.x(t('ours').concCpuUs / t('theirs').concCpuUs));
    row('Client CPU per send, sequential HTTP', fmt.us(h('ours').seqCpuUs), '', others(h, 'seqCpuUs', fmt.us), '');
    row('Client CPU per send, 100 concurrent HTTP', fmt.us(h('ours').concCpuUs), '', others(h, 'concCpuUs', fmt.us), '');
    for (const [mode, label] of [['seq', 'sequential'], ['conc', `${plan.message.conc} concurrent`]]) {
      const choice = s.message.localizedRatios[`choice:${mode}`];
      const config = s.message.localizedRatios[`config:${mode}`];
      row(`  45 localized templates, zh-HK / no locale, HTTP ${label}`, fmt.us(h('ours-localized')[`${mode}CpuUs`]), '', `no locale ${fmt.us(h('ours-localized-none')[`${mode}CpuUs`])}; spread ${fmt.pct(choice.spread)}`, fmt.x3(choice.median));
      row(`  45 localized templates, zh-HK / ours (9), HTTP ${label}`, '', '', `spread ${fmt.pct(config.spread)}`, fmt.x3(config.median));
    }
    const modes = [['https:seq', 'HTTPS sequential'], ['https:conc', 'HTTPS 100 concurrent'], ['http:seq', 'HTTP sequential'], ['http:conc', 'HTTP 100 concurrent']];
    for (const [ratios, name] of [[r, 'ours'], [s.message.wasmFloorRatios, "wasm-fetch (the floor's request from Rust)"]]) {
      for (const [key, label] of modes) {
        row(`  ${name} / floor (fetch + AbortSignal.timeout), ${label}`, '', '', `per-round spread ${fmt.pct(ratios[key].spread)}`, fmt.x3(ratios[key].median));
      }
    }
    row('  theirs / bare got, HTTPS sequential', '', '', '', fmt.x(t('theirs').seqCpuUs / t('got').seqCpuUs));
    row('Wall per send, sequential HTTPS', fmt.us(t('ours').seqWallUs), fmt.us(t('theirs').seqWallUs), others(t, 'seqWallUs', fmt.us), fmt.x(t('ours').seqWallUs / t('theirs').seqWallUs));
    row(`Throughput, ${plan.message.conc} concurrent HTTPS`, fmt.rate(t('ours').concThroughput), fmt.rate(t('theirs').concThroughput), others(t, 'concThroughput', fmt.rate), fmt.x(t('ours').concThroughput / t('theirs').concThroughput));
    row(`Throughput, ${plan.message.conc} concurrent HTTP`, fmt.rate(h('ours').concThroughput), '', others(h, 'concThroughput', fmt.rate), '');
    row('New connections HTTPS (seq / concurrent phase)', `${t('ours').newConnectionsSeq} / ${t('ours').newConnectionsConc}`, `${t('theirs').newConnectionsSeq} / ${t('theirs').newConnectionsConc}`, `floor ${t('floor').newConnectionsSeq} / ${t('floor').newConnectionsConc}`, '');
    row('New connections HTTP (seq / concurrent phase)', `${h('ours').newConnectionsSeq} / ${h('ours').newConnectionsConc}`, '', `floor ${h('floor').newConnectionsSeq} / ${h('floor').newConnectionsConc}`, '');
    const cpu = t('ours').seqCpuUs / t('theirs').seqCpuUs;
    const tput = t('ours').concThroughput / t('theirs').concThroughput;
    target('Client CPU per send vs theirs (HTTPS, sequential)', fmt.x3(cpu), cpu <= 0.8, '≤0.8x');
    for (const [key, label] of [['https:seq', 'HTTPS sequential'], ['https:conc', 'HTTPS @100'], ['http:seq', 'HTTP sequential'], ['http:conc', 'HTTP @100']]) {
      target(`Client CPU per send vs floor, ${label}`, fmt.x3(r[key].median), r[key].median <= 1.1, '≤1.10x');
    }
    target('Concurrent throughput vs theirs (HTTPS)', fmt.x3(tput), tput >= 1.1, '≥1.1x');
  }
  if (s.sign) {
    for (const set of Object.values(s.sign.sets).sort((a, b) => b.parameters - a.parameters)) {
      row(`getSignature (${set.parameters} params), per call`, fmt.ns(set.oursNs), fmt.ns(set.referenceNs), 'theirs = TS algorithm on node:crypto', fmt.x(set.oursNs / set.referenceNs));
      const speedup = 1 / set.ratio;
      target(`getSignature speed-up over the TS algorithm, ${set.parameters} params`, `${speedup.toFixed(2)}x`, speedup >= 4, '≥4x');
    }
  }
  if (s.boundary) {
    const b = s.boundary;
    const us = (name) => `${b.us[name].median.toFixed(2)} µs`;
    // ours = how the package crosses now (serde-wasm-bindgen after the measure), theirs column =
    // how it crossed before (JSON text); the ratio is now / before.
    row('Boundary: bare message data in, now / before', us('dataBareTyped'), us('dataBareJson'), 'ours = serde-wasm-bindgen, theirs column = JSON text (before)', fmt.x(b.us.dataBareTyped.median / b.us.dataBareJson.median));
    row('Boundary: Logto message data in, now / before', us('dataLogtoTyped'), us('dataLogtoJson'), 'payload with user + application', fmt.x(b.us.dataLogtoTyped.median / b.us.dataLogtoJson.median));
    row('Boundary: result out, now / before', us('resultTyped'), us('resultJson'), '', fmt.x(b.us.resultTyped.median / b.us.resultJson.median));
    row('Boundary: .wasm of the probe build (both paths)', `${fmt.kb(b.wasm.probe.raw)} / ${fmt.kb(b.wasm.probe.gzip)} gz`, '', `shipped ${fmt.kb(b.wasm.shipped.raw)} / ${fmt.kb(b.wasm.shipped.gzip)} gz`, '');
  }
  if (s.footprint) {
    const f = s.footprint;
    row('.wasm raw / gzip -9 / brotli', `${fmt.kb(f.wasm.bytes)} / ${fmt.kb(f.wasm.gzipBytes)} / ${fmt.kb(f.wasm.brotliBytes)}`, '(none)', '', '');
    row('npm pack tarball', fmt.kb(f.tarball.ours.bytes), fmt.kb(f.tarball.theirs.bytes), '', fmt.x(f.tarball.ours.bytes / f.tarball.theirs.bytes));
    row('Installed node_modules (apparent bytes)', fmt.mib(f.installed.ours.bytes), fmt.mib(f.installed.theirs.bytes), `kit alone ${fmt.mib(f.installed.connectorKit.bytes)}`, fmt.x(f.installed.ours.bytes / f.installed.theirs.bytes));
    row('Installed node_modules (du, disk)', fmt.mib(f.installed.ours.diskBytes), fmt.mib(f.installed.theirs.diskBytes), `kit alone ${fmt.mib(f.installed.connectorKit.diskBytes)}`, fmt.x(f.installed.ours.diskBytes / f.installed.theirs.diskBytes));
    row('Installed packages (incl. itself)', String(f.installed.ours.packages), String(f.installed.theirs.packages), `kit alone ${f.installed.connectorKit.packages}`, '');
    row('Packages beyond connector-kit tree', String(f.installed.ours.beyondConnectorKit.length), String(f.installed.theirs.beyondConnectorKit.length), '', '');
    target('.wasm raw', fmt.kb(f.wasm.bytes), f.wasm.bytes <= 120_000, '≤120 KB');
    target('.wasm gzipped', fmt.kb(f.wasm.gzipBytes), f.wasm.gzipBytes <= 50_000, '≤50 KB');
    target('npm pack tarball', fmt.kb(f.tarball.ours.bytes), f.tarball.ours.bytes <= 80_000, '≤80 KB');
    const inst = f.installed.ours.bytes / f.installed.theirs.bytes;
    target('Installed node_modules vs theirs (apparent)', fmt.x3(inst), inst <= 0.55, '≤0.55x');
    target('Packages beyond connector-kit tree', String(f.installed.ours.beyondConnectorKit.length), f.installed.ours.beyondConnectorKit.length === 0, '0');
  }
  if (s.memory) {
    const o = s.memory.ours;
    const t = s.memory.theirs;
    const half = plan.memory.total / 2;
    row('RSS after import + createConnector (after GC)', fmt.mib(o.rssAtStart), fmt.mib(t.rssAtStart), '', '');
    row(`RSS at ${half / 1000}k → ${plan.memory.total / 1000}k sends (after GC)`, `${fmt.mib(o.rssAtHalf)} → ${fmt.mib(o.rssAtEnd)}`, `${fmt.mib(t.rssAtHalf)} → ${fmt.mib(t.rssAtEnd)}`, `ours ${o.transport}, theirs ${t.transport}`, '');
    row('RSS slope over second half', `${o.rssSlopeKiBPer1k.toFixed(0)} KiB/1k`, `${t.rssSlopeKiBPer1k.toFixed(0)} KiB/1k`, '', '');
    row('JS heap slope over second half', `${o.heapSlopeKiBPer1k.toFixed(1)} KiB/1k`, `${t.heapSlopeKiBPer1k.toFixed(1)} KiB/1k`, '', '');
    row(`Wasm memory at ${half / 1000}k → ${plan.memory.total / 1000}k sends`, `${fmt.kb(o.wasmAtHalf)} → ${fmt.kb(o.wasmAtEnd)}`, '', '', '');
    target(`Wasm memory flat ${half / 1000}k→${plan.memory.total / 1000}k`, `+${o.wasmAtEnd - o.wasmAtHalf} B`, o.wasmAtEnd === o.wasmAtHalf, 'no growth');
    target(`RSS flat ${half / 1000}k→${plan.memory.total / 1000}k`, fmt.pct(o.rssGrowthSecondHalf), o.rssGrowthSecondHalf <= 0.05, '≤5% trend');
  }

  const table = (header, body) => {
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
    const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
    return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
  };
  const e = results.environment;
  console.log(`\nconnector-aliyun-sms-wasm benchmark${quick ? ' (--quick)' : ''}: ${e.ours} vs ${e.theirs}`);
  console.log(`node ${e.node}, ${e.cpus}, load at start ${e.loadavgAtStart.join(' ')}, wasm ${e.wasmSha256}, git ${e.gitHead}${e.gitDirty ? ' (src/Cargo.toml/pkg-template differ from HEAD)' : ''}`);
  if (e.pkgChangedDuringRun) console.log('note: pkg/ was rebuilt during the run; these figures are for the snapshot taken at the start');
  if (s.message) console.log(`per-message transports: TLS 1.3 and plain HTTP over loopback, keep-alive (${s.message.routing})`);
  console.log('');
  console.log(table(['Metric (medians)', 'ours', 'theirs', 'floor / notes', 'ours/theirs'], rows));
  console.log('');
  console.log(table(['Target', 'measured', 'goal', 'result'], targets));
  results.targets = targets.map(([name, value, goal, result]) => ({ name, value, goal, result }));
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------
const needsServer = enabled('message') || enabled('memory');
const cert = needsServer ? makeCertificate() : null;
if (needsServer && !cert) {
  log('the openssl CLI is not on PATH: no throwaway certificate, so the per-message and memory sections are skipped');
}
const server = cert ? await startServer(cert) : null;
try {
  if (enabled('cold')) {
    log(`cold start: ${plan.cold.runs} runs x {ours, theirs, bare node} x {bare, kit preloaded}, interleaved`);
    results.sections.cold = await coldStart();
  }
  if ((server && enabled('message')) || enabled('boundary')) {
    // The probe build: the message section's `wasm-fetch` and the boundary section use it.
    execFileSync(process.execPath, [path.join(repoDir, 'scripts', 'build.mjs'), '--probe'], { cwd: repoDir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (server && enabled('message')) {
    log(`per message: ${plan.message.rounds} rounds x {HTTPS: ${TRANSPORTS.https.join(', ')}; HTTP: ${TRANSPORTS.http.join(', ')}}, one process each`);
    results.sections.message = await perMessage(cert, server);
  }
  if (enabled('sign')) {
    log(`signing: ${plan.sign.batches} interleaved batches of ${plan.sign.iterations}`);
    results.sections.sign = await signing();
  }
  if (enabled('boundary')) {
    log('boundary: serde-wasm-bindgen (now) against JSON text (before), probe build');
    const { batches, iterations } = plan.boundary;
    const { json } = await runNode([path.join(benchDir, 'boundary.mjs'), `--batches=${batches}`, `--iterations=${iterations}`]);
    results.sections.boundary = json;
  }
  if (enabled('footprint')) {
    log('footprint: npm pack, npm install into empty projects');
    try {
      results.sections.footprint = measureFootprint(snapshotDir);
    } catch (error) {
      log(`footprint skipped: ${error.message.split('\n')[0]}`);
    }
  }
  if (server && enabled('memory')) {
    log(`memory: ${plan.memory.total} sequential sends each, sampled every ${plan.memory.every}`);
    results.sections.memory = await memory(cert, server);
  }
} finally {
  await server?.close();
  cert?.cleanup();
  rmSync(snapshotDir, { recursive: true, force: true });
}

{
  // Only informative: the run used the snapshot either way.
  const now = readFileSync(path.join(sourcePkg, 'lib', 'wasm', 'aliyun_sms_bg.wasm'));
  results.environment.pkgChangedDuringRun = createHash('sha256').update(now).digest('hex').slice(0, 16) !== results.environment.wasmSha256;
}
results.environment.loadavgAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
results.durationS = Number(((performance.now() - started) / 1000).toFixed(1));
report();
mkdirSync(path.join(benchDir, 'results'), { recursive: true });
const out = path.join(benchDir, 'results', 'latest.json');
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${results.durationS} s; results written to ${path.relative(repoDir, out)}`);
