// configGuard as Logto uses it: safeParse shapes, parse, and connector-kit's validateConfig.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ConnectorError, ConnectorErrorCodes, validateConfig } from '@logto/connector-kit';

import createConnector, { configGuard } from '../../pkg/lib/index.js';
import { fixtureConfig } from '../support/fixtures.mjs';

const SECRET = 'config-test-secret-value';

/** tests/fixtures/config.json with this file's credentials; two templates name their `type`. */
const good = () => {
  const config = { ...fixtureConfig(), accessKeyId: 'LTAI-config', accessKeySecret: SECRET };
  config.templates[1].type = 6;
  config.templates[2].type = 2;
  return config;
};

const issuesOf = (input) => {
  const result = configGuard.safeParse(input);
  assert.equal(result.success, false, `expected rejection of ${JSON.stringify(input)}`);
  return result.error.issues;
};

const pathsOf = (input) => issuesOf(input).map((issue) => issue.path);

describe('configGuard.safeParse', () => {
  test('success fills every default', () => {
    const result = configGuard.safeParse(good());
    assert.deepEqual(Object.keys(result).sort(), ['data', 'success']);
    assert.equal(result.success, true);
    assert.deepEqual(result.data, {
      accessKeyId: 'LTAI-config',
      accessKeySecret: SECRET,
      signatureVersion: 'v1',
      signName: 'Logto',
      templates: [
        { usageType: 'SignIn', templateCode: 'SMS_SIGNIN', type: 2 },
        { usageType: 'Register', templateCode: { china: 'SMS_REG_CN', overseas: 'SMS_REG_INT' }, type: 6 },
        { usageType: 'ForgotPassword', templateCode: 'SMS_FORGOT', type: 2 },
        { usageType: 'Generic', templateCode: 'SMS_GENERIC', type: 2 },
      ],
      strictPhoneRegionNumberCheck: false,
      endpoint: 'https://dysmsapi.aliyuncs.com/',
      regionId: 'cn-hangzhou',
      timeout: 10000,
    });
  });

  test('data is a plain JSON object and round-trips', () => {
    const { data } = configGuard.safeParse(good());
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.ok(Array.isArray(data.templates));
    assert.deepEqual(JSON.parse(JSON.stringify(data)), data);
    assert.deepEqual(configGuard.safeParse(data), { success: true, data });
  });

  test('optional fields are read; unknown keys are stripped', () => {
    const { success, data } = configGuard.safeParse({
      ...good(),
      strictPhoneRegionNumberCheck: true,
      endpoint: 'HTTPS://Dysmsapi.AP-Southeast-1.aliyuncs.com',
      regionId: 'ap-southeast-1',
      timeout: 2500,
      somethingElse: 'dropped',
    });
    assert.equal(success, true);
    assert.equal(data.strictPhoneRegionNumberCheck, true);
    assert.equal(data.endpoint, 'https://dysmsapi.ap-southeast-1.aliyuncs.com/');
    assert.equal(data.regionId, 'ap-southeast-1');
    assert.equal(data.timeout, 2500);
    assert.equal('somethingElse' in data, false);
  });

  test('emptied optional form fields fall back to the defaults', () => {
    const { success, data } = configGuard.safeParse({
      ...good(),
      endpoint: '',
      regionId: null,
      timeout: null,
      strictPhoneRegionNumberCheck: null,
    });
    assert.equal(success, true);
    assert.equal(data.endpoint, 'https://dysmsapi.aliyuncs.com/');
    assert.equal(data.regionId, 'cn-hangzhou');
    assert.equal(data.timeout, 10000);
    assert.equal(data.strictPhoneRegionNumberCheck, false);
  });

  test('loopback endpoints may use plain http', () => {
    for (const endpoint of ['http://127.0.0.1:8080/', 'http://localhost:3000', 'http://[::1]:9000/', 'http://127.1.2.3/']) {
      assert.equal(configGuard.safeParse({ ...good(), endpoint }).success, true, endpoint);
    }
  });

  test('failure shape: { success: false, error: { issues, errorDescription } }', () => {
    const result = configGuard.safeParse({ templates: 3 });
    assert.deepEqual(Object.keys(result).sort(), ['error', 'success']);
    assert.equal(result.success, false);
    assert.deepEqual(Object.keys(result.error).sort(), ['errorDescription', 'issues']);
    assert.deepEqual(result.error.issues, [
      { code: 'invalid_type', path: ['accessKeyId'], message: 'Required' },
      { code: 'invalid_type', path: ['accessKeySecret'], message: 'Required' },
      { code: 'invalid_type', path: ['signName'], message: 'Required' },
      { code: 'invalid_type', path: ['templates'], message: 'Expected array, received number' },
    ]);
    assert.match(result.error.errorDescription, /^Invalid Aliyun SMS connector config: /);
    for (const key of ['accessKeyId', 'accessKeySecret', 'signName', 'templates']) {
      assert.ok(result.error.errorDescription.includes(key), key);
    }
  });

  test('non-objects are one issue at the root', () => {
    for (const input of [null, undefined, 'x', 3, true, [1]]) {
      const issues = issuesOf(input);
      assert.equal(issues.length, 1, JSON.stringify(input));
      assert.deepEqual(issues[0].path, []);
      assert.equal(issues[0].code, 'invalid_type');
    }
  });

  test('required strings must be present, strings and not blank', () => {
    for (const key of ['accessKeyId', 'accessKeySecret', 'signName']) {
      for (const [value, code] of [
        [undefined, 'invalid_type'],
        [null, 'invalid_type'],
        [42, 'invalid_type'],
        ['', 'too_small'],
        ['   ', 'too_small'],
      ]) {
        const input = { ...good(), [key]: value };
        if (value === undefined) delete input[key];
        const issues = issuesOf(input);
        assert.equal(issues.length, 1, `${key}=${JSON.stringify(value)}`);
        assert.deepEqual(issues[0].path, [key]);
        assert.equal(issues[0].code, code);
      }
    }
  });

  test('every required usage type must have a template', () => {
    for (const missing of ['Register', 'SignIn', 'ForgotPassword', 'Generic']) {
      const input = good();
      input.templates = input.templates.filter((t) => t.usageType !== missing);
      const issues = issuesOf(input);
      assert.equal(issues.length, 1);
      assert.deepEqual(issues[0].path, ['templates']);
      assert.equal(issues[0].code, 'custom');
      assert.ok(issues[0].message.includes(missing), issues[0].message);
    }
    const all = issuesOf({ ...good(), templates: [] });
    assert.ok(['Register', 'SignIn', 'ForgotPassword', 'Generic'].every((u) => all[0].message.includes(u)));
  });

  test('template problems are reported at their path', () => {
    const input = good();
    input.templates[0].templateCode = 5;
    // A missing half is an empty code (Logto's clean-deep removes ""), so a wrong type it is.
    input.templates[1].templateCode = { china: 'A', overseas: 7 };
    input.templates[2].type = 3;
    input.templates.push('not an object');
    assert.deepEqual(pathsOf(input), [
      ['templates', 0, 'templateCode'],
      ['templates', 1, 'templateCode', 'overseas'],
      ['templates', 2, 'type'],
      ['templates', 4],
    ]);
    const codes = issuesOf(input).map((issue) => issue.code);
    assert.deepEqual(codes, ['invalid_type', 'invalid_type', 'invalid_enum_value', 'invalid_type']);
  });

  test('template types: 0, 1, 2, 6, 7 only', () => {
    for (const type of [0, 1, 2, 6, 7]) {
      const input = good();
      input.templates[0].type = type;
      assert.equal(configGuard.safeParse(input).data.templates[0].type, type);
    }
    for (const type of [3, 5, 8, -1, 2.5, '2']) {
      const input = good();
      input.templates[0].type = type;
      assert.deepEqual(pathsOf(input), [['templates', 0, 'type']], JSON.stringify(type));
    }
  });

  test('optional field problems', () => {
    const cases = [
      [{ strictPhoneRegionNumberCheck: 'yes' }, ['strictPhoneRegionNumberCheck'], 'invalid_type'],
      [{ endpoint: 'http://dysmsapi.aliyuncs.com/' }, ['endpoint'], 'invalid_string'],
      [{ endpoint: 'ftp://dysmsapi.aliyuncs.com/' }, ['endpoint'], 'invalid_string'],
      [{ endpoint: 'https://user:pw@dysmsapi.aliyuncs.com/' }, ['endpoint'], 'invalid_string'],
      [{ endpoint: 'https://dysmsapi.aliyuncs.com/?a=b' }, ['endpoint'], 'invalid_string'],
      [{ endpoint: 'http://127.0.0.1.evil.com/' }, ['endpoint'], 'invalid_string'],
      [{ endpoint: 42 }, ['endpoint'], 'invalid_type'],
      [{ regionId: 'CN HANGZHOU' }, ['regionId'], 'invalid_string'],
      [{ timeout: 0 }, ['timeout'], 'too_small'],
      [{ timeout: 99 }, ['timeout'], 'too_small'],
      [{ timeout: 60001 }, ['timeout'], 'too_big'],
      [{ timeout: 1000.5 }, ['timeout'], 'invalid_type'],
      [{ timeout: '1000' }, ['timeout'], 'invalid_type'],
    ];
    for (const [patch, path, code] of cases) {
      const issues = issuesOf({ ...good(), ...patch });
      assert.equal(issues.length, 1, JSON.stringify(patch));
      assert.deepEqual(issues[0].path, path, JSON.stringify(patch));
      assert.equal(issues[0].code, code, JSON.stringify(patch));
    }
    for (const timeout of [100, 60000]) {
      assert.equal(configGuard.safeParse({ ...good(), timeout }).success, true, String(timeout));
    }
  });

  test('all problems are reported at once', () => {
    const issues = issuesOf({
      accessKeyId: 1,
      signName: '',
      templates: [{ usageType: 'SignIn', templateCode: 5 }],
      strictPhoneRegionNumberCheck: 'yes',
      endpoint: 'http://example.com/',
      regionId: 'BAD REGION',
      timeout: 0,
    });
    assert.ok(issues.length >= 8, JSON.stringify(issues));
    for (const issue of issues) {
      assert.deepEqual(Object.keys(issue).sort(), ['code', 'message', 'path']);
    }
  });

  test('the secret is never quoted in issues', () => {
    const input = { ...good(), templates: 'oops', endpoint: 'nope', timeout: -1 };
    const result = configGuard.safeParse(input);
    assert.equal(result.success, false);
    assert.ok(!JSON.stringify(result.error).includes(SECRET));
  });
});

describe('configGuard.parse', () => {
  test('returns the data with defaults', () => {
    assert.deepEqual(configGuard.parse(good()), configGuard.safeParse(good()).data);
  });

  test('throws ConnectorError(invalid_config) with issues', () => {
    assert.throws(
      () => configGuard.parse({ ...good(), signName: '' }),
      (error) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.code, ConnectorErrorCodes.InvalidConfig);
        assert.deepEqual(
          error.data.issues.map((i) => i.path),
          [['signName']],
        );
        assert.equal(typeof error.data.errorDescription, 'string');
        assert.ok(!error.message.includes(SECRET));
        return true;
      },
    );
  });
});

describe("connector-kit's validateConfig", () => {
  test('accepts a good config', () => {
    assert.doesNotThrow(() => validateConfig(good(), configGuard));
  });

  test('throws ConnectorError(invalid_config, error) for a bad config', async () => {
    const connector = await createConnector({ getConfig: async () => good() });
    const bad = good();
    delete bad.templates;
    assert.throws(
      () => validateConfig(bad, connector.configGuard),
      (error) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.code, 'invalid_config');
        assert.ok(Array.isArray(error.data.issues));
        assert.deepEqual(error.data.issues[0].path, ['templates']);
        assert.ok(error.data.errorDescription.includes('templates'));
        assert.ok(!error.message.includes(SECRET));
        assert.ok(!JSON.stringify(error.data).includes(SECRET));
        return true;
      },
    );
  });

  test('accepts what safeParse returned (Logto stores parsed configs)', () => {
    const { data } = configGuard.safeParse(good());
    assert.doesNotThrow(() => validateConfig(data, configGuard));
  });
});
