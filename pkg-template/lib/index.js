// Logto connector entry point. The work happens in WebAssembly (./wasm/, built from the Rust core);
// this file adapts it to Logto: metadata, a zod-compatible configGuard, and errors built from the
// host's own @logto/connector-kit so Logto's `error instanceof ConnectorError` holds.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import {
  ConnectorConfigFormItemType,
  ConnectorError,
  ConnectorErrorCodes,
  ConnectorType,
} from '@logto/connector-kit';

// Written by scripts/build.mjs from data/config-fields.json, the source the docs follow too.
import { formItems } from './config-fields.js';
import * as wasm from './wasm/aliyun_sms.js';

// Compiled once per process, from the bytes shipped next to the glue: no network, no flags.
wasm.initSync({ module: readFileSync(new URL('wasm/aliyun_sms_bg.wasm', import.meta.url)) });

// credentialType oidc_role_arn: reading the OIDC token file is the one thing the WebAssembly core
// leaves to the host. It asks at every refresh (the file is rotated), with the configured
// oidcTokenFile or, when there is none, undefined.
const readOidcToken = async (path) => {
  const file = path ?? process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE;
  if (!file) {
    throw new Error('no oidcTokenFile is configured and ALIBABA_CLOUD_OIDC_TOKEN_FILE is not set');
  }
  return readFile(file, 'utf8');
};
wasm.setOidcTokenReader(readOidcToken);

let toolsModule;
/**
 * The operator tools' module (`doctor`, `querySendDetails` and the read-only APIs behind them):
 * a second build of the core, loaded and compiled on first use only. Logto never calls the tools,
 * so it never loads this; the CLI's `doctor` and `status` do.
 */
const tools = () =>
  (toolsModule ??= (async () => {
    const module = await import('./wasm/aliyun_sms_tools.js');
    module.initSync({ module: await readFile(new URL('wasm/aliyun_sms_tools_bg.wasm', import.meta.url)) });
    module.setOidcTokenReader(readOidcToken);
    return module;
  })());

/** Identical to @logto/connector-aliyun-sms's metadata (id, target, form), plus the new options. */
export const metadata = Object.freeze({
  id: 'aliyun-short-message-service',
  target: 'aliyun-sms',
  platform: null,
  name: {
    en: 'Aliyun Short Message Service',
    'zh-CN': '阿里云短信服务',
    'tr-TR': 'Aliyun SMS Servisi',
    ko: 'Aliyun Short 메세지 서비스',
    de: 'Aliyun Kurznachrichtendienst',
  },
  logo: './logo.svg',
  logoDark: null,
  description: {
    en: 'Aliyun provides cloud computing services to online businesses.',
    'zh-CN': '阿里云是全球性的云服务提供商。',
    'tr-TR': 'Aliyun, çevrimiçi işletmelere bulut bilişim hizmetleri sunmaktadır.',
    ko: 'Aliyun는 온라인 비지니스를 위해 클라우딩 컴퓨팅 서비스를 제공합니다.',
    de: 'Aliyun bietet Online-Unternehmen Cloud-Computing-Dienste an.',
  },
  readme: './README.md',
  // The official connector's five items unchanged (only accessKeySecret also marked
  // isConfidential, which lets Logto's console mask it), then the new options.
  formItems: formItems.map((item) => ({ ...item, type: ConnectorConfigFormItemType[item.type] })),
});

const knownCodes = new Set(Object.values(ConnectorErrorCodes));

/**
 * Codes the core produces that an older host kit may not have (Logto before
 * `usage_limit_exceeded`), and the nearest codes to use instead, in order.
 */
const fallbackCodes = { usage_limit_exceeded: ['rate_limit_exceeded'] };

/** `code` if the host's kit knows it, else its nearest known fallback, else `general`. */
const hostCode = (code) =>
  [code, ...(fallbackCodes[code] ?? [])].find((candidate) => knownCodes.has(candidate)) ??
  ConnectorErrorCodes.General;

/**
 * Rebuilds a `{ code, data }` failure from WebAssembly as the host's ConnectorError. A code the
 * host does not know falls back (see `hostCode`); `data` (errorDescription, Aliyun's Code,
 * Message, RequestId) is kept whole either way.
 */
const toConnectorError = (failure) => {
  if (failure instanceof ConnectorError) {
    return failure;
  }
  if (
    failure &&
    typeof failure === 'object' &&
    typeof failure.code === 'string' &&
    failure.data &&
    typeof failure.data === 'object'
  ) {
    return new ConnectorError(hostCode(failure.code), failure.data);
  }
  // Not expected: the boundary only rejects with `{ code, data }` (a trap in WebAssembly would be
  // a RuntimeError). Never leak a raw error type, nor print an object as "[object Object]".
  const what = failure instanceof Error ? String(failure) : `a thrown ${failure === null ? 'null' : typeof failure}`;
  return new ConnectorError(ConnectorErrorCodes.General, {
    errorDescription: `Unexpected failure in the Aliyun SMS connector: ${what}`,
  });
};

/**
 * zod-compatible guard: Logto's `validateConfig(config, configGuard)` calls `safeParse` and, on
 * failure, throws `ConnectorError('invalid_config', error)`; `error` carries `issues` (like zod)
 * and a one-line `errorDescription`.
 */
export const configGuard = Object.freeze({
  safeParse: (input) => wasm.validateConfig(input),
  parse: (input) => {
    const result = wasm.validateConfig(input);
    if (!result.success) {
      throw new ConnectorError(ConnectorErrorCodes.InvalidConfig, result.error);
    }
    return result.data;
  },
});

/**
 * Aliyun RPC signature v1 (HMAC-SHA1), as the TypeScript connector's `getSignature`. When every
 * value is a string, method, secret and pairs cross into WebAssembly as one NUL-joined string
 * (`getSignatureFlat`, which refuses it if a NUL inside a key or value shifts the parts); anything
 * else takes the general (JSON) path, which also produces the error for non-string values.
 */
export const getSignature = (parameters, accessKeySecret, method) => {
  try {
    const secret = String(accessKeySecret);
    const verb = String(method);
    if (parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters)) {
      let flat = `${verb}\0${secret}`;
      let pairs = 0;
      for (const key of Object.keys(parameters)) {
        const value = parameters[key];
        if (typeof value !== 'string') {
          pairs = -1;
          break;
        }
        flat += `\0${key}\0${value}`;
        pairs += 1;
      }
      const signature = pairs < 0 ? undefined : wasm.getSignatureFlat(flat, pairs);
      if (signature !== undefined) {
        return signature;
      }
    }
    return wasm.getSignature(parameters, secret, verb);
  } catch (error) {
    throw toConnectorError(error);
  }
};

/** Whether `to` gets the mainland China template. `strict` requires the 86 / +86 / 0086 prefix. */
export const isChinaNumber = (to, strict = false) => wasm.isChinaNumber(to, Boolean(strict));

const sendMessage = (getConfig) => async (data, inputConfig) => {
  // Outside the try: Logto's own errors from getConfig (e.g. a 404 RequestError) pass unchanged.
  const config = inputConfig ?? (await getConfig(metadata.id));
  try {
    return await wasm.sendMessage(data, config);
  } catch (error) {
    throw toConnectorError(error);
  }
};

/**
 * Operator tool (the CLI's `doctor`): checks a config against Aliyun's read-only APIs without
 * sending a message. Always resolves: `{ ok, checks: [{ name, subject?, route?, verdict, detail }], summary }`.
 */
export const doctor = async (config) => (await tools()).doctor(config);

/**
 * Operator tool (the CLI's `status`): `QuerySendDetails` for one sent message,
 * `{ to, bizId, sendDate? }`. Rejects with a `ConnectorError`.
 */
export const querySendDetails = async (config, query) => {
  try {
    return await (await tools()).querySendDetails(config, query);
  } catch (error) {
    throw toConnectorError(error);
  }
};

/** The factory Logto's loader calls. */
export const createConnector = async ({ getConfig }) => ({
  metadata,
  type: ConnectorType.Sms,
  configGuard,
  sendMessage: sendMessage(getConfig),
});

export default createConnector;
