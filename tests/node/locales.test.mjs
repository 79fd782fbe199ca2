// Messages in the user's language (payload.locale) through the built package (pkg/): the choice
// table of tests/fixtures/locales.json (the same rows the Rust route test and the Logto loader
// test read), both kinds of entry (SendSms templates on the mainland server, SendMessageToGlobe
// texts on the international one), each server verifying the signature with its own account's
// secret; what clean-deep leaves of a localized config; the CLI's --locale and Entry line.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';

import cleanDeep from 'clean-deep';

import { GLOBE_API, startAliyunServer } from '../support/aliyun-server.mjs';
import { cli, writeConfig } from '../support/cli.mjs';
import { readFixture } from '../support/fixtures.mjs';
import { configFor, expectConnectorError, loadConnector } from '../support/harness.mjs';

const CN = { accessKeyId: 'LTAI-locale-mainland', accessKeySecret: `cn-secret-${randomUUID()}` };
const INTL = { accessKeyId: 'LTAI-locale-intl', accessKeySecret: `intl-secret-${randomUUID()}` };

let mainland;
let intl;
let connector;

before(async () => {
  mainland = await startAliyunServer({ credentials: { [CN.accessKeyId]: CN.accessKeySecret } });
  intl = await startAliyunServer({ credentials: { [INTL.accessKeyId]: INTL.accessKeySecret }, actions: ['SendSms', GLOBE_API.action] });
  connector = await loadConnector();
});
after(async () => {
  await mainland.close();
  await intl.close();
});
beforeEach(() => {
  mainland.reset();
  intl.reset();
});

/** The fixture's localized config on the two loopback servers, signed with `signatureVersion`. */
const localizedConfig = (signatureVersion = 'v1') => {
  const { config } = readFixture('locales.json');
  return configFor(
    { url: mainland.url, ...CN },
    { ...config, signatureVersion, overseas: { ...config.overseas, ...INTL, endpoint: intl.url } }
  );
};

const payloadFor = (row) => {
  const payload = { code: '123456', uiLocales: 'fr' };
  if (Object.hasOwn(row, 'locale')) payload.locale = row.locale;
  return payload;
};

describe('the choice table (tests/fixtures/locales.json) through the package', () => {
  const { cases } = readFixture('locales.json');

  test('covers each step, both kinds of entry, the Generic fallback, malformed and missing locales', () => {
    const steps = new Set(cases.map((row) => row.step));
    assert.deepEqual([...steps].sort(), [1, 2, 3, 4, 'generic'].sort());
    assert.ok(cases.some((row) => row.templateCode) && cases.some((row) => row.message));
    assert.ok(cases.some((row) => !Object.hasOwn(row, 'locale')), 'a row without locale');
    assert.ok(cases.some((row) => typeof row.locale !== 'string'), 'a row with a non-string locale');
    assert.ok(cases.some((row) => /_/.test(row.locale ?? '')), 'a row with `_`');
  });

  for (const signatureVersion of ['v1', 'v3']) {
    test(`every row sends the entry it names, signed with ${signatureVersion} and verified by the server`, async () => {
      const config = localizedConfig(signatureVersion);
      for (const row of cases) {
        mainland.reset();
        intl.reset();
        const result = await connector.sendMessage({ to: row.to, type: row.type, payload: payloadFor(row) }, config);
        const label = JSON.stringify(row);
        assert.deepEqual(result.entry, row.entry, label);
        if (row.templateCode) {
          assert.equal(result.route, 'mainland', label);
          assert.equal(mainland.requests.length, 1, label);
          const [request] = mainland.requests;
          assert.equal(request.verified, true, label);
          assert.equal(request.params.TemplateCode, row.templateCode, label);
          assert.deepEqual(JSON.parse(request.params.TemplateParam), { code: '123456' }, 'never locale or uiLocales');
          assert.equal(intl.requests.length, 0, label);
        } else {
          assert.equal(result.route, 'overseas', label);
          assert.equal(intl.requests.length, 1, label);
          const [request] = intl.requests;
          assert.equal(request.verified, true, label);
          assert.equal(request.params.Message, row.message, label);
          assert.equal(mainland.requests.length, 0, label);
        }
      }
    });
  }

  test('a config without any locale sends as before and adds no entry, whatever payload.locale says', async () => {
    const plain = configFor({ url: mainland.url, ...CN });
    for (const locale of ['zh-CN', 'en', 'bad tag', undefined]) {
      mainland.reset();
      const result = await connector.sendMessage({ to: '13012345678', type: 'SignIn', payload: { code: '1', locale } }, plain);
      assert.equal(Object.hasOwn(result, 'entry'), false);
      assert.equal(mainland.requests[0].params.TemplateCode, 'SMS_SIGNIN');
    }
  });
});

describe('config', () => {
  const guard = () => connector.configGuard;

  test('configGuard gives the locales back (`_` read as `-`), and its output validates to itself', () => {
    const parsed = guard().parse(localizedConfig());
    const registerPt = parsed.templates.find((t) => t.usageType === 'Register' && t.locale);
    assert.equal(registerPt.locale, 'pt-BR');
    assert.equal(parsed.templates.filter((t) => t.locale === undefined).length, 4);
    assert.equal(parsed.overseas.message.length, 5);
    assert.deepEqual(guard().parse(parsed), parsed);
  });

  test('survives clean-deep: emptied locales mean no locale, emptied entries vanish', async () => {
    const config = localizedConfig();
    config.templates.push({ usageType: 'BindMfa', locale: '', templateCode: 'SMS_BIND' }, {});
    config.overseas.message.push({ usageType: 'BindMfa', locale: null, text: 'Bind {{code}}' }, { locale: '' });
    const cleaned = cleanDeep(config);
    assert.deepEqual(guard().parse(cleaned), guard().parse(config));
    const sent = await connector.sendMessage({ to: '13012345678', type: 'BindMfa', payload: { code: '1', locale: 'ja' } }, cleaned);
    assert.deepEqual(sent.entry, { usageType: 'BindMfa' });
    assert.equal(mainland.requests[0].params.TemplateCode, 'SMS_BIND');
  });

  test('a malformed tag, a duplicate and a missing fallback are issues at their paths', () => {
    const config = localizedConfig();
    config.templates[1].locale = 'en US';
    config.templates[4].locale = 'ZH_cn';
    config.overseas.message[0].locale = 'fr';
    const result = guard().safeParse(config);
    assert.equal(result.success, false);
    assert.deepEqual(
      result.error.issues.map((issue) => issue.path.join('.')),
      ['templates.1.locale', 'templates.4.locale', 'overseas.message']
    );
  });

  test('sending with a bad config is invalid_config, nothing sent', async () => {
    const config = localizedConfig();
    config.templates = config.templates.filter((t) => !(t.usageType === 'SignIn' && t.locale === undefined));
    await expectConnectorError(connector.sendMessage({ to: '13012345678', type: 'SignIn', payload: { code: '1' } }, config), 'invalid_config');
    assert.equal(mainland.requests.length, 0);
  });
});

describe('the CLI', () => {
  let dir;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'locale-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('send --locale passes payload.locale as Logto does and prints the entry it used', async () => {
    const file = writeConfig(dir, localizedConfig());
    const zh = await cli(['send', '--config', file, '--to', '13012345678', '--type', 'SignIn', '--locale', 'zh_HK', '--code', '424242']);
    assert.equal(zh.status, 0, zh.stderr);
    assert.match(zh.stdout, /^Entry: SignIn \[zh\]$/m);
    assert.equal(mainland.requests.at(-1).params.TemplateCode, 'SMS_SIGNIN_ZH');
    assert.deepEqual(JSON.parse(mainland.requests.at(-1).params.TemplateParam), { code: '424242' });
    const none = await cli(['send', '--config', file, '--to', '13012345678', '--type', 'Register']);
    assert.equal(none.status, 0, none.stderr);
    assert.match(none.stdout, /^Entry: Register \(default\)$/m);
    const globe = await cli(['send', '--config', file, '--to', '447700900123', '--type', 'Register', '--locale', 'ja']);
    assert.equal(globe.status, 0, globe.stderr);
    assert.match(globe.stdout, /^Entry: Generic \[ja\]$/m);
    assert.match(intl.requests.at(-1).params.Message, /^認証コードは \d{6} です$/);
  });

  test('a refused send names the entry it used, in the error and on the Entry line', async () => {
    mainland.setMode({ aliyunError: 'isv.SMS_TEMPLATE_ILLEGAL' });
    const file = writeConfig(dir, localizedConfig());
    const refused = await cli(['send', '--config', file, '--to', '13012345678', '--type', 'SignIn', '--locale', 'zh-HK']);
    assert.equal(refused.status, 1, refused.output);
    assert.match(refused.stderr, /isv\.SMS_TEMPLATE_ILLEGAL/);
    assert.match(refused.stderr, /^ {2}Entry: SignIn \[zh\]$/m);
    const { error } = await expectConnectorError(
      connector.sendMessage({ to: '13012345678', type: 'SignIn', payload: { code: '1', locale: 'zh-HK' } }, localizedConfig()),
      'invalid_config'
    );
    assert.deepEqual(error.data.entry, { usageType: 'SignIn', locale: 'zh' });
  });

  test('without a locale in the config the Entry line says so; an empty --locale is a usage error', async () => {
    const file = writeConfig(dir, configFor({ url: mainland.url, ...CN }));
    const plain = await cli(['send', '--config', file, '--to', '13012345678', '--locale', 'en']);
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /^Entry: default \(the config has no locale\)$/m);
    const empty = await cli(['send', '--config', file, '--to', '13012345678', '--locale', ' ']);
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /--locale must not be empty/);
  });
});
