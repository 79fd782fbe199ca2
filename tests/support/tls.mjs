// TLS plumbing for tests that must drive a client which hard-codes `https://<real Aliyun host>/`
// (the official @logto/connector-aliyun-sms) against the loopback Aliyun-compatible HTTP server.
//
//   const tls = await makeThrowawayCertificate(['dysmsapi.aliyuncs.com']); // { dir, cert, key, cleanup() }
//   const front = await startTlsFront({ cert, key, targetPort: server.port }); // TLS -> plain HTTP
//   const restore = routeHttpsGlobalAgent({ 'dysmsapi.aliyuncs.com': front.port }, { ca: cert });
//   ...
//   restore(); await front.close(); tls.cleanup();
//
// Nothing here trusts anything beyond the throwaway certificate made for the run, and the only
// sockets opened go to 127.0.0.1.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

/** The `openssl` binary on PATH, or undefined. */
export function findOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return 'openssl';
  } catch {
    return undefined;
  }
}

/**
 * A self-signed certificate (P-256, valid one day, CA:TRUE so it can be its own trust anchor) for
 * `hostnames`, made with the `openssl` CLI into a fresh temp dir. node:crypto can make keys but
 * not X.509 certificates, hence the CLI. Throws an Error saying why when openssl is unavailable.
 */
export function makeThrowawayCertificate(hostnames) {
  const openssl = findOpenssl();
  if (!openssl) {
    throw new Error('the openssl CLI is not on PATH, so no throwaway TLS certificate can be made');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-sms-tls-'));
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      `/CN=${hostnames[0]}`,
      '-addext',
      `subjectAltName=${hostnames.map((name) => `DNS:${name}`).join(',')}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'pipe' }
  );
  return {
    dir,
    certPath,
    keyPath,
    cert: readFileSync(certPath, 'utf8'),
    key: readFileSync(keyPath, 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A TLS listener on 127.0.0.1 that pipes every decrypted connection, byte for byte, to
 * 127.0.0.1:`targetPort` (the plain-HTTP test server). `servernames` records the SNI each client
 * asked for.
 */
export async function startTlsFront({ cert, key, targetPort }) {
  const sockets = new Set();
  const servernames = [];
  const server = tls.createServer({ cert, key }, (socket) => {
    servernames.push(socket.servername);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(socket);
    sockets.add(upstream);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
      sockets.delete(socket);
      sockets.delete(upstream);
    };
    socket.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    socket.pipe(upstream).pipe(socket);
  });
  // A client that gives up mid-handshake is not a test failure.
  server.on('tlsClientError', () => {});
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: server.address().port,
    servernames,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Replaces `https.globalAgent` (what got, and `https.request` without an explicit agent, use)
 * with an agent that connects `https://<host>/` for each host in `routes` to 127.0.0.1:<port>,
 * keeps the real host name for SNI and certificate checks, trusts only `ca`, and refuses any
 * other host. Returns a function restoring the previous global agent.
 *
 * Why this rather than NODE_EXTRA_CA_CERTS plus a dns.lookup override: the official connector
 * hard-codes port 443 as well as the host name, so name resolution alone cannot reach a test
 * server on an ephemeral port; NODE_EXTRA_CA_CERTS is read only at process start, which would
 * force a child process and lose the in-process `instanceof` checks. The agent still makes the
 * client do a real TLS handshake and verify the certificate against the real host name.
 */
export function routeHttpsGlobalAgent(routes, { ca }) {
  const table = new Map(Object.entries(routes));
  class LoopbackAgent extends https.Agent {
    createConnection(options, callback) {
      const host = options.servername || options.host || options.hostname;
      const port = table.get(host);
      if (port === undefined) {
        // No socket returned: the agent waits for the callback, which fails the request.
        const error = new Error(`Test agent refuses to connect to ${host}: not a routed test host`);
        process.nextTick(() => callback(error));
        return undefined;
      }
      return super.createConnection(
        {
          ...options,
          host: '127.0.0.1',
          port,
          servername: host,
          ca,
          rejectUnauthorized: true,
        },
        callback
      );
    }
  }
  const previous = https.globalAgent;
  https.globalAgent = new LoopbackAgent({ keepAlive: false });
  return () => {
    https.globalAgent.destroy();
    https.globalAgent = previous;
  };
}
