// Type declarations for ./index.js, the Logto entry point of connector-aliyun-sms-wasm.
//
// The connector has the shape of an `SmsConnector` from @logto/connector-kit with one difference:
// `configGuard` offers zod's `safeParse` (the only call Logto makes) and `parse`, but is not a zod
// schema, so it is typed as `AliyunSmsConfigGuard` rather than `ZodType`.

import type {
  ConnectorMetadata,
  ConnectorType,
  CreateConnector,
  SendMessageData,
  SmsConnector,
} from '@logto/connector-kit';

/** Aliyun's template type: 0 notification, 1 promotion, 2 verification code, 6 international, 7 pure number. */
export type SmsTemplateType = 0 | 1 | 2 | 6 | 7;

/** One template code per region: `china` for mainland China numbers, `overseas` for all others. */
export type RegionalTemplateCode = {
  china: string;
  overseas: string;
};

/** How requests are signed: `v1` RPC signature 1.0 (HMAC-SHA1), `v3` ACS3-HMAC-SHA256. */
export type SignatureVersion = 'v1' | 'v3';

/** A template as written in the connector config. */
export type AliyunSmsTemplate = {
  /**
   * Logto's usage type, e.g. `SignIn`, `Register`, `ForgotPassword`, `Generic`. Non-empty, no
   * leading or trailing whitespace.
   */
  usageType: string;
  /**
   * Aliyun's template code (`SMS_…`), or one per region. `""` is accepted (as in the official
   * connector), but a send that picks an empty code fails with `invalid_config`. Otherwise no
   * leading or trailing whitespace.
   */
  templateCode: string | RegionalTemplateCode;
  /** Defaults to 2 (verification code). Kept for compatibility; not sent to Aliyun. */
  type?: SmsTemplateType | null;
};

/**
 * Where the credentials that sign each send come from. `access_key` (the default): the configured
 * AccessKey pair. The others fetch temporary credentials and renew them 3 minutes before they
 * expire: `ram_role_arn` (STS AssumeRole, signed with the configured pair), `ecs_ram_role` (the
 * ECS instance metadata service), `oidc_role_arn` (STS AssumeRoleWithOIDC, RRSA on ACK).
 */
export type CredentialType = 'access_key' | 'ram_role_arn' | 'ecs_ram_role' | 'oidc_role_arn';

/** An AccessKey pair: the signer (`access_key`) or the source that signs AssumeRole (`ram_role_arn`). */
export type AccessKeyFields = {
  /** Non-empty, no leading or trailing whitespace. */
  accessKeyId: string;
  /** Non-empty, no leading or trailing whitespace. Used only to sign; never sent. */
  accessKeySecret: string;
  /**
   * STS token of temporary credentials (RAM role), sent as `SecurityToken` (V1) or
   * `x-acs-security-token` (V3) and covered by the signature. Omit, `null` or `""` for a permanent
   * AccessKey; otherwise non-empty with no leading or trailing whitespace.
   */
  securityToken?: string | null;
};

/** The role session of `ram_role_arn` and `oidc_role_arn`. */
export type RoleSessionFields = {
  /** `acs:ram::<account-id>:role/<role-name>`. */
  roleArn: string;
  /** Default `logto-aliyun-sms`. 2 to 64 letters, digits, `.`, `@`, `-`, `_`. */
  roleSessionName?: string | null;
  /** Seconds, a whole number from 900 to 43200 (and at most the role's maximum). Default 3600. */
  durationSeconds?: number | null;
  /** A RAM policy that narrows the session: JSON text of an object, or the object. At most 2048 bytes. */
  policy?: string | Record<string, unknown> | null;
  /** Default `https://sts.aliyuncs.com/`. `https://`, or `http://` to a loopback host only. */
  stsEndpoint?: string | null;
};

/**
 * The credential fields of a config, by `credentialType`. Fields a type does not use are ignored.
 * `null` or `""` in an optional field means "use the default".
 */
export type AliyunSmsCredentialConfig =
  | ({ credentialType?: 'access_key' | '' | null } & AccessKeyFields)
  | ({ credentialType: 'ram_role_arn' } & AccessKeyFields & RoleSessionFields)
  | ({
      credentialType: 'oidc_role_arn';
      /** `acs:ram::<account-id>:oidc-provider/<provider-name>`. */
      oidcProviderArn: string;
      /** The OIDC token file, read at every refresh. Default: the file named by `ALIBABA_CLOUD_OIDC_TOKEN_FILE`. */
      oidcTokenFile?: string | null;
    } & RoleSessionFields)
  | {
      credentialType: 'ecs_ram_role';
      /** The RAM role attached to the instance. Default: asked from the metadata service. */
      roleName?: string | null;
      /** Default `http://100.100.100.200/`. `https://`, `http://` to a loopback host, or `http://100.100.100.200`. */
      ecsMetadataEndpoint?: string | null;
    };

/**
 * The connector config as accepted (the input of `configGuard`). `null` or an empty string in an
 * optional field means "use the default"; unknown keys are ignored.
 */
export type AliyunSmsConfig = AliyunSmsCredentialConfig & {
  /** Default `v1` (what the official connector sends). `null`, `""` or whitespace mean the default. */
  signatureVersion?: SignatureVersion | null;
  /** Non-empty, no leading or trailing whitespace; shared by all templates. */
  signName: string;
  /** Must include the usage types `Register`, `SignIn`, `ForgotPassword` and `Generic`. */
  templates: AliyunSmsTemplate[];
  /** Default `false`. */
  strictPhoneRegionNumberCheck?: boolean | null;
  /** Default `https://dysmsapi.aliyuncs.com/`. `https://`, or `http://` to a loopback host only. */
  endpoint?: string | null;
  /**
   * Default `cn-hangzhou`. Lower-case letters, digits and `-`, at most 64 characters. Sent as
   * `RegionId` with V1 only (V3 has no region parameter).
   */
  regionId?: string | null;
  /** Milliseconds, an integer from 100 to 60000. Default 10000. */
  timeout?: number | null;
};

/** A template after validation: `type` filled in. */
export type ParsedAliyunSmsTemplate = {
  usageType: string;
  templateCode: string | RegionalTemplateCode;
  type: SmsTemplateType;
};

/** A role session after validation, every default filled in. */
export type ParsedRoleSessionFields = {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  /** Present only when a policy was given; always JSON text. */
  policy?: string;
  /** Normalised like `endpoint`. */
  stsEndpoint: string;
};

/** The credential fields after validation. `access_key` has no `credentialType` key, as before. */
export type ParsedAliyunSmsCredentialConfig =
  | { accessKeyId: string; accessKeySecret: string; securityToken?: string }
  | ({ credentialType: 'ram_role_arn'; accessKeyId: string; accessKeySecret: string; securityToken?: string } & ParsedRoleSessionFields)
  | ({ credentialType: 'oidc_role_arn'; oidcProviderArn: string; oidcTokenFile?: string } & ParsedRoleSessionFields)
  | { credentialType: 'ecs_ram_role'; roleName?: string; ecsMetadataEndpoint: string };

/** The config after validation, every default filled in (`configGuard`'s output). */
export type ParsedAliyunSmsConfig = ParsedAliyunSmsCredentialConfig & {
  signatureVersion: SignatureVersion;
  signName: string;
  templates: ParsedAliyunSmsTemplate[];
  strictPhoneRegionNumberCheck: boolean;
  /** Normalised: scheme and host lower-cased, a default port (443, or 80 for http) dropped, `/` added when there is no path. */
  endpoint: string;
  regionId: string;
  /** Milliseconds. */
  timeout: number;
};

/** The kind of a config problem, named after zod's issue codes. */
export type ConfigIssueCode =
  | 'invalid_type'
  | 'too_small'
  | 'too_big'
  | 'invalid_enum_value'
  | 'invalid_string'
  | 'custom';

/** One config problem, like a zod issue: where (`path`) and what (`message`). */
export type ConfigIssue = {
  code: ConfigIssueCode;
  /** Object keys and array indexes, e.g. `['templates', 1, 'templateCode', 'overseas']`; `[]` for the root. */
  path: Array<string | number>;
  message: string;
};

/** Why a config was rejected: the `error` of a failed `safeParse`, and the `data` of `invalid_config`. */
export type ConfigError = {
  /** One line naming every problem, e.g. `Invalid Aliyun SMS connector config: signName: Required`. */
  errorDescription: string;
  /** Every problem found (a value that cannot be read at all, e.g. a cyclic object, is one issue at path `[]`). */
  issues: ConfigIssue[];
};

export type ConfigSafeParseSuccess = { success: true; data: ParsedAliyunSmsConfig };
export type ConfigSafeParseFailure = { success: false; error: ConfigError };
export type ConfigSafeParseResult = ConfigSafeParseSuccess | ConfigSafeParseFailure;

/** The zod-compatible guard Logto calls. */
export type AliyunSmsConfigGuard = Readonly<{
  /** Never throws. */
  safeParse: (input: unknown) => ConfigSafeParseResult;
  /** Returns the parsed config or throws `ConnectorError('invalid_config', ConfigError)`. */
  parse: (input: unknown) => ParsedAliyunSmsConfig;
}>;

/** What a successful send resolves to: Aliyun's answer. */
export type SendSmsResult = {
  Code: 'OK';
  Message: string;
  RequestId: string;
  BizId?: string;
};

/** The connector-kit error codes this connector throws (`ConnectorError#code`). */
export type AliyunSmsErrorCode =
  | 'general'
  | 'invalid_config'
  | 'invalid_request_parameters'
  | 'invalid_response'
  | 'rate_limit_exceeded'
  | 'usage_limit_exceeded';

/** The `data` of every `ConnectorError` this connector throws. */
export type AliyunSmsErrorData = {
  /**
   * One line for the operator; never contains the access key secret or any token (6 or more
   * characters), temporary ones included. A failed credential refresh names its step.
   */
  errorDescription: string;
  /** Aliyun's error code, e.g. `isv.BUSINESS_LIMIT_CONTROL`, when Aliyun answered with one. */
  Code?: string;
  /** Aliyun's error message, when it sent one. */
  Message?: string;
  /** Aliyun's request id, for Aliyun support. */
  RequestId?: string;
  /** HTTP status of Aliyun's answer, when there was one. */
  status?: number;
  /** Config problems (only with `invalid_config`). */
  issues?: ConfigIssue[];
};

/** Sends one message. Resolves with Aliyun's answer; rejects with a `ConnectorError`. */
export type AliyunSmsSendMessage = (
  data: SendMessageData,
  config?: unknown
) => Promise<SendSmsResult>;

/** The connector object `createConnector` resolves to. */
export type AliyunSmsConnector = Omit<SmsConnector, 'type' | 'configGuard' | 'sendMessage'> & {
  type: ConnectorType.Sms;
  metadata: ConnectorMetadata;
  configGuard: AliyunSmsConfigGuard;
  sendMessage: AliyunSmsSendMessage;
};

/** The options Logto passes to a connector factory. Only `getConfig` is used. */
export type CreateConnectorOptions = Parameters<CreateConnector<SmsConnector>>[0];

/** Connector id `aliyun-short-message-service`, target `aliyun-sms`, and the config form. */
export declare const metadata: ConnectorMetadata;

/** zod-compatible config guard (`safeParse`, `parse`), backed by the WebAssembly core. */
export declare const configGuard: AliyunSmsConfigGuard;

/**
 * Aliyun RPC signature v1 (HMAC-SHA1, base64) of `parameters`, without a `Signature` entry.
 * The method is upper-cased. Throws `ConnectorError('invalid_request_parameters')` if a value
 * is not a string.
 */
export declare function getSignature(
  parameters: Record<string, string>,
  accessKeySecret: string,
  method: string
): string;

/**
 * Whether `to` gets the mainland China code of a regional template: `1` and ten digits, after an
 * optional `86` / `+86` / `0086` prefix, which `strict` makes mandatory. Separators
 * (space, tab, `-`, `.`, `(`, `)`) are ignored.
 */
export declare function isChinaNumber(to: string, strict?: boolean): boolean;

/** The factory Logto's loader calls. */
export declare function createConnector(
  options: CreateConnectorOptions
): Promise<AliyunSmsConnector>;

export default createConnector;
