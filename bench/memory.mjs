// Memory child: `node --expose-gc bench/memory.mjs '<json {impl, total, every, httpUrl, route}>'`.
// Sends `total` sequential messages and, every `every` sends, forces a GC (when exposed) and
// samples RSS, the JS heap and, for ours, the WebAssembly linear memory. Ours talks plain HTTP
// to the loopback server (allowed for loopback endpoints); theirs can only do HTTPS to its
// hard-coded host, routed to the same server.
import { readFileSync } from 'node:fs';

import { OURS_GLUE_URL, OURS_WASM_URL, makeSender, routeAliyun } from './lib/child.mjs';

const { impl, total, every, httpUrl, route } = JSON.parse(process.argv[2]);

let wasmExports = null;
let url = httpUrl;
if (impl === 'ours') {
  // Instantiate the glue ourselves, before pkg/lib/index.js does: initSync returns the
  // instance's exports (the same instance the connector then uses), `memory` among them.
  const glue = await import(OURS_GLUE_URL);
  wasmExports = glue.initSync({ module: readFileSync(OURS_WASM_URL) });
} else {
  url = routeAliyun(route).url;
}
const send = await makeSender(impl, { url });

const samples = [];
const sample = (sends) => {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  samples.push({
    sends,
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    wasmMemory: wasmExports ? wasmExports.memory.buffer.byteLength : null,
  });
};
sample(0);
for (let i = 1; i <= total; i += 1) {
  await send();
  if (i % every === 0) sample(i);
}
process.stdout.write(`${JSON.stringify({ impl, url, gc: typeof globalThis.gc === 'function', samples })}\n`);
