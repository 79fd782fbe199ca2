// Shared by the benchmark's child processes: the two connectors, one config and one message
// for both, and the loopback routing the official connector needs (it hard-codes
// https://dysmsapi.aliyuncs.com/).
import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// BENCH_PKG_DIR points the children at another build of the package (bench/profile.mjs uses it
// for a copy whose .wasm keeps its function names).
const pkgDir = process.env.BENCH_PKG_DIR
  ? pathToFileURL(`${path.resolve(process.env.BENCH_PKG_DIR)}/`)
  : new URL('../../pkg/', import.meta.url);
export const OURS_URL = new URL('lib/index.js', pkgDir).href;
export const OURS_GLUE_URL = new URL('lib/wasm/aliyun_sms.js', pkgDir).href;
export const OURS_WASM_URL = new URL('lib/wasm/aliyun_sms_bg.wasm', pkgDir);
export const THEIRS = '@logto/connector-aliyun-sms';
export const ALIYUN_HOST = 'dysmsapi.aliyuncs.com';

const usageTypes = [
  'SignIn',
  'Register',
  'ForgotPassword',
  'OrganizationInvitation',
  'Generic',
  'UserPermissionValidation',
  'BindNewIdentifier',
  'MfaVerification',
  'BindMfa',
];

/** A realistic stored config, valid for both connectors (theirs has no `endpoint` field). */
export const baseConfig = Object.freeze({
  accessKeyId: 'LTAI5tBenchmarkAccessKey',
  accessKeySecret: 'BenchmarkSecretUsedOnlyOverLoopback01',
  signName: '阿里云短信测试',
  templates: usageTypes.map((usageType) => ({ usageType, templateCode: 'SMS_154950909' })),
});

/** What Logto passes to sendMessage for a sign-in code. */
/**
 * `baseConfig` with four localized templates per usage type besides the default one, for
 * 'ours-localized': what the choice by `payload.locale` costs per send.
 */
export const localizedConfig = Object.freeze({
  ...baseConfig,
  templates: [
    ...baseConfig.templates,
    ...usageTypes.flatMap((usageType) =>
      ['en', 'ja', 'zh-TW', 'zh-CN'].map((locale) => ({ usageType, locale, templateCode: 'SMS_154950909' }))
    ),
  ],
});

/** For 'ours-localized': `zh-HK` is found only at the rule's third step (the first `zh-*`). */
export const localizedMessage = Object.freeze({
  to: '13800138000',
  type: 'SignIn',
  payload: { code: '123456', locale: 'zh-HK' },
});

export const message = Object.freeze({
  to: '13800138000',
  type: 'SignIn',
  payload: { code: '123456', locale: 'zh-CN' },
});

/**
 * Points `dysmsapi.aliyuncs.com` at 127.0.0.1 for this process. With the server on 127.0.0.1:443
 * (`route.port443`), only name resolution changes: `dns.lookup` is what net/tls (used by both
 * got's https agent and undici, Node's fetch) resolve with, looked up at connect time. Without
 * port 443 (not root), https.globalAgent (what got uses) is replaced by a keep-alive agent with
 * Node's default settings that connects that host to the ephemeral TLS port instead.
 * Returns { mechanism, url } where `url` is the endpoint our connector and the floors should use.
 */
export function routeAliyun(route) {
  dns.lookup = function lookup(hostname, options, callback) {
    if (hostname === ALIYUN_HOST) {
      const cb = typeof options === 'function' ? options : callback;
      const all = typeof options === 'object' && options?.all;
      process.nextTick(() =>
        all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)
      );
      return {};
    }
    // Nothing else may leave the machine: every other name is refused.
    const cb = typeof options === 'function' ? options : callback;
    process.nextTick(() => cb(Object.assign(new Error(`bench: refusing to resolve ${hostname}`), { code: 'ENOTFOUND' })));
    return {};
  };
  if (route.port443) {
    return { mechanism: 'dns.lookup override, server on 127.0.0.1:443', url: `https://${ALIYUN_HOST}/` };
  }
  const port = route.tlsPort;
  class LoopbackAgent extends https.Agent {
    createConnection(options, callback) {
      return super.createConnection({ ...options, host: '127.0.0.1', port, servername: ALIYUN_HOST }, callback);
    }
  }
  https.globalAgent = new LoopbackAgent({ keepAlive: true, scheduling: 'lifo', timeout: 5000, noDelay: true });
  return {
    mechanism: `https.globalAgent routed to 127.0.0.1:${port} (port 443 unavailable: ${route.port443Error})`,
    url: `https://127.0.0.1:${port}/`,
  };
}

/** The floor's deadline: the connector's default `timeout`. */
const FLOOR_TIMEOUT_MS = 10000;

/** Creates a connector the way Logto does: import, then `await createConnector({ getConfig })`. */
export async function loadConnector(impl, config) {
  const module = await import(impl === 'ours' ? OURS_URL : THEIRS);
  return module.default({ getConfig: async () => config });
}

/**
 * A sender function for `impl`: 'ours' | 'theirs' | the floors, which POST `floorBody` (the exact
 * form body ours sends) and parse the JSON answer: 'floor' (fetch with `AbortSignal.timeout`, the
 * floor the targets are set against), 'fetch' (bare fetch, no deadline), 'fetch-signal' (fetch
 * with AbortController + timer + redirect: 'error', as a timeout-enforcing connector must),
 * 'https' (node:https on the keep-alive global agent), 'got' (bare got, theirs' transport).
 */
export async function makeSender(impl, { url, floorBody }) {
  if (impl === 'ours-https') {
    // What-if: ours with a node:https transport. The glue looks `fetch` up at call time, so this
    // child replaces the global with a minimal fetch-shaped adapter (status + text()) over
    // node:https / node:http that honours `signal` and never follows redirects.
    globalThis.fetch = nodeFetch;
    return makeSender('ours', { url, floorBody });
  }
  if (impl === 'ours-localized' || impl === 'ours-localized-none') {
    // The same config; with `zh-HK` the rule runs all four steps, without a locale only the last.
    const connector = await loadConnector('ours', { ...localizedConfig, endpoint: url });
    const withLocale = impl === 'ours-localized';
    const sent = withLocale ? localizedMessage : { ...localizedMessage, payload: { code: '123456' } };
    return async () => {
      const result = await connector.sendMessage(sent);
      if (result?.Code !== 'OK' || result.entry?.locale !== (withLocale ? 'zh-TW' : undefined)) {
        throw new Error(`unexpected result ${JSON.stringify(result)}`);
      }
    };
  }
  if (impl === 'ours' || impl === 'theirs') {
    // With the real host name routed to the server, both connectors get the very same config
    // (ours then uses its default endpoint, https://dysmsapi.aliyuncs.com/).
    const config = impl === 'ours' && url !== `https://${ALIYUN_HOST}/` ? { ...baseConfig, endpoint: url } : { ...baseConfig };
    const connector = await loadConnector(impl, config);
    return async () => {
      const result = await connector.sendMessage(message);
      if (result?.Code !== 'OK') throw new Error(`unexpected result ${JSON.stringify(result)}`);
    };
  }
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (impl === 'floor') {
    // The physical limit for ours: one host `fetch` of the same signed body with a deadline, and
    // nothing else. A connector built on `fetch` cannot send for less.
    return async () => {
      const response = await fetch(url, { method: 'POST', headers, body: floorBody, signal: AbortSignal.timeout(FLOOR_TIMEOUT_MS) });
      const result = JSON.parse(await response.text());
      if (result.Code !== 'OK') throw new Error('unexpected floor result');
    };
  }
  if (impl === 'fetch') {
    return async () => {
      const response = await fetch(url, { method: 'POST', headers, body: floorBody });
      const result = JSON.parse(await response.text());
      if (result.Code !== 'OK') throw new Error('unexpected floor result');
    };
  }
  if (impl === 'fetch-signal') {
    // What a fetch-based connector with a timeout and no redirects must pass: the floor for ours.
    return async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 10000);
      try {
        const response = await fetch(url, { method: 'POST', headers, body: floorBody, signal: controller.signal, redirect: 'error' });
        const result = JSON.parse(await response.text());
        if (result.Code !== 'OK') throw new Error('unexpected floor result');
      } finally {
        clearTimeout(timer);
      }
    };
  }
  if (impl === 'wasm-fetch') {
    // The floor's request made from Rust (`probeFetch`, the probe build of bench/.probe-wasm/):
    // what the async WebAssembly boundary alone costs, before the connector does any work.
    const glue = await import(new URL('../.probe-wasm/aliyun_sms.js', import.meta.url).href);
    glue.initSync({ module: readFileSync(new URL('../.probe-wasm/aliyun_sms_bg.wasm', import.meta.url)) });
    return async () => {
      const result = JSON.parse(await glue.probeFetch(url, floorBody));
      if (result.Code !== 'OK') throw new Error('unexpected floor result');
    };
  }
  if (impl === 'js-replica') {
    // Ours' request steps (src/wasm/http.rs) written in JS: a Headers object, an AbortController,
    // a host timer raced against the response and the body, redirect 'error', content-length.
    return async () => {
      const controller = new AbortController();
      const marker = {};
      let handle;
      const expired = new Promise((resolve) => {
        handle = setTimeout(resolve, FLOOR_TIMEOUT_MS, marker);
      });
      try {
        const requestHeaders = new Headers();
        requestHeaders.append('content-type', headers['content-type']);
        const init = { method: 'POST', headers: requestHeaders, signal: controller.signal, redirect: 'error', body: floorBody };
        const response = await Promise.race([Promise.resolve(fetch(url, init)), expired]);
        if (response === marker) throw new Error('timed out');
        response.headers.get('content-length');
        const text = await Promise.race([Promise.resolve(response.text()), expired]);
        if (text === marker) throw new Error('timed out');
        if (JSON.parse(text).Code !== 'OK') throw new Error('unexpected floor result');
      } finally {
        clearTimeout(handle);
      }
    };
  }
  if (impl === 'https') {
    // node:https on its keep-alive global agent: the cheapest client transport Node has.
    const target = new URL(url);
    const length = String(Buffer.byteLength(floorBody));
    return () =>
      new Promise((resolve, reject) => {
        const request = https.request(
          { host: target.hostname, port: target.port || 443, path: target.pathname, method: 'POST', headers: { ...headers, 'content-length': length }, timeout: 10000 },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk) => (text += chunk));
            response.on('end', () => {
              try {
                if (JSON.parse(text).Code !== 'OK') throw new Error('unexpected floor result');
                resolve();
              } catch (error) {
                reject(error);
              }
            });
          }
        );
        request.on('error', reject);
        request.on('timeout', () => request.destroy(new Error('timeout')));
        request.end(floorBody);
      });
  }
  if (impl === 'got') {
    const { got } = await import('got');
    return async () => {
      const response = await got.post(url, { headers, body: floorBody });
      const result = JSON.parse(response.body);
      if (result.Code !== 'OK') throw new Error('unexpected floor result');
    };
  }
  throw new Error(`unknown impl ${impl}`);
}

/** A fetch-shaped adapter over node:https/node:http (prototype of a Node transport for ours). */
export function nodeFetch(url, init = {}) {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.request(url, { method: init.method ?? 'GET', headers: init.headers, signal: init.signal ?? undefined }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, text: async () => text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

/** Runs `total` calls of `fn` with at most `width` in flight. */
export async function pool(total, width, fn) {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, total) }, worker));
}
