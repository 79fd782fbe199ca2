// The host side of every HTTP request and deadline, bundled with the WebAssembly glue (a
// wasm-bindgen snippet of src/wasm/mod.rs). The core signs and reads; this file only moves bytes with
// the host's own `fetch`, timers and streams, and always resolves with an outcome object, so one
// promise crosses the boundary per request instead of one crossing per step. The wording of
// every failure stays in Rust (src/wasm/mod.rs): this file reports what happened, not what to say.

/** One line for a thrown value: its `message` (or the string itself), then its `cause`'s `code`
 * or message, as Node's fetch nests the socket error there. */
export function describe(error) {
  const text = (value) => {
    if (typeof value === 'string') return value;
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
      try {
        return typeof value.message === 'string' ? value.message : undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  const parts = [];
  const message = text(error);
  if (message !== undefined) parts.push(message);
  try {
    const cause = error !== null && typeof error === 'object' ? error.cause : undefined;
    if (cause !== undefined && cause !== null) {
      const code = typeof cause === 'object' && typeof cause.code === 'string' ? cause.code : text(cause);
      if (code !== undefined) parts.push(code);
    }
  } catch {
    // A throwing `cause` getter: the message alone.
  }
  return parts.length === 0 ? 'unknown error' : parts.join(': ');
}

/** A deadline: `fired` once `ms` have passed, with `promise` rejecting then (never unhandled). */
const startDeadline = (ms, onFire) => {
  const deadline = { fired: false };
  deadline.promise = new Promise((_, reject) => {
    deadline.handle = setTimeout(() => {
      deadline.fired = true;
      onFire?.();
      reject(new Error('timeout'));
    }, ms);
  });
  deadline.promise.catch(() => {});
  deadline.race = (promise) => Promise.race([promise, deadline.promise]);
  deadline.clear = () => clearTimeout(deadline.handle);
  return deadline;
};

/** The digits of a `content-length` as Rust's `u64::from_str` reads them, else undefined. */
const declaredLength = (value) => {
  const digits = typeof value === 'string' ? /^\+?(\d+)$/.exec(value.trim())?.[1] : undefined;
  return digits !== undefined && BigInt(digits) <= 0xffffffffffffffffn ? BigInt(digits) : undefined;
};

/** Reads a body stream, stopping (and cancelling it) once more than `limit` bytes arrived:
 * undefined then. Invalid UTF-8 becomes U+FFFD; a BOM is kept. */
const readCapped = async (body, limit, deadline) => {
  const reader = body.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const chunk = await deadline.race(Promise.resolve(reader.read()));
    if (chunk.done) break;
    const bytes = new Uint8Array(chunk.value);
    if (length + bytes.length > limit) {
      try {
        // Cancelling lets the host drop the connection; the abort covers the rest.
        Promise.resolve(reader.cancel()).catch(() => {});
      } catch {
        // A reader without `cancel`: the abort alone.
      }
      return undefined;
    }
    chunks.push(bytes);
    length += bytes.length;
  }
  const all = new Uint8Array(length);
  let at = 0;
  for (const bytes of chunks) {
    all.set(bytes, at);
    at += bytes.length;
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(all);
};

/**
 * One HTTP request with the host's `fetch`, aborted after `timeoutMs` (headers and body both).
 * `headers` is `name\0value\0…`; `body` is omitted when undefined (an empty string would make
 * `fetch` add an unsigned content-type). Redirects are refused: one would re-send the signed
 * request wherever `Location` points. Resolves with `{ status, body, date }`, or with
 * `{ failure: 'setup' | 'network' | 'timeout' | 'tooBig', stage?, detail?, status?, size? }`.
 */
export async function httpRequest(url, method, headers, body, timeoutMs, limit) {
  let controller;
  let deadline;
  try {
    controller = new AbortController();
  } catch (error) {
    return { failure: 'setup', detail: `AbortController unavailable: ${describe(error)}` };
  }
  try {
    deadline = startDeadline(timeoutMs, () => controller.abort());
  } catch (error) {
    return { failure: 'setup', detail: `setTimeout unavailable: ${describe(error)}` };
  }
  const failed = (error, stage) =>
    deadline.fired ? { failure: 'timeout' } : { failure: 'network', stage, detail: describe(error) };
  try {
    const fields = headers === '' ? [] : headers.split('\0');
    const headerObject = {};
    for (let i = 0; i + 1 < fields.length; i += 2) headerObject[fields[i]] = fields[i + 1];
    const init = { method, headers: headerObject, signal: controller.signal, redirect: 'error' };
    if (body !== undefined) init.body = body;
    let pending;
    try {
      pending = fetch(url, init);
    } catch (error) {
      return failed(error, 'fetch threw');
    }
    let response;
    try {
      response = await deadline.race(pending);
    } catch (error) {
      return failed(error, 'request');
    }
    // Duck-typed rather than `instanceof Response`: a fetch polyfill's responses may be another
    // class. All that is needed is `status`, `headers.get` and `text()` or `body`.
    if (response === null || typeof response !== 'object') {
      return failed(response, 'fetch resolved to something other than a Response');
    }
    const status = response.status & 0xffff;
    const header = (name) => {
      try {
        const value = response.headers?.get(name);
        return typeof value === 'string' ? value : undefined;
      } catch {
        return undefined;
      }
    };
    const tooBig = (size) => {
      controller.abort();
      return { failure: 'tooBig', status, size };
    };
    // A declared length over the limit is refused before reading anything.
    const declared = declaredLength(header('content-length'));
    if (declared !== undefined && declared > BigInt(limit)) {
      return tooBig(`an answer of ${declared} bytes`);
    }
    // With a declared length one `text()` is cheapest; without one the body is read chunk by
    // chunk so an endless answer is cut off at the limit.
    const stream = declared === undefined ? response.body : undefined;
    let text;
    try {
      if (stream !== null && typeof stream === 'object') {
        text = await readCapped(stream, limit, deadline);
        if (text === undefined) return tooBig('the answer');
      } else {
        const value = await deadline.race(response.text());
        text = typeof value === 'string' ? value : '';
      }
    } catch (error) {
      return failed(error, 'reading body');
    }
    return { status, body: text, date: header('date') };
  } catch (error) {
    return failed(error, 'request');
  } finally {
    deadline.clear();
  }
}

/**
 * `read(argument)` (a value or a promise of one) settled within `ms`: `{ value }`,
 * `{ timedOut: true }`, `{ detail }` (what it threw or rejected with) or `{ unavailable }` (no
 * timer in this host).
 */
export async function settleWithin(read, argument, ms) {
  let deadline;
  try {
    deadline = startDeadline(ms);
  } catch (error) {
    return { unavailable: `setTimeout unavailable: ${describe(error)}` };
  }
  try {
    return { value: await deadline.race(Promise.resolve(read(argument))) };
  } catch (error) {
    return deadline.fired ? { timedOut: true } : { detail: describe(error) };
  } finally {
    deadline.clear();
  }
}
