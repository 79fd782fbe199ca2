#!/usr/bin/env node
// connector-aliyun-sms-wasm: send one verification SMS with this connector, loaded the way Logto
// loads connectors (package.json must depend on @logto/connector-kit; lib/index.js's default
// export is called with `{ getConfig }`); check a config without sending (`doctor`); look up a
// sent message's delivery (`status`).
//
// Exit status: 0 sent / nothing failed / query answered, 1 the connector or a check failed (or an
// unexpected error), 2 usage error.
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const USAGE = `Usage:
  connector-aliyun-sms-wasm send --config <config.json> --to <phone> [--type <usageType>] [--code <code>] [--locale <tag>]
  connector-aliyun-sms-wasm doctor --config <config.json> [--json]
  connector-aliyun-sms-wasm status --config <config.json> --to <phone> --biz-id <id> [--date YYYYMMDD] [--json]
  connector-aliyun-sms-wasm --help

send    Sends one verification message through Aliyun SMS with this connector, exactly as Logto
        would, says which route (mainland settings or the overseas route), which API
        and which template or text (usage type and locale, or "default") it used, then prints
        the status command for it.
doctor  Checks the config against Aliyun without sending anything: the config, the endpoint and
        the clock, the credentials, the signature name and every template code, and the same
        for an overseas route (for SendMessageToGlobe: its sender ID and message texts). One
        line per check (ok, warn or fail), then a summary.
status  Looks up one sent message (QuerySendDetails): waiting, failed (with the carrier's code) or
        delivered, its send and receive times and its template. With api SendSmsVerifyCode it
        asks the Message Authentication Service's own QuerySendDetails (dypnsapi), which knows
        only the delivery: whether the user entered the code is Logto's to know.

Options:
  -c, --config <file>   Connector config (JSON): accessKeyId, accessKeySecret, signName, templates,
                        and optionally api (SendSms or SendSmsVerifyCode), strictPhoneRegionNumberCheck,
                        endpoint, regionId, timeout,
                        overseas (the route for numbers outside mainland China), credentialType
                        and its fields (temporary credentials from a RAM role, the ECS instance's
                        role, or an OIDC token file).
  -t, --to <phone>      Recipient, e.g. "+86 130 1234 5678" or 13012345678.
      --type <type>     send: template usage type (default SignIn). Unknown types use Generic.
      --code <code>     send: verification code to send (default: a random 6-digit code).
      --locale <tag>    send: the user's language (BCP 47, e.g. zh-CN), passed as Logto passes
                        it (payload.locale); picks a template or text with that locale.
      --biz-id <id>     status: the BizId send printed (Aliyun's receipt id).
      --date <YYYYMMDD> status: the day it was sent, Asia/Shanghai time (default: today there).
      --json            doctor, status: print one JSON object instead of lines.
  -h, --help            Show this help.

Exit status: 0 sent, nothing failed, or the status query answered (whatever the state);
1 the connector or a check failed; 2 usage error.`;

/** Which options each command takes (besides --help). */
const COMMAND_OPTIONS = {
  send: ['config', 'to', 'type', 'code', 'locale'],
  doctor: ['config', 'json'],
  status: ['config', 'to', 'biz-id', 'date', 'json'],
};

class UsageError extends Error {}

const packageRoot = new URL('../', import.meta.url);

/** The secret and STS token, once known, so nothing printed can contain them. */
const secrets = [];

const redact = (text) =>
  secrets.reduce((value, secret) => value.split(secret).join('***'), String(text));
const out = (line = '') => process.stdout.write(`${redact(line)}\n`);
const err = (line = '') => process.stderr.write(`${redact(line)}\n`);

function parseCommandLine(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        to: { type: 'string', short: 't' },
        type: { type: 'string' },
        code: { type: 'string' },
        locale: { type: 'string' },
        'biz-id': { type: 'string' },
        date: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length === 0) throw new UsageError('Missing command (send, doctor or status).');
  const [command] = positionals;
  if (!Object.hasOwn(COMMAND_OPTIONS, command)) throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
  if (positionals.length > 1) throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[1])}.`);
  const foreign = Object.keys(values).find((key) => key !== 'help' && !COMMAND_OPTIONS[command].includes(key));
  if (foreign) throw new UsageError(`--${foreign} is not an option of ${command}.`);
  if (!values.config) throw new UsageError('Missing --config <config.json>.');
  if (command !== 'doctor' && !values.to) throw new UsageError('Missing --to <phone>.');
  if (command === 'send') {
    if (values.type === '') throw new UsageError('--type must not be empty.');
    if (values.code !== undefined && values.code === '') throw new UsageError('--code must not be empty.');
    if (values.locale !== undefined && values.locale.trim() === '') throw new UsageError('--locale must not be empty.');
  }
  if (command === 'status') {
    if (!values['biz-id']?.trim()) throw new UsageError('Missing --biz-id <id> (the BizId send printed).');
    if (values.date !== undefined && !/^\d{8}$/.test(values.date)) {
      throw new UsageError(`--date must be YYYYMMDD, e.g. 20261201 (received ${JSON.stringify(values.date)}).`);
    }
  }
  return { help: false, command, type: 'SignIn', json: false, ...values };
}

async function readConfig(file) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read config file ${file}: ${error.code ?? error.message}`);
  }
  let config;
  try {
    config = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the file's text, which may hold the secret: say only where.
    throw new UsageError(`Config file ${file} is not valid JSON.`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new UsageError(`Config file ${file} must contain a JSON object.`);
  }
  // Every credential in play: the top-level account's and the overseas route's.
  const route = config.overseas !== null && typeof config.overseas === 'object' ? config.overseas : {};
  for (const holder of [config, route]) {
    for (const key of ['accessKeySecret', 'securityToken']) {
      if (typeof holder[key] === 'string' && holder[key].length > 0) secrets.push(holder[key]);
    }
  }
  return config;
}

/** Loads the connector as Logto's loader does. Any problem here is a broken package: exit 1. */
async function loadConnector(getConfig) {
  const manifest = JSON.parse(await readFile(new URL('package.json', packageRoot), 'utf8'));
  if (!manifest.dependencies || !('@logto/connector-kit' in manifest.dependencies)) {
    throw new Error(`${manifest.name ?? 'This package'} does not depend on @logto/connector-kit; Logto would not load it.`);
  }
  const library = await import(new URL('lib/index.js', packageRoot).href);
  const { default: createConnector } = library;
  if (typeof createConnector !== 'function') {
    throw new TypeError('lib/index.js has no default export createConnector.');
  }
  const connector = await createConnector({ getConfig });
  if (typeof connector?.sendMessage !== 'function') {
    throw new TypeError('The connector has no sendMessage.');
  }
  return { connector, manifest, library };
}

const isConnectorError = (error) =>
  error instanceof Error && typeof error.code === 'string' && error.data !== null && typeof error.data === 'object';

/** "overseas route (SendMessageToGlobe)"; without an overseas route, the top-level settings. */
const describeRoute = ({ route, api } = {}, fallbackApi = 'SendSms') =>
  route === undefined ? `top-level settings (${api ?? fallbackApi})` : `${route} route (${api ?? fallbackApi})`;

/** "SignIn [zh-CN]", "Generic (default)"; without `entry`, the config has no locale. */
const describeEntry = (entry) => {
  if (entry === undefined) return 'default (the config has no locale)';
  const what = entry.usageType ?? 'the one overseas text';
  return entry.locale === undefined ? `${what} (default)` : `${what} [${entry.locale}]`;
};

function reportConnectorError(error) {
  const { data } = error;
  err(`Failed: ${error.code}`);
  err(`  ${data.errorDescription ?? error.message}`);
  if (data.route !== undefined) err(`  Route: ${describeRoute(data)}`);
  if (data.entry !== undefined) err(`  Entry: ${describeEntry(data.entry)}`);
  for (const key of ['Code', 'Message', 'RequestId', 'status']) {
    const value = data[key];
    if (value === undefined || value === null) continue;
    // Aliyun's Message is usually already part of errorDescription.
    if (key === 'Message' && String(data.errorDescription ?? '').includes(String(value))) continue;
    err(`  ${key}: ${value}`);
  }
  if (Array.isArray(data.issues)) {
    for (const issue of data.issues) {
      const path = Array.isArray(issue.path) && issue.path.length > 0 ? issue.path.join('.') : '(config)';
      err(`  - ${path}: ${issue.message} [${issue.code}]`);
    }
  }
}

/** A word the shell passes through unchanged, quoted only when it must be. */
const shellWord = (word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/** Today in Asia/Shanghai (UTC+8 all year), as `YYYYMMDD`: the day Aliyun files a send under. */
const shanghaiDate = (millis = Date.now()) =>
  new Date(millis + 8 * 3600 * 1000).toISOString().slice(0, 10).replaceAll('-', '');

function printConnectorFailure(error) {
  if (isConnectorError(error)) {
    reportConnectorError(error);
  } else {
    err(`Failed: unexpected error: ${error?.message ?? error}`);
  }
}

async function send(options, config) {
  const code = options.code ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
  try {
    const { connector, manifest } = await loadConnector(async () => config);
    out(`${manifest.name}@${manifest.version}: sending a ${options.type} message to ${options.to} (code ${code})`);
    // No config argument: the connector asks getConfig, as it does inside Logto.
    // Logto's payload: the code, and the user's language as `locale` and `uiLocales`.
    const payload = options.locale === undefined ? { code } : { code, locale: options.locale, uiLocales: options.locale };
    const result = await connector.sendMessage({ to: options.to, type: options.type, payload });
    const globe = result?.ResponseCode !== undefined;
    // The top-level API when no route tagged the result: config.api, SendSms by default.
    const mainlandApi = String(config?.api ?? '').trim() === 'SendSmsVerifyCode' ? 'SendSmsVerifyCode' : 'SendSms';
    // SendSms answers BizId; SendSmsVerifyCode puts it in Model.
    const bizId = result?.BizId ?? result?.Model?.BizId;
    if (globe) {
      // SendMessageToGlobe's answer.
      out(
        `Sent: ResponseCode=${result.ResponseCode} MessageId=${result.MessageId ?? ''} Segments=${result.Segments ?? ''} RequestId=${result.RequestId ?? ''}`,
      );
      const where = result.NumberDetail ? [result.NumberDetail.Country, result.NumberDetail.Carrier].filter(Boolean) : [];
      if (where.length > 0) out(`  Number: ${where.join(', ')}`);
    } else {
      out(`Sent: Code=${result?.Code} RequestId=${result?.RequestId ?? ''} BizId=${bizId ?? ''}`);
      if (result?.Message && result.Message !== 'OK') out(`  Message: ${result.Message}`);
    }
    out(`Route: ${describeRoute(result, globe ? 'SendMessageToGlobe' : mainlandApi)}`);
    out(`Entry: ${describeEntry(result?.entry)}`);
    if (bizId) {
      const words = ['status', '--config', options.config, '--to', options.to, '--biz-id', bizId];
      words.push('--date', shanghaiDate());
      out(`Delivery status: connector-aliyun-sms-wasm ${words.map(shellWord).join(' ')}`);
    }
    return 0;
  } catch (error) {
    printConnectorFailure(error);
    return 1;
  }
}

async function doctor(options, config) {
  let report;
  try {
    const { library } = await loadConnector(async () => config);
    report = await library.doctor(config);
  } catch (error) {
    printConnectorFailure(error);
    return 1;
  }
  if (options.json) {
    out(JSON.stringify(report));
  } else {
    const width = Math.max(...report.checks.map((check) => label(check).length));
    for (const check of report.checks) {
      out(`${check.verdict.padEnd(4)}  ${label(check).padEnd(width)}  ${check.detail}`);
    }
    out(`doctor: ${report.summary}${report.ok ? '' : ': fix the failures above'} (no SMS was sent)`);
  }
  return report.ok ? 0 : 1;
}

/** `credentials`, `template SMS_1`, `credentials (overseas route)`. */
const label = ({ name, subject, route }) =>
  [name, subject, route && `(${route} route)`].filter(Boolean).join(' ');

const STATE_TEXT = {
  waiting: 'waiting (the carrier has not reported yet)',
  failed: 'failed',
  delivered: 'delivered',
};

async function status(options, config) {
  const query = { to: options.to, bizId: options['biz-id'], sendDate: options.date };
  let answer;
  try {
    const { library } = await loadConnector(async () => config);
    answer = await library.querySendDetails(config, query);
  } catch (error) {
    // Refused before any call to Aliyun: the command line was wrong.
    const local = isConnectorError(error) && error.code === 'invalid_request_parameters' && error.data.status === undefined;
    if (options.json) {
      out(JSON.stringify({ ok: false, error: { code: error?.code ?? 'general', ...(error?.data ?? { errorDescription: String(error?.message ?? error) }) } }));
    } else if (local) {
      err(`Error: ${error.data.errorDescription}`);
    } else {
      printConnectorFailure(error);
    }
    return local ? 2 : 1;
  }
  const messages = answer.details.map(({ state, errCode, templateCode, sendDate, receiveDate }) => ({
    state,
    errCode: errCode ?? null,
    templateCode: templateCode ?? null,
    sendDate: sendDate ?? null,
    receiveDate: receiveDate ?? null,
  }));
  const state = messages[0]?.state ?? 'not_found';
  const verifyCode = answer.api === 'SendSmsVerifyCode';
  if (options.json) {
    const { phoneNumber, bizId, sendDate, requestId } = answer;
    // `api` only for the Message Authentication Service and `route` only with an overseas route,
    // so the output of a plain SendSms config stays as it was.
    const extra = { ...(verifyCode ? { api: answer.api } : {}), ...(answer.route ? { route: answer.route } : {}) };
    out(JSON.stringify({ ok: true, state, phoneNumber, bizId, sendDate, requestId, messages, ...extra }));
    return 0;
  }
  const subject = `BizId ${answer.bizId} to ${answer.phoneNumber}, sent ${answer.sendDate} (Asia/Shanghai)`;
  if (messages.length === 0) {
    out(`${subject}: not found`);
    out('  Aliyun has no record of it on that day: check --to, --biz-id and --date (Aliyun keeps 30 days).');
  }
  if (answer.route) out(`  Route         ${describeRoute(answer)}`);
  if (verifyCode) {
    out('  API           SendSmsVerifyCode: the Message Authentication Service\'s records (dypnsapi QuerySendDetails)');
    out('                delivery only; whether the user entered the code, Logto knows (it checks codes itself)');
  }
  for (const message of messages) {
    const code = message.errCode && message.state === 'failed' ? ` (${message.errCode})` : '';
    out(`${subject}: ${STATE_TEXT[message.state] ?? message.state}${code}`);
    if (message.errCode) out(`  carrier code  ${message.errCode}`);
    if (message.sendDate) out(`  sent          ${message.sendDate}`);
    if (message.receiveDate) out(`  received      ${message.receiveDate}`);
    if (message.templateCode) out(`  template      ${message.templateCode}`);
  }
  out(`  RequestId     ${answer.requestId}`);
  return 0;
}

async function main(argv) {
  let options;
  try {
    options = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`Error: ${error.message}\n`);
    err(USAGE);
    return 2;
  }
  if (options.help) {
    out(USAGE);
    return 0;
  }

  let config;
  try {
    config = await readConfig(options.config);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`Error: ${error.message}`);
    return 2;
  }

  return { send, doctor, status }[options.command](options, config);
}

process.exitCode = await main(process.argv.slice(2));
