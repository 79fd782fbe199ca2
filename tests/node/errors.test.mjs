// Every row of the error table, against the loopback server: the package rejects with the host's
// ConnectorError, the right code, useful data, and never the secret.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';

import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import createConnector from '../../pkg/lib/index.js';
import { startAliyunServer } from '../support/aliyun-server.mjs';
import { configFor, message } from '../support/harness.mjs';

const KEY_ID = 'LTAI-errors-test';
const SECRET = `errors-secret-${randomUUID()}`;
const KNOWN_CODES = new Set(Object.values(ConnectorErrorCodes));

let server;
let connector;

const makeConfig = (overrides) =>
  configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto Test' }, overrides);

/** Asserts the common ConnectorError contract and that the secret is nowhere in the error. */
function checkError(error, code, secret = SECRET) {
  assert.ok(error instanceof ConnectorError, `expected ConnectorError, got ${error?.constructor?.name}: ${error}`);
  assert.ok(error instanceof Error);
  assert.equal(error.code, code, `code (errorDescription: ${error.data?.errorDescription})`);
  assert.ok(KNOWN_CODES.has(error.code), `${error.code} is a ConnectorErrorCodes value`);
  assert.equal(typeof error.data, 'object');
  assert.equal(typeof error.data.errorDescription, 'string');
  assert.ok(error.data.errorDescription.length > 0);
  for (const [where, text] of [
    ['message', error.message],
    ['data', JSON.stringify(error.data)],
    ['String(error)', String(error)],
    ['stack', error.stack ?? ''],
  ]) {
    assert.ok(!text.includes(secret), `secret leaked in ${where}: ${text}`);
  }
  return true;
}

/** Sends and returns the rejection, checked against `code`. */
async function rejection(code, { config = makeConfig(), data = message(), secret } = {}) {
  let caught;
  await assert.rejects(
    connector.sendMessage(data, config).then(
      (value) => value,
      (error) => {
        caught = error;
        throw error;
      },
    ),
    (error) => checkError(error, code, secret ?? config?.accessKeySecret ?? SECRET),
  );
  return caught;
}

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  connector = await createConnector({
    getConfig: async () => {
      throw new Error('getConfig must not be called');
    },
  });
});
after(() => server.close());
beforeEach(() => server.reset());

describe('Aliyun error codes: every row of data/send-sms-errors.json', () => {
  // The table itself, not a copy: a row added there is tested here.
  const rows = JSON.parse(readFileSync(new URL('../../data/send-sms-errors.json', import.meta.url), 'utf8'));
  const cases = rows.flatMap((row) => {
    const codes = row.match === 'prefix' ? [row.code, `${row.code}.User`, `${row.code}.SomeMember`] : [row.code];
    return codes.map((code) => [code, row]);
  });
  // Codes the table does not list: general, with Aliyun's own message as the description.
  const unlisted = ['MissingPhoneNumbers', 'InvalidTimeStamp.Format', 'Some.Future.Code'];

  test('the table is the whole list it claims to be', () => {
    assert.ok(rows.length >= 50, `${rows.length} rows`);
    for (const row of rows) {
      assert.ok(KNOWN_CODES.has(row.class), `${row.code}: ${row.class} is a connector-kit code`);
      assert.ok(row.hint.length > 0 && row.hint.length <= 200, row.code);
    }
  });

  for (const [aliyunCode, row] of cases) {
    for (const status of [200, 400]) {
      test(`${aliyunCode} (HTTP ${status}) -> ${row.class}`, async () => {
        server.respondNext({ aliyunError: aliyunCode, status, message: `Simulated ${aliyunCode}` });
        const error = await rejection(row.class);
        const received = server.requests.at(-1);
        assert.equal(received.verified, true, 'the request itself was correctly signed');
        assert.equal(error.data.Code, aliyunCode);
        assert.equal(error.data.Message, `Simulated ${aliyunCode}`, "Aliyun's own message stays in data");
        assert.equal(error.data.RequestId, received.requestId);
        assert.equal(error.data.status, status);
        assert.equal(error.data.errorDescription, `Aliyun SendSms failed: ${aliyunCode}: ${row.hint}`);
      });
    }
  }

  for (const aliyunCode of unlisted) {
    test(`${aliyunCode} (not in the table) -> general, with Aliyun's message`, async () => {
      server.respondNext({ aliyunError: aliyunCode, status: 400, message: `Simulated ${aliyunCode}` });
      const error = await rejection('general');
      assert.equal(error.data.errorDescription, `Aliyun SendSms failed: ${aliyunCode}: Simulated ${aliyunCode}`);
    });
  }

  test('an Aliyun error without Message still has Code, RequestId and status', async () => {
    server.respondNext({ status: 400, body: JSON.stringify({ Code: 'Throttling.User', RequestId: 'RID-1' }) });
    const error = await rejection('rate_limit_exceeded');
    assert.equal(error.data.Code, 'Throttling.User');
    assert.equal(error.data.RequestId, 'RID-1');
    assert.equal(error.data.status, 400);
  });
});

describe('errors the server really produces', () => {
  test('wrong secret: SignatureDoesNotMatch (HTTP 400) -> invalid_config', async () => {
    const secret = `wrong-${randomUUID()}`;
    const error = await rejection('invalid_config', { config: makeConfig({ accessKeySecret: secret }), secret });
    assert.equal(error.data.Code, 'SignatureDoesNotMatch');
    assert.equal(error.data.status, 400);
    assert.equal(server.requests.at(-1).verified, false);
    assert.ok(!JSON.stringify(error.data).includes(SECRET));
  });

  test('unknown AccessKeyId: InvalidAccessKeyId.NotFound (HTTP 404) -> invalid_config', async () => {
    const error = await rejection('invalid_config', { config: makeConfig({ accessKeyId: 'LTAI-nobody' }) });
    assert.equal(error.data.Code, 'InvalidAccessKeyId.NotFound');
    assert.equal(error.data.status, 404);
  });

  test('sign name not approved: isv.SMS_SIGNATURE_ILLEGAL -> invalid_config', async () => {
    const strict = await startAliyunServer({ credentials: { [KEY_ID]: SECRET }, signNames: ['Approved'] });
    try {
      const error = await rejection('invalid_config', { config: makeConfig({ endpoint: strict.url }) });
      assert.equal(error.data.Code, 'isv.SMS_SIGNATURE_ILLEGAL');
      assert.equal(error.data.status, 200);
      assert.equal(strict.requests[0].verified, true);
    } finally {
      await strict.close();
    }
  });

  test('template not approved: isv.SMS_TEMPLATE_ILLEGAL -> invalid_config', async () => {
    const strict = await startAliyunServer({ credentials: { [KEY_ID]: SECRET }, templateCodes: ['SMS_GENERIC'] });
    try {
      const error = await rejection('invalid_config', { config: makeConfig({ endpoint: strict.url }) });
      assert.equal(error.data.Code, 'isv.SMS_TEMPLATE_ILLEGAL');
      // The Generic template is approved: an unknown usage type falls back to it and succeeds.
      const result = await connector.sendMessage(
        { to: '13012345678', type: 'SomethingElse', payload: { code: '1' } },
        makeConfig({ endpoint: strict.url }),
      );
      assert.equal(result.Code, 'OK');
    } finally {
      await strict.close();
    }
  });

  test('clock skew beyond 15 minutes: InvalidTimeStamp.Expired (HTTP 400) -> invalid_config, "check the server clock"', async () => {
    const skewed = await startAliyunServer({
      credentials: { [KEY_ID]: SECRET },
      now: () => Date.now() + 16 * 60 * 1000,
    });
    try {
      const error = await rejection('invalid_config', { config: makeConfig({ endpoint: skewed.url }) });
      assert.equal(error.data.Code, 'InvalidTimeStamp.Expired');
      assert.equal(error.data.status, 400);
      assert.match(error.data.errorDescription, /check the server clock/);
    } finally {
      await skewed.close();
    }
  });

  test('a region id the server rejects: InvalidRegionId (HTTP 400) -> general', async () => {
    const error = await rejection('general', { config: makeConfig({ regionId: 'hangzhou' }) });
    assert.equal(error.data.Code, 'InvalidRegionId');
    assert.equal(error.data.status, 400);
  });

  test('an "OK" body with HTTP 500 is not trusted -> invalid_response', async () => {
    server.respondNext({ status: 500, body: JSON.stringify({ Code: 'OK', Message: 'OK', RequestId: 'R' }) });
    const error = await rejection('invalid_response');
    assert.equal(error.data.status, 500);
  });
});

describe('answers that are not the expected JSON -> invalid_response with the HTTP status', () => {
  const cases = [
    ['html500', 500],
    ['truncated', 200],
    ['not-json', 200],
    ['empty', 200],
    ['huge', 200],
    [{ status: 200, body: '[1,2,3]' }, 200],
    [{ status: 200, body: 'null' }, 200],
    [{ status: 200, body: '{"Message":"no Code here"}' }, 200],
    [{ status: 200, body: '{"Code":200,"Message":"OK"}' }, 200],
    [{ status: 502, body: 'Bad Gateway', contentType: 'text/plain' }, 502],
    [{ status: 404, body: '<html>Not Found</html>', contentType: 'text/html' }, 404],
  ];
  for (const [mode, status] of cases) {
    test(`${JSON.stringify(mode).slice(0, 60)} -> invalid_response (status ${status})`, async () => {
      server.respondNext(mode);
      const error = await rejection('invalid_response');
      assert.equal(error.data.status, status);
      assert.ok(error.data.errorDescription.includes(`HTTP ${status}`), error.data.errorDescription);
      assert.ok(error.data.errorDescription.length < 1000, 'long bodies are quoted briefly');
      assert.equal(server.requests.at(-1).verified, true);
    });
  }
});

describe('network failures -> general, promptly', () => {
  test('no answer within config.timeout', async () => {
    server.respondNext('hang');
    const timeout = 300;
    const started = Date.now();
    const error = await rejection('general', { config: makeConfig({ timeout }) });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < timeout + 1500, `rejected after ${elapsed} ms`);
    assert.ok(elapsed >= timeout - 50, `not before the timeout (${elapsed} ms)`);
    assert.ok(/\b300 ms\b/.test(error.data.errorDescription), error.data.errorDescription);
    assert.equal(error.data.status, undefined);
  });

  test('headers sent, body never finishes: the timeout covers the body too', async () => {
    const slow = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"Code":');
    });
    await new Promise((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      await rejection('general', {
        config: makeConfig({ endpoint: `http://127.0.0.1:${slow.address().port}/`, timeout: 300 }),
      });
      assert.ok(Date.now() - started < 300 + 1500);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  test('socket dropped in the middle of the body', async () => {
    server.respondNext('drop');
    const started = Date.now();
    const error = await rejection('general');
    assert.ok(Date.now() - started < 5000 / 2, 'does not wait for the timeout');
    assert.equal(error.data.status, undefined);
  });

  test('socket reset before any answer', async () => {
    server.respondNext('reset');
    const started = Date.now();
    await rejection('general');
    assert.ok(Date.now() - started < 5000 / 2, 'does not wait for the timeout');
  });

  test('connection refused', async () => {
    const probe = http.createServer();
    await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    const started = Date.now();
    const error = await rejection('general', { config: makeConfig({ endpoint: `http://127.0.0.1:${port}/` }) });
    assert.ok(Date.now() - started < 5000 / 2, 'does not wait for the timeout');
    assert.ok(error.data.errorDescription.includes(`127.0.0.1:${port}`), error.data.errorDescription);
  });
});

describe('redirects', () => {
  // fetch follows redirects by default; a 307/308 re-POSTs the signed form to wherever Location
  // points, including plain http to a public host, which the endpoint rule otherwise forbids.
  test(
    'a 307 from the endpoint is not followed',
    async () => {
      const target = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
      const redirector = http.createServer((req, res) => {
        req.resume();
        res.writeHead(307, { location: `${target.url}elsewhere` });
        res.end();
      });
      await new Promise((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      try {
        const endpoint = `http://127.0.0.1:${redirector.address().port}/`;
        await assert.rejects(connector.sendMessage(message(), makeConfig({ endpoint })), (error) => {
          assert.ok(error instanceof ConnectorError);
          return true;
        });
        assert.equal(target.requests.length, 0, 'the redirect target received the signed request');
      } finally {
        redirector.closeAllConnections();
        await new Promise((resolve) => redirector.close(resolve));
        await target.close();
      }
    },
  );
});

describe('requests rejected before sending -> invalid_request_parameters, nothing sent', () => {
  const badTo = [
    'not a phone',
    '138abc45678',
    '+86+13012345678',
    '1380000000;DROP',
    '1234',
    '+1234',
    '',
    '   ',
    '1234567890123456',
    '+86 1234567890123456',
  ];
  for (const to of badTo) {
    test(`to ${JSON.stringify(to)}`, async () => {
      const error = await rejection('invalid_request_parameters', { data: message(to) });
      assert.equal(server.requests.length, 0);
      assert.equal(error.data.Code, undefined);
    });
  }

  const badData = [
    ['no to', { type: 'SignIn', payload: { code: '1' } }],
    ['numeric to', { to: 13012345678, type: 'SignIn', payload: { code: '1' } }],
    ['numeric type', { to: '13012345678', type: 1, payload: { code: '1' } }],
    ['string payload', { to: '13012345678', type: 'SignIn', payload: '123456' }],
    ['null data', null],
    ['string data', '13012345678'],
  ];
  for (const [name, data] of badData) {
    test(name, async () => {
      await rejection('invalid_request_parameters', { data });
      assert.equal(server.requests.length, 0);
    });
  }

  test('cyclic data', async () => {
    const data = { to: '13012345678', type: 'SignIn', payload: { code: '1' } };
    data.payload.self = data;
    await rejection('invalid_request_parameters', { data });
    assert.equal(server.requests.length, 0);
  });
});

describe('invalid config -> invalid_config with issues, nothing sent', () => {
  const configs = [
    ['missing templates', (c) => delete c.templates],
    ['missing a required usage type', (c) => (c.templates = c.templates.filter((t) => t.usageType !== 'ForgotPassword'))],
    ['empty accessKeyId', (c) => (c.accessKeyId = '')],
    ['plain http to a public host', (c) => (c.endpoint = 'http://dysmsapi.aliyuncs.com/')],
    ['timeout too small', (c) => (c.timeout = 5)],
    ['bad template type', (c) => (c.templates[0].type = 3)],
  ];
  for (const [name, mutate] of configs) {
    test(name, async () => {
      const config = makeConfig();
      mutate(config);
      const error = await rejection('invalid_config', { config });
      assert.ok(Array.isArray(error.data.issues) && error.data.issues.length > 0);
      for (const issue of error.data.issues) {
        assert.equal(typeof issue.code, 'string');
        assert.ok(Array.isArray(issue.path));
        assert.equal(typeof issue.message, 'string');
      }
      assert.equal(server.requests.length, 0);
    });
  }

  test('a config that is not an object', async () => {
    for (const config of ['config', 42, [], true]) {
      const error = await rejection('invalid_config', { config });
      assert.ok(Array.isArray(error.data.issues) && error.data.issues.length > 0, JSON.stringify(config));
    }
    assert.equal(server.requests.length, 0);
  });

  test('a config from getConfig is validated the same way', async () => {
    const config = makeConfig();
    delete config.signName;
    const fromStore = await createConnector({ getConfig: async () => config });
    await assert.rejects(fromStore.sendMessage(message()), (error) => {
      checkError(error, 'invalid_config');
      assert.deepEqual(
        error.data.issues.map((issue) => issue.path),
        [['signName']],
      );
      return true;
    });
    assert.equal(server.requests.length, 0);
  });
});

describe('the secret never appears in errors', () => {
  test('echoed back by Aliyun in Message', async () => {
    server.respondNext({ aliyunError: 'isp.SYSTEM_ERROR', status: 200, message: `bad key ${SECRET} rejected` });
    const error = await rejection('general');
    assert.ok(error.data.Message.includes('bad key'), 'the rest of the message is kept');
  });

  test('echoed back in an HTML error page', async () => {
    server.respondNext({ status: 500, body: `<html>proxy error for ${SECRET}</html>`, contentType: 'text/html' });
    await rejection('invalid_response');
  });

  test('echoed back in Code and RequestId', async () => {
    server.respondNext({ status: 400, body: JSON.stringify({ Code: `X.${SECRET}`, RequestId: SECRET }) });
    await rejection('general');
  });

  test('the wrong secret is not echoed either', async () => {
    const secret = `wrong-${randomUUID()}`;
    await rejection('invalid_config', { config: makeConfig({ accessKeySecret: secret }), secret });
  });
});

describe('getConfig failures', () => {
  // Logto's getConfig throws its own errors (e.g. RequestError with code 'entity.not_found' when
  // the connector has no config row). The TypeScript connector lets them propagate unchanged, and
  // so does this one (README "Errors"): the very same object, not a ConnectorError wrapping it.
  const acceptable = (original) => (error) => {
    assert.equal(error, original, `expected getConfig's own error, got ${error?.constructor?.name}: ${error?.message}`);
    return true;
  };

  test('a plain Error', async () => {
    const original = new Error('config store unavailable');
    const failing = await createConnector({
      getConfig: async () => {
        throw original;
      },
    });
    await assert.rejects(failing.sendMessage(message()), acceptable(original));
  });

  test(
    "an Error with Logto's own string code",
    async () => {
      const original = Object.assign(new Error('connector config not found'), {
        code: 'entity.not_found',
        status: 404,
      });
      const failing = await createConnector({
        getConfig: async () => {
          throw original;
        },
      });
      await assert.rejects(failing.sendMessage(message()), acceptable(original));
    },
  );
});
