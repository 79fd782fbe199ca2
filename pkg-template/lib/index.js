// Logto connector entry point. The work happens in WebAssembly (./wasm/, built from the Rust core);
// this file adapts it to Logto: metadata, a zod-compatible configGuard, and errors built from the
// host's own @logto/connector-kit so Logto's `error instanceof ConnectorError` holds.
import { readFileSync } from 'node:fs';

import {
  ConnectorConfigFormItemType,
  ConnectorError,
  ConnectorErrorCodes,
  ConnectorType,
} from '@logto/connector-kit';

import * as wasm from './wasm/aliyun_sms.js';

// Compiled once per process, from the bytes shipped next to the glue: no network, no flags.
wasm.initSync({ module: readFileSync(new URL('wasm/aliyun_sms_bg.wasm', import.meta.url)) });

const templateUsageTypes = [
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
  formItems: [
    {
      key: 'accessKeyId',
      label: 'Access Key ID',
      type: ConnectorConfigFormItemType.Text,
      required: true,
      placeholder: '<access-key-id>',
    },
    {
      key: 'accessKeySecret',
      label: 'Access Key Secret',
      type: ConnectorConfigFormItemType.Text,
      required: true,
      // Not in the official connector's metadata: lets Logto's console mask the secret.
      isConfidential: true,
      placeholder: '<access-key-secret>',
    },
    {
      key: 'signName',
      label: 'Signature Name',
      type: ConnectorConfigFormItemType.Text,
      required: true,
      placeholder: '<signature-name>',
    },
    {
      key: 'templates',
      label: 'Templates',
      type: ConnectorConfigFormItemType.Json,
      required: true,
      defaultValue: templateUsageTypes.map((usageType) => ({
        usageType,
        templateCode: '<template-code>',
      })),
    },
    {
      key: 'strictPhoneRegionNumberCheck',
      label: 'Strict Phone Region Number Check',
      type: ConnectorConfigFormItemType.Switch,
      defaultValue: false,
      description:
        "When this configuration is enabled, the connector will assume by default that all phone numbers include a valid region code and rely on this to determine whether the phone number belongs to mainland China. If your users' phone numbers do not include a region code due to historical reasons, their sign-in processes may be affected. Please enable this setting with caution.",
    },
    {
      key: 'signatureVersion',
      label: 'Signature Version',
      type: ConnectorConfigFormItemType.Select,
      required: false,
      defaultValue: 'v1',
      selectItems: [
        { value: 'v1', title: 'V1 (HMAC-SHA1, as the official connector)' },
        { value: 'v3', title: 'V3 (ACS3-HMAC-SHA256, recommended by Alibaba Cloud)' },
      ],
      description:
        'How requests are signed. V1 is what the official connector sends; V3 is the signature Alibaba Cloud recommends.',
    },
    {
      key: 'securityToken',
      label: 'Security Token (STS)',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      isConfidential: true,
      placeholder: '<sts-security-token>',
      description:
        'Only for temporary credentials from STS (RAM role): the SecurityToken issued with the temporary AccessKey pair. Leave empty for a permanent AccessKey.',
    },
    {
      key: 'endpoint',
      label: 'Endpoint',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      placeholder: 'https://dysmsapi.aliyuncs.com/',
      description:
        'Aliyun SMS API endpoint. Leave empty for the default (mainland China site). International site: https://dysmsapi.ap-southeast-1.aliyuncs.com/. Must be https.',
    },
    {
      key: 'regionId',
      label: 'Region ID',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      placeholder: 'cn-hangzhou',
      description:
        'Region of the endpoint. Leave empty for cn-hangzhou; use ap-southeast-1 with the international endpoint.',
    },
    {
      key: 'timeout',
      label: 'Timeout (ms)',
      type: ConnectorConfigFormItemType.Number,
      required: false,
      placeholder: '10000',
      description:
        'How long to wait for Aliyun before failing the send, in milliseconds (100 to 60000). Default 10000.',
    },
  ],
});

const knownCodes = new Set(Object.values(ConnectorErrorCodes));

/** Rebuilds a `{ code, data }` failure from WebAssembly as the host's ConnectorError. */
const toConnectorError = (failure) => {
  if (failure instanceof ConnectorError) {
    return failure;
  }
  if (
    failure &&
    typeof failure === 'object' &&
    knownCodes.has(failure.code) &&
    failure.data &&
    typeof failure.data === 'object'
  ) {
    return new ConnectorError(failure.code, failure.data);
  }
  // Not expected: the boundary only rejects with `{ code, data }`. Never leak a raw error type.
  return new ConnectorError(ConnectorErrorCodes.General, {
    errorDescription: `Unexpected failure in the Aliyun SMS connector: ${String(failure)}`,
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

/** The factory Logto's loader calls. */
export const createConnector = async ({ getConfig }) => ({
  metadata,
  type: ConnectorType.Sms,
  configGuard,
  sendMessage: sendMessage(getConfig),
});

export default createConnector;
