// A local stand-in for Alibaba Cloud STS (API 2015-04-01): `AssumeRole`, signed with signature V1
// (form body) or V3 (query, x-acs-* headers, Authorization) with a source AccessKey, and the
// anonymous `AssumeRoleWithOIDC`, which proves identity with an OIDC token instead.
//
// It checks every request on its own terms with node:crypto (the V1/V3 helpers of
// aliyun-server.mjs, which share no code with the connector), answers like STS, and mints fresh
// temporary credentials on every success. `onIssue` hands them to the test (typically to register
// them with the SMS server, which then verifies sends with the temporary secret and token).
//
//   const sts = await startStsServer({ sources: { id: 'secret' }, onIssue: (issued) => ... });
//   sts.url                  // 'http://127.0.0.1:<port>/'
//   sts.calls                // { AssumeRole: n, AssumeRoleWithOIDC: n }: requests answered with credentials
//   sts.requests             // every request: { action, signatureVersion, verified, params, outcome, ... }
//   sts.issued               // every credential minted, in order
//   sts.setExpiresIn(s)      // lifetime of the next credentials (default: DurationSeconds)
//   sts.setOidcToken(token)  // the token AssumeRoleWithOIDC must present from now on
//   sts.setDelay(ms)         // wait this long before each answer
//   sts.respondNext(mode)    // 'hang', 'reset', { error, status?, message? } or { status, body }
//   await sts.close()

import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import { TIMESTAMP_TOLERANCE_MS, canonicalRequestV3, sign, signV3, stringToSign } from './aliyun-server.mjs';
import { answerSimulated, recorder, startLoopbackServer } from './loopback-server.mjs';

export const VERSION = '2015-04-01';
export const ROLE_ARN = 'acs:ram::1234567890123456:role/logto-sms-sender';
export const OIDC_PROVIDER_ARN = 'acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0ffee';

const UUID_V4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/i;
const ROLE_SESSION_NAME = /^[\w.@-]{2,64}$/;
const AUTHORIZATION_V3 = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/;

const safeEqual = (given, expected) => {
  const a = Buffer.from(String(given));
  const b = Buffer.from(String(expected));
  return a.length === b.length && timingSafeEqual(a, b);
};

/** `2015-04-09T11:52:19Z`: how STS writes times. */
export const utc = (millis) => new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Fresh temporary credentials. The token has base64's `+`, `/` and `=`, as real STS tokens do, so
 * any echo of it (raw, or percent-encoded in a string-to-sign) is a visible leak.
 */
export function mint(prefix, expiresAt) {
  return {
    accessKeyId: `STS.${prefix}${randomBytes(9).toString('hex')}`,
    accessKeySecret: `Tmp${randomBytes(18).toString('hex')}`,
    securityToken: `CAIS${randomBytes(150).toString('base64')}`,
    expiration: utc(expiresAt),
    expiresAt,
  };
}

function parseForm(text, into) {
  for (const pair of (text ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replaceAll('+', ' '));
    const value = decodeURIComponent((eq === -1 ? '' : pair.slice(eq + 1)).replaceAll('+', ' '));
    if (Object.hasOwn(into, key)) throw new Error(`repeated parameter ${key}`);
    into[key] = value;
  }
  return into;
}

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const fail = (status, code, message) => ({ status, code, message });

/**
 * @param {object} [options]
 * @param {Record<string, string>} [options.sources] AccessKeyId → secret allowed to call AssumeRole.
 * @param {Record<string, string>} [options.sourceTokens] AccessKeyId → the SecurityToken it must carry.
 * @param {string[]} [options.denied] AccessKeyIds whose AssumeRole gets NoPermission.
 * @param {string[]} [options.roles] Role ARNs that exist.
 * @param {number} [options.maxSessionDuration] The roles' maximum session duration, seconds.
 * @param {string} [options.oidcProviderArn]
 * @param {string} [options.oidcToken] The token AssumeRoleWithOIDC must present.
 * @param {(issued: object, record: object) => void} [options.onIssue]
 * @param {() => number} [options.now]
 */
export async function startStsServer({
  sources = {},
  sourceTokens = {},
  denied = [],
  roles = [ROLE_ARN],
  maxSessionDuration = 43_200,
  oidcProviderArn = OIDC_PROVIDER_ARN,
  oidcToken,
  onIssue,
  now = () => Date.now(),
  port = 0,
} = {}) {
  const { requests, respondNext, nextMode, forget } = recorder();
  const issued = [];
  const calls = { AssumeRole: 0, AssumeRoleWithOIDC: 0 };
  const usedNonces = new Set();
  let expiresIn;
  let expectedOidcToken = oidcToken;
  let delay = 0;

  function verifyTimestamp(text) {
    const millis = Date.parse(text ?? '');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text ?? '') || Number.isNaN(millis)) {
      return fail(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    }
    if (Math.abs(now() - millis) > TIMESTAMP_TOLERANCE_MS) {
      return fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    }
    return undefined;
  }

  function useNonce(nonce) {
    if (!UUID_V4.test(nonce ?? '')) return fail(400, 'InvalidSignatureNonce', 'SignatureNonce must be a version 4 UUID.');
    if (usedNonces.has(nonce)) return fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    usedNonces.add(nonce);
    return undefined;
  }

  /** The source AccessKey's signature, V1 or V3; sets record.accessKeyId, verified. */
  function verifySigned(record) {
    const { params, headers } = record;
    const authorization = headers.authorization;
    let accessKeyId;
    let token;
    if (authorization !== undefined) {
      record.signatureVersion = 'v3';
      const match = AUTHORIZATION_V3.exec(authorization);
      if (!match) return fail(400, 'InvalidAuthorization', 'Authorization is not ACS3-HMAC-SHA256.');
      const [, id, signedHeaders, given] = match;
      accessKeyId = id;
      if (headers['x-acs-action'] !== 'AssumeRole' || headers['x-acs-version'] !== VERSION) {
        return fail(400, 'InvalidParameter', 'x-acs-action must be AssumeRole and x-acs-version 2015-04-01.');
      }
      const names = signedHeaders.split(';');
      const mustSign = ['host', ...Object.keys(headers).filter((name) => name.startsWith('x-acs-'))];
      if (mustSign.some((name) => !names.includes(name)) || [...names].sort().join(';') !== signedHeaders) {
        return fail(400, 'InvalidSignedHeaders', 'SignedHeaders must list host and every x-acs-* header, sorted.');
      }
      const late = verifyTimestamp(headers['x-acs-date']);
      if (late) return late;
      if (headers['x-acs-content-sha256'] !== createHash('sha256').update(record.rawBody, 'utf8').digest('hex')) {
        return fail(400, 'InvalidContentSha256', 'x-acs-content-sha256 does not match the body.');
      }
      if (!Object.hasOwn(sources, accessKeyId)) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      const canonical = canonicalRequestV3({
        method: record.method,
        path: record.path,
        query: params,
        headers,
        signedHeaders,
        hashedPayload: headers['x-acs-content-sha256'],
      });
      record.verified = safeEqual(given, signV3(canonical, sources[accessKeyId]));
      if (!record.verified) {
        return fail(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server canonical request is:${canonical}`);
      }
      const replay = useNonce(headers['x-acs-signature-nonce']);
      if (replay) return replay;
      token = headers['x-acs-security-token'];
    } else {
      record.signatureVersion = 'v1';
      for (const name of ['AccessKeyId', 'Signature', 'SignatureNonce', 'Timestamp']) {
        if (!params[name]) return fail(400, `Missing${name}`, `${name} is mandatory for this action.`);
      }
      if (params.Format !== 'JSON' || params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') {
        return fail(400, 'InvalidParameter', 'Format JSON, SignatureMethod HMAC-SHA1 and SignatureVersion 1.0 are expected.');
      }
      if (params.Version !== VERSION) return fail(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
      const late = verifyTimestamp(params.Timestamp);
      if (late) return late;
      accessKeyId = params.AccessKeyId;
      if (!Object.hasOwn(sources, accessKeyId)) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      const { Signature: given, ...signed } = params;
      const expected = sign(record.method, signed, sources[accessKeyId]);
      record.verified = safeEqual(given, expected);
      if (!record.verified) {
        return fail(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign(record.method, signed)}`);
      }
      const replay = useNonce(params.SignatureNonce);
      if (replay) return replay;
      token = params.SecurityToken;
    }
    record.accessKeyId = accessKeyId;
    if (Object.hasOwn(sourceTokens, accessKeyId)) {
      if (!token) return fail(400, 'MissingSecurityToken', 'SecurityToken is mandatory for temporary credentials.');
      if (!safeEqual(token, sourceTokens[accessKeyId])) {
        return fail(400, 'InvalidSecurityToken.MismatchWithAccessKey', `The security token ${token} does not match the access key.`);
      }
    }
    if (denied.includes(accessKeyId)) return fail(403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.');
    return undefined;
  }

  /** RoleArn, RoleSessionName, DurationSeconds and Policy, as both actions take them. */
  function verifySession(params) {
    if (!params.RoleArn) return fail(400, 'MissingRoleArn', 'RoleArn is mandatory for this action.');
    if (!roles.includes(params.RoleArn)) return fail(404, 'EntityNotExist.Role', `The role ${params.RoleArn} does not exist.`);
    if (!ROLE_SESSION_NAME.test(params.RoleSessionName ?? '')) {
      return fail(400, 'InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.');
    }
    const duration = Number(params.DurationSeconds ?? 3600);
    if (!/^\d+$/.test(params.DurationSeconds ?? '3600') || duration < 900 || duration > maxSessionDuration) {
      return fail(400, 'InvalidParameter.DurationSeconds', `DurationSeconds must be from 900 to ${maxSessionDuration}.`);
    }
    if (params.Policy !== undefined) {
      try {
        const policy = JSON.parse(params.Policy);
        if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) throw new Error('not an object');
      } catch {
        return fail(400, 'InvalidParameter.PolicyGrammar', 'The parameter Policy has not passed grammar check.');
      }
    }
    return undefined;
  }

  function verify(record) {
    const { params, headers } = record;
    const action = headers['x-acs-action'] ?? params.Action;
    record.action = action;
    if (action === 'AssumeRole') {
      return verifySigned(record) ?? verifySession(params);
    }
    if (action === 'AssumeRoleWithOIDC') {
      record.signatureVersion = 'anonymous';
      if (headers.authorization !== undefined || params.Signature !== undefined || params.AccessKeyId !== undefined) {
        return fail(400, 'InvalidParameter', 'AssumeRoleWithOIDC is an anonymous call: this server expects no signature.');
      }
      if (params.Version !== VERSION || params.Format !== 'JSON') return fail(400, 'InvalidVersion', 'Version 2015-04-01 and Format JSON expected.');
      const late = verifyTimestamp(params.Timestamp);
      if (late) return late;
      if (params.OIDCProviderArn !== oidcProviderArn) {
        return fail(404, 'EntityNotExist.OIDCProvider', `The OIDC provider ${params.OIDCProviderArn} does not exist.`);
      }
      record.oidcToken = params.OIDCToken;
      record.verified = expectedOidcToken !== undefined && safeEqual(params.OIDCToken ?? '', expectedOidcToken);
      if (!record.verified) {
        // Echoes the token, as a careless server might: the connector must not repeat it.
        return fail(400, 'AuthenticationFail.OIDCToken.Invalid', `The OIDC token is invalid: ${params.OIDCToken}`);
      }
      return verifySession(params);
    }
    return fail(400, 'InvalidAction.NotFound', `Specified api ${action} is not found.`);
  }

  function send(res, status, object) {
    const text = JSON.stringify(object);
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = {
      method: req.method,
      path: url.pathname,
      headers: { ...req.headers },
      rawBody: await readBody(req),
      params: {},
      verified: false,
      requestId: randomUUID().toUpperCase(),
    };
    const chosen = nextMode('ok');
    let outcome;
    try {
      parseForm(url.search.slice(1), record.params);
      if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        parseForm(record.rawBody, record.params);
      }
      outcome = req.method === 'POST' ? verify(record) : fail(405, 'UnsupportedHTTPMethod', req.method);
    } catch (error) {
      outcome = fail(400, 'InvalidParameter', error.message);
    }
    record.outcome = outcome ?? { status: 200, code: 'OK' };
    record.mode = chosen;
    requests.push(record);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (answerSimulated(res, chosen, 'application/json')) return;
    const error = typeof chosen === 'object' && 'error' in chosen ? fail(chosen.status ?? 400, chosen.error, chosen.message ?? `Simulated ${chosen.error}`) : outcome;
    if (error) {
      send(res, error.status, { RequestId: record.requestId, HostId: 'sts.aliyuncs.com', Code: error.code, Message: error.message, Recommend: 'https://api.aliyun.com/troubleshoot' });
      return;
    }
    calls[record.action] += 1;
    const lifetime = expiresIn ?? Number(record.params.DurationSeconds ?? 3600);
    const credentials = mint(record.action === 'AssumeRole' ? 'role' : 'oidc', now() + lifetime * 1000);
    issued.push(credentials);
    onIssue?.(credentials, record);
    send(res, 200, {
      RequestId: record.requestId,
      AssumedRoleUser: {
        Arn: `${record.params.RoleArn.replace(':role/', ':assumed-role/')}/${record.params.RoleSessionName}`,
        AssumedRoleId: `3445${randomBytes(6).toString('hex')}:${record.params.RoleSessionName}`,
      },
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        AccessKeySecret: credentials.accessKeySecret,
        SecurityToken: credentials.securityToken,
        Expiration: credentials.expiration,
      },
    });
  }

  const { url, port: actualPort, close } = await startLoopbackServer(handle, { name: 'sts-server', port, keepAliveTimeout: 1000 });
  return {
    url,
    port: actualPort,
    requests,
    issued,
    calls,
    sources,
    setExpiresIn(seconds) {
      expiresIn = seconds;
    },
    setOidcToken(token) {
      expectedOidcToken = token;
    },
    setDelay(ms) {
      delay = ms;
    },
    respondNext,
    reset() {
      forget();
      issued.length = 0;
      calls.AssumeRole = 0;
      calls.AssumeRoleWithOIDC = 0;
      expiresIn = undefined;
      delay = 0;
    },
    close,
  };
}
