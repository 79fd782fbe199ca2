// A tiny stand-in for Aliyun's SendSms endpoint, for tests/wasm.rs.
//
// It checks each request on its own terms (form fields, nonce reuse, and the HMAC-SHA1 signature
// recomputed with node:crypto, sharing no code with the Rust signer) and answers the way Aliyun
// does. The endpoint's path picks the scenario: /ok, /limit, /echo-secret, /html, /hang and
// /slow-body (headers, then half a body, then nothing).
//
// Where the server runs:
// - Node runner (`wasm-pack test --node`): `aliyunServer()` starts it in-process on 127.0.0.1.
// - Browser runner: a page cannot listen, so start it outside (`node tests/wasm/server.js`, which
//   prints the URLs) and build the tests with ALIYUN_SMS_TEST_SERVER (and ALIYUN_SMS_TEST_REFUSED)
//   set; tests/wasm.rs passes them to `aliyunServer(url, refusedUrl)`. Responses allow CORS.

export const ACCESS_KEY_ID = 'wasm-test-access-key-id';
export const ACCESS_KEY_SECRET = 'wasm-test-secret-6f1c2d';

const rfc3986 = (text) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Aliyun's answer to one request: `{ status, json }`, or `null` to never answer. */
const answer = (crypto, nonces, method, path, contentType, body) => {
  const fail = (status, Code, Message) => ({ status, json: { Code, Message, RequestId: crypto.randomUUID() } });
  const scenario = path.replace(/\/+$/, '') || '/ok';
  if (scenario === '/hang') return null;
  if (scenario === '/slow-body') return { status: 200, json: null, partial: '{"Code":"OK",' };
  if (scenario === '/html') return { status: 502, text: '<html><body>502 Bad Gateway</body></html>' };
  if (method !== 'POST') return fail(405, 'UnsupportedHTTPMethod', method);
  if (!/^application\/x-www-form-urlencoded\b/.test(contentType ?? '')) return fail(400, 'InvalidContentType', `${contentType}`);

  const params = new Map();
  for (const pair of body.split('&')) {
    const eq = pair.indexOf('=');
    let key, value;
    try {
      [key, value] = [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))];
    } catch {
      return fail(400, 'InvalidParameter', 'bad percent-encoding');
    }
    if (eq < 1 || params.has(key)) return fail(400, 'InvalidParameter', `bad or repeated field ${key}`);
    params.set(key, value);
  }
  const expected = { Action: 'SendSms', Version: '2017-05-25', Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0' };
  for (const key of ['AccessKeyId', 'PhoneNumbers', 'SignName', 'TemplateCode', 'TemplateParam', 'RegionId', 'SignatureNonce', 'Timestamp', 'Signature', ...Object.keys(expected)]) {
    if (!params.has(key)) return fail(400, 'MissingParameter', key);
  }
  for (const [key, value] of Object.entries(expected)) {
    if (params.get(key) !== value) return fail(400, 'InvalidParameter', `${key}=${params.get(key)}`);
  }
  const stamp = params.get('Timestamp');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(stamp) || Math.abs(Date.parse(stamp) - Date.now()) > 15 * 60_000) {
    return fail(400, 'InvalidTimeStamp.Expired', stamp);
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(params.get('SignatureNonce'))) {
    return fail(400, 'InvalidParameter', 'SignatureNonce');
  }
  if (params.get('AccessKeyId') !== ACCESS_KEY_ID) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');

  const signed = [...params].filter(([key]) => key !== 'Signature').sort(([a], [b]) => (a < b ? -1 : 1));
  const canonical = signed.map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`).join('&');
  const signature = crypto
    .createHmac('sha1', `${ACCESS_KEY_SECRET}&`)
    .update(`POST&${rfc3986('/')}&${rfc3986(canonical)}`)
    .digest('base64');
  if (params.get('Signature') !== signature) return fail(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
  if (nonces.has(params.get('SignatureNonce'))) return fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  nonces.add(params.get('SignatureNonce'));

  if (scenario === '/limit') return fail(200, 'isv.BUSINESS_LIMIT_CONTROL', 'Business limit control (1/min)');
  if (scenario === '/echo-secret') return fail(200, 'isp.SYSTEM_ERROR', `internal error for key ${ACCESS_KEY_SECRET}`);
  if (scenario !== '/ok') return fail(404, 'InvalidApi.NotFound', scenario);
  try {
    JSON.parse(params.get('TemplateParam'));
  } catch {
    return fail(200, 'isv.INVALID_JSON_PARAM', params.get('TemplateParam'));
  }
  // Real BizIds look like `900619746936498440^0`; this one echoes what was sent, for the tests.
  const bizId = [params.get('PhoneNumbers'), params.get('TemplateCode'), params.get('SignName'), params.get('RegionId'), params.get('TemplateParam')].join('^');
  return { status: 200, json: { Code: 'OK', Message: 'OK', RequestId: crypto.randomUUID(), BizId: bizId } };
};

/** Starts the mock on 127.0.0.1 (Node only). Resolves `{ url, refusedUrl, close }`. */
export const startAliyunServer = async (port = 0) => {
  const [http, net, crypto] = await Promise.all([import('node:http'), import('node:net'), import('node:crypto')]);
  const listen = (server, port) =>
    new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve(server.address().port)));
  // A port that was just free and is closed again: connecting to it is refused.
  const spare = net.createServer();
  const refusedPort = await listen(spare, 0);
  await new Promise((resolve) => spare.close(resolve));

  const nonces = new Set();
  const server = http.createServer((request, response) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST' };
    if (request.method === 'OPTIONS') return response.writeHead(204, cors).end();
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const { pathname } = new URL(request.url, 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = answer(crypto, nonces, request.method, pathname, request.headers['content-type'], body);
      if (reply === null) return; // /hang: keep the connection open until the client gives up.
      const type = reply.json ? 'application/json;charset=utf-8' : 'text/html';
      response.writeHead(reply.status, { ...cors, 'content-type': type });
      if (reply.partial) return response.write(reply.partial); // and never end it
      response.end(reply.json ? JSON.stringify(reply.json) : reply.text);
    });
  });
  const actualPort = await listen(server, port);
  server.unref();
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    refusedUrl: `http://127.0.0.1:${refusedPort}/`,
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  };
};

let shared;

/**
 * The mock for this test run: the given URLs if any (a server started elsewhere), else one
 * started in this Node process, once. Resolves `{ url, refusedUrl, accessKeyId, accessKeySecret }`.
 */
export const aliyunServer = (url, refusedUrl) => {
  shared ??= (async () => {
    if (url) return { url, refusedUrl: refusedUrl || 'http://127.0.0.1:9/' };
    if (typeof process === 'undefined' || !process.versions?.node) {
      throw new Error('No Aliyun mock: build the tests with ALIYUN_SMS_TEST_SERVER=<url of `node tests/wasm/server.js`>');
    }
    const { url: started, refusedUrl: refused } = await startAliyunServer();
    return { url: started, refusedUrl: refused };
  })().then((urls) => ({ ...urls, accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET }));
  return shared;
};

// `node tests/wasm/server.js [port]`: serve until killed and print the variables to build with.
// (No top-level await: Node's `require()` of this file, as the CommonJS test runner does, needs none.)
if (typeof process !== 'undefined' && process.argv?.[1]) {
  import('node:url').then(async ({ pathToFileURL }) => {
    if (import.meta.url !== pathToFileURL(process.argv[1]).href) return;
    const { url, refusedUrl } = await startAliyunServer(Number(process.argv[2] ?? 0));
    setInterval(() => {}, 1 << 30);
    console.log(`ALIYUN_SMS_TEST_SERVER=${url}\nALIYUN_SMS_TEST_REFUSED=${refusedUrl}`);
  });
}
