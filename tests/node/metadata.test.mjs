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
    [
      'signatureVersion',
      'securityToken',
      'endpoint',
      'regionId',
      'timeout',
      'overseas',
      'credentialType',
      'roleArn',
      'oidcProviderArn',
      'oidcTokenFile',
      'roleSessionName',
      'durationSeconds',
      'policy',
      'stsEndpoint',
      'roleName',
      'ecsMetadataEndpoint',
      'api',
    ],
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
    credentialType: 'ram_role_arn',
    roleArn: 'acs:ram::1234567890123456:role/sms',
    oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/ack',
    oidcTokenFile: '/var/run/token',
    roleSessionName: 'logto-test',
    durationSeconds: 900,
    policy: '{"Version":"1"}',
    stsEndpoint: 'https://sts.cn-hangzhou.aliyuncs.com/',
    roleName: 'SmsSender',
    ecsMetadataEndpoint: 'http://100.100.100.200/',
    api: 'SendSmsVerifyCode',
  };
  // The credential fields mean something only with the credentialType that uses them.
  const typeFor = {
    roleArn: { credentialType: 'ram_role_arn' },
    roleSessionName: { credentialType: 'ram_role_arn', roleArn: values.roleArn },
    durationSeconds: { credentialType: 'ram_role_arn', roleArn: values.roleArn },
    policy: { credentialType: 'ram_role_arn', roleArn: values.roleArn },
    stsEndpoint: { credentialType: 'ram_role_arn', roleArn: values.roleArn },
    credentialType: { roleArn: values.roleArn },
    oidcProviderArn: { credentialType: 'oidc_role_arn', roleArn: values.roleArn },
    oidcTokenFile: { credentialType: 'oidc_role_arn', roleArn: values.roleArn, oidcProviderArn: values.oidcProviderArn },
    roleName: { credentialType: 'ecs_ram_role' },
    ecsMetadataEndpoint: { credentialType: 'ecs_ram_role' },
  };
  for (const item of metadata.formItems) {
    if (item.key in base) continue;
    const result = configGuard.safeParse({ ...base, ...typeFor[item.key], [item.key]: values[item.key] });
    assert.equal(result.success, true, item.key);
    assert.deepEqual(result.data[item.key], values[item.key], item.key);
  }
});
