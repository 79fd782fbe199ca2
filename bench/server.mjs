// Loopback Aliyun stand-in for the benchmark: answers every POST with a fixed `SendSms` success.
// Runs in its own process (forked by bench/run.mjs with an IPC channel) so its CPU time never
// shows up in a client's process.cpuUsage().
//
// Listens on 127.0.0.1 only: TLS on an ephemeral port, TLS on 443 when it may bind it (so a
// client that hard-codes https://dysmsapi.aliyuncs.com/ needs only a name override), and plain
// HTTP on an ephemeral port (memory run). Parent messages: { type: 'stats' } -> counters,
// { type: 'reset' }, { type: 'close' }.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const [certPath, keyPath] = process.argv.slice(2);
const cert = readFileSync(certPath);
const key = readFileSync(keyPath);

const fresh = () => ({ tls: { requests: 0, connections: 0 }, plain: { requests: 0, connections: 0 }, marks: {} });
const stats = { ...fresh(), bodyBytes: 0, lastBody: '', lastPath: '', lastHeaders: {} };

const handler = (req, res) => {
  const counters = req.socket.encrypted ? stats.tls : stats.plain;
  if (req.url.startsWith('/__mark/')) {
    // A client child marks its phase boundaries over plain HTTP, each on a connection of its own
    // (counted in `plain`; the reader subtracts it).
    stats.marks[decodeURIComponent(req.url.slice('/__mark/'.length))] = { tls: { ...stats.tls }, plain: { ...stats.plain } };
    req.resume();
    res.end('marked');
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    counters.requests += 1;
    stats.bodyBytes += Buffer.byteLength(body);
    stats.lastBody = body;
    stats.lastPath = req.url;
    stats.lastHeaders = req.headers;
    const id = randomUUID().toUpperCase();
    const payload = JSON.stringify({ Code: 'OK', Message: 'OK', RequestId: id, BizId: `900619746936498440^${id.slice(0, 8)}` });
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  });
};

const countTls = () => {
  stats.tls.connections += 1;
};
const countPlain = () => {
  stats.plain.connections += 1;
};

const listen = (server, port) =>
  new Promise((resolve) => {
    server.once('error', (error) => resolve({ error }));
    server.listen(port, '127.0.0.1', () => resolve({ port: server.address().port }));
  });

const tlsOptions = { cert, key };
const servers = [];
const make = (secure) => {
  const server = secure ? https.createServer(tlsOptions, handler) : http.createServer(handler);
  server.on(secure ? 'secureConnection' : 'connection', secure ? countTls : countPlain);
  server.on('tlsClientError', () => {});
  // Node's defaults (keepAliveTimeout 5 s) are kept: the clients reuse connections well within it.
  servers.push(server);
  return server;
};

const tls = await listen(make(true), 0);
const plain = await listen(make(false), 0);
const s443 = make(true);
const on443 = await listen(s443, 443);
if (on443.error) servers.pop();

process.on('message', (message) => {
  if (message?.type === 'stats') {
    process.send({ type: 'stats', stats: { ...stats } });
  } else if (message?.type === 'reset') {
    Object.assign(stats, { ...fresh(), bodyBytes: 0 });
    process.send({ type: 'reset' });
  } else if (message?.type === 'close') {
    for (const server of servers) {
      server.closeAllConnections?.();
      server.close();
    }
    process.disconnect();
  }
});

process.send({
  type: 'ready',
  tlsPort: tls.port,
  httpPort: plain.port,
  port443: on443.error ? null : 443,
  port443Error: on443.error ? String(on443.error.code ?? on443.error.message) : null,
});
