// A local stand-in for the ECS instance metadata service in security hardening mode (IMDSv2):
//
//   PUT /latest/api/token                               X-aliyun-ecs-metadata-token-ttl-seconds: 1..21600
//   GET /latest/meta-data/ram/security-credentials/         the attached role's name
//   GET /latest/meta-data/ram/security-credentials/<role>   its temporary credentials (JSON)
//
// Both GETs require a live token (X-aliyun-ecs-metadata-token) that this server issued; requests
// that came through a proxy (X-Forwarded-For) are refused, as the real service does.
//
//   const metadata = await startMetadataServer({ roles: ['SmsSender'], onIssue: (issued) => ... });
//   metadata.url           // 'http://127.0.0.1:<port>/'
//   metadata.calls         // { token, roleName, credentials }: requests answered 200
//   metadata.requests      // every request: { method, path, headers, status }
//   metadata.tokens        // every session token issued
//   metadata.respondNext({ status?, body, contentType? } | 'hang' | 'reset')
//   metadata.setExpiresIn(seconds)

import { randomBytes } from 'node:crypto';

import { answerSimulated, recorder, startLoopbackServer } from './loopback-server.mjs';
import { mint, utc } from './sts-server.mjs';

const TOKEN_PATH = '/latest/api/token';
const ROLES_PATH = '/latest/meta-data/ram/security-credentials/';

/**
 * @param {object} [options]
 * @param {string[]} [options.roles] Roles attached to the "instance" (the first is listed).
 * @param {(issued: object) => void} [options.onIssue]
 * @param {number} [options.expiresIn] Lifetime of the credentials, seconds.
 * @param {() => number} [options.now]
 */
export async function startMetadataServer({ roles = ['SmsSender'], onIssue, expiresIn = 6 * 3600, now = () => Date.now(), port = 0 } = {}) {
  const { requests, respondNext, nextMode, forget } = recorder();
  const tokens = [];
  const issued = [];
  const live = new Map();
  const calls = { token: 0, roleName: 0, credentials: 0 };
  let lifetime = expiresIn;

  const text = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  function answer(req, res, record) {
    if (req.headers['x-forwarded-for'] !== undefined) return text(res, 403, '403 - Forbidden');
    if (record.path === TOKEN_PATH) {
      if (req.method !== 'PUT') return text(res, 405, '405 - Method Not Allowed');
      const ttl = Number(req.headers['x-aliyun-ecs-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return text(res, 400, '400 - Bad Request');
      const token = `AAAA${randomBytes(24).toString('base64')}`;
      live.set(token, now() + ttl * 1000);
      tokens.push(token);
      calls.token += 1;
      return text(res, 200, token);
    }
    if (req.method !== 'GET') return text(res, 405, '405 - Method Not Allowed');
    const token = req.headers['x-aliyun-ecs-metadata-token'];
    if (token === undefined || !(live.get(token) > now())) return text(res, 401, '401 - Unauthorized');
    if (record.path === ROLES_PATH) {
      calls.roleName += 1;
      return text(res, 200, roles.join('\n'));
    }
    if (record.path.startsWith(ROLES_PATH)) {
      const role = record.path.slice(ROLES_PATH.length);
      if (!roles.includes(role)) return text(res, 404, '404 - Not Found');
      calls.credentials += 1;
      const credentials = mint('ecs', now() + lifetime * 1000);
      issued.push(credentials);
      onIssue?.(credentials);
      const body = JSON.stringify({
        AccessKeyId: credentials.accessKeyId,
        AccessKeySecret: credentials.accessKeySecret,
        Expiration: credentials.expiration,
        SecurityToken: credentials.securityToken,
        LastUpdated: utc(now()),
        Code: 'Success',
      });
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    return text(res, 404, '404 - Not Found');
  }

  function handle(req, res) {
    const record = { method: req.method, path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname, headers: { ...req.headers } };
    requests.push(record);
    req.resume();
    req.on('end', () => {
      const chosen = nextMode(undefined);
      record.mode = chosen;
      if (answerSimulated(res, chosen, 'text/plain')) return;
      answer(req, res, record);
      record.status = res.statusCode;
    });
  }

  const { url, close } = await startLoopbackServer(handle, { name: 'metadata-server', port, keepAliveTimeout: 1000 });
  return {
    url,
    requests,
    tokens,
    issued,
    calls,
    respondNext,
    setExpiresIn(seconds) {
      lifetime = seconds;
    },
    reset() {
      forget();
      tokens.length = 0;
      issued.length = 0;
      calls.token = 0;
      calls.roleName = 0;
      calls.credentials = 0;
      lifetime = expiresIn;
    },
    close,
  };
}
