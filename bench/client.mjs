// Per-message child: one implementation per process, so every CPU microsecond in
// process.cpuUsage() (GC included) belongs to it. Argument: a JSON object
//   { impl, route, url?, warm, seq, concWarm, conc, concTotal, floorBody }
// Prints one JSON line: sequential and concurrent CPU and wall figures.
import http from 'node:http';

import { makeSender, pool, routeAliyun } from './lib/child.mjs';

const options = JSON.parse(process.argv[2]);
const { impl, warm, seq, concWarm, conc, concTotal } = options;
// `url` set: plain HTTP to the loopback server (no name to route); otherwise HTTPS, routed.
const routed = routeAliyun(options.route);
const url = options.url ?? routed.url;
const mechanism = options.url ? 'plain HTTP to 127.0.0.1' : routed.mechanism;
const send = await makeSender(impl, { url, floorBody: options.floorBody });

const measure = async (run) => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, userUs: cpu.user, systemUs: cpu.system, cpuUs: cpu.user + cpu.system };
};

// Phase marks go over plain HTTP on a throwaway connection, outside the measured spans.
const mark = async (name) => {
  if (!options.markUrl) return;
  await new Promise((resolve, reject) => {
    http.get(`${options.markUrl}${encodeURIComponent(name)}`, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
};

for (let i = 0; i < warm; i += 1) await send();
await mark(`${impl}:seq:start`);
const sequential = await measure(async () => {
  for (let i = 0; i < seq; i += 1) await send();
});
await mark(`${impl}:seq:end`);
let concurrent = null;
if (concTotal > 0) {
  await pool(concWarm, conc, send);
  await mark(`${impl}:conc:start`);
  concurrent = await measure(() => pool(concTotal, conc, send));
  await mark(`${impl}:conc:end`);
}
process.stdout.write(
  `${JSON.stringify({ impl, url, mechanism, seq, concTotal, conc, sequential, concurrent, rss: process.memoryUsage().rss })}\n`
);
