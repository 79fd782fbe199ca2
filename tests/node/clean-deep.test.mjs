// Logto runs a connector config through the npm package clean-deep before storing it (POST and
// PATCH /api/connectors): "", null, {} and [] vanish. What the package sends with must not change:
// a config saved with an empty template code still sends every other usage type, and only the
// emptied one fails (invalid_config, naming its template).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import cleanDeep from 'clean-deep';

import { metadata } from '../../pkg/lib/index.js';
import { startAliyunServer } from '../support/aliyun-server.mjs';
import { configFor, expectConnectorError, loadConnector } from '../support/harness.mjs';

const KEY_ID = 'LTAI-clean-deep-test';
const SECRET = 'clean-deep-secret-value-0123456789';

let server;
let connector;

/** Every usage type Logto knows (the form's default), each with its own code. */
const allTemplates = () => {
  const { defaultValue } = metadata.formItems.find((item) => item.key === 'templates');
  return defaultValue.map(({ usageType }) => ({ usageType, templateCode: `SMS_${usageType.toUpperCase()}` }));
};

const baseConfig = (overrides = {}) =>
  configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto', timeout: 3000 }, {
    templates: allTemplates(),
    ...overrides,
  });

const send = (config, type, to = '13012345678') => connector.sendMessage({ to, type, payload: { code: '123456' } }, config);

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
  connector = await loadConnector();
});
after(() => server.close());
beforeEach(() => server.reset());

test('clean-deep does to a config what Logto sees it do', () => {
  const cleaned = cleanDeep({
    templates: [
      { usageType: 'SignIn', templateCode: '' },
      { usageType: 'Register', templateCode: { china: '', overseas: 'SMS_INT' } },
      { usageType: '', templateCode: '' },
    ],
    securityToken: '',
    endpoint: null,
    timeout: 0,
    strictPhoneRegionNumberCheck: false,
  });
  assert.deepEqual(cleaned, {
    templates: [{ usageType: 'SignIn' }, { usageType: 'Register', templateCode: { overseas: 'SMS_INT' } }],
    timeout: 0,
    strictPhoneRegionNumberCheck: false,
  });
});

describe('a config with emptied template codes, as Logto stores it', () => {
  const emptied = {
    OrganizationInvitation: '',
    BindMfa: {},
    MfaVerification: { china: '', overseas: '' },
  };

  test('validates, and sends every other usage type', async () => {
    const raw = baseConfig();
    for (const template of raw.templates) {
      if (Object.hasOwn(emptied, template.usageType)) template.templateCode = emptied[template.usageType];
    }
    const stored = cleanDeep(raw);
    for (const usageType of Object.keys(emptied)) {
      const template = stored.templates.find((t) => t.usageType === usageType);
      assert.deepEqual(template, { usageType }, 'clean-deep removed the code');
    }
    assert.equal(connector.configGuard.safeParse(stored).success, true);
    for (const { usageType } of allTemplates()) {
      if (Object.hasOwn(emptied, usageType)) {
        const { error } = await expectConnectorError(send(stored, usageType), 'invalid_config');
        assert.ok(error.data.errorDescription.includes(`The ${usageType} template`), error.data.errorDescription);
        continue;
      }
      const result = await send(stored, usageType);
      assert.equal(result.Code, 'OK', usageType);
      const record = server.requests.at(-1);
      assert.equal(record.verified, true);
      assert.equal(record.params.TemplateCode, `SMS_${usageType.toUpperCase()}`);
    }
    // The emptied ones sent nothing.
    assert.equal(server.requests.length, allTemplates().length - Object.keys(emptied).length);
  });

  test('a missing china or overseas half fails only for numbers of that region', async () => {
    const raw = baseConfig();
    raw.templates.find((t) => t.usageType === 'Register').templateCode = { china: 'SMS_REG_CN', overseas: '' };
    raw.templates.find((t) => t.usageType === 'SignIn').templateCode = { china: '', overseas: 'SMS_SIGNIN_INT' };
    const stored = cleanDeep(raw);
    assert.deepEqual(stored.templates.find((t) => t.usageType === 'Register').templateCode, { china: 'SMS_REG_CN' });
    assert.equal((await send(stored, 'Register', '13012345678')).Code, 'OK');
    assert.equal(server.requests.at(-1).params.TemplateCode, 'SMS_REG_CN');
    await expectConnectorError(send(stored, 'Register', '+1 862 401 7194'), 'invalid_config');
    assert.equal((await send(stored, 'SignIn', '+1 862 401 7194')).Code, 'OK');
    assert.equal(server.requests.at(-1).params.TemplateCode, 'SMS_SIGNIN_INT');
    await expectConnectorError(send(stored, 'SignIn', '13012345678'), 'invalid_config');
  });
});

describe('every optional field means the same before and after clean-deep', () => {
  const blanks = ['', null, {}, []];
  const fields = ['securityToken', 'signatureVersion', 'endpoint', 'regionId', 'timeout', 'strictPhoneRegionNumberCheck'];
  for (const key of fields) {
    for (const blank of blanks) {
      test(`${key}: ${JSON.stringify(blank)}`, () => {
        const raw = baseConfig({ endpoint: undefined, timeout: undefined, [key]: blank });
        const before = connector.configGuard.safeParse(raw);
        const after = connector.configGuard.safeParse(cleanDeep(raw));
        assert.equal(before.success, true, JSON.stringify(before.error));
        assert.deepEqual(after, before);
        // And it is the default: the same as leaving the field out.
        const { [key]: _, ...without } = raw;
        assert.deepEqual(connector.configGuard.safeParse(without), before);
      });
    }
  }

  for (const [name, mutate] of [
    ["a template's type", (c) => (c.templates[0].type = '')],
    ['a template entry left empty', (c) => c.templates.splice(2, 0, { usageType: '', templateCode: '' })],
    ['a null template entry', (c) => c.templates.push(null)],
    ['templateCode {}', (c) => (c.templates[1].templateCode = {})],
    ['templateCode missing', (c) => delete c.templates[1].templateCode],
  ]) {
    test(name, () => {
      const raw = baseConfig();
      mutate(raw);
      const before = connector.configGuard.safeParse(raw);
      assert.equal(before.success, true, JSON.stringify(before.error));
      assert.deepEqual(connector.configGuard.safeParse(cleanDeep(raw)), before);
    });
  }

  test('what is wrong stays wrong', () => {
    for (const mutate of [
      (c) => (c.accessKeyId = ''),
      (c) => (c.templates = []),
      (c) => (c.templates = c.templates.map((t) => ({ ...t, usageType: t.usageType === 'Generic' ? '' : t.usageType }))),
      (c) => (c.timeout = 5),
    ]) {
      const raw = baseConfig();
      mutate(raw);
      assert.equal(connector.configGuard.safeParse(raw).success, false);
      assert.equal(connector.configGuard.safeParse(cleanDeep(raw)).success, false);
    }
  });
});
