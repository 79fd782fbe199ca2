// What every HTTP stand-in in this folder (aliyun-server.mjs, sts-server.mjs,
// metadata-server.mjs, fault-server.mjs) does alike: listen on 127.0.0.1, turn a handler's
// error into an answer, close for good; and, for the request stand-ins, record what came in,
// queue one-shot answers and answer the simulated modes they share.
//
//   const { server, url, port, close } = await startLoopbackServer(handle, { name: 'sts-server', port, keepAliveTimeout: 1000 });
//   const { requests, respondNext, nextMode, forget } = recorder();
//   if (answerSimulated(res, nextMode('ok'), 'application/json')) return;

import http from 'node:http';

/**
 * Listens on 127.0.0.1 (`port` 0: any free port). `handle(req, res)` may be async; when it throws
 * or rejects, the request gets a 500 `<name> internal error: …`, or its socket is destroyed if the
 * answer has already begun, so a broken stand-in shows as a failed request, never a hang.
 * `keepAliveTimeout` (ms), when given, replaces Node's default for idle kept-alive sockets.
 *
 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => unknown} handle
 * @param {{ name: string, port?: number, keepAliveTimeout?: number }} options
 */
export async function startLoopbackServer(handle, { name, port = 0, keepAliveTimeout }) {
  const internalError = (res, error) => {
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${name} internal error: ${error?.message ?? error}`);
    } else {
      res.destroy();
    }
  };
  const server = http.createServer((req, res) => {
    let result;
    try {
      result = handle(req, res);
    } catch (error) {
      internalError(res, error);
      return;
    }
    if (typeof result?.catch === 'function') result.catch((error) => internalError(res, error));
  });
  if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  let closing;
  return {
    server,
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    /** Stops listening and drops open connections (a hanging answer included); idempotent. */
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Answers as the simulated `mode` says when it is one the stand-ins share: `'hang'` (never
 * answer; close() tears the socket down), `'reset'` (destroy the socket before any answer), or
 * `{ status?, body, contentType? }` (a raw answer, `contentType` by default). Returns false for
 * any other mode: the caller answers.
 */
export function answerSimulated(res, mode, contentType) {
  if (mode === 'hang') return true;
  if (mode === 'reset') {
    res.socket?.destroy();
    return true;
  }
  if (typeof mode === 'object' && mode !== null && 'body' in mode) {
    res.writeHead(mode.status ?? 200, { 'content-type': mode.contentType ?? contentType });
    res.end(mode.body);
    return true;
  }
  return false;
}

/**
 * The requests a stand-in received (`requests`, its records in order, for tests to read) and the
 * answers queued for the next ones: `respondNext(mode)` queues one (one-shot, calls queue up),
 * `nextMode(fallback)` takes the oldest, else gives `fallback`; `forget()` clears both.
 */
export function recorder() {
  const requests = [];
  const pending = [];
  return {
    requests,
    respondNext(mode) {
      pending.push(mode);
    },
    nextMode(fallback) {
      return pending.length > 0 ? pending.shift() : fallback;
    },
    forget() {
      requests.length = 0;
      pending.length = 0;
    },
  };
}
