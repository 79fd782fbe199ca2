// credentialType: temporary credentials from a RAM role (STS AssumeRole), an OIDC token (STS
// AssumeRoleWithOIDC) or the ECS instance's role (metadata service), end to end over loopback in
// V1 and V3; caching and refresh before expiry; 1,000 concurrent sends sharing one refresh; every
// failure kind; and no secret or token in any error.
//
// Everything here runs against our own servers (tests/support/sts-server.mjs,
// metadata-server.mjs, aliyun-server.mjs), never against Alibaba Cloud.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import {
  ConnectorError,
  captureOutput,
  configFor,
  errorTexts,
  loadConnector,
  message,
} from '../support/harness.mjs';
import { startMetadataServer } from '../support/metadata-server.mjs';
import { OIDC_PROVIDER_ARN, ROLE_ARN, startStsServer } from '../support/sts-server.mjs';

const SOURCE_ID = 'LTAI-role-source';
const SOURCE_SECRET = `Src${randomBytes(16).toString('hex')}`;
// A temporary source pair (role chaining): its token has +, / and =, like a real one.
const CHAIN_ID = 'STS.chained-source';
const CHAIN_SECRET = `Chn${randomBytes(16).toString('hex')}`;
const CHAIN_TOKEN = `CAIS${randomBytes(120).toString('base64')}`;
const oidcToken = () => `eyJhbGciOiJSUzI1NiJ9.${randomBytes(90).toString('base64url')}.${randomBytes(40).toString('base64url')}`;

/** Every secret and token of this file (the configured ones, and each one minted or read). */
const secrets = new Set([SOURCE_SECRET, CHAIN_SECRET, CHAIN_TOKEN]);
/** Every rendering of every error, and all console/stdout/stderr output while sending. */
const shown = [];
const stsServers = [];
const metadataServers = [];

// The SMS server accepts only the temporary credentials the STS or metadata stand-ins mint, each
// with its own token and until its own Expiration; its clock is Date.now at each request, so a
// test that moves Date.now moves every party's clock together.
const smsKeys = {};
const smsTokens = {};
const smsExpirations = {};
const register = (issued) => {
  smsKeys[issued.accessKeyId] = issued.accessKeySecret;
  smsTokens[issued.accessKeyId] = issued.securityToken;
  smsExpirations[issued.accessKeyId] = issued.expiresAt;
};

let sms;
let connector;
let tmp;

before(async () => {
  sms = await startAliyunServer({
    credentials: smsKeys,
    securityTokens: smsTokens,
    expirations: smsExpirations,
    now: () => Date.now(),
  });
  connector = await loadConnector();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'aliyun-sms-credentials-'));
});
after(async () => {
  await Promise.all([sms.close(), ...stsServers.map((s) => s.close()), ...metadataServers.map((s) => s.close())]);
  await rm(tmp, { recursive: true, force: true });
});

/** A fresh STS stand-in: each has its own URL, so each test's config is a fresh cache entry. */
async function sts(options = {}) {
  const server = await startStsServer({
    sources: { [SOURCE_ID]: SOURCE_SECRET, [CHAIN_ID]: CHAIN_SECRET },
    sourceTokens: { [CHAIN_ID]: CHAIN_TOKEN },
    onIssue: register,
    ...options,
  });
  stsServers.push(server);
  return server;
}

async function metadata(options = {}) {
  const server = await startMetadataServer({ onIssue: register, ...options });
  metadataServers.push(server);
  return server;
}

async function tokenFile(token = oidcToken()) {
  secrets.add(token);
  const file = path.join(tmp, `token-${randomBytes(6).toString('hex')}`);
  await writeFile(file, `${token}\n`);
  return { file, token };
}

const base = (overrides) =>
  configFor({ url: sms.url, accessKeyId: '-', accessKeySecret: '-', signName: 'Logto Roles', timeout: 3000 }, overrides);

const ramRole = (server, overrides = {}) =>
  base({ credentialType: 'ram_role_arn', accessKeyId: SOURCE_ID, accessKeySecret: SOURCE_SECRET, roleArn: ROLE_ARN, stsEndpoint: server.url, ...overrides });

const oidcRole = (server, file, overrides = {}) =>
  base({ credentialType: 'oidc_role_arn', roleArn: ROLE_ARN, oidcProviderArn: OIDC_PROVIDER_ARN, oidcTokenFile: file, stsEndpoint: server.url, ...overrides });

const ecsRole = (server, overrides = {}) =>
  base({ credentialType: 'ecs_ram_role', roleName: 'SmsSender', ecsMetadataEndpoint: server.url, ...overrides });

/** Sends one message; it must succeed, with the SMS server verifying the signature. */
async function sends(config) {
  const count = sms.requests.length;
  const result = await connector.sendMessage(message(), config);
  assert.equal(result.Code, 'OK');
  assert.equal(sms.requests.length, count + 1);
  assert.equal(sms.requests.at(-1).verified, true);
  return sms.requests.at(-1);
}

/** Sends one message; it must fail with ConnectorError `code` naming `step`. Returns the error. */
async function fails(config, code, step) {
  const { error, output } = await captureOutput(() => connector.sendMessage(message(), config));
  assert.ok(error instanceof ConnectorError, `expected ConnectorError, got ${error?.constructor?.name}: ${error}`);
  shown.push(...Object.values(errorTexts(error)), output);
  assert.equal(error.code, code, error.data?.errorDescription);
  if (step) {
    assert.ok(error.data.errorDescription.includes(`at step ${step}`), error.data.errorDescription);
  }
  return error;
}

/** The SMS request `record` was signed with `issued` (secret and token). */
function signedWith(record, issued, version) {
  assert.equal(record.accessKeyId, issued.accessKeyId);
  assert.equal(record.signatureVersion, version);
  assert.equal(record.outcome.code, 'OK');
  const token = version === 'v1' ? record.params.SecurityToken : record.headers['x-acs-security-token'];
  assert.equal(token, issued.securityToken);
}

/** A loopback port with nothing listening. */
async function refusedUrl() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/`;
}

/** Runs `fn` with Date.now moved by `offset()` milliseconds (read at each call). */
async function withClock(offset, fn) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset();
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

describe('ram_role_arn', () => {
  for (const version of ['v1', 'v3']) {
    test(`${version}: AssumeRole signed with the source secret, SendSms with the temporary pair and token`, async () => {
      const server = await sts();
      const received = await sends(ramRole(server, { signatureVersion: version }));
      assert.equal(server.calls.AssumeRole, 1);
      const [call] = server.requests;
      assert.equal(call.verified, true, call.outcome.message);
      assert.equal(call.signatureVersion, version);
      assert.equal(call.accessKeyId, SOURCE_ID);
      assert.equal(call.params.RoleArn, ROLE_ARN);
      assert.equal(call.params.RoleSessionName, 'logto-aliyun-sms');
      assert.equal(call.params.DurationSeconds, '3600');
      assert.equal(call.params.Policy, undefined);
      assert.equal(call.params.RegionId, undefined, 'STS is global: no RegionId');
      signedWith(received, server.issued[0], version);
      // The source key itself cannot send: only the temporary one did.
      assert.equal(Object.hasOwn(smsKeys, SOURCE_ID), false);
    });
  }

  test('roleSessionName, durationSeconds and policy reach STS; a temporary source sends its token', async () => {
    const server = await sts();
    const policy = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"dysms:SendSms","Resource":"*"}]}';
    await sends(
      ramRole(server, {
        accessKeyId: CHAIN_ID,
        accessKeySecret: CHAIN_SECRET,
        securityToken: CHAIN_TOKEN,
        roleSessionName: 'tenant-7@logto',
        durationSeconds: 900,
        policy,
      }),
    );
    const [call] = server.requests;
    assert.equal(call.outcome.code, 'OK', call.outcome.message);
    assert.equal(call.params.SecurityToken, CHAIN_TOKEN);
    assert.equal(call.params.RoleSessionName, 'tenant-7@logto');
    assert.equal(call.params.DurationSeconds, '900');
    assert.equal(call.params.Policy, policy);
  });

  test('cached: five sends, one AssumeRole; another role session is another cache entry', async () => {
    const server = await sts();
    const config = ramRole(server);
    for (let i = 0; i < 5; i += 1) signedWith(await sends(config), server.issued[0], 'v1');
    assert.equal(server.calls.AssumeRole, 1);
    // Logto passes a fresh copy of the config on each send: same content, same credentials.
    await sends(structuredClone(config));
    assert.equal(server.calls.AssumeRole, 1);
    const other = ramRole(server, { roleSessionName: 'other-session' });
    await sends(other);
    await sends(other);
    await sends(config);
    assert.equal(server.calls.AssumeRole, 2);
    // The signature version is how calls are signed, not whose credentials they are.
    await sends(ramRole(server, { signatureVersion: 'v3' }));
    assert.equal(server.calls.AssumeRole, 2);
  });
});

describe('oidc_role_arn', () => {
  for (const version of ['v1', 'v3']) {
    test(`${version}: anonymous AssumeRoleWithOIDC with the file's token, SendSms with the temporary pair`, async () => {
      const { file, token } = await tokenFile();
      const server = await sts({ oidcToken: token });
      const received = await sends(oidcRole(server, file, { signatureVersion: version }));
      assert.equal(server.calls.AssumeRoleWithOIDC, 1);
      const [call] = server.requests;
      assert.equal(call.signatureVersion, 'anonymous');
      assert.equal(call.verified, true);
      assert.equal(call.params.OIDCToken, token, 'the token without its trailing newline');
      assert.equal(call.params.OIDCProviderArn, OIDC_PROVIDER_ARN);
      assert.equal(call.params.RoleArn, ROLE_ARN);
      assert.equal(call.params.RoleSessionName, 'logto-aliyun-sms');
      signedWith(received, server.issued[0], version);
    });
  }

  test('the token file is read afresh at every refresh (it is rotated)', async () => {
    const first = await tokenFile();
    const server = await sts({ oidcToken: first.token });
    // Credentials that arrive inside the 3-minute margin: every send refreshes.
    server.setExpiresIn(170);
    const config = oidcRole(server, first.file);
    await sends(config);
    const rotated = oidcToken();
    secrets.add(rotated);
    await writeFile(first.file, rotated);
    server.setOidcToken(rotated);
    await sends(config);
    assert.deepEqual(
      server.requests.map((r) => r.oidcToken),
      [first.token, rotated],
    );
  });

  test('without oidcTokenFile, the file named by ALIBABA_CLOUD_OIDC_TOKEN_FILE', async () => {
    const { file, token } = await tokenFile();
    const server = await sts({ oidcToken: token });
    const saved = process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE;
    process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE = file;
    try {
      await sends(oidcRole(server, undefined));
    } finally {
      if (saved === undefined) delete process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE;
      else process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE = saved;
    }
    assert.equal(server.requests[0].oidcToken, token);
  });
});

describe('ecs_ram_role', () => {
  for (const version of ['v1', 'v3']) {
    test(`${version}: IMDSv2 token, then the role's credentials; SendSms with them`, async () => {
      const server = await metadata();
      const received = await sends(ecsRole(server, { signatureVersion: version }));
      assert.deepEqual(server.calls, { token: 1, roleName: 0, credentials: 1 });
      const [put, get] = server.requests;
      assert.equal(put.method, 'PUT');
      assert.equal(put.path, '/latest/api/token');
      const ttl = Number(put.headers['x-aliyun-ecs-metadata-token-ttl-seconds']);
      assert.ok(ttl >= 1 && ttl <= 21_600, `ttl ${ttl}`);
      assert.equal(get.path, '/latest/meta-data/ram/security-credentials/SmsSender');
      assert.equal(get.headers['x-aliyun-ecs-metadata-token'], server.tokens[0]);
      signedWith(received, server.issued[0], version);
    });
  }

  test('without roleName, the role attached to the instance; then cached', async () => {
    const server = await metadata({ roles: ['AttachedRole'] });
    const config = ecsRole(server, { roleName: undefined });
    for (let i = 0; i < 3; i += 1) signedWith(await sends(config), server.issued[0], 'v1');
    assert.deepEqual(server.calls, { token: 1, roleName: 1, credentials: 1 });
    assert.equal(server.requests[2].path, '/latest/meta-data/ram/security-credentials/AttachedRole');
  });
});

describe('refresh before expiry', () => {
  test('cached until 3 minutes before Expiration, then refreshed; expired credentials are never used', async () => {
    let offset = 0;
    await withClock(
      () => offset,
      async () => {
        const server = await sts();
        const config = ramRole(server, { durationSeconds: 3600 });
        signedWith(await sends(config), server.issued[0], 'v1');
        // 200 s before Expiration: still outside the margin.
        offset = (3600 - 200) * 1000;
        signedWith(await sends(config), server.issued[0], 'v1');
        assert.equal(server.calls.AssumeRole, 1);
        // 170 s before: inside it.
        offset = (3600 - 170) * 1000;
        signedWith(await sends(config), server.issued[1], 'v1');
        assert.equal(server.calls.AssumeRole, 2);
        // Long after the second pair expired: the SMS server would refuse it, and is not asked to.
        offset += 2 * 3600 * 1000;
        signedWith(await sends(config), server.issued[2], 'v1');
        assert.equal(server.calls.AssumeRole, 3);
      },
    );
  });

  test('credentials that arrive inside the margin are used, and replaced at the next send', async () => {
    const server = await metadata({ expiresIn: 170 });
    const config = ecsRole(server);
    for (let i = 0; i < 3; i += 1) signedWith(await sends(config), server.issued[i], 'v1');
    assert.deepEqual(server.calls, { token: 3, roleName: 0, credentials: 3 });
  });
});

describe('1,000 concurrent sends', () => {
  // A generous timeout: a thousand sends on a loaded machine take a while, and this is not what
  // is under test.
  const all = (config, n = 1000) =>
    Promise.allSettled(Array.from({ length: n }, () => connector.sendMessage(message(), { ...config, timeout: 60_000 })));
  const allFulfilled = (outcomes) =>
    assert.deepEqual([...new Set(outcomes.map((o) => o.status))], ['fulfilled'], outcomes.find((o) => o.reason)?.reason?.data?.errorDescription);

  test('ram_role_arn: exactly one AssumeRole, every send signed with its credentials', async () => {
    const server = await sts();
    server.setDelay(50);
    const before = sms.requests.length;
    const outcomes = await all(ramRole(server, { signatureVersion: 'v3' }));
    allFulfilled(outcomes);
    assert.equal(server.calls.AssumeRole, 1);
    assert.equal(server.requests.length, 1);
    const received = sms.requests.slice(before);
    assert.equal(received.length, 1000);
    for (const record of received) signedWith(record, server.issued[0], 'v3');
  });

  test('ecs_ram_role: exactly one token and one credentials request', async () => {
    const server = await metadata();
    const outcomes = await all(ecsRole(server, { roleName: undefined }));
    allFulfilled(outcomes);
    assert.deepEqual(server.calls, { token: 1, roleName: 1, credentials: 1 });
    assert.equal(server.requests.length, 3);
  });

  test('a failed refresh fails every waiting send with one ConnectorError; the next send retries', async () => {
    const server = await sts();
    server.setDelay(20);
    server.respondNext({ error: 'NoPermission', status: 403, message: 'You are not authorized to do this action.' });
    const before = sms.requests.length;
    const outcomes = await all(ramRole(server));
    assert.equal(server.requests.length, 1, 'one refresh for all of them');
    assert.equal(sms.requests.length, before, 'nothing was sent');
    const reasons = outcomes.map((o) => o.reason);
    assert.ok(reasons.every((r) => r instanceof ConnectorError && r.code === 'invalid_config'));
    assert.equal(new Set(reasons.map((r) => r.data.errorDescription)).size, 1);
    shown.push(...Object.values(errorTexts(reasons[0])));
    await sends(ramRole(server));
    assert.equal(server.requests.length, 2);
  });
});

describe('failures', () => {
  describe('ram_role_arn', () => {
    test('the source may not assume the role (NoPermission): invalid_config, and the next send tries again', async () => {
      const server = await sts({ denied: [SOURCE_ID] });
      const error = await fails(ramRole(server), 'invalid_config', 'STS AssumeRole');
      assert.equal(error.data.Code, 'NoPermission');
      assert.equal(error.data.status, 403);
      assert.ok(error.data.errorDescription.includes('credentialType ram_role_arn'));
      await fails(ramRole(server), 'invalid_config', 'STS AssumeRole');
      assert.equal(server.requests.length, 2);
    });

    test('an unknown role (EntityNotExist.Role): invalid_config', async () => {
      const server = await sts();
      const error = await fails(ramRole(server, { roleArn: 'acs:ram::1234567890123456:role/gone' }), 'invalid_config', 'STS AssumeRole');
      assert.equal(error.data.Code, 'EntityNotExist.Role');
    });

    test('a wrong source secret, echoed in the string to sign with the source token: invalid_config', async () => {
      const server = await sts();
      const error = await fails(
        ramRole(server, { accessKeyId: CHAIN_ID, accessKeySecret: `Wrong${randomBytes(12).toString('hex')}`, securityToken: CHAIN_TOKEN }),
        'invalid_config',
        'STS AssumeRole',
      );
      assert.equal(error.data.Code, 'SignatureDoesNotMatch');
      assert.ok(server.requests[0].outcome.message.includes(encodeURIComponent(encodeURIComponent(CHAIN_TOKEN)).slice(0, 40)), 'the echo carries the token');
    });

    test('a role session longer than the role allows (InvalidParameter.DurationSeconds): invalid_config', async () => {
      const server = await sts({ maxSessionDuration: 3600 });
      const error = await fails(ramRole(server, { durationSeconds: 7200 }), 'invalid_config', 'STS AssumeRole');
      assert.equal(error.data.Code, 'InvalidParameter.DurationSeconds');
    });

    test('STS throttling: rate_limit_exceeded', async () => {
      const server = await sts();
      server.respondNext({ error: 'Throttling.User', status: 400 });
      await fails(ramRole(server), 'rate_limit_exceeded', 'STS AssumeRole');
    });

    test('STS unreachable: general, naming STS', async () => {
      const error = await fails(ramRole({ url: await refusedUrl() }), 'general', 'STS AssumeRole');
      assert.ok(error.data.errorDescription.includes('Network error calling STS at http://127.0.0.1:'), error.data.errorDescription);
    });

    test('STS never answers: general within the configured timeout', async () => {
      const server = await sts();
      server.respondNext('hang');
      const error = await fails(ramRole(server, { timeout: 300 }), 'general', 'STS AssumeRole');
      assert.ok(error.data.errorDescription.includes('did not answer within'), error.data.errorDescription);
    });

    test('a send that joins a refresh under way waits no longer than its own refresh could (3 x its timeout)', async () => {
      const server = await sts();
      server.respondNext('hang');
      // Two tenants of one role source: the first starts the refresh with 5 s, the second joins.
      const slow = connector.sendMessage(message(), ramRole(server, { timeout: 5000 })).catch((error) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      const error = await fails(ramRole(server, { timeout: 300 }), 'general');
      const waited = Date.now() - started;
      assert.ok(waited < 2000, `waited ${waited} ms`);
      assert.match(error.data.errorDescription, /credential refresh this send waited for did not finish within 900 ms/);
      assert.equal(server.requests.length, 1, 'it joined the refresh, it did not start its own');
      const first = await slow;
      assert.ok(first instanceof ConnectorError && first.data.errorDescription.includes('did not answer within'), String(first?.data?.errorDescription));
    });

    test('STS answers something other than JSON: invalid_response', async () => {
      const server = await sts();
      server.respondNext({ status: 200, body: '<html>captive portal</html>', contentType: 'text/html' });
      await fails(ramRole(server), 'invalid_response', 'STS AssumeRole');
    });
  });

  describe('oidc_role_arn', () => {
    test('the token file does not exist: invalid_config, STS not called', async () => {
      const server = await sts();
      const missing = path.join(tmp, 'no-such-token');
      const error = await fails(oidcRole(server, missing), 'invalid_config', 'reading the OIDC token file');
      assert.ok(error.data.errorDescription.includes('ENOENT'), error.data.errorDescription);
      assert.ok(error.data.errorDescription.includes(missing));
      assert.equal(server.requests.length, 0);
    });

    test('the token file is empty: invalid_config', async () => {
      const server = await sts();
      const file = path.join(tmp, 'empty-token');
      await writeFile(file, '\n');
      const error = await fails(oidcRole(server, file), 'invalid_config', 'reading the OIDC token file');
      assert.ok(error.data.errorDescription.includes('is empty'));
      assert.equal(server.requests.length, 0);
    });

    test('no oidcTokenFile and no ALIBABA_CLOUD_OIDC_TOKEN_FILE: invalid_config', async () => {
      const server = await sts();
      const saved = process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE;
      delete process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE;
      try {
        const error = await fails(oidcRole(server, undefined), 'invalid_config', 'reading the OIDC token file');
        assert.ok(error.data.errorDescription.includes('ALIBABA_CLOUD_OIDC_TOKEN_FILE'));
      } finally {
        if (saved !== undefined) process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE = saved;
      }
    });

    test('STS refuses the token, echoing it (AuthenticationFail.OIDCToken.Invalid): invalid_config', async () => {
      const { file, token } = await tokenFile();
      const server = await sts({ oidcToken: 'some-other-token' });
      const error = await fails(oidcRole(server, file), 'invalid_config', 'STS AssumeRoleWithOIDC');
      assert.equal(error.data.Code, 'AuthenticationFail.OIDCToken.Invalid');
      assert.ok(server.requests[0].outcome.message.includes(token), 'the echo carries the token');
    });

    test('an unknown OIDC provider (EntityNotExist.OIDCProvider): invalid_config', async () => {
      const { file, token } = await tokenFile();
      const server = await sts({ oidcToken: token });
      const error = await fails(
        oidcRole(server, file, { oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/other' }),
        'invalid_config',
        'STS AssumeRoleWithOIDC',
      );
      assert.equal(error.data.Code, 'EntityNotExist.OIDCProvider');
    });
  });

  describe('ecs_ram_role', () => {
    test('no such role attached: invalid_config', async () => {
      const server = await metadata();
      const error = await fails(ecsRole(server, { roleName: 'NotAttached' }), 'invalid_config', 'ECS metadata credentials');
      assert.ok(error.data.errorDescription.includes('no RAM role named NotAttached'), error.data.errorDescription);
      assert.equal(error.data.status, 404);
    });

    test('no role attached at all: invalid_config', async () => {
      const server = await metadata({ roles: [] });
      const error = await fails(ecsRole(server, { roleName: undefined }), 'invalid_config', 'ECS metadata role name');
      assert.ok(error.data.errorDescription.includes('no RAM role is attached'), error.data.errorDescription);
    });

    test('the metadata service refuses a token (403): invalid_config', async () => {
      const server = await metadata();
      server.respondNext({ status: 403, body: '403 - Forbidden' });
      const error = await fails(ecsRole(server), 'invalid_config', 'ECS metadata token');
      assert.ok(error.data.errorDescription.includes('access denied'));
    });

    test('the metadata service fails (500): general', async () => {
      const server = await metadata();
      server.respondNext(undefined);
      server.respondNext({ status: 500, body: 'Internal Server Error' });
      // The token is issued; the credentials request fails.
      const error = await fails(ecsRole(server), 'general', 'ECS metadata credentials');
      assert.equal(error.data.status, 500);
    });

    test('the metadata service is unreachable: general', async () => {
      const error = await fails(ecsRole({ url: await refusedUrl() }), 'general', 'ECS metadata token');
      assert.ok(error.data.errorDescription.includes('Network error calling the ECS metadata service'), error.data.errorDescription);
    });

    test('the metadata service never answers: general within the configured timeout', async () => {
      const server = await metadata();
      server.respondNext(undefined);
      server.respondNext('hang');
      const error = await fails(ecsRole(server, { timeout: 300 }), 'general', 'ECS metadata credentials');
      assert.ok(error.data.errorDescription.includes('did not answer within'), error.data.errorDescription);
    });
  });

  test('access_key with a long STS token: Aliyun echoes it in the string to sign, the error keeps no part of it', async () => {
    const id = 'STS.fixed-long-token';
    const token = `CAIS${randomBytes(900).toString('base64')}`;
    const secret = `Fix${randomBytes(16).toString('hex')}`;
    secrets.add(token).add(secret);
    smsKeys[id] = `Other${randomBytes(12).toString('hex')}`;
    smsTokens[id] = token;
    const error = await fails(base({ accessKeyId: id, accessKeySecret: secret, securityToken: token }), 'invalid_config');
    assert.equal(error.data.Code, 'SignatureDoesNotMatch');
    // The echo is longer than the part of Aliyun's message an error keeps: redacting after the
    // cut would leave the token's first characters in.
    assert.ok(sms.requests.at(-1).outcome.message.length > 1024, `${sms.requests.at(-1).outcome.message.length}`);
  });

  test('Aliyun refuses the temporary credentials, echoing their token: invalid_config; the next send gets new ones', async () => {
    // The SMS server learns a wrong secret for the first pair: its signature check fails, and
    // its answer quotes the string to sign, which holds the temporary token (encoded twice).
    let first = true;
    const server = await sts({
      onIssue: (issued) => {
        register(issued);
        if (first) smsKeys[issued.accessKeyId] = `Bad${randomBytes(12).toString('hex')}`;
        first = false;
      },
    });
    const error = await fails(ramRole(server), 'invalid_config');
    assert.equal(error.data.Code, 'SignatureDoesNotMatch');
    assert.ok(sms.requests.at(-1).outcome.message.includes(encodeURIComponent(encodeURIComponent(server.issued[0].securityToken)).slice(0, 40)));
    signedWith(await sends(ramRole(server)), server.issued[1], 'v1');
    assert.equal(server.calls.AssumeRole, 2);
  });
});

describe('secrets', () => {
  /** Every run of 16 consecutive characters of `secret`. */
  const windows = (secret) =>
    secret.length <= 16 ? [secret] : Array.from({ length: secret.length - 15 }, (_, i) => secret.slice(i, i + 16));

  test('no error or output above holds any secret or token, not even 16 characters of one', () => {
    for (const server of stsServers) for (const issued of server.issued) secrets.add(issued.accessKeySecret).add(issued.securityToken);
    for (const server of metadataServers) {
      for (const issued of server.issued) secrets.add(issued.accessKeySecret).add(issued.securityToken);
      for (const token of server.tokens) secrets.add(token);
    }
    assert.ok(secrets.size > 20, `${secrets.size} secrets`);
    assert.ok(shown.length > 100, `${shown.length} texts`);
    // The check can fail: a text with a part of a secret is caught.
    const sample = [...secrets][0];
    assert.ok(windows(sample).some((w) => `x${sample.slice(3, 20)}x`.includes(w)));
    for (const text of shown) {
      for (const secret of secrets) {
        const part = windows(secret).find((w) => text.includes(w));
        assert.equal(part, undefined, `part of a secret (${part}) in: ${text.slice(0, 1500)}`);
      }
    }
  });
});
