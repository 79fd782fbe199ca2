// Run by tests/runtimes/run.mjs in another JavaScript runtime (Bun, Deno, Node): the built package
// against the loopback servers whose URLs are the arguments (mainland, international, faults).
// It sends through every API and both signatures, picks a localized template, validates a config,
// signs a published vector, and fails the ways the runtime's `fetch`, `AbortController` and body
// stream decide (a refused connection, a server that never answers, an endless body, cyclic
// data). Prints one JSON line of what happened; run.mjs checks it and what the servers saw.
import { readFileSync } from 'node:fs';

const [mainland, international, faults] = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const root = new URL('../../', import.meta.url);
const { default: createConnector, configGuard, doctor, getSignature } = await import(new URL('pkg/lib/index.js', root).href);
const read = (name) => JSON.parse(readFileSync(new URL(`tests/fixtures/${name}`, root), 'utf8'));
const fixture = read('config.json');
const key = { accessKeyId: 'LTAI-runtimes', accessKeySecret: 'runtimes-secret' };
const config = { ...fixture, ...key, endpoint: mainland, timeout: 3000 };
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
const send = (overrides, data = message) => connector.sendMessage(data, { ...config, ...overrides });

const sent = await connector.sendMessage(message);
const v3 = await send({ signatureVersion: 'v3' });
const verifyCode = await send({ api: 'SendSmsVerifyCode', signName: 'Runtime', templates: undefined });
const localized = await send(
  { templates: [...fixture.templates, { usageType: 'SignIn', locale: 'en', templateCode: 'SMS_SIGNIN_EN' }] },
  { ...message, payload: { code: '123456', locale: 'en-GB' } }
);
const overseas = await send(
  { overseas: { ...key, endpoint: international, message: 'Your code is {{code}}' } },
  { ...message, to: '85291234567' }
);
const [vector] = read('signature-vectors.json').v1;
const cyclic = { ...message, payload: {} };
cyclic.payload.self = cyclic;
const outcome = {
  sent: sent.Code,
  v3: v3.Code,
  verifyCode: verifyCode.Code,
  localized: localized.entry,
  overseas: [overseas.route, overseas.api, overseas.ResponseCode],
  doctor: (await doctor(config)).ok,
  issues: configGuard.safeParse({ templates: 'none' }).error.issues.map((issue) => issue.path.join('.')),
  signature: getSignature(vector.parameters, vector.accessKeySecret, vector.method) === vector.signature,
  refused: await failure(send({ endpoint: 'http://127.0.0.1:9/' })),
  hang: await failure(send({ endpoint: `${faults}hang`, timeout: 300 })),
  endless: await failure(send({ endpoint: `${faults}endless` })),
  cyclic: await failure(connector.sendMessage(cyclic)),
};
console.log(JSON.stringify(outcome));
