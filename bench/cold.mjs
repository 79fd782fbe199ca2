// Cold-start child: `node bench/cold.mjs <ours|theirs|none> <bare|kit>`.
// Times, with performance.now() (milliseconds since performance.timeOrigin, i.e. process start):
//   bare: import of the connector (connector-kit included) plus `await createConnector(...)`;
//   kit:  `await import('@logto/connector-kit')` first (as inside Logto), then only the
//         connector's own import plus createConnector.
// Only dynamic imports here, so nothing is loaded before the clock starts.
const bootMs = performance.now();
const [impl, mode] = process.argv.slice(2);
let kitMs = 0;
if (mode === 'kit') {
  const t = performance.now();
  await import('@logto/connector-kit');
  kitMs = performance.now() - t;
}
const t0 = performance.now();
if (impl !== 'none') {
  // BENCH_PKG_DIR: bench/run.mjs's snapshot of pkg/ (resolved without importing any helper
  // module, so nothing but the connector is loaded inside the timed span).
  const pkgDir = process.env.BENCH_PKG_DIR ? `file://${process.env.BENCH_PKG_DIR}/` : new URL('../pkg/', import.meta.url).href;
  const specifier = impl === 'ours' ? new URL('lib/index.js', pkgDir).href : '@logto/connector-aliyun-sms';
  const module = await import(specifier);
  const connector = await module.default({ getConfig: async () => ({}) });
  if (typeof connector?.sendMessage !== 'function' || connector.metadata?.id !== 'aliyun-short-message-service') {
    throw new Error(`${impl}: createConnector did not produce the Aliyun SMS connector`);
  }
}
const t1 = performance.now();
process.stdout.write(`${JSON.stringify({ impl, mode, bootMs, kitMs, connectorMs: t1 - t0, sinceStartMs: t1 })}\n`);
