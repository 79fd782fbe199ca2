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

/**
 * The API for mainland China numbers: `SendSms` (approved signature and templates) or
 * `SendSmsVerifyCode` (Aliyun's Message Authentication Service: system signature and templates).
 */
export type MainlandApi = 'SendSms' | 'SendSmsVerifyCode';

/** A template as written in the connector config. */
export type AliyunSmsTemplate = {
  /**
   * Logto's usage type, e.g. `SignIn`, `Register`, `ForgotPassword`, `Generic`. Non-empty, no
   * leading or trailing whitespace.
   */
  usageType: string;
  /**
   * The language of this template, a BCP 47 tag (`en`, `zh-CN`, `pt-BR`; case-insensitive, `_`
   * read as `-`), chosen by the message's `payload.locale`. Empty or `null`: no locale, the
   * template for every other language (each required usage type needs one).
   */
  locale?: string | null;
  /**
   * Aliyun's template code (`SMS_…`), or one per region. `""` is accepted (as in the official
   * connector), but a send that picks an empty code fails with `invalid_config`; left out or
   * `null` is the same as `""` (Logto's `clean-deep` removes `""`). Otherwise no leading or
   * trailing whitespace.
   */
  templateCode?: string | RegionalTemplateCode | null;
  /** Defaults to 2 (verification code). Kept for compatibility; not sent to Aliyun. */
  type?: SmsTemplateType | null;
};

// AliyunSmsConfig, AliyunSmsTemplate, their parsed forms and the aliases they use follow the
// repository's data/config-fields.json; `node scripts/docs.mjs --check` compares them.

/**
 * Where the credentials that sign each send come from. `access_key` (the default): the configured
 * AccessKey pair. The others fetch temporary credentials and renew them 3 minutes before they
 * expire: `ram_role_arn` (STS AssumeRole, signed with the configured pair), `ecs_ram_role` (the
 * ECS instance metadata service), `oidc_role_arn` (STS AssumeRoleWithOIDC, RRSA on ACK).
 */
export type CredentialType = 'access_key' | 'ram_role_arn' | 'ecs_ram_role' | 'oidc_role_arn';

/**
 * The connector config as accepted (the input of `configGuard`). `null` or an empty string in an
 * optional field means "use the default"; unknown keys are ignored, and so are the credential
 * fields that the chosen `credentialType` does not use.
 */
export type AliyunSmsConfig = {
  /**
   * Non-empty, no leading or trailing whitespace. Used by `access_key` and `ram_role_arn` (as the
   * pair that signs AssumeRole); ignored by the other types, but typed as required because the
   * default type needs it.
   */
  accessKeyId: string;
  /** Non-empty, no leading or trailing whitespace. Used only to sign; never sent. As `accessKeyId`. */
  accessKeySecret: string;
  /**
   * STS token of temporary credentials (RAM role), sent as `SecurityToken` (V1) or
   * `x-acs-security-token` (V3) and covered by the signature. Omit, `null` or `""` for a permanent
   * AccessKey; otherwise non-empty with no leading or trailing whitespace.
   */
  securityToken?: string | null;
  /** Default `v1` (what the official connector sends). `null`, `""` or whitespace mean the default. */
  signatureVersion?: SignatureVersion | null;
  /** Non-empty, no leading or trailing whitespace; shared by all templates. */
  signName: string;
  /** Must include the usage types `Register`, `SignIn`, `ForgotPassword` and `Generic`; with
   * `api: 'SendSmsVerifyCode'`, `[]` (or leaving it out) means the system templates. */
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
  /** Where numbers outside mainland China go instead (docs/worldwide.md). */
  overseas?: OverseasRouteConfig | null;
  /** Default `access_key` (docs/credentials.md). */
  credentialType?: CredentialType | null;
  /** `ram_role_arn` and `oidc_role_arn` (required there): `acs:ram::<account-id>:role/<role-name>`. */
  roleArn?: string | null;
  /** `oidc_role_arn` (required there): `acs:ram::<account-id>:oidc-provider/<provider-name>`. */
  oidcProviderArn?: string | null;
  /** `oidc_role_arn`: the token file, read at every refresh. Default: `$ALIBABA_CLOUD_OIDC_TOKEN_FILE`. */
  oidcTokenFile?: string | null;
  /** Role types: default `logto-aliyun-sms`. 2 to 64 letters, digits, `.`, `@`, `-`, `_`. */
  roleSessionName?: string | null;
  /** Role types: seconds, a whole number from 900 to 43200 (and at most the role's maximum). Default 3600. */
  durationSeconds?: number | null;
  /** Role types: a RAM policy that narrows the session, as JSON text of an object or the object. At most 2048 bytes. */
  policy?: string | Record<string, unknown> | null;
  /** Role types: default `https://sts.aliyuncs.com/`. `https://`, or `http://` to a loopback host only. */
  stsEndpoint?: string | null;
  /** `ecs_ram_role`: the RAM role attached to the instance. Default: asked from the metadata service. */
  roleName?: string | null;
  /** `ecs_ram_role`: default `http://100.100.100.200/`; also `http://` to exactly that address. */
  ecsMetadataEndpoint?: string | null;
  /**
   * Default `SendSms`. `SendSmsVerifyCode`: endpoint default `https://dypnsapi.aliyuncs.com/`,
   * a system `signName`, mainland China numbers only (others take `overseas`).
   */
  api?: MainlandApi | null;
};

/** The API an overseas route calls. */
export type OverseasApi = 'SendMessageToGlobe' | 'SendSms';

/**
 * A message text for `SendMessageToGlobe`. `{{name}}` (letters, digits, `_`; spaces inside the
 * braces allowed) takes the payload's string value `name`; a placeholder the payload lacks fails
 * the send with `invalid_request_parameters` before anything is sent.
 */
export type OverseasMessageText = string;

/**
 * One entry of the list form of an overseas `message`: a text for a usage type and, optionally,
 * a language (BCP 47, chosen by `payload.locale` as templates are).
 */
export type OverseasMessageEntry = {
  usageType: string;
  locale?: string | null;
  text: OverseasMessageText;
};

/** The three forms of an overseas `message`. */
export type OverseasMessage =
  | OverseasMessageText
  | Record<string, OverseasMessageText>
  | OverseasMessageEntry[];

/**
 * The optional route for numbers outside mainland China (docs/worldwide.md). `null`, `{}` or an
 * object of only empty values mean no route, as do empty fields their default.
 */
export type OverseasRouteConfig = {
  /** Default `SendMessageToGlobe`. */
  api?: OverseasApi | null;
  /** The route's own account; when all three are empty, the top-level credentials are used. */
  accessKeyId?: string | null;
  accessKeySecret?: string | null;
  securityToken?: string | null;
  /** Default `https://dysmsapi.ap-southeast-1.aliyuncs.com/`; same rules as the top-level one. */
  endpoint?: string | null;
  /** Default `ap-southeast-1`. */
  regionId?: string | null;
  /** Default: the top-level `signatureVersion`. */
  signatureVersion?: SignatureVersion | null;
  /** Sender ID (`SendMessageToGlobe`): at most 11 letters and digits, or at most 15 digits. */
  from?: string | null;
  /**
   * Required for `SendMessageToGlobe`. One text with `{{code}}`; one per usage type with a
   * required `Generic` (with `{{code}}`; other entries need `{{code}}` or `{{link}}`); or a list
   * of entries with locales, which needs a `Generic` entry without `locale`.
   */
  message?: OverseasMessage | null;
  /** `SendSms` only. Default: the top-level `signName`. */
  signName?: string | null;
};

/** The overseas route after validation: defaults filled in; credentials only when its own. */
export type ParsedOverseasRouteConfig = {
  api: OverseasApi;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  endpoint: string;
  regionId: string;
  signatureVersion: SignatureVersion;
  from?: string;
  message?: OverseasMessage;
  signName: string;
};

/** A template after validation: `type` filled in. */
export type ParsedAliyunSmsTemplate = {
  usageType: string;
  /** Present only when given (`_` read as `-`). */
  locale?: string;
  templateCode: string | RegionalTemplateCode;
  type: SmsTemplateType;
};

/**
 * The config after validation, every default filled in (`configGuard`'s output). Of the
 * credential fields, only those of its `credentialType` are present: `accessKeyId`,
 * `accessKeySecret` (and `securityToken`) for `access_key` and `ram_role_arn`; `roleArn`,
 * `roleSessionName`, `durationSeconds`, `policy` (when given) and `stsEndpoint` for the two STS
 * types; `oidcProviderArn` and `oidcTokenFile` (when given) for `oidc_role_arn`; `roleName` (when
 * given) and `ecsMetadataEndpoint` for `ecs_ram_role`.
 */
export type ParsedAliyunSmsConfig = {
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Present only when a non-empty token was given. */
  securityToken?: string;
  signatureVersion: SignatureVersion;
  signName: string;
  templates: ParsedAliyunSmsTemplate[];
  strictPhoneRegionNumberCheck: boolean;
  /** Normalised: scheme and host lower-cased, a default port (443, or 80 for http) dropped, `/` added when there is no path. */
  endpoint: string;
  regionId: string;
  /** Milliseconds. */
  timeout: number;
  /** Present only when a route is configured. */
  overseas?: ParsedOverseasRouteConfig;
  credentialType: CredentialType;
  roleArn?: string;
  oidcProviderArn?: string;
  oidcTokenFile?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  /** Always JSON text. */
  policy?: string;
  stsEndpoint?: string;
  roleName?: string;
  ecsMetadataEndpoint?: string;
  /** Present only when it is `SendSmsVerifyCode` (then `templates` lists the templates in force). */
  api?: MainlandApi;
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

/** Which configured template or overseas text served a message. */
export type EntryInfo = {
  /** Absent for the overseas route's one text for every message. */
  usageType?: string;
  /** The entry's `locale`; absent for the entry without one (the default). */
  locale?: string;
};

/**
 * Which route and API a message took (present only when an overseas route is configured), and
 * which entry served it (present only when the config has a `locale` anywhere).
 */
export type RouteInfo = {
  route?: 'mainland' | 'overseas';
  api?: OverseasApi | MainlandApi;
  entry?: EntryInfo;
};

/** What a successful `SendSms` resolves to: Aliyun's answer. */
export type SendSmsResult = RouteInfo & {
  Code: 'OK';
  Message: string;
  RequestId: string;
  BizId?: string;
};

/** What a successful `SendSmsVerifyCode` (`api: 'SendSmsVerifyCode'`) resolves to: Aliyun's answer. */
export type SendSmsVerifyCodeResult = RouteInfo & {
  Code: 'OK';
  Message: string;
  Success?: boolean;
  RequestId: string;
  /** `BizId` is what `status` looks the code up by; `VerifyCode` only when Aliyun made the code (never asked for). */
  Model?: { BizId?: string; OutId?: string; RequestId?: string; VerifyCode?: string };
};

/** What a successful `SendMessageToGlobe` (overseas route) resolves to: Alibaba Cloud's answer. */
export type SendMessageToGlobeResult = RouteInfo & {
  ResponseCode: 'OK';
  ResponseDescription?: string;
  MessageId?: string;
  /** Billed parts, as Alibaba Cloud writes it (a string of digits). */
  Segments?: string;
  To?: string;
  From?: string;
  NumberDetail?: { Country?: string; Region?: string; Carrier?: string };
  RequestId: string;
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
  /** Aliyun's error code (`ResponseCode` for SendMessageToGlobe), e.g. `isv.BUSINESS_LIMIT_CONTROL`. */
  Code?: string;
  /** Aliyun's error message, when it sent one. */
  Message?: string;
  /** Aliyun's request id, for Aliyun support. */
  RequestId?: string;
  /** HTTP status of Aliyun's answer, when there was one. */
  status?: number;
  /** Config problems (only with `invalid_config`). */
  issues?: ConfigIssue[];
  /** With an overseas route configured: the route the message took, once it was chosen. */
  route?: 'mainland' | 'overseas';
  /** With an overseas route configured: the API the message's route calls. */
  api?: OverseasApi | MainlandApi;
  /** With a `locale` in the config: the template or text of the message Aliyun refused. */
  entry?: EntryInfo;
};

/** Sends one message. Resolves with Aliyun's answer; rejects with a `ConnectorError`. */
export type AliyunSmsSendMessage = (
  data: SendMessageData,
  config?: unknown
) => Promise<SendSmsResult | SendSmsVerifyCodeResult | SendMessageToGlobeResult>;

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

/** One doctor check. `fail`: a send will not work; `warn`: it may not, or it was not checked. */
export type DoctorCheck = {
  /** `from` and `message`: an overseas route with `SendMessageToGlobe` only. */
  name: 'config' | 'endpoint' | 'clock' | 'credentials' | 'signName' | 'template' | 'from' | 'message' | 'locale';
  /** The template code a `template` check is about (`(empty)` for an empty code), or the usage type of a `message` text. */
  subject?: string;
  /** `overseas`: a check of the overseas route's account or texts; absent for the top level's. */
  route?: 'overseas';
  verdict: 'ok' | 'warn' | 'fail';
  /** One line; never contains the access key secret or the security token. */
  detail: string;
  /** Every config problem (the `config` check, when the config is invalid). */
  issues?: ConfigIssue[];
};

/** What `doctor` resolves with. */
export type DoctorReport = {
  /** No check failed. */
  ok: boolean;
  checks: DoctorCheck[];
  /** E.g. `5 ok, 1 warn, 0 fail`. */
  summary: string;
};

/**
 * Checks a config against Aliyun without sending a message: the config, the endpoint and the
 * clock, the credentials (`GetSmsSign`), the signature name and every template code
 * (`GetSmsTemplate`); with an overseas route, the same on its account (`SendMessageToGlobe`:
 * the key via `QueryMessage`, the sender ID and the message texts). With
 * `api: 'SendSmsVerifyCode'` the key via dypnsapi's `QuerySendDetails`, and `warn` lines for the
 * system signature and templates, which cannot be checked without sending. Never rejects (once
 * the module below is loaded). The first call of `doctor` or `querySendDetails` loads the
 * operator tools' own WebAssembly module (`lib/wasm/aliyun_sms_tools_bg.wasm`), which Logto never
 * loads.
 */
export declare function doctor(config: unknown): Promise<DoctorReport>;

/** One message's delivery record, from `QuerySendDetails`. */
export type SendDetail = {
  phoneNumber: string;
  state: 'waiting' | 'failed' | 'delivered';
  /** The carrier's code: `DELIVERED`, or why it failed. */
  errCode?: string | null;
  templateCode?: string | null;
  /** The text as sent (it contains the code). */
  content?: string | null;
  /** `YYYY-MM-DD hh:mm:ss`, Asia/Shanghai. */
  sendDate?: string | null;
  receiveDate?: string | null;
};

/** What `querySendDetails` resolves with. */
export type SendStatus = {
  /** The API the message was sent with: its product's records were asked (dypnsapi's for `SendSmsVerifyCode`). */
  api: MainlandApi;
  /**
   * With an `overseas` route only: whose records were asked, as for a send to this number
   * (`overseas`: the route's account, endpoint and credentials).
   */
  route?: 'mainland' | 'overseas';
  /** As queried: mainland numbers as 11 digits, others with their country code. */
  phoneNumber: string;
  bizId: string;
  /** `YYYYMMDD`, Asia/Shanghai. */
  sendDate: string;
  requestId: string;
  totalCount: number;
  details: SendDetail[];
};

/**
 * `QuerySendDetails` for one sent message, on the account a send to `to` used (the `overseas`
 * route's for a number outside mainland China). `sendDate` (`YYYYMMDD`, Asia/Shanghai) defaults
 * to today there. Rejects with a `ConnectorError`; a malformed query, or a number on a
 * `SendMessageToGlobe` route (no BizId), is `invalid_request_parameters` without a `status`.
 */
export declare function querySendDetails(
  config: unknown,
  query: { to: string; bizId: string; sendDate?: string }
): Promise<SendStatus>;

/** The factory Logto's loader calls. */
export declare function createConnector(
  options: CreateConnectorOptions
): Promise<AliyunSmsConnector>;

export default createConnector;
