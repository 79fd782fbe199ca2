// Run by tests/runtimes/run.mjs in another JavaScript runtime (Bun, Deno, Node): the built package
// sends one message, runs `doctor` (the tools' module), fails a refused connection and refuses
// cyclic message data, against the loopback server whose URL is the first argument. Prints one
// JSON line of what happened.
import { readFileSync } from 'node:fs';

const url = (globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2))[0];
const root = new URL('../../', import.meta.url);
const { default: createConnector, doctor } = await import(new URL('pkg/lib/index.js', root).href);
const fixture = JSON.parse(readFileSync(new URL('tests/fixtures/config.json', root), 'utf8'));
const config = { ...fixture, accessKeyId: 'LTAI-runtimes', accessKeySecret: 'runtimes-secret', endpoint: url, timeout: 3000 };
const connector = await createConnector({ getConfig: async () => config });
const message = { to: '13012345678', type: 'SignIn', payload: { code: '123456' } };
const failure = async (promise) => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return `${error.code}: ${error.data?.errorDescription}`;
  }
};
const sent = await connector.sendMessage(message);
const report = await doctor(config);
const refused = await failure(connector.sendMessage(message, { ...config, endpoint: 'http://127.0.0.1:9/' }));
const cyclic = { ...message, payload: {} };
cyclic.payload.self = cyclic;
console.log(JSON.stringify({ sent: sent.Code, doctor: report.ok, refused, cyclic: await failure(connector.sendMessage(cyclic)) }));
