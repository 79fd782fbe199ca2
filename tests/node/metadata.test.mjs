// Metadata: valid for Logto, and the same as the official connector's where an operator would see
// a difference (id, target, names, the five original form items), plus the new options.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { connectorMetadataGuard } from '@logto/connector-kit';
import createOfficial from '@logto/connector-aliyun-sms';

import createConnector, { configGuard, metadata } from '../../pkg/lib/index.js';
import { fixtureConfig } from '../support/fixtures.mjs';

const notCalled = async () => {
  throw new Error('getConfig must not be called while loading');
};

test("metadata passes connector-kit's own metadata guard", () => {
  const result = connectorMetadataGuard.safeParse(metadata);
  assert.equal(result.success, true, JSON.stringify(result.error?.issues));
});

test('same id, target, logo, readme and names as the official connector, plus German', async () => {
  const official = (await createOfficial({ getConfig: notCalled })).metadata;
  const ours = (await createConnector({ getConfig: notCalled })).metadata;
  for (const key of ['id', 'target', 'platform', 'logo', 'logoDark', 'readme']) {
    assert.deepEqual(ours[key], official[key], key);
  }
  for (const [language, name] of Object.entries(official.name)) {
    assert.equal(ours.name[language], name, language);
  }
  for (const [language, description] of Object.entries(official.description)) {
    assert.equal(ours.description[language], description, language);
  }
  assert.equal(typeof ours.name.de, 'string');
  assert.equal(typeof ours.description.de, 'string');
});

test('the official form items are unchanged (the secret is only marked confidential)', async () => {
  const official = (await createOfficial({ getConfig: notCalled })).metadata.formItems;
  const ours = metadata.formItems;
  assert.deepEqual(
    ours.slice(0, official.length).map(({ isConfidential, ...item }) => item),
    official,
  );
  assert.equal(ours.find((item) => item.key === 'accessKeySecret').isConfidential, true);
  assert.deepEqual(
    ours.slice(official.length).map((item) => item.key),
    ['signatureVersion', 'securityToken', 'endpoint', 'regionId', 'timeout', 'overseas'],
  );
});

test('every form item key is a config field the guard understands', () => {
  const base = fixtureConfig();
  const values = {
    strictPhoneRegionNumberCheck: true,
    signatureVersion: 'v3',
    securityToken: 'sts-token',
    endpoint: 'https://dysmsapi.ap-southeast-1.aliyuncs.com/',
    regionId: 'ap-southeast-1',
    timeout: 5000,
    // As the guard returns it: every default of the route filled in.
    overseas: {
      api: 'SendMessageToGlobe',
      endpoint: 'https://dysmsapi.ap-southeast-1.aliyuncs.com/',
      regionId: 'ap-southeast-1',
      signatureVersion: 'v1',
      message: 'Your code is {{code}}',
      signName: 'Logto',
    },
  };
  for (const item of metadata.formItems) {
    if (item.key in base) continue;
    const result = configGuard.safeParse({ ...base, [item.key]: values[item.key] });
    assert.equal(result.success, true, item.key);
    assert.deepEqual(result.data[item.key], values[item.key], item.key);
  }
});
