#!/usr/bin/env node
// A local stand-in for Aliyun's dysmsapi endpoint (`SendSms`, and the read-only `GetSmsSign`,
// `GetSmsTemplate` and `QuerySendDetails`): RPC style with signature version 1.0
// (HMAC-SHA1, parameters in a form), or signature V3 (ACS3-HMAC-SHA256: parameters in the query,
// signed x-acs-* headers and an Authorization header; any other header the client sends, beyond
// what the HTTP runtime adds itself, must be signed too, so an unsigned content-type is refused).
//
// It verifies every request on its own terms: its own RFC 3986 encoder, its own canonical query
// and HMAC-SHA1 (node:crypto), and its own checks of each parameter. Nothing here is imported from
// the connector, so a bug in the connector's signing cannot be mirrored by the checker.
//
// Library use (tests, scripts/start.mjs):
//
//   const server = await startAliyunServer({ credentials: { id: 'secret' } });
//   // STS: requests with this key id must carry this token (SecurityToken / x-acs-security-token)
//   const sts = await startAliyunServer({ credentials: { id: 'secret' }, securityTokens: { id: 'token' } });
//   // Temporary credentials also expire: after this time (ms) the key id gets InvalidSecurityToken.Expired.
//   // The three maps may be filled while the server runs (sts-server.mjs's onIssue does).
//   const temporary = await startAliyunServer({ credentials, securityTokens, expirations: { id: Date.now() + 3600e3 } });
//   server.url            // 'http://127.0.0.1:<port>/'
//   server.requests       // [{ method, path, headers, rawBody, params, verified, ... }]
//   server.setMode(mode)  // how every following request is answered
//   server.respondNext(mode) // how the next request is answered (queued, one-shot)
//   await server.close()
//
// Read-only actions (state set per name, code or BizId; anything not set is approved, has a
// `${code}` template, or was delivered):
//   server.setSign(name, 'approved' | 'under_review' | 'rejected' | 'cancelled' | 'unknown'
//                  | { state, reason } | { status: 7 })         // GetSmsSign
//   server.setTemplate(code, same states, or { state, content, reason })   // GetSmsTemplate
//   server.messages        // every accepted SendSms: [{ bizId, phoneNumber, templateCode, ... }]
//   server.addMessage({ phoneNumber, templateCode?, content?, sentAt? }) // a record; returns its BizId
//   server.setDelivery(bizId, 'waiting' | 'failed' | 'delivered' | { state, errCode }) // one message
//   server.setDeliveryState(state)   // every message without its own (default 'delivered')
//   server.setDenied(['GetSmsTemplate'])  // RAM refuses these actions (Forbidden.RAM, HTTP 403)
//   server.setClockSkew(ms)  // the server's clock (Timestamp check and Date header) runs ms ahead
//   server.setDateHeader(false) // answers without a Date header
//
// A mode is 'ok' (verify, answer like Aliyun would), { aliyunError: code, status?, message? },
// { status, body, contentType? } (raw answer), 'html500', 'truncated', 'not-json', 'empty',
// 'hang' (never answer), 'drop' (destroy the socket mid-body), 'reset' (destroy it before any
// answer), 'huge' (a multi-megabyte non-JSON body) or 'echo-signed' (SignatureDoesNotMatch with
// Aliyun's echo of what it signed, even for a good signature: the V1 string to sign, or the V3
// canonical request and string to sign; both hold the security token). Whatever the mode, the request is parsed and
// verified and its record lands in `requests` before the answer is chosen.
//
// International site: `startAliyunServer({ actions: ['SendSms', 'SendMessageToGlobe', 'QueryMessage'], ... })`
// also serves `SendMessageToGlobe` and the read-only `QueryMessage` (API 2018-05-01; an id it did
// not hand out gets ResponseCode DATA_NOT_EXIST, its own ids a delivered report). Its business answers are HTTP 200 with
// `ResponseCode`/`ResponseDescription` (OK: plus MessageId, Segments, To, From, NumberDetail);
// rejected requests (signature, key, ...) get the common `Code`/`Message` envelope, as for SendSms.
// `{ aliyunError }` modes answer in the envelope of the request's action (status 200: business).
// `senderIds`, when given, lists the sender IDs (`From`) it accepts; others get INVALID_SENDERID.
//
// Message Authentication Service: `startAliyunServer({ actions: ['SendSmsVerifyCode'], ... })`
// serves dypnsapi's `SendSmsVerifyCode` (2017-05-25) instead: `PhoneNumber` must be an 11-digit
// mainland number without `86` (else MOBILE_NUMBER_ILLEGAL), `CountryCode` absent or `86`,
// `TemplateCode` a system template (`verifyTemplateCodes`, default 100001 to 100005; else
// INVALID_PARAMETERS), `SignName` in `signNames` when given (else INVALID_PARAMETERS), and a
// `TemplateParam` of string values. OK answers carry `Success: true` and
// `Model: { BizId, OutId?, RequestId }`; `{ aliyunError }` modes add `Success: false`. Accepted
// sends land in `server.verifyCodes`. Such an instance may also serve dypnsapi's read-only
// `QuerySendDetails` (list it in `actions`): the same parameters as the SMS product's, the records
// of those sends under `Model` (delivered unless `setDelivery(bizId, …)` says otherwise).
//
// Standalone: `node tests/support/aliyun-server.mjs [--port 0] [--access-key-id ID]
// [--access-key-secret SECRET]` prints its URL and logs each signed request it receives.

import { createHash, createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { answerSimulated, recorder, startLoopbackServer } from './loopback-server.mjs';

/** Demo credentials for local runs. They are not, and never were, real Aliyun keys. */
export const DEMO_CREDENTIALS = Object.freeze({
  accessKeyId: 'LTAI-local-demo-key-id',
  accessKeySecret: 'local-demo-secret-not-a-real-key',
});

export const API = Object.freeze({
  action: 'SendSms',
  version: '2017-05-25',
  format: 'JSON',
  signatureMethod: 'HMAC-SHA1',
  signatureVersion: '1.0',
});

/** `SendMessageToGlobe`: served only by instances that list it in `actions`. */
export const GLOBE_API = Object.freeze({ action: 'SendMessageToGlobe', version: '2018-05-01' });

/** The Message Authentication Service's send (product dypnsapi). */
export const VERIFY_CODE_API = Object.freeze({ action: 'SendSmsVerifyCode', version: '2017-05-25' });
/** The system templates the Message Authentication Service console lists. */
export const SYSTEM_TEMPLATE_CODES = Object.freeze(['100001', '100002', '100003', '100004', '100005']);

/** Each action's version and its own required parameters (checked after the common ones). */
export const ACTIONS = Object.freeze({
  [API.action]: { version: API.version, required: ['PhoneNumbers', 'SignName', 'TemplateCode'] },
  GetSmsSign: { version: API.version, required: ['SignName'] },
  GetSmsTemplate: { version: API.version, required: ['TemplateCode'] },
  QuerySendDetails: { version: API.version, required: ['PhoneNumber', 'SendDate', 'PageSize', 'CurrentPage'] },
  [GLOBE_API.action]: { version: GLOBE_API.version, required: ['To', 'Message'] },
  QueryMessage: { version: GLOBE_API.version, required: ['MessageId'] },
  [VERIFY_CODE_API.action]: { version: VERIFY_CODE_API.version, required: ['PhoneNumber', 'SignName', 'TemplateCode'] },
});

/** The 2018-05-01 actions: business answers as `ResponseCode`, refusals as `Code`. */
const GLOBE_ACTIONS = [GLOBE_API.action, 'QueryMessage'];

/** What an instance serves unless told otherwise: the mainland site's dysmsapi actions. */
const MAINLAND_ACTIONS = [API.action, 'GetSmsSign', 'GetSmsTemplate', 'QuerySendDetails'];

/** How far `Timestamp` may be from the server's clock, as Aliyun allows. */
export const TIMESTAMP_TOLERANCE_MS = 15 * 60 * 1000;
const MAX_BODY_BYTES = 64 * 1024;

const REQUIRED_PARAMETERS = [
  'AccessKeyId',
  'Action',
  'Format',
  'RegionId',
  'Signature',
  'SignatureMethod',
  'SignatureNonce',
  'SignatureVersion',
  'Timestamp',
  'Version',
];

/** Review states as GetSmsSign / GetSmsTemplate number them. */
const REVIEW_STATUS = { under_review: 0, approved: 1, rejected: 2, cancelled: 10 };
const DEFAULT_TEMPLATE_CONTENT = 'Your verification code is ${code}. It expires in 5 minutes.';
/** QuerySendDetails' SendStatus per delivery state. */
const SEND_STATUS = { waiting: 1, failed: 2, delivered: 3 };

const UUID_V4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const REGION_ID = /^[a-z]{2,}(-[a-z\d]+)+$/;
const PHONE_DIGITS = /^\d{5,15}$/;

// ---------------------------------------------------------------------------------------------
// Signing, written from Aliyun's documentation (RPC signature v1.0).

/** RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function rfc3986(value) {
  const bytes = Buffer.from(String(value), 'utf8');
  let out = '';
  for (const byte of bytes) {
    const unreserved =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e;
    out += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `k=v&k=v` of encoded pairs, sorted by encoded key (byte order). */
export function canonicalQuery(params) {
  return Object.entries(params)
    .map(([key, value]) => [rfc3986(key), rfc3986(value)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

export function stringToSign(method, params) {
  return `${method.toUpperCase()}&${rfc3986('/')}&${rfc3986(canonicalQuery(params))}`;
}

/** base64(HMAC-SHA1(secret + '&', stringToSign)). */
export function sign(method, params, secret) {
  return createHmac('sha1', `${secret}&`).update(stringToSign(method, params), 'utf8').digest('base64');
}

/** Signature V3: the canonical request, written from Alibaba Cloud's V3 guide. */
export function canonicalRequestV3({ method, path, query, headers, signedHeaders, hashedPayload }) {
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${String(headers[name] ?? '').trim()}\n`).join('');
  return [method.toUpperCase(), path, canonicalQuery(query), canonicalHeaders, signedHeaders, hashedPayload].join('\n');
}

/** hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(sha256(canonical request)))). */
export function signV3(canonicalRequest, secret) {
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex');
}

/**
 * Headers the HTTP runtime adds on its own (Node's fetch, a browser), which a V3 request may carry
 * unsigned. The V3 guide requires every other header present, Authorization excepted, to be in
 * SignedHeaders; Alibaba Cloud's SDKs never send an unsigned `content-type`, so neither may we.
 */
const RUNTIME_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'connection',
  'content-length',
  'dnt',
  'host',
  'keep-alive',
  'origin',
  'pragma',
  'priority',
  'referer',
  'te',
  'transfer-encoding',
  'user-agent',
]);
const isRuntimeHeader = (name) => RUNTIME_HEADERS.has(name) || name.startsWith('sec-');

const AUTHORIZATION_V3 = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/;

const safeEqual = (given, expected) => {
  const a = Buffer.from(String(given));
  const b = Buffer.from(String(expected));
  return a.length === b.length && timingSafeEqual(a, b);
};

// ---------------------------------------------------------------------------------------------
// Request parsing.

class BadRequest extends Error {
  constructor(code, message, status = 400) {
    super(message);
    this.aliyunCode = code;
    this.status = status;
  }
}

/** Parses `a=b&c=d` as a form; throws BadRequest on malformed encoding or a repeated key. */
function parseForm(text, into, where) {
  if (!text) return into;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    let key;
    let value;
    try {
      key = decodeURIComponent(rawKey.replaceAll('+', ' '));
      value = decodeURIComponent(rawValue.replaceAll('+', ' '));
    } catch {
      throw new BadRequest('InvalidParameter', `Malformed percent-encoding in the ${where}.`);
    }
    if (Object.hasOwn(into, key)) {
      throw new BadRequest('InvalidParameter', `The parameter "${key}" is specified more than once.`);
    }
    into[key] = value;
  }
  return into;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest('InvalidParameter', 'The request body is too large.', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function timestampProblem(text, now) {
  const match = TIMESTAMP.exec(text);
  if (!match) return ['InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'];
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(millis);
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return ['InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'];
  }
  if (Math.abs(now - millis) > TIMESTAMP_TOLERANCE_MS) {
    return ['InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'];
  }
  return undefined;
}

function templateParamProblem(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return 'TemplateParam is not valid JSON.';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'TemplateParam must be a JSON object.';
  }
  const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
  return bad ? `TemplateParam value of "${bad[0]}" must be a string.` : undefined;
}

// ---------------------------------------------------------------------------------------------
// The server.

/** A few countries by calling code, for SendMessageToGlobe's NumberDetail. */
function numberDetail(to) {
  const known = [
    ['852', { Country: 'Hong Kong, China', Region: 'HongKong', Carrier: 'CMHK' }],
    ['44', { Country: 'United Kingdom', Region: 'United Kingdom', Carrier: 'EE' }],
    ['1', { Country: 'United States', Region: 'United States', Carrier: 'T-Mobile' }],
  ];
  return known.find(([prefix]) => to.startsWith(prefix))?.[1] ?? { Country: 'Unknown', Region: 'Unknown', Carrier: 'Unknown' };
}

function bizId() {
  return `${randomInt(100_000, 999_999)}${Date.now()}^0`;
}

/** Asia/Shanghai (UTC+8) wall time of `millis`: `YYYYMMDD` and `YYYY-MM-DD hh:mm:ss`. */
function shanghai(millis) {
  const iso = new Date(millis + 8 * 3600 * 1000).toISOString();
  return { day: iso.slice(0, 10).replaceAll('-', ''), time: `${iso.slice(0, 10)} ${iso.slice(11, 19)}` };
}

/** Mainland numbers compare by their 11 national digits, with or without 86. */
const national = (digits) => (/^861\d{10}$/.test(digits) ? digits.slice(2) : digits);

/** `'rejected'` or `{ state, reason, status, content }` as one object. */
const reviewEntry = (value) => (typeof value === 'string' ? { state: value } : { ...value });

/**
 * Starts the server on 127.0.0.1.
 *
 * @param {object} [options]
 * @param {Record<string, string>} [options.credentials] AccessKeyId → AccessKeySecret.
 * @param {number} [options.port] 0 for any free port.
 * @param {(line: string, record: object) => void} [options.log] Called once per request.
 * @param {string[]} [options.signNames] When given, other SignNames get isv.SMS_SIGNATURE_ILLEGAL.
 * @param {string[]} [options.templateCodes] When given, other codes get isv.SMS_TEMPLATE_ILLEGAL.
 * @param {() => number} [options.now] Clock for the Timestamp check.
 * @param {string[]} [options.actions] Actions served (default: SendSms and the read-only 2017-05-25 ones); others get InvalidAction.NotFound.
 * @param {string[]} [options.senderIds] When given, other SendMessageToGlobe `From` values get INVALID_SENDERID.
 * @param {string[]} [options.verifyTemplateCodes] SendSmsVerifyCode's accepted templates (default: the system ones).
 * @param {boolean} [options.anyNonce] Accept any V1 SignatureNonce, not only a version 4 UUID (Alibaba
 *   Cloud's SDKs send their own format; Aliyun requires only that it is unused).
 */
export async function startAliyunServer({
  credentials = { [DEMO_CREDENTIALS.accessKeyId]: DEMO_CREDENTIALS.accessKeySecret },
  port = 0,
  log,
  signNames,
  templateCodes,
  securityTokens = {},
  expirations = {},
  now = Date.now,
  actions = MAINLAND_ACTIONS,
  senderIds,
  verifyTemplateCodes = SYSTEM_TEMPLATE_CODES,
  anyNonce = false,
} = {}) {
  const { requests, respondNext, nextMode, forget } = recorder();
  const usedNonces = new Set();
  let mode = 'ok';
  const signs = new Map();
  const smsTemplates = new Map();
  const messages = [];
  const deliveries = new Map();
  let deliveryState = 'delivered';
  let denied = new Set();
  /** SendSmsVerifyCode's accepted sends. */
  const verifyCodes = [];
  /** SendMessageToGlobe's accepted messages by MessageId, for QueryMessage. */
  const globeMessages = new Map();
  let clockSkew = 0;
  let dateHeader = true;
  /** The server's clock: what the Timestamp is checked against and the Date header says. */
  const serverNow = () => now() + clockSkew;

  function review(entry, fields) {
    const status = entry.status ?? REVIEW_STATUS[entry.state];
    if (status === undefined) throw new Error(`Unknown review state ${JSON.stringify(entry.state)}`);
    const answer = { ...fields, CreateDate: shanghai(serverNow() - 86_400_000).time };
    if (status === 2) {
      answer.AuditInfo = { RejectInfo: entry.reason ?? 'The material does not support this application.', AuditDate: shanghai(serverNow()).time };
    }
    return answer;
  }

  function getSmsSign(params) {
    const entry = reviewEntry(signs.get(params.SignName) ?? 'approved');
    if (entry.state === 'unknown') {
      return { status: 200, code: 'isv.SMS_SIGNATURE_ILLEGAL', message: 'This account has no such signature.' };
    }
    const status = entry.status ?? REVIEW_STATUS[entry.state];
    return { status: 200, code: 'OK', message: 'OK', fields: review(entry, { SignName: params.SignName, SignStatus: status }) };
  }

  function getSmsTemplate(params) {
    const entry = reviewEntry(smsTemplates.get(params.TemplateCode) ?? 'approved');
    if (entry.state === 'unknown') {
      return { status: 200, code: 'isv.SMS_TEMPLATE_ILLEGAL', message: 'This account has no such template.' };
    }
    const status = entry.status ?? REVIEW_STATUS[entry.state];
    const fields = {
      TemplateCode: params.TemplateCode,
      TemplateName: `Template ${params.TemplateCode}`,
      TemplateContent: entry.content ?? DEFAULT_TEMPLATE_CONTENT,
      TemplateType: '0',
      TemplateStatus: String(status),
    };
    return { status: 200, code: 'OK', message: 'OK', fields: review(entry, fields) };
  }

  function addMessage({ phoneNumber, templateCode = 'SMS_000000001', content, sentAt = serverNow(), signName = 'Logto' }) {
    const id = bizId();
    messages.push({ bizId: id, phoneNumber, templateCode, signName, content: content ?? `【${signName}】${DEFAULT_TEMPLATE_CONTENT}`, sentAt });
    return id;
  }

  function sendSms(params) {
    const problem = businessProblem(params);
    if (problem) return problem;
    const entry = reviewEntry(smsTemplates.get(params.TemplateCode) ?? 'approved');
    const values = params.TemplateParam ? JSON.parse(params.TemplateParam) : {};
    const text = (entry.content ?? DEFAULT_TEMPLATE_CONTENT).replaceAll(/\$\{(\w+)\}/g, (_, name) => values[name] ?? '');
    // Recorded when answered 'ok' (see respond), so a simulated failure leaves no message behind.
    const message = { phoneNumber: params.PhoneNumbers, templateCode: params.TemplateCode, signName: params.SignName, content: `【${params.SignName}】${text}` };
    return { status: 200, code: 'OK', message: 'OK', send: message };
  }

  function querySendDetails(params) {
    if (!PHONE_DIGITS.test(params.PhoneNumber)) {
      return { status: 200, code: 'isv.MOBILE_NUMBER_ILLEGAL', message: 'Illegal mobile number.' };
    }
    const pageSize = Number(params.PageSize);
    const page = Number(params.CurrentPage);
    if (!/^\d{8}$/.test(params.SendDate) || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50 || !Number.isInteger(page) || page < 1) {
      return { status: 200, code: 'isv.INVALID_PARAMETERS', message: 'SendDate must be yyyyMMdd, PageSize 1 to 50, CurrentPage from 1.' };
    }
    const found = messages.filter(
      (m) =>
        national(m.phoneNumber) === national(params.PhoneNumber) &&
        shanghai(m.sentAt).day === params.SendDate &&
        (params.BizId === undefined || params.BizId === '' || m.bizId === params.BizId),
    );
    const records = found.slice((page - 1) * pageSize, page * pageSize).map((m) => {
      const delivery = reviewEntry(deliveries.get(m.bizId) ?? deliveryState);
      const record = {
        PhoneNum: m.phoneNumber,
        SendStatus: SEND_STATUS[delivery.state],
        ErrCode: delivery.errCode ?? { waiting: '', failed: 'MK:0001', delivered: 'DELIVERED' }[delivery.state],
        TemplateCode: m.templateCode,
        Content: m.content,
        SendDate: shanghai(m.sentAt).time,
        ReceiveDate: delivery.state === 'waiting' ? '' : shanghai(m.sentAt + 3000).time,
        OutId: '',
      };
      if (record.SendStatus === undefined) throw new Error(`Unknown delivery state ${JSON.stringify(delivery.state)}`);
      return record;
    });
    return { status: 200, code: 'OK', message: 'OK', fields: { TotalCount: found.length, SmsSendDetailDTOs: { SmsSendDetailDTO: records } } };
  }

  /** What a verified request of `action` gets. */
  function answer(action, params) {
    if (denied.has(action)) {
      return { status: 403, code: 'Forbidden.RAM', message: `This AccessKey may not call ${action}: grant dysms:${action}.` };
    }
    switch (action) {
      case 'GetSmsSign':
        return getSmsSign(params);
      case 'GetSmsTemplate':
        return getSmsTemplate(params);
      case 'QuerySendDetails':
        return actions.includes(VERIFY_CODE_API.action) ? dypnsQuerySendDetails(params) : querySendDetails(params);
      case GLOBE_API.action:
        return globeProblem(params) ?? { status: 200, code: 'OK', message: 'OK' };
      case 'QueryMessage':
        return queryMessage(params);
      case VERIFY_CODE_API.action:
        return sendSmsVerifyCode(params);
      default:
        return sendSms(params);
    }
  }

  /** dypnsapi's QuerySendDetails: SendSmsVerifyCode's records under `Model`. */
  function dypnsQuerySendDetails(params) {
    if (!/^1\d{10}$/.test(params.PhoneNumber)) {
      return { status: 200, code: 'MOBILE_NUMBER_ILLEGAL', message: 'The format of the mobile number is invalid.' };
    }
    if (!/^\d{8}$/.test(params.SendDate) || !/^\d+$/.test(params.PageSize ?? '') || !/^\d+$/.test(params.CurrentPage ?? '')) {
      return { status: 200, code: 'INVALID_PARAMETERS', message: 'SendDate must be yyyyMMdd; PageSize and CurrentPage numbers.' };
    }
    const found = verifyCodes.filter(
      (sent) =>
        sent.phoneNumber === params.PhoneNumber &&
        shanghai(sent.sentAt).day === params.SendDate &&
        (params.BizId === undefined || params.BizId === '' || sent.bizId === params.BizId),
    );
    const model = found.map((sent) => {
      const delivery = reviewEntry(deliveries.get(sent.bizId) ?? deliveryState);
      return {
        PhoneNum: sent.phoneNumber,
        SendStatus: SEND_STATUS[delivery.state],
        ErrCode: delivery.errCode ?? { waiting: '', failed: 'MK:0001', delivered: 'DELIVERED' }[delivery.state],
        TemplateCode: sent.templateCode,
        Content: `【${sent.signName}】您的验证码为${JSON.parse(sent.templateParam ?? '{}').code ?? ''}`,
        SendDate: shanghai(sent.sentAt).time,
        ReceiveDate: delivery.state === 'waiting' ? '' : shanghai(sent.sentAt + 3000).time,
        OutId: '',
      };
    });
    return { status: 200, code: 'OK', message: '成功', fields: { Success: true, TotalCount: found.length, Model: model } };
  }

  /** SendSmsVerifyCode: the Message Authentication Service's own checks, answered with HTTP 200. */
  function sendSmsVerifyCode(params) {
    if (!/^1\d{10}$/.test(params.PhoneNumber)) {
      return { status: 200, code: 'MOBILE_NUMBER_ILLEGAL', message: 'The format of the mobile number is invalid.' };
    }
    if (params.CountryCode !== undefined && params.CountryCode !== '86') {
      return { status: 200, code: 'INVALID_PARAMETERS', message: 'CountryCode must be 86.' };
    }
    if (!verifyTemplateCodes.includes(params.TemplateCode)) {
      return { status: 200, code: 'INVALID_PARAMETERS', message: `TemplateCode ${params.TemplateCode} is not a system template.` };
    }
    if (signNames && !signNames.includes(params.SignName)) {
      return { status: 200, code: 'INVALID_PARAMETERS', message: `SignName ${params.SignName} is not a system signature.` };
    }
    if (params.TemplateParam !== undefined) {
      const problem = templateParamProblem(params.TemplateParam);
      if (problem) return { status: 200, code: 'INVALID_PARAMETERS', message: problem };
    }
    const model = { BizId: bizId() };
    if (params.OutId !== undefined) model.OutId = params.OutId;
    const sent = { phoneNumber: params.PhoneNumber, templateCode: params.TemplateCode, signName: params.SignName, templateParam: params.TemplateParam };
    return { status: 200, code: 'OK', message: '成功', fields: { Success: true, Model: model }, verifyCode: sent };
  }

  function queryMessage(params) {
    const sent = globeMessages.get(params.MessageId);
    if (!sent) return { status: 200, code: 'DATA_NOT_EXIST', message: 'The data does not exist.' };
    const fields = { MessageId: params.MessageId, To: sent.To, Status: '1', ErrorCode: 'DELIVERED', ErrorDescription: 'success' };
    return { status: 200, code: 'OK', message: 'success', fields };
  }

  /** STS: a key id with a configured token must present exactly that token. */
  function tokenProblem(accessKeyId, token) {
    if (!Object.hasOwn(securityTokens, accessKeyId)) return undefined;
    if (token === undefined || token === '') {
      return { status: 400, code: 'MissingSecurityToken', message: 'SecurityToken is mandatory for temporary credentials.' };
    }
    if (!safeEqual(token, securityTokens[accessKeyId])) {
      // Echoes what it was given, as Aliyun echoes its string to sign: a client must not pass it on.
      return {
        status: 400,
        code: 'InvalidSecurityToken.MismatchWithAccessKey',
        message: `The security token ${token} does not match the access key.`,
      };
    }
    if (Object.hasOwn(expirations, accessKeyId) && now() >= expirations[accessKeyId]) {
      return { status: 400, code: 'InvalidSecurityToken.Expired', message: 'Specified SecurityToken is expired.' };
    }
    return undefined;
  }

  /** The served action's spec, or undefined. */
  const served = (action) => (actions.includes(action) ? ACTIONS[action] : undefined);

  /** SendMessageToGlobe's business checks, answered with HTTP 200 (ResponseCode). */
  function globeProblem(params) {
    if (!PHONE_DIGITS.test(params.To)) {
      return { status: 200, code: 'MOBILE_NUMBER_ILLEGAL', message: 'The format of the mobile number is invalid.' };
    }
    if (/^86\d{11}$/.test(params.To)) {
      return { status: 200, code: 'COUNTRY_RESTRICTED', message: 'Numbers in mainland China are not supported.' };
    }
    if (params.From !== undefined && senderIds && !senderIds.includes(params.From)) {
      return { status: 200, code: 'INVALID_SENDERID', message: 'The sender ID is invalid or not approved.' };
    }
    return undefined;
  }

  /** Aliyun's business checks, answered with HTTP 200 and an isv.* code. */
  function businessProblem(params) {
    if (params.Action === GLOBE_API.action) return globeProblem(params);
    if (!PHONE_DIGITS.test(params.PhoneNumbers ?? '')) {
      return { status: 200, code: 'isv.MOBILE_NUMBER_ILLEGAL', message: 'Illegal mobile number.' };
    }
    if (signNames && !signNames.includes(params.SignName)) {
      return { status: 200, code: 'isv.SMS_SIGNATURE_ILLEGAL', message: 'The SMS signature is illegal.' };
    }
    if (templateCodes && !templateCodes.includes(params.TemplateCode)) {
      return { status: 200, code: 'isv.SMS_TEMPLATE_ILLEGAL', message: 'The SMS template is illegal.' };
    }
    if (params.TemplateParam !== undefined) {
      const problem = templateParamProblem(params.TemplateParam);
      if (problem) return { status: 200, code: 'isv.INVALID_JSON_PARAM', message: problem };
    }
    return undefined;
  }

  function verifyV3(record, authorization) {
    const { params, method, headers } = record;
    record.signatureVersion = 'v3';
    const match = AUTHORIZATION_V3.exec(authorization);
    if (!match) {
      return { status: 400, code: 'InvalidAuthorization', message: 'Authorization is not ACS3-HMAC-SHA256 Credential=,SignedHeaders=,Signature=' };
    }
    const [, accessKeyId, signedHeaders, given] = match;
    record.accessKeyId = accessKeyId;
    const spec = served(headers['x-acs-action']);
    if (!spec) {
      return { status: 404, code: 'InvalidAction.NotFound', message: 'Specified api is not found, please check your url and method.' };
    }
    record.action = headers['x-acs-action'];
    if (headers['x-acs-version'] !== spec.version) {
      return { status: 400, code: 'InvalidParameter', message: `x-acs-version must be ${spec.version}` };
    }
    for (const name of ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
      if (!headers[name]) return { status: 400, code: `Missing${name}`, message: `${name} is mandatory.` };
    }
    const names = signedHeaders.split(';');
    const mustSign = ['host', ...Object.keys(headers).filter((name) => name.startsWith('x-acs-'))];
    const unsigned = mustSign.find((name) => !names.includes(name));
    if (unsigned || [...names].sort().join(';') !== signedHeaders) {
      return { status: 400, code: 'InvalidSignedHeaders', message: `SignedHeaders must list host and every x-acs-* header, sorted (${unsigned ?? 'order'})` };
    }
    const unsignedSent = Object.keys(headers).find(
      (name) => name !== 'authorization' && !isRuntimeHeader(name) && !names.includes(name),
    );
    if (unsignedSent !== undefined) {
      record.unsignedHeader = unsignedSent;
      return {
        status: 400,
        code: 'InvalidSignedHeaders',
        message: `The header ${unsignedSent} is sent but not in SignedHeaders: every header but Authorization must be signed.`,
      };
    }
    const late = timestampProblem(headers['x-acs-date'], serverNow());
    if (late) return { status: 400, code: late[0], message: late[1] };
    const bodyHash = createHash('sha256').update(record.rawBody, 'utf8').digest('hex');
    if (headers['x-acs-content-sha256'] !== bodyHash) {
      return { status: 400, code: 'InvalidContentSha256', message: 'x-acs-content-sha256 does not match the body.' };
    }
    if (!Object.hasOwn(credentials, accessKeyId)) {
      return { status: 404, code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' };
    }
    record.canonicalRequest = canonicalRequestV3({
      method,
      path: record.path,
      query: params,
      headers,
      signedHeaders,
      hashedPayload: headers['x-acs-content-sha256'],
    });
    record.expectedSignature = signV3(record.canonicalRequest, credentials[accessKeyId]);
    record.verified = safeEqual(given, record.expectedSignature);
    if (!record.verified) {
      return {
        status: 400,
        code: 'SignatureDoesNotMatch',
        message: `Specified signature is not matched with our calculation. server canonical request is:${record.canonicalRequest}`,
      };
    }
    const nonce = headers['x-acs-signature-nonce'];
    record.nonce = nonce;
    if (usedNonces.has(nonce)) {
      record.replayed = true;
      return { status: 400, code: 'SignatureNonceUsed', message: 'Specified signature nonce was used already.' };
    }
    usedNonces.add(nonce);
    const token = tokenProblem(accessKeyId, headers['x-acs-security-token']);
    if (token) return token;
    for (const name of spec.required) {
      if (!params[name]) return { status: 400, code: `Missing${name}`, message: `${name} is mandatory for this action.` };
    }
    return answer(record.action, { ...params, Action: record.action });
  }

  function verify(record) {
    const authorization = record.headers.authorization;
    if (authorization !== undefined) return verifyV3(record, authorization);
    record.signatureVersion = 'v1';
    const { params, method } = record;
    // Alibaba Cloud's own dypnsapi SDK signs SendSmsVerifyCode without RegionId (optional there).
    const optional = params.Action === VERIFY_CODE_API.action ? ['RegionId'] : [];
    const missing = REQUIRED_PARAMETERS.find(
      (name) => !optional.includes(name) && (params[name] === undefined || params[name] === ''),
    );
    if (missing) {
      return { status: 400, code: `Missing${missing}`, message: `${missing} is mandatory for this action.` };
    }
    const spec = served(params.Action);
    if (!spec) {
      return { status: 404, code: 'InvalidAction.NotFound', message: `Specified api is not found, please check your url and method.` };
    }
    record.action = params.Action;
    const missingOwn = spec.required.find((name) => params[name] === undefined || params[name] === '');
    if (missingOwn) {
      return { status: 400, code: `Missing${missingOwn}`, message: `${missingOwn} is mandatory for this action.` };
    }
    if (params.Version !== spec.version) {
      return { status: 400, code: 'InvalidVersion', message: `Specified parameter Version is not valid.` };
    }
    // Aliyun reads Format case-insensitively (the official TypeScript connector sends "json").
    if (params.Format.toUpperCase() !== API.format) {
      return { status: 400, code: 'InvalidParameter.Format', message: 'This server answers Format=JSON only.' };
    }
    if (params.SignatureMethod !== API.signatureMethod) {
      return { status: 400, code: 'InvalidSignatureMethod', message: 'Specified signature method is not supported.' };
    }
    if (params.SignatureVersion !== API.signatureVersion) {
      return { status: 400, code: 'InvalidSignatureVersion', message: 'Specified signature version is not supported.' };
    }
    if (params.RegionId !== undefined && !REGION_ID.test(params.RegionId)) {
      return { status: 400, code: 'InvalidRegionId', message: 'Specified RegionId is not valid.' };
    }
    if (!anyNonce && !UUID_V4.test(params.SignatureNonce)) {
      return { status: 400, code: 'InvalidSignatureNonce', message: 'SignatureNonce must be a version 4 UUID.' };
    }
    const late = timestampProblem(params.Timestamp, serverNow());
    if (late) return { status: 400, code: late[0], message: late[1] };
    if (!Object.hasOwn(credentials, params.AccessKeyId)) {
      return { status: 404, code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' };
    }

    const { Signature: given, ...signed } = params;
    record.stringToSign = stringToSign(method, signed);
    record.expectedSignature = sign(method, signed, credentials[params.AccessKeyId]);
    const a = Buffer.from(given);
    const b = Buffer.from(record.expectedSignature);
    record.verified = a.length === b.length && timingSafeEqual(a, b);
    if (!record.verified) {
      return {
        status: 400,
        code: 'SignatureDoesNotMatch',
        message: `Specified signature is not matched with our calculation. server string to sign is:${record.stringToSign}`,
      };
    }
    if (usedNonces.has(params.SignatureNonce)) {
      record.replayed = true;
      return { status: 400, code: 'SignatureNonceUsed', message: 'Specified signature nonce was used already.' };
    }
    usedNonces.add(params.SignatureNonce);
    record.nonce = params.SignatureNonce;
    record.accessKeyId = params.AccessKeyId;
    const token = tokenProblem(params.AccessKeyId, params.SecurityToken);
    if (token) return token;
    return answer(params.Action, params);
  }

  function sendJson(res, status, object, requestId) {
    const text = JSON.stringify(object);
    res.writeHead(status, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'x-acs-request-id': requestId,
    });
    res.end(text);
  }

  /** A SendMessageToGlobe answer: business outcomes (HTTP 200) as ResponseCode, others as Code. */
  function globeBody(record, status, code, message, requestId, fields) {
    if (status !== 200) return { Code: code, Message: message, RequestId: requestId };
    const body = { ResponseCode: code, ResponseDescription: message, RequestId: requestId, ...fields };
    if (code === 'OK' && record.action === GLOBE_API.action) {
      const text = record.params.Message ?? '';
      // GSM-7 text fits 160 characters a part, anything else 70.
      const perPart = /^[\x20-\x7e\n\r]*$/.test(text) ? 160 : 70;
      Object.assign(body, {
        ResponseDescription: 'The SMS Send Request was accepted',
        MessageId: `${randomInt(100_000, 999_999)}${Date.now()}`,
        Segments: String(Math.max(1, Math.ceil([...text].length / perPart))),
        To: record.params.To,
        NumberDetail: numberDetail(record.params.To ?? ''),
      });
      if (record.params.From !== undefined) body.From = record.params.From;
      globeMessages.set(body.MessageId, { To: body.To });
    }
    return body;
  }

  function respond(res, chosen, outcome, requestId, record) {
    if (GLOBE_ACTIONS.includes(record.action) && (chosen === 'ok' || (chosen !== null && typeof chosen === 'object' && 'aliyunError' in chosen))) {
      const [status, code, message] =
        chosen === 'ok'
          ? [outcome.status, outcome.code, outcome.message]
          : [chosen.status ?? 200, chosen.aliyunError, chosen.message ?? `Simulated ${chosen.aliyunError}`];
      sendJson(res, status, globeBody(record, status, code, message, requestId, chosen === 'ok' ? outcome.fields : undefined), requestId);
      return;
    }
    if (chosen === 'ok') {
      const body = { Code: outcome.code, Message: outcome.message, RequestId: requestId, ...outcome.fields };
      if (record.action === VERIFY_CODE_API.action) {
        if (outcome.verifyCode) {
          body.Model = { ...body.Model, RequestId: requestId };
          verifyCodes.push({ ...outcome.verifyCode, bizId: body.Model.BizId, requestId, sentAt: serverNow() });
        } else if (outcome.code !== 'OK') {
          body.Success = false;
        }
      }
      if (outcome.send) {
        body.BizId = bizId();
        messages.push({ ...outcome.send, bizId: body.BizId, sentAt: serverNow() });
      }
      if (outcome.code === 'SignatureDoesNotMatch' || outcome.code.startsWith('InvalidAccessKeyId')) {
        body.Recommend = 'https://api.aliyun.com/troubleshoot';
        body.HostId = 'dysmsapi.aliyuncs.com';
      }
      sendJson(res, outcome.status, body, requestId);
      return;
    }
    if (typeof chosen === 'object' && chosen !== null && 'aliyunError' in chosen) {
      const body = { Code: chosen.aliyunError, Message: chosen.message ?? `Simulated ${chosen.aliyunError}`, RequestId: requestId };
      if (record.action === VERIFY_CODE_API.action) body.Success = false;
      sendJson(res, chosen.status ?? 200, body, requestId);
      return;
    }
    if (answerSimulated(res, chosen, 'application/json;charset=utf-8')) return;
    switch (chosen) {
      case 'echo-signed': {
        const signed = record.stringToSign ??
          (record.canonicalRequest &&
            `${record.canonicalRequest}\nstring to sign is:ACS3-HMAC-SHA256\n${createHash('sha256').update(record.canonicalRequest, 'utf8').digest('hex')}`);
        const message = `Specified signature is not matched with our calculation. server string to sign is:${signed ?? '(nothing signed)'}`;
        sendJson(res, 400, { Code: 'SignatureDoesNotMatch', Message: message, RequestId: requestId }, requestId);
        return;
      }
      case 'html500':
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>');
        return;
      case 'truncated': {
        const text = JSON.stringify({ Code: 'OK', Message: 'OK', RequestId: requestId, BizId: bizId() });
        const cut = text.slice(0, Math.floor(text.length / 2));
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(cut) });
        res.end(cut);
        return;
      }
      case 'not-json':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('OK');
        return;
      case 'empty':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end();
        return;
      case 'huge': {
        const chunk = `<p>${'x'.repeat(1020)}</p>\n`;
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(chunk.repeat(4 * 1024));
        return;
      }
      case 'drop': {
        const text = JSON.stringify({ Code: 'OK', Message: 'OK', RequestId: requestId, BizId: bizId() });
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.write(text.slice(0, 10));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      default:
        sendJson(res, 500, { Code: 'InternalError', Message: `Unknown server mode ${JSON.stringify(chosen)}`, RequestId: requestId }, requestId);
    }
  }

  async function handle(req, res) {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
    res.setHeader(
      'access-control-allow-headers',
      'content-type, authorization, x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256, x-acs-security-token',
    );
    res.setHeader('access-control-expose-headers', 'x-acs-request-id');
    res.setHeader('access-control-max-age', '600');
    res.sendDate = false;
    if (dateHeader) res.setHeader('date', new Date(serverNow()).toUTCString());
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const requestId = randomUUID().toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = {
      method: req.method,
      path: url.pathname,
      headers: { ...req.headers },
      rawBody: '',
      params: {},
      verified: false,
      requestId,
      receivedAt: new Date().toISOString(),
    };
    const chosen = nextMode(mode);
    let outcome;
    try {
      if (req.method !== 'POST' && req.method !== 'GET') {
        throw new BadRequest('UnsupportedHTTPMethod', `HTTP method ${req.method} is not supported.`, 405);
      }
      record.rawBody = await readBody(req);
      const params = parseForm(url.search.slice(1), {}, 'query string');
      const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      record.contentType = contentType;
      if (req.method === 'POST' && contentType === 'application/x-www-form-urlencoded') {
        parseForm(record.rawBody, params, 'body');
      }
      record.params = params;
      outcome = verify(record);
      record.bodyIsCanonical =
        record.verified &&
        record.signatureVersion === 'v1' &&
        record.rawBody === `${canonicalQuery(Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'Signature')))}&Signature=${rfc3986(params.Signature)}`;
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      outcome = { status: error.status, code: error.aliyunCode, message: error.message };
    }
    record.outcome = outcome;
    record.mode = chosen;
    requests.push(record);
    log?.(formatRequest(record), record);
    respond(res, chosen, outcome, requestId, record);
  }

  const { url, port: actualPort, close } = await startLoopbackServer(handle, { name: 'aliyun-server', port, keepAliveTimeout: 1000 });

  return {
    url,
    port: actualPort,
    requests,
    credentials,
    messages,
    verifyCodes,
    setSign(name, state) {
      signs.set(name, state);
    },
    setTemplate(code, state) {
      smsTemplates.set(code, state);
    },
    addMessage,
    setDelivery(id, state) {
      deliveries.set(id, state);
    },
    setDeliveryState(state) {
      deliveryState = state;
    },
    setDenied(actions) {
      denied = new Set(actions);
    },
    setClockSkew(millis) {
      clockSkew = millis;
    },
    setDateHeader(on) {
      dateHeader = on;
    },
    /** How every following request is answered ('ok' by default). */
    setMode(next) {
      mode = next;
    },
    /** How the next request is answered, before falling back to the mode. Calls queue up. */
    respondNext,
    /** Forgets recorded requests, queued answers and every state set above (nonces stay used). */
    reset() {
      forget();
      mode = 'ok';
      signs.clear();
      smsTemplates.clear();
      messages.length = 0;
      deliveries.clear();
      deliveryState = 'delivered';
      denied = new Set();
      globeMessages.clear();
      verifyCodes.length = 0;
      clockSkew = 0;
      dateHeader = true;
    },
    close,
  };
}

/** A human-readable account of one received request: outcome, then every parameter. */
export function formatRequest(record) {
  const lines = [];
  const verdict = record.verified
    ? 'signature verified'
    : record.expectedSignature
      ? 'signature DID NOT verify'
      : 'signature not checked';
  const outcome = `HTTP ${record.outcome?.status} ${record.outcome?.code}`;
  const simulated = record.mode !== 'ok' && record.mode !== undefined;
  lines.push(
    simulated
      ? `${record.method} ${record.path} (${verdict}) -> answered with simulated ${JSON.stringify(record.mode)} (checks alone would answer ${outcome})`
      : `${record.method} ${record.path} (${verdict}) -> answered ${outcome}`,
  );
  if (record.outcome && record.outcome.code !== 'OK') lines.push(`  ${record.outcome.message}`);
  const keys = Object.keys(record.params).sort();
  const width = Math.max(0, ...keys.map((k) => k.length));
  for (const key of keys) lines.push(`  ${key.padEnd(width)} = ${record.params[key]}`);
  if (record.signatureVersion === 'v3') {
    for (const [name, value] of Object.entries(record.headers).sort()) {
      if (name === 'authorization' || name.startsWith('x-acs-')) lines.push(`  ${name}: ${value}`);
    }
  }
  if (record.stringToSign) lines.push(`  string to sign: ${record.stringToSign}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Standalone use.

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;

if (isMain) {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'access-key-id': { type: 'string', default: DEMO_CREDENTIALS.accessKeyId },
        'access-key-secret': { type: 'string', default: DEMO_CREDENTIALS.accessKeySecret },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${error.message}\nTry --help.`);
    process.exit(2);
  }
  if (values.help) {
    console.log(
      'Usage: node tests/support/aliyun-server.mjs [--port N] [--access-key-id ID] [--access-key-secret SECRET]\n' +
        'Serves an Aliyun-compatible SendSms endpoint on 127.0.0.1 and logs each signed request.',
    );
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`Invalid --port ${values.port}`);
    process.exit(2);
  }
  const server = await startAliyunServer({
    port,
    credentials: { [values['access-key-id']]: values['access-key-secret'] },
    log: (line) => console.log(`${line}\n`),
  });
  console.log(`Aliyun-compatible SMS server listening on ${server.url}`);
  const demo = values['access-key-secret'] === DEMO_CREDENTIALS.accessKeySecret;
  console.log(
    `Accepting AccessKeyId ${values['access-key-id']}` +
      (demo ? ` with the demo AccessKeySecret ${DEMO_CREDENTIALS.accessKeySecret}` : ' with the given secret') +
      `; set the connector's endpoint to ${server.url}`,
  );
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
