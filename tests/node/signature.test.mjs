// getSignature and isChinaNumber, as exported by the package.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import { getSignature, isChinaNumber } from '../../pkg/lib/index.js';
// The published vectors of tests/fixtures/signature-vectors.json; VECTOR is the TypeScript
// connector's own (its SingleSendMail mock).
import { TS_CONNECTOR_SIGNATURE as EXPECTED, TS_CONNECTOR_VECTOR as VECTOR, V1_VECTORS } from '../support/vectors.mjs';

/** A reference signer written here, independent of the package and of the test server. */
const encode = (value) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const referenceSignature = (params, secret, method) => {
  const query = Object.keys(params)
    .map((key) => [encode(key), encode(params[key])])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const stringToSign = `${method.toUpperCase()}&${encode('/')}&${encode(query)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
};

describe('getSignature', () => {
  for (const vector of V1_VECTORS) {
    test(`matches the published vector ${vector.name}`, () => {
      const { parameters, accessKeySecret, method, signature } = vector;
      assert.equal(getSignature(parameters, accessKeySecret, method), signature, vector.source);
      assert.equal(referenceSignature(parameters, accessKeySecret, method), signature, vector.source);
    });
  }

  test("matches the TypeScript connector's vector", () => {
    assert.equal(getSignature(VECTOR, 'testsecret', 'POST'), EXPECTED);
    assert.equal(referenceSignature(VECTOR, 'testsecret', 'POST'), EXPECTED);
  });

  test('does not depend on key order', () => {
    const reversed = Object.fromEntries(Object.entries(VECTOR).reverse());
    assert.equal(getSignature(reversed, 'testsecret', 'POST'), EXPECTED);
  });

  test('upper-cases the method, as the TypeScript connector does', () => {
    assert.equal(getSignature(VECTOR, 'testsecret', 'post'), EXPECTED);
    assert.notEqual(getSignature(VECTOR, 'testsecret', 'GET'), EXPECTED);
    assert.equal(getSignature(VECTOR, 'testsecret', 'GET'), referenceSignature(VECTOR, 'testsecret', 'GET'));
  });

  test('depends on the secret and on every value', () => {
    assert.notEqual(getSignature(VECTOR, 'othersecret', 'POST'), EXPECTED);
    assert.notEqual(getSignature({ ...VECTOR, Subject: '4' }, 'testsecret', 'POST'), EXPECTED);
  });

  test('agrees with an independent signer on awkward inputs', () => {
    const awkward = [
      {},
      { a: '' },
      // The fast path joins pairs with NUL: empty keys and values must survive it.
      { '': '' },
      { '': 'x', y: '' },
      { 'k\u0000ey': 'v' },
      { ' ': ' ', '+': '+', '*': '*', '~': '~', "'": "'", '!': '!', '(': ')' },
      { 中文: '阿里云短信测试', emoji: '📱✓', nul: 'a\u0000b', newline: 'a\nb\r\n' },
      { PhoneNumbers: '8613012345678', TemplateParam: '{"code":"123456","x":"a b&c=d%e"}' },
      { a: 'x', A: 'y', _: 'z', '-': 'w', '.': 'v', b1: '1', b10: '2', b2: '3' },
    ];
    for (const params of awkward) {
      for (const secret of ['s', 'testsecret', 'with&ampersand', '中文秘密']) {
        assert.equal(
          getSignature(params, secret, 'POST'),
          referenceSignature(params, secret, 'POST'),
          `${JSON.stringify(params)} / ${secret}`,
        );
      }
    }
  });

  test('agrees with an independent signer on random inputs', () => {
    const alphabet = "abcXYZ019-_.~ !*'()&=+%/?#中😀\u00e9";
    const chars = Array.from(alphabet);
    const randomString = (n) =>
      Array.from(randomBytes(n), (b) => chars[b % chars.length]).join('');
    for (let i = 0; i < 200; i += 1) {
      const params = {};
      const count = 1 + (randomBytes(1)[0] % 8);
      for (let j = 0; j < count; j += 1) params[randomString(1 + (j % 5))] = randomString(i % 13);
      const secret = randomString(1 + (i % 20));
      assert.equal(getSignature(params, secret, 'POST'), referenceSignature(params, secret, 'POST'), JSON.stringify(params));
    }
  });

  test('non-string values are rejected with a ConnectorError', () => {
    for (const params of [{ a: 1 }, { a: null }, { a: { b: 'c' } }, [], 'text']) {
      assert.throws(
        () => getSignature(params, 'testsecret', 'POST'),
        (error) => {
          assert.ok(error instanceof ConnectorError, `${JSON.stringify(params)}: ${error}`);
          assert.equal(error.code, 'invalid_request_parameters');
          assert.equal(typeof error.data.errorDescription, 'string');
          return true;
        },
      );
    }
  });
});

describe('isChinaNumber', () => {
  test("the TypeScript connector's cases", () => {
    for (const to of ['13012345678', '8613012345678', '008613012345678', '+8613012345678']) {
      assert.equal(isChinaNumber(to), true, to);
      assert.equal(isChinaNumber(to, false), true, to);
    }
    assert.equal(isChinaNumber('+1123123123'), false);
  });

  test('strict mode requires the country code', () => {
    const table = [
      // [to, non-strict, strict]
      ['13812345678', true, false],
      ['8613812345678', true, true],
      ['+8613812345678', true, true],
      ['008613812345678', true, true],
      ['+86 138-1234-5678', true, true],
      ['+86 (138) 1234.5678', true, true],
      ['85291234567', false, false],
      ['+852 9123 4567', false, false],
      ['+1 862-401-7194', false, false],
      ['18624017194', true, false],
      ['+86 23 1234 5678', false, false],
      ['1381234567', false, false],
      ['138123456789', false, false],
      ['+13812345678', false, false],
      ['', false, false],
      ['phone', false, false],
    ];
    for (const [to, loose, strict] of table) {
      assert.equal(isChinaNumber(to), loose, `${to} default`);
      assert.equal(isChinaNumber(to, false), loose, `${to} non-strict`);
      assert.equal(isChinaNumber(to, true), strict, `${to} strict`);
    }
  });

  test('non-strings are not Chinese numbers', () => {
    for (const to of [undefined, null, 13012345678, {}, []]) {
      assert.equal(isChinaNumber(to), false, String(to));
    }
  });
});
