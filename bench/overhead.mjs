// Where our per-send CPU goes, without the network:
//   node bench/overhead.mjs [--pkg=<dir>] [--only=<case name substring>]
// Replaces globalThis.fetch with a stub that answers at once, so `sendMessage` measures only the
// connector (JS glue + WebAssembly + timer + AbortController), then times the pieces one by one.
// Median of interleaved batches, µs per call. A profiling aid; bench/run.mjs does not use it.
import { webcrypto, randomUUID } from 'node:crypto';

const args = process.argv.slice(2);
if (args.some((a) => a.startsWith('--pkg='))) {
  process.env.BENCH_PKG_DIR = args.find((a) => a.startsWith('--pkg=')).slice(6);
}
// Imported after BENCH_PKG_DIR is set (a static import would be evaluated before it).
const { OURS_GLUE_URL, OURS_URL, baseConfig, message } = await import('./lib/child.mjs');
const only = args.find((a) => a.startsWith('--only='))?.slice(7);
const batches = 15;
const iterations = 4000;

const answer = JSON.stringify({ Code: 'OK', Message: 'OK', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990', BizId: '900619746936498440^0' });
// With real headers, as a host's Response has: looking one up on a stub without them would throw
// inside the glue at every send, which costs far more than the lookup itself.
const response = { status: 200, headers: new Headers({ 'content-length': String(answer.length) }), text: async () => answer };
globalThis.fetch = async () => response;

const connectorModule = await import(OURS_URL);
const glue = await import(OURS_GLUE_URL);
const connector = await connectorModule.default({ getConfig: async () => baseConfig });
const config = { ...baseConfig, endpoint: 'https://dysmsapi.aliyuncs.com/' };

const parameters = {
  AccessKeyId: 'LTAI5tBenchmarkAccessKey', Action: 'SendSms', Format: 'JSON', PhoneNumbers: '13800138000',
  RegionId: 'cn-hangzhou', SignName: '阿里云短信测试', SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3f0c1e5a-9d7b-4b1e-8f2a-6c4d2e1b0a99', SignatureVersion: '1.0', TemplateCode: 'SMS_154950909',
  TemplateParam: '{"code":"123456"}', Timestamp: '2024-07-01T12:00:00Z', Version: '2017-05-25',
};
const bytes = new Uint8Array(16);

const cases = {
  'sendMessage (stubbed fetch), whole connector': async () => {
    await connector.sendMessage(message, config);
  },
  'wasm validateConfig(config) (stringify + parse + validate + to_js)': () => glue.validateConfig(config),
  'JSON.stringify(config)': () => JSON.stringify(config),
  'JSON.stringify(data)': () => JSON.stringify(message),
  'getSignature, 13 params (a send signs this)': () => connectorModule.getSignature(parameters, baseConfig.accessKeySecret, 'POST'),
  'isChinaNumber (one boundary crossing, string in)': () => glue.isChinaNumber(message.to, false),
  'new AbortController + setTimeout + clearTimeout': () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10000);
    clearTimeout(timer);
    return controller.signal;
  },
  'AbortSignal.timeout(10000)': () => AbortSignal.timeout(10000),
  'crypto.getRandomValues(16 bytes)': () => webcrypto.getRandomValues(bytes),
  'crypto.randomUUID()': () => randomUUID(),
};

const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));

const names = Object.keys(cases).filter((n) => !only || n.includes(only));
for (let b = 0; b < batches + 1; b += 1) {
  for (const name of b % 2 ? [...names].reverse() : names) {
    const fn = cases[name];
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) {
      const r = fn();
      if (r instanceof Promise) await r;
    }
    const us = Number(process.hrtime.bigint() - start) / 1000 / iterations;
    if (b > 0) results[name].push(us); // first batch is warm-up
  }
}
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
for (const name of names) console.log(`${median(results[name]).toFixed(2).padStart(8)} µs  ${name}`);
