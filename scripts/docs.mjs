// Renders the config reference and the error tables (SendSms, SendSmsVerifyCode,
// SendMessageToGlobe) from data/ into the marked regions of the docs, so each table has one source:
//
//   <!-- generated:config-reference -->
//   …written by this script…
//   <!-- /generated -->
//
//   node scripts/docs.mjs           rewrite every region
//   node scripts/docs.mjs --check   exit 1 if a region is stale or missing, or if
//                                   pkg-template/lib/index.d.ts disagrees with the data
//   --root <dir>                    work on a copy of the repository (the tests use it)
//
// scripts/build.mjs imports `readData` and `formItemsFrom` to write the package's form items, and
// `stripMarkers` for the guides it ships.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** connector-kit's ConnectorConfigFormItemType members. */
const FORM_ITEM_TYPES = new Set(['Text', 'Number', 'MultilineText', 'Switch', 'Select', 'MultiSelect', 'Json']);
const FORM_ITEM_KEYS = new Set([
  'label',
  'type',
  'required',
  'placeholder',
  'isConfidential',
  'defaultValue',
  'defaultValuePerUsageType',
  'selectItems',
  'showConditions',
  'description',
]);
/** The connector-kit codes a SendSms failure can map to (AliyunSmsErrorCode in index.d.ts). */
const ERROR_CLASSES = new Set([
  'general',
  'invalid_config',
  'invalid_request_parameters',
  'rate_limit_exceeded',
  'usage_limit_exceeded',
]);
const SEE_SLUGS = new Set(['templates', 'v3-sts', 'endpoints', 'credentials', 'message-authentication']);

/**
 * Each file with regions: its language, how much detail its tables carry, the regions it must
 * contain, and where its `see` links point.
 */
const TARGETS = [
  {
    file: 'docs/configuration.md',
    lang: 'en',
    detail: 'full',
    regions: ['config-reference', 'template-reference'],
    links: {
      templates: ['How templates are picked', 'templates-and-phone-numbers.md#how-templates-are-picked'],
      'v3-sts': ['Signature V3 and STS', 'signature-v3-and-sts.md'],
      endpoints: ['Known endpoints', 'endpoints.md'],
      credentials: ['Credentials without long-lived keys', 'credentials.md'],
      'message-authentication': ['Message Authentication Service', 'message-authentication.md'],
    },
  },
  {
    file: 'docs/errors.md',
    lang: 'en',
    detail: 'full',
    regions: ['error-table', 'verify-code-error-table', 'globe-error-table'],
  },
  {
    file: 'pkg-template/README.md',
    lang: 'en',
    detail: 'guide',
    regions: ['optional-settings', 'config-reference', 'template-reference', 'error-table', 'verify-code-error-table'],
    links: {
      templates: ['Fill in the connector settings', '#fill-in-the-connector-settings'],
      'v3-sts': ['Signature version and temporary credentials', '#signature-version-and-temporary-credentials'],
      credentials: ['Credentials without a stored AccessKey', '#credentials-without-a-stored-accesskey'],
      'message-authentication': ['Codes without an approved signature', '#codes-without-an-approved-signature'],
    },
  },
  {
    file: 'pkg-template/README.de.md',
    lang: 'de',
    detail: 'guide',
    regions: ['optional-settings', 'config-reference', 'template-reference', 'error-table', 'verify-code-error-table'],
    links: {
      templates: ['Connector-Einstellungen ausfüllen', '#connector-einstellungen-ausfüllen'],
      'v3-sts': ['Signaturversion und STS-Zugangsdaten', '#signaturversion-und-sts-zugangsdaten'],
      credentials: ['Zugangsdaten ohne gespeicherten AccessKey', '#zugangsdaten-ohne-gespeicherten-accesskey'],
      'message-authentication': ['Codes ohne freigegebene Signatur', '#codes-ohne-freigegebene-signatur'],
    },
  },
];

const WORDS = {
  en: {
    and: 'and',
    yes: 'yes',
    no: 'no',
    see: 'See',
    field: 'Field',
    name: 'Name',
    setting: 'Setting',
    type: 'Type',
    required: 'Required',
    default: 'Default',
    rules: 'Meaning and rules',
    whatItDoes: 'What it does',
    property: 'Template property',
    values: 'Values',
    aliyunCode: 'Aliyun `Code`',
    match: 'Match',
    connectorCode: 'Connector code',
    error: 'Error',
    hint: 'What to do',
    why: 'Why this code',
    anythingElse: 'anything else',
    prefixNote: 'A trailing `*` stands for every code that starts with the text before it, that text itself included.',
  },
  de: {
    and: 'und',
    yes: 'ja',
    no: 'nein',
    see: 'Siehe',
    field: 'Feld',
    name: 'Name',
    setting: 'Einstellung',
    type: 'Typ',
    required: 'Pflicht',
    default: 'Standard',
    rules: 'Bedeutung und Regeln',
    whatItDoes: 'Wirkung',
    property: 'Vorlagen-Eigenschaft',
    values: 'Werte',
    aliyunCode: 'Aliyun-`Code`',
    match: 'Vergleich',
    connectorCode: 'Connector-Code',
    error: 'Fehler',
    hint: 'Was tun (englisch, wie vom Connector gemeldet)',
    why: 'Warum dieser Code',
    anythingElse: 'jeder andere Code',
    prefixNote: 'Ein `*` am Ende steht für jeden Code, der mit dem Text davor beginnt, und für diesen Text selbst.',
  },
};

const GENERAL_HINT = "Read Aliyun's `Code` and `Message` in the error's data; quote `RequestId` to Aliyun support.";
const OK_NOT_2XX_HINT = 'Check `endpoint` and any proxy in between.';
const OK_NOT_2XX_WHY = 'Aliyun answers OK only with 2xx; anything else is no answer to trust.';

const GENERATED_NOTE =
  '<!-- Generated by scripts/docs.mjs from data/: edit the data, then run `node scripts/docs.mjs`. -->';

// ---------------------------------------------------------------------------------------------
// Data

const isText = (value) => typeof value === 'string' && value.trim() !== '';

/** The error tables beside SendSms's (`errors`): their data file under data/. */
const MORE_ERROR_TABLES = {
  verifyCodeErrors: 'send-sms-verify-code-errors.json',
  globeErrors: 'send-message-to-globe-errors.json',
};

/** Reads and checks data/config-fields.json and the error tables. Throws on any problem. */
export function readData(root = repoRoot) {
  const read = (name) => JSON.parse(readFileSync(path.join(root, 'data', name), 'utf8'));
  const config = read('config-fields.json');
  const errors = read('send-sms-errors.json');
  const more = Object.fromEntries(Object.entries(MORE_ERROR_TABLES).map(([key, name]) => [key, read(name)]));
  const problems = [
    ...configProblems(config),
    ...errorProblems(errors),
    ...Object.entries(MORE_ERROR_TABLES).flatMap(([key, name]) => errorProblems(more[key], name)),
  ];
  if (problems.length > 0) {
    throw new Error(`data/ is inconsistent:\n  ${problems.join('\n  ')}`);
  }
  return { config, errors, ...more };
}

function configProblems(config) {
  const problems = [];
  const { usageTypes, requiredUsageTypes, typeAliases, fields, templateFields } = config;
  if (!Array.isArray(usageTypes) || !usageTypes.every(isText)) problems.push('usageTypes: a list of names');
  if (!Array.isArray(requiredUsageTypes) || !requiredUsageTypes.every((name) => usageTypes?.includes(name))) {
    problems.push('requiredUsageTypes: names from usageTypes');
  }
  if (typeof typeAliases !== 'object' || !Object.values(typeAliases ?? {}).every(isText)) {
    problems.push('typeAliases: { Name: "TypeScript text" }');
  }
  const checkEntries = (list, where, { form }) => {
    if (!Array.isArray(list)) {
      problems.push(`${where}: a list`);
      return;
    }
    const seen = new Set();
    for (const [index, field] of list.entries()) {
      const at = `${where}[${index}] (${field?.key})`;
      if (!isText(field?.key)) problems.push(`${at}: key`);
      if (seen.has(field?.key)) problems.push(`${at}: duplicate key`);
      seen.add(field?.key);
      if (!isText(field?.type)) problems.push(`${at}: type`);
      if (typeof field?.required !== 'boolean') problems.push(`${at}: required must be true or false`);
      if (!('default' in (field ?? {}))) problems.push(`${at}: default (null for none)`);
      if (field?.required && field.default !== null) problems.push(`${at}: a required field has no default`);
      if (!isText(field?.rule)) problems.push(`${at}: rule`);
      if (field?.see !== undefined && !SEE_SLUGS.has(field.see)) problems.push(`${at}: see must be one of ${[...SEE_SLUGS]}`);
      const texts = form ? field?.description : field?.values;
      for (const lang of Object.keys(WORDS)) {
        if (!isText(texts?.[lang])) problems.push(`${at}: ${form ? 'description' : 'values'}.${lang}`);
      }
      if (!form) continue;
      const item = field?.form;
      if (typeof item !== 'object' || item === null) {
        problems.push(`${at}: form`);
        continue;
      }
      for (const key of Object.keys(item)) {
        if (!FORM_ITEM_KEYS.has(key)) problems.push(`${at}: form.${key} is not a form item property`);
      }
      if (!isText(item.label)) problems.push(`${at}: form.label`);
      if (!FORM_ITEM_TYPES.has(item.type)) problems.push(`${at}: form.type must be one of ${[...FORM_ITEM_TYPES]}`);
      if (item.required !== undefined && item.required !== field.required) {
        problems.push(`${at}: form.required differs from required`);
      }
      if ('defaultValue' in item && 'defaultValuePerUsageType' in item) {
        problems.push(`${at}: form has both defaultValue and defaultValuePerUsageType`);
      }
    }
  };
  checkEntries(fields, 'fields', { form: true });
  checkEntries(templateFields, 'templateFields', { form: false });
  return problems;
}

function errorProblems(errors, file = 'send-sms-errors.json') {
  if (!Array.isArray(errors)) return [`${file}: a list of rows`];
  const problems = [];
  const seen = new Set();
  for (const [index, row] of errors.entries()) {
    const at = `${file}[${index}] (${row?.code})`;
    for (const key of Object.keys(row ?? {})) {
      if (!['code', 'match', 'class', 'hint', 'why'].includes(key)) problems.push(`${at}: unknown property ${key}`);
    }
    if (!isText(row?.code) || /\s/.test(row.code)) problems.push(`${at}: code`);
    if (!['exact', 'prefix'].includes(row?.match)) problems.push(`${at}: match must be "exact" or "prefix"`);
    if (!ERROR_CLASSES.has(row?.class)) problems.push(`${at}: class must be one of ${[...ERROR_CLASSES]}`);
    if (!isText(row?.hint)) problems.push(`${at}: hint`);
    if (row?.why !== undefined && !isText(row.why)) problems.push(`${at}: why, when present, is text`);
    const id = `${row?.match} ${row?.code}`;
    if (seen.has(id)) problems.push(`${at}: listed twice`);
    seen.add(id);
  }
  return problems;
}

/** metadata.formItems as the package ships them; `type` is a ConnectorConfigFormItemType member name. */
export function formItemsFrom({ config }) {
  return config.fields.map(({ key, form }) => {
    const { defaultValuePerUsageType, ...item } = form;
    return defaultValuePerUsageType === undefined
      ? { key, ...item }
      : { key, ...item, defaultValue: config.usageTypes.map((usageType) => ({ usageType, ...defaultValuePerUsageType })) };
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering

const code = (text) => `\`${text}\``;
const cell = (text) => String(text).replaceAll('\n', ' ').replaceAll('|', '\\|');

function table(header, rows) {
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.map(cell).join(' | ')} |`).join('\n');
}

function list(names, lang) {
  const quoted = names.map(code);
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} ${WORDS[lang].and} ${quoted.at(-1)}`;
}

/** Fills in {requiredUsageTypes} and {optionalUsageTypes}. */
function expand(text, { config }, lang) {
  const optional = config.usageTypes.filter((name) => !config.requiredUsageTypes.includes(name));
  return text
    .replaceAll('{requiredUsageTypes}', list(config.requiredUsageTypes, lang))
    .replaceAll('{optionalUsageTypes}', list(optional, lang));
}

/** The TypeScript type with the aliases of the data spelled out, e.g. `'v1' | 'v3'`. */
function typeText(type, { config }) {
  let text = type;
  for (const [alias, definition] of Object.entries(config.typeAliases)) {
    text = text.replace(new RegExp(`\\b${alias}\\b`, 'g'), definition);
  }
  return code(text);
}

const defaultText = (value) => (value === null ? '–' : code(typeof value === 'string' ? value : JSON.stringify(value)));

const sentence = (text) => (/[.!?)]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

function seeAlso(field, target) {
  const link = field.see && target.links?.[field.see];
  return link ? ` ${WORDS[target.lang].see} [${link[0]}](${link[1]}).` : '';
}

const RENDERERS = {
  'config-reference'(data, target) {
    const w = WORDS[target.lang];
    const { fields } = data.config;
    if (target.detail === 'full') {
      return table(
        [w.field, w.type, w.required, w.default, w.rules],
        fields.map((field) => [
          code(field.key),
          typeText(field.type, data),
          field.required ? w.yes : w.no,
          defaultText(field.default),
          `${sentence(expand(field.description.en, data, 'en'))} ${expand(field.rule, data, 'en')}${seeAlso(field, target)}`,
        ]),
      );
    }
    return table(
      [w.name, w.type, w.required, w.default],
      fields.map((field) => [code(field.key), typeText(field.type, data), field.required ? w.yes : w.no, defaultText(field.default)]),
    );
  },

  'optional-settings'(data, target) {
    const w = WORDS[target.lang];
    return table(
      [w.setting, w.default, w.whatItDoes],
      data.config.fields
        .filter((field) => !field.required)
        .map((field) => [
          code(field.key),
          defaultText(field.default),
          `${sentence(expand(field.description[target.lang], data, target.lang))}${seeAlso(field, target)}`,
        ]),
    );
  },

  'template-reference'(data, target) {
    const w = WORDS[target.lang];
    const { templateFields } = data.config;
    const values = (field) => sentence(expand(field.values[target.lang], data, target.lang));
    if (target.detail === 'full') {
      return table(
        [w.field, w.type, w.required, w.default, w.rules],
        templateFields.map((field) => [
          code(field.key),
          typeText(field.type, data),
          field.required ? w.yes : w.no,
          defaultText(field.default),
          `${values(field)} ${expand(field.rule, data, 'en')}`,
        ]),
      );
    }
    return table(
      [w.property, w.type, w.required, w.default, w.values],
      templateFields.map((field) => [
        code(field.key),
        typeText(field.type, data),
        field.required ? w.yes : w.no,
        defaultText(field.default),
        values(field),
      ]),
    );
  },

  'error-table'(data, target) {
    return errorTable(data.errors, target);
  },

  'verify-code-error-table'(data, target) {
    return errorTable(data.verifyCodeErrors, target);
  },

  'globe-error-table'(data, target) {
    return errorTable(data.globeErrors, target);
  },
};

/** One API's error table (the rows of its data file) at the target's level of detail. */
function errorTable(errors, target) {
  const w = WORDS[target.lang];
  const aliyun = (row) => code(row.match === 'prefix' ? `${row.code}*` : row.code);
  const note = errors.some((row) => row.match === 'prefix') ? `\n\n${w.prefixNote}` : '';
  const rows = {
    // What parse() does around the mapping, so the reference table is complete.
    full: () => [
      [w.aliyunCode, w.match, w.connectorCode, w.hint, w.why],
      [
        [`${code('OK')} with a 2xx status`, 'exact', 'success', '–', '–'],
        [`${code('OK')} with another status`, 'exact', code('invalid_response'), OK_NOT_2XX_HINT, OK_NOT_2XX_WHY],
        ...errors.map((row) => [aliyun(row), row.match, code(row.class), row.hint, row.why ?? '–']),
        [w.anythingElse, '–', code('general'), GENERAL_HINT, '–'],
      ],
    ],
    guide: () => [
      [w.aliyunCode, w.error, w.hint],
      [...errors.map((row) => [aliyun(row), code(row.class), row.hint]), [w.anythingElse, code('general'), GENERAL_HINT]],
    ],
  };
  const [header, body] = rows[target.detail]();
  return table(header, body) + note;
}

// ---------------------------------------------------------------------------------------------
// Regions

const REGION = /<!-- generated:([a-z-]+) -->\n([\s\S]*?)<!-- \/generated -->/g;

/** The file's text with every region rewritten, and the names of the regions that changed. */
export function renderFile(text, target, data) {
  const stale = [];
  const found = new Set();
  const rendered = text.replace(REGION, (whole, name, body) => {
    const render = RENDERERS[name];
    if (!render) throw new Error(`${target.file}: unknown region "${name}" (known: ${Object.keys(RENDERERS).join(', ')})`);
    if (!target.regions.includes(name)) throw new Error(`${target.file}: region "${name}" is not expected in this file`);
    found.add(name);
    const fresh = `${GENERATED_NOTE}\n\n${render(data, target)}\n\n`;
    if (fresh !== body) stale.push(name);
    return `<!-- generated:${name} -->\n${fresh}<!-- /generated -->`;
  });
  const opened = (text.match(/<!-- generated:/g) ?? []).length;
  if (opened !== [...text.matchAll(REGION)].length) {
    throw new Error(`${target.file}: a "<!-- generated:… -->" marker has no "<!-- /generated -->" after it`);
  }
  const missing = target.regions.filter((name) => !found.has(name));
  return { rendered, stale, missing };
}

/**
 * `text` without the region markers, for the guides the package ships: Logto's console renders
 * HTML comments as visible text, GitHub and npm hide them.
 */
export function stripMarkers(text) {
  return text
    .replace(/^<!-- generated:[a-z-]+ -->\n<!-- Generated by scripts\/docs\.mjs [^\n]*-->\n\n/gm, '')
    .replace(/\n<!-- \/generated -->\n/g, '');
}

// ---------------------------------------------------------------------------------------------
// index.d.ts against the data

const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
const normalise = (text) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/;\s*}/g, ' }')
    .replace(/\s*;\s*$/, '')
    .trim();

/** The members `{ name, optional, type }` of `export type <name> = { … };` in `source`. */
function objectType(source, name) {
  const start = source.indexOf(`export type ${name} = {`);
  if (start < 0) return undefined;
  let depth = 0;
  let end = -1;
  for (let i = source.indexOf('{', start); i < source.length; i += 1) {
    if (source[i] === '{') depth += 1;
    if (source[i] === '}') depth -= 1;
    if (depth === 0) {
      end = i;
      break;
    }
  }
  const body = stripComments(source.slice(source.indexOf('{', start) + 1, end));
  const members = [];
  let current = '';
  depth = 0;
  for (const char of body) {
    if (char === '{') depth += 1;
    if (char === '}') depth -= 1;
    if (char === ';' && depth === 0) {
      if (current.trim()) members.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) members.push(current);
  return members.map((member) => {
    const match = /^\s*([A-Za-z_$][\w$]*)(\??):([\s\S]*)$/.exec(member);
    return match ? { name: match[1], optional: match[2] === '?', type: normalise(match[3]) } : { name: member.trim(), type: '' };
  });
}

/** The text of `export type <name> = …;` (up to the `;` outside braces), normalised. */
function aliasText(source, name) {
  const start = source.indexOf(`export type ${name} =`);
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start + `export type ${name} =`.length; i < source.length; i += 1) {
    if (source[i] === '{') depth += 1;
    if (source[i] === '}') depth -= 1;
    if (source[i] === ';' && depth === 0) return normalise(source.slice(start + `export type ${name} =`.length, i));
  }
  return undefined;
}

/** Where pkg-template/lib/index.d.ts disagrees with the data: a list of sentences. */
export function typeProblems(data, root = repoRoot) {
  const source = readFileSync(path.join(root, 'pkg-template', 'lib', 'index.d.ts'), 'utf8');
  const problems = [];
  const compare = (typeName, fields, { input }) => {
    const members = objectType(source, typeName);
    if (!members) {
      problems.push(`index.d.ts has no "export type ${typeName} = { … }"`);
      return;
    }
    const declared = new Map(members.map((member) => [member.name, member]));
    for (const field of fields) {
      const member = declared.get(field.key);
      if (!member) {
        problems.push(`${typeName} lacks ${field.key}`);
        continue;
      }
      if (!input) continue;
      const expected = field.required ? field.type : `${field.type} | null`;
      if (member.optional === field.required) {
        const [declared, wanted] = member.optional ? ['optional', 'required'] : ['required', 'optional'];
        problems.push(`${typeName}.${field.key} is ${declared} in index.d.ts, ${wanted} in the data`);
      }
      if (member.type !== normalise(expected)) {
        problems.push(`${typeName}.${field.key} is "${member.type}" in index.d.ts, "${expected}" from the data`);
      }
    }
    const known = new Set(fields.map((field) => field.key));
    for (const name of declared.keys()) {
      if (!known.has(name)) problems.push(`${typeName}.${name} is not in the data`);
    }
  };
  compare('AliyunSmsConfig', data.config.fields, { input: true });
  compare('ParsedAliyunSmsConfig', data.config.fields, { input: false });
  compare('AliyunSmsTemplate', data.config.templateFields, { input: true });
  compare('ParsedAliyunSmsTemplate', data.config.templateFields, { input: false });
  const clean = stripComments(source);
  for (const [alias, definition] of Object.entries(data.config.typeAliases)) {
    const declared = aliasText(clean, alias);
    if (declared === undefined) problems.push(`index.d.ts has no "export type ${alias}"`);
    else if (declared !== normalise(definition)) {
      problems.push(`${alias} is "${declared}" in index.d.ts, "${definition}" in the data`);
    }
  }
  const errorCodes = aliasText(clean, 'AliyunSmsErrorCode') ?? '';
  for (const row of [...data.errors, ...(data.verifyCodeErrors ?? []), ...(data.globeErrors ?? [])]) {
    if (!errorCodes.includes(`'${row.class}'`)) problems.push(`AliyunSmsErrorCode lacks '${row.class}' (${row.code})`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Command line

function main(argv) {
  const check = argv.includes('--check');
  const rootIndex = argv.indexOf('--root');
  const root = rootIndex >= 0 ? path.resolve(argv[rootIndex + 1] ?? '.') : repoRoot;
  const data = readData(root);
  const problems = [];
  for (const target of TARGETS) {
    const file = path.join(root, target.file);
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`${target.file}: cannot be read (${error.code ?? error.message})`);
      continue;
    }
    const { rendered, stale, missing } = renderFile(text, target, data);
    for (const name of missing) problems.push(`${target.file}: no "<!-- generated:${name} -->" region`);
    if (check) {
      for (const name of stale) problems.push(`${target.file}: region "${name}" is stale`);
    } else if (rendered !== text) {
      writeFileSync(file, rendered);
      console.log(`Updated ${target.file} (${stale.join(', ')})`);
    }
  }
  problems.push(...typeProblems(data, root).map((problem) => `pkg-template/lib/index.d.ts: ${problem}`));
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    if (check) console.error('Run `node scripts/docs.mjs` to regenerate the docs from data/.');
    return 1;
  }
  if (check) console.log('Docs and type declarations agree with data/.');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
