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

import * as wasm from './wasm/aliyun_sms.js';

// Compiled once per process, from the bytes shipped next to the glue: no network, no flags.
wasm.initSync({ module: readFileSync(new URL('wasm/aliyun_sms_bg.wasm', import.meta.url)) });

// credentialType oidc_role_arn: reading the OIDC token file is the one thing the WebAssembly core
// leaves to the host. It asks at every refresh (the file is rotated), with the configured
// oidcTokenFile or, when there is none, undefined.
wasm.setOidcTokenReader(async (path) => {
  const file = path ?? process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE;
  if (!file) {
    throw new Error('no oidcTokenFile is configured and ALIBABA_CLOUD_OIDC_TOKEN_FILE is not set');
  }
  return readFile(file, 'utf8');
});

const credentialTypeIs = (value) => [{ targetKey: 'credentialType', expectValue: value }];

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
    {
      key: 'credentialType',
      label: 'Credential Type',
      type: ConnectorConfigFormItemType.Select,
      required: false,
      defaultValue: 'access_key',
      selectItems: [
        { value: 'access_key', title: 'AccessKey pair (the fields above)' },
        { value: 'ram_role_arn', title: 'RAM role: STS AssumeRole, signed with the AccessKey above' },
        { value: 'ecs_ram_role', title: 'ECS instance RAM role (metadata service)' },
        { value: 'oidc_role_arn', title: 'OIDC role: RRSA on ACK (STS AssumeRoleWithOIDC)' },
      ],
      description:
        'Where the credentials that sign each send come from. The three role types fetch temporary credentials and refresh them before they expire. With ecs_ram_role and oidc_role_arn no AccessKey is used: enter any placeholder (such as -) in the two AccessKey fields, which the form requires.',
    },
    {
      key: 'roleArn',
      label: 'Role ARN',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      placeholder: 'acs:ram::<account-id>:role/<role-name>',
      description: 'ram_role_arn and oidc_role_arn: the RAM role to assume.',
    },
    {
      key: 'oidcProviderArn',
      label: 'OIDC Provider ARN',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      showConditions: credentialTypeIs('oidc_role_arn'),
      placeholder: 'acs:ram::<account-id>:oidc-provider/<provider-name>',
      description: 'oidc_role_arn: the OIDC identity provider the role trusts (on ACK: the cluster\'s RRSA provider).',
    },
    {
      key: 'oidcTokenFile',
      label: 'OIDC Token File',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      showConditions: credentialTypeIs('oidc_role_arn'),
      placeholder: '/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token',
      description:
        'oidc_role_arn: the file holding the OIDC token, read again at every refresh. Leave empty to use the environment variable ALIBABA_CLOUD_OIDC_TOKEN_FILE (set by ACK for RRSA pods).',
    },
    {
      key: 'roleSessionName',
      label: 'Role Session Name',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      placeholder: 'logto-aliyun-sms',
      description:
        'ram_role_arn and oidc_role_arn: names the session in the role\'s audit trail. 2 to 64 letters, digits, ., @, - or _. Default logto-aliyun-sms.',
    },
    {
      key: 'durationSeconds',
      label: 'Session Duration (s)',
      type: ConnectorConfigFormItemType.Number,
      required: false,
      placeholder: '3600',
      description:
        'ram_role_arn and oidc_role_arn: how long the temporary credentials last, 900 to 43200 seconds and at most the role\'s maximum session duration. Default 3600.',
    },
    {
      key: 'policy',
      label: 'Session Policy',
      type: ConnectorConfigFormItemType.MultilineText,
      required: false,
      placeholder: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"dysms:SendSms","Resource":"*"}]}',
      description:
        'ram_role_arn and oidc_role_arn, optional: a RAM policy (JSON) that narrows what the session may do below the role\'s own permissions.',
    },
    {
      key: 'stsEndpoint',
      label: 'STS Endpoint',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      placeholder: 'https://sts.aliyuncs.com/',
      description:
        'ram_role_arn and oidc_role_arn: the STS endpoint, e.g. a regional one such as https://sts.cn-hangzhou.aliyuncs.com/ or a VPC endpoint. Must be https.',
    },
    {
      key: 'roleName',
      label: 'ECS RAM Role Name',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      showConditions: credentialTypeIs('ecs_ram_role'),
      placeholder: '<role-name>',
      description:
        'ecs_ram_role: the RAM role attached to the instance. Leave empty to ask the metadata service for it.',
    },
    {
      key: 'ecsMetadataEndpoint',
      label: 'ECS Metadata Endpoint',
      type: ConnectorConfigFormItemType.Text,
      required: false,
      showConditions: credentialTypeIs('ecs_ram_role'),
      placeholder: 'http://100.100.100.200/',
      description: 'ecs_ram_role: the instance metadata service. Leave empty for the default, http://100.100.100.200/.',
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
 * Joins `{ k: v }` as `k\0v\0…` when every value is a string without NUL: one string crosses into
 * WebAssembly instead of a JSON round trip. Anything else takes the general (JSON) path, which
 * also produces the error for non-string values.
 */
const flatten = (parameters) => {
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    return undefined;
  }
  const parts = [];
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value !== 'string' || key.includes('\0') || value.includes('\0')) {
      return undefined;
    }
    parts.push(key, value);
  }
  // `{}` gives '' (no pairs); `{ '': '' }` gives '\0' (one empty pair).
  return parts.join('\0');
};

/** Aliyun RPC signature v1 (HMAC-SHA1), as the TypeScript connector's `getSignature`. */
export const getSignature = (parameters, accessKeySecret, method) => {
  try {
    const flat = flatten(parameters);
    return flat === undefined
      ? wasm.getSignature(parameters, String(accessKeySecret), String(method))
      : wasm.getSignatureFlat(flat, String(accessKeySecret), String(method));
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
