// A loopback HTTP server for faults the Aliyun stand-in (aliyun-server.mjs) cannot show: it
// records every TCP connection, so a test can see when the client gives up and closes its
// socket, and it can answer in ways that never finish (no answer, an endless body).
//
//   const server = await startFaultServer((req, res, connection) => { ... });
//   server.url                    // 'http://127.0.0.1:<port>/'
//   server.connections            // [{ id, openedAt, closedAt, requests, bytesWritten }]
//   await server.closed(connection, ms) // resolves true when that socket closes within ms
//   await server.close()
//
// Handlers for the common faults are exported: `hang`, `endlessBody(chunkBytes, everyMs)`,
// `bigBody(bytes, { json })`.

import { startLoopbackServer } from './loopback-server.mjs';

/**
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, connection: object) => void} handler
 */
export async function startFaultServer(handler) {
  const connections = [];
  const waiters = new Map();
  const { server, url, port, close } = await startLoopbackServer(
    (req, res) => {
      const connection = connections.find((c) => c.socket === req.socket);
      if (connection) connection.requests += 1;
      return handler(req, res, connection);
    },
    { name: 'fault-server' },
  );
  // Registered before the URL is handed out, so no connection goes unrecorded.
  server.on('connection', (socket) => {
    const connection = {
      id: connections.length,
      socket,
      openedAt: Date.now(),
      closedAt: undefined,
      requests: 0,
      get bytesWritten() {
        return socket.bytesWritten;
      },
    };
    connections.push(connection);
    socket.on('close', () => {
      connection.closedAt = Date.now();
      for (const resolve of waiters.get(connection) ?? []) resolve(true);
      waiters.delete(connection);
    });
  });
  return {
    url,
    port,
    connections,
    /** Resolves true once `connection`'s socket has closed, false if it is still open after `ms`. */
    closed(connection, ms) {
      if (connection.closedAt !== undefined) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        const list = waiters.get(connection) ?? [];
        list.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
        waiters.set(connection, list);
      });
    },
    close,
  };
}

/** Reads the request and never answers. */
export const hang = (req) => {
  req.resume();
};

/**
 * Answers 200 and then writes `chunkBytes` every `everyMs` until the client closes the socket:
 * a body that never ends and never stops growing.
 */
export const endlessBody =
  (chunkBytes = 64 * 1024, everyMs = 5) =>
  (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.write('{"Code":"OK","Message":"');
    const chunk = Buffer.alloc(chunkBytes, 'x');
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded) {
        clearInterval(timer);
        return;
      }
      // Respect back-pressure a little: skip a beat while the socket buffer is full.
      if (res.writableLength < 4 * chunkBytes) res.write(chunk);
    }, everyMs);
    res.on('close', () => clearInterval(timer));
  };

/**
 * Answers 200 with a body of `bytes` bytes and a Content-Length. With `json`, the body is a
 * well-formed Aliyun OK answer whose Message fills it up; otherwise HTML.
 */
export const bigBody =
  (bytes, { json = false, status = 200 } = {}) =>
  (req, res) => {
    req.resume();
    let body;
    if (json) {
      const head = '{"Code":"OK","RequestId":"BIG-1","BizId":"1","Message":"';
      const tail = '"}';
      body = Buffer.concat([
        Buffer.from(head),
        Buffer.alloc(Math.max(0, bytes - head.length - tail.length), 'x'),
        Buffer.from(tail),
      ]);
    } else {
      body = Buffer.alloc(bytes, '<p>x</p>\n');
    }
    res.writeHead(status, {
      'content-type': json ? 'application/json;charset=utf-8' : 'text/html',
      'content-length': body.length,
    });
    res.end(body);
  };
