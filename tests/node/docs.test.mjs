// data/ is the one source of the config reference and the SendSms error table. These tests check
// that the docs, the type declarations and the built package (pkg/) follow it, and that the
// drift check itself fails when they do not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ConnectorConfigFormItemType, ConnectorError } from '@logto/connector-kit';

import { configGuard, metadata } from '../../pkg/lib/index.js';
import { formItemsFrom, readData, stripMarkers } from '../../scripts/docs.mjs';
import { startAliyunServer } from '../support/aliyun-server.mjs';
import { configFor, loadConnector, message } from '../support/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(root, 'scripts', 'docs.mjs');
const data = readData();

/** Runs scripts/docs.mjs with `args`; a hang fails the test instead of stalling the run. */
function docs(args) {
  const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, `docs.mjs did not finish: ${run.error}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A copy of what docs.mjs reads and writes, to plant drift in. */
function copyOfRepository() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docs-test-'));
  for (const part of ['data', 'docs', 'README.md', 'pkg-template/README.md', 'pkg-template/README.de.md', 'pkg-template/lib/index.d.ts']) {
    cpSync(path.join(root, part), path.join(dir, part), { recursive: true });
  }
  return dir;
}

const edit = (dir, file, change) => {
  const at = path.join(dir, file);
  const before = readFileSync(at, 'utf8');
  const after = change(before);
  assert.notEqual(after, before, `the edit of ${file} changed nothing`);
  writeFileSync(at, after);
};

describe('scripts/docs.mjs --check', () => {
  let dir;
  before(() => {
    dir = copyOfRepository();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the repository agrees with data/', () => {
    const { status, output } = docs(['--check']);
    assert.equal(status, 0, output);
  });

  test('a hand-edited table fails the check, naming file and region; regenerating restores it', () => {
    const original = readFileSync(path.join(dir, 'pkg-template/README.de.md'), 'utf8');
    edit(dir, 'pkg-template/README.de.md', (text) => text.replace('| `isv.AMOUNT_NOT_ENOUGH` | `usage_limit_exceeded`', '| `isv.AMOUNT_NOT_ENOUGH` | `general`'));
    const stale = docs(['--check', '--root', dir]);
    assert.equal(stale.status, 1, stale.output);
    assert.match(stale.output, /pkg-template\/README\.de\.md: region "error-table" is stale/);
    assert.equal(docs(['--root', dir]).status, 0);
    assert.equal(readFileSync(path.join(dir, 'pkg-template/README.de.md'), 'utf8'), original);
    assert.equal(docs(['--check', '--root', dir]).status, 0);
  });

  test('a removed region fails the check', () => {
    const file = path.join(dir, 'docs/errors.md');
    const original = readFileSync(file, 'utf8');
    try {
      edit(dir, 'docs/errors.md', (text) => text.replace(/<!-- generated:error-table -->[\s\S]*?<!-- \/generated -->/, ''));
      const run = docs(['--check', '--root', dir]);
      assert.equal(run.status, 1, run.output);
      assert.match(run.output, /docs\/errors\.md: no "<!-- generated:error-table -->" region/);
    } finally {
      writeFileSync(file, original);
    }
  });

  test('a new field in the data reaches every config table and is required in index.d.ts', () => {
    const file = path.join(dir, 'data/config-fields.json');
    const original = readFileSync(file, 'utf8');
    try {
      const config = JSON.parse(original);
      config.fields.push({
        key: 'plannedOption',
        type: 'string',
        required: false,
        default: null,
        form: { label: 'Planned Option', type: 'Text', required: false },
        description: { en: 'A field added later.', de: 'Ein später hinzugefügtes Feld.' },
        rule: 'Anything.',
      });
      writeFileSync(file, JSON.stringify(config));
      const run = docs(['--check', '--root', dir]);
      assert.equal(run.status, 1, run.output);
      for (const line of [
        'docs/configuration.md: region "config-reference" is stale',
        'pkg-template/README.md: region "config-reference" is stale',
        'pkg-template/README.md: region "optional-settings" is stale',
        'pkg-template/README.de.md: region "config-reference" is stale',
        'pkg-template/README.de.md: region "optional-settings" is stale',
        'pkg-template/lib/index.d.ts: AliyunSmsConfig lacks plannedOption',
        'pkg-template/lib/index.d.ts: ParsedAliyunSmsConfig lacks plannedOption',
      ]) {
        assert.ok(run.output.includes(line), `expected "${line}" in:\n${run.output}`);
      }
      // Regenerating writes the field into the docs; only the hand-written types are left.
      docs(['--root', dir]);
      assert.match(readFileSync(path.join(dir, 'pkg-template/README.de.md'), 'utf8'), /`plannedOption` \| – \| Ein später hinzugefügtes Feld\./);
      const again = docs(['--check', '--root', dir]);
      assert.doesNotMatch(again.output, /stale/);
      assert.match(again.output, /AliyunSmsConfig lacks plannedOption/);
    } finally {
      writeFileSync(file, original);
      docs(['--root', dir]);
    }
  });

  test('a type in index.d.ts that differs from the data fails the check', () => {
    const file = path.join(dir, 'pkg-template/lib/index.d.ts');
    const original = readFileSync(file, 'utf8');
    try {
      edit(dir, 'pkg-template/lib/index.d.ts', (text) =>
        text
          .replace('  timeout?: number | null;', '  timeout?: string | null;')
          .replace("export type SmsTemplateType = 0 | 1 | 2 | 6 | 7;", 'export type SmsTemplateType = 0 | 1 | 2;')
          .replace('  signName: string;\n  /** Must include', '  signName?: string;\n  /** Must include'),
      );
      const run = docs(['--check', '--root', dir]);
      assert.equal(run.status, 1, run.output);
      assert.match(run.output, /AliyunSmsConfig\.timeout is "string \| null" in index\.d\.ts, "number \| null" from the data/);
      assert.match(run.output, /SmsTemplateType is "0 \| 1 \| 2" in index\.d\.ts/);
      assert.match(run.output, /AliyunSmsConfig\.signName is optional in index\.d\.ts, required in the data/);
    } finally {
      writeFileSync(file, original);
    }
  });

  test('an inconsistent data file is refused with every problem', () => {
    const file = path.join(dir, 'data/send-sms-errors.json');
    const original = readFileSync(file, 'utf8');
    try {
      const rows = JSON.parse(original);
      rows.push({ ...rows[0] }, { code: 'isv.X', match: 'suffix', class: 'timeout', hint: '' });
      writeFileSync(file, JSON.stringify(rows));
      const run = docs(['--check', '--root', dir]);
      assert.notEqual(run.status, 0, run.output);
      assert.match(run.output, /listed twice/);
      assert.match(run.output, /match must be "exact" or "prefix"/);
      assert.match(run.output, /class must be one of/);
      assert.match(run.output, /isv\.X\): hint/);
    } finally {
      writeFileSync(file, original);
    }
  });
});

test('the shipped guides carry the generated tables without the markers (Logto\'s console would show them)', () => {
  for (const guide of ['README.md', 'README.de.md']) {
    const shipped = readFileSync(path.join(root, 'pkg', guide), 'utf8');
    assert.doesNotMatch(shipped, /<!--/, guide);
    assert.equal(shipped, stripMarkers(readFileSync(path.join(root, 'pkg-template', guide), 'utf8')), guide);
    for (const row of data.errors) assert.ok(shipped.includes(`| \`${row.code}`), `${guide}: ${row.code}`);
    for (const field of data.config.fields) assert.ok(shipped.includes(`| \`${field.key}\` |`), `${guide}: ${field.key}`);
  }
});

describe('the built package follows data/config-fields.json', () => {
  test('metadata.formItems are the data\'s form items, in order', () => {
    const expected = formItemsFrom(data).map((item) => ({ ...item, type: ConnectorConfigFormItemType[item.type] }));
    assert.deepEqual(metadata.formItems, expected);
    const templates = metadata.formItems.find((item) => item.key === 'templates');
    assert.deepEqual(templates.defaultValue.map((entry) => entry.usageType), data.config.usageTypes);
  });

  const base = () => ({
    accessKeyId: 'LTAI-docs',
    accessKeySecret: 'docs-secret-value',
    signName: 'Logto',
    templates: data.config.requiredUsageTypes.map((usageType) => ({ usageType, templateCode: 'SMS_1' })),
  });

  test('defaults: a config without the optional fields, or with them null, parses to the data\'s defaults', () => {
    const optional = data.config.fields.filter((field) => !field.required);
    for (const input of [base(), { ...base(), ...Object.fromEntries(optional.map((field) => [field.key, null])) }]) {
      const result = configGuard.safeParse(input);
      assert.equal(result.success, true, JSON.stringify(result.error));
      for (const field of optional) {
        if (field.default === null) assert.equal(field.key in result.data, false, `${field.key} has no default`);
        else assert.deepEqual(result.data[field.key], field.default, field.key);
      }
      for (const field of data.config.templateFields.filter((entry) => entry.default !== null)) {
        assert.deepEqual(result.data.templates[0][field.key], field.default, `templates[0].${field.key}`);
      }
    }
  });

  test('required: leaving out a required field is an issue at its path', () => {
    for (const field of data.config.fields.filter((entry) => entry.required)) {
      const input = base();
      delete input[field.key];
      const result = configGuard.safeParse(input);
      assert.equal(result.success, false, field.key);
      assert.ok(result.error.issues.some((issue) => JSON.stringify(issue.path) === JSON.stringify([field.key])), field.key);
    }
    for (const field of data.config.templateFields.filter((entry) => entry.required)) {
      const input = base();
      delete input.templates[0][field.key];
      const result = configGuard.safeParse(input);
      assert.equal(result.success, false, field.key);
      assert.ok(
        result.error.issues.some((issue) => JSON.stringify(issue.path) === JSON.stringify(['templates', 0, field.key])),
        `templates[0].${field.key}: ${JSON.stringify(result.error.issues)}`,
      );
    }
  });

  test('requiredUsageTypes: those alone suffice, and leaving out any one is refused', () => {
    assert.equal(configGuard.safeParse(base()).success, true);
    for (const usageType of data.config.requiredUsageTypes) {
      const input = base();
      input.templates = input.templates.filter((template) => template.usageType !== usageType);
      const result = configGuard.safeParse(input);
      assert.equal(result.success, false, usageType);
      assert.match(result.error.errorDescription, new RegExp(`\\b${usageType}\\b`));
    }
  });
});

describe('the built package follows data/send-sms-errors.json', () => {
  const KEY_ID = 'LTAI-docs-errors';
  const SECRET = 'docs-errors-secret-value';
  let server;
  let connector;

  before(async () => {
    server = await startAliyunServer({ credentials: { [KEY_ID]: SECRET } });
    connector = await loadConnector();
  });
  after(() => server.close());

  async function codeFor(aliyunCode) {
    server.respondNext({ aliyunError: aliyunCode, status: aliyunCode.startsWith('isv.') ? 200 : 400, message: `Simulated ${aliyunCode}` });
    const config = configFor({ url: server.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: 'Logto' });
    const error = await connector.sendMessage(message(), config).then(
      (value) => assert.fail(`${aliyunCode}: resolved with ${JSON.stringify(value)}`),
      (caught) => caught,
    );
    assert.ok(error instanceof ConnectorError, `${aliyunCode}: ${error}`);
    assert.equal(error.data.Code, aliyunCode);
    return error.code;
  }

  const prefixes = data.errors.filter((row) => row.match === 'prefix');
  for (const row of data.errors) {
    const codes = row.match === 'prefix' ? [row.code, `${row.code}.DocsTest`] : [row.code];
    test(`${row.match} ${row.code} -> ${row.class}`, async () => {
      for (const aliyunCode of codes) {
        assert.equal(await codeFor(aliyunCode), row.class, aliyunCode);
      }
      // An exact row does not reach longer codes (unless a prefix row covers them).
      const longer = `${row.code}.DocsTest`;
      if (row.match === 'exact' && !prefixes.some((prefix) => longer.startsWith(prefix.code))) {
        assert.equal(await codeFor(longer), 'general', longer);
      }
    });
  }

  test('a code in no row is general', async () => {
    assert.equal(await codeFor('DocsTest.NotInTheTable'), 'general');
  });
});
