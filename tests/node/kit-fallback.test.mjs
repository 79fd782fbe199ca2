// An older Logto ships an older @logto/connector-kit, without `usage_limit_exceeded`. The package
// must then use the nearest code that kit has (rate_limit_exceeded, then general) and keep the
// errorDescription and Aliyun's data; never "Unexpected failure … [object Object]".
//
// The built package is copied next to a stand-in kit (its own node_modules), so the package
// resolves that kit instead of the real one; nothing is mocked in this process.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ConnectorErrorCodes } from '@logto/connector-kit';

import { startAliyunServer } from '../support/aliyun-server.mjs';
import { configFor, message } from '../support/harness.mjs';

const KEY_ID = 'LTAI-kit-fallback';
const SECRET = 'kit-fallback-secret-0123456789';
const pkg = fileURLToPath(new URL('../../pkg/', import.meta.url));

let server;
const scratch = mkdtempSync(path.join(tmpdir(), 'kit-fallback-'));

/**
 * Loads the built package against a kit whose ConnectorErrorCodes lack `missing`: a copy of the
 * real codes, a ConnectorError class of its own. Returns the package module and that class.
 */
async function loadWithKit(name, missing) {
  const root = path.join(scratch, name);
  cpSync(pkg, path.join(root, 'pkg'), { recursive: true });
  const kit = path.join(root, 'node_modules', '@logto', 'connector-kit');
  mkdirSync(kit, { recursive: true });
  const codes = Object.fromEntries(Object.entries(ConnectorErrorCodes).filter(([, code]) => !missing.includes(code)));
  writeFileSync(
    path.join(kit, 'package.json'),
    JSON.stringify({ name: '@logto/connector-kit', version: '1.0.0-older', type: 'module', exports: './index.js' }),
  );
  writeFileSync(
    path.join(kit, 'index.js'),
    [
      `export const ConnectorErrorCodes = Object.freeze(${JSON.stringify(codes)});`,
      'export class ConnectorError extends Error {',
      '  constructor(code, data) {',
      '    super(typeof data === "string" ? data : data?.errorDescription ?? code);',
      '    this.code = code;',
      '    this.data = data;',
      '  }',
      '}',
      "export const ConnectorConfigFormItemType = Object.freeze({ Text: 'Text', Number: 'Number', Switch: 'Switch', Select: 'Select', Json: 'Json' });",
      "export const ConnectorType = Object.freeze({ Sms: 'Sms', Email: 'Email', Social: 'Social' });",
    ].join('\n'),
  );
  const module = await import(pathToFileURL(path.join(root, 'pkg', 'lib', 'index.js')).href);
  const kitModule = await import(pathToFileURL(path.join(kit, 'index.js')).href);
  return { module, kit: kitModule };
}

async function rejectionFrom(module, aliyunError) {
  const connector = await module.createConnector({ getConfig: async () => ({}) });
  server.respondNext({ aliyunError, status: 200, message: `Simulated ${aliyunError}` });
  const config = configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto' });
  try {
    await connector.sendMessage(message(), config);
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

before(async () => {
  server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
});
after(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('the stand-in kit really lacks the codes, and the package uses it', async () => {
  const { module, kit } = await loadWithKit('no-usage', ['usage_limit_exceeded']);
  assert.equal(Object.values(kit.ConnectorErrorCodes).includes('usage_limit_exceeded'), false);
  const error = await rejectionFrom(module, 'isv.BUSINESS_LIMIT_CONTROL');
  assert.ok(error instanceof kit.ConnectorError, "the host's own class");
  assert.equal(error.code, 'rate_limit_exceeded');
});

test('without usage_limit_exceeded: rate_limit_exceeded, data kept whole', async () => {
  const { module, kit } = await loadWithKit('no-usage-2', ['usage_limit_exceeded']);
  for (const aliyunCode of ['isv.AMOUNT_NOT_ENOUGH', 'isv.OUT_OF_SERVICE']) {
    const error = await rejectionFrom(module, aliyunCode);
    assert.ok(error instanceof kit.ConnectorError);
    assert.equal(error.code, 'rate_limit_exceeded', aliyunCode);
    assert.match(error.data.errorDescription, new RegExp(`^Aliyun SendSms failed: ${aliyunCode.replace('.', '\\.')}: `));
    assert.equal(error.data.Code, aliyunCode);
    assert.equal(error.data.Message, `Simulated ${aliyunCode}`);
    assert.equal(error.data.RequestId, server.requests.at(-1).requestId);
    assert.doesNotMatch(String(error.message), /Unexpected failure|\[object Object\]/);
  }
});

test('without usage_limit_exceeded nor rate_limit_exceeded: general, data kept whole', async () => {
  const { module, kit } = await loadWithKit('no-usage-no-rate', ['usage_limit_exceeded', 'rate_limit_exceeded']);
  for (const aliyunCode of ['isv.AMOUNT_NOT_ENOUGH', 'isv.BUSINESS_LIMIT_CONTROL']) {
    const error = await rejectionFrom(module, aliyunCode);
    assert.ok(error instanceof kit.ConnectorError);
    assert.equal(error.code, 'general', aliyunCode);
    assert.equal(error.data.Code, aliyunCode);
    assert.equal(error.data.Message, `Simulated ${aliyunCode}`);
    assert.doesNotMatch(error.data.errorDescription, /Unexpected failure|\[object Object\]/);
  }
  // Codes the old kit has pass unchanged.
  const error = await rejectionFrom(module, 'isv.SMS_TEMPLATE_ILLEGAL');
  assert.equal(error.code, 'invalid_config');
});
