#!/usr/bin/env node
// connector-aliyun-sms-wasm: send one verification SMS with this connector, loaded the way Logto
// loads connectors (package.json must depend on @logto/connector-kit; lib/index.js's default
// export is called with `{ getConfig }`).
//
// Exit status: 0 sent, 1 the connector failed (ConnectorError or unexpected error), 2 usage error.
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const USAGE = `Usage:
  connector-aliyun-sms-wasm send --config <config.json> --to <phone> [--type <usageType>] [--code <code>]
  connector-aliyun-sms-wasm --help

Sends one verification message through Aliyun SMS with this connector, exactly as Logto would.

Options:
  -c, --config <file>   Connector config (JSON): accessKeyId, accessKeySecret, signName, templates,
                        and optionally strictPhoneRegionNumberCheck, endpoint, regionId, timeout;
                        credentialType and its fields for temporary credentials (a RAM role, the
                        ECS instance's role, or an OIDC token file).
  -t, --to <phone>      Recipient, e.g. "+86 130 1234 5678" or 13012345678.
      --type <type>     Template usage type (default SignIn). Unknown types use the Generic template.
      --code <code>     Verification code to send (default: a random 6-digit code).
  -h, --help            Show this help.

Exit status: 0 sent, 1 the connector reported an error, 2 usage error.`;

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
        type: { type: 'string', default: 'SignIn' },
        code: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length === 0) throw new UsageError('Missing command (send).');
  if (positionals[0] !== 'send') throw new UsageError(`Unknown command ${JSON.stringify(positionals[0])}.`);
  if (positionals.length > 1) throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[1])}.`);
  if (!values.config) throw new UsageError('Missing --config <config.json>.');
  if (!values.to) throw new UsageError('Missing --to <phone>.');
  if (!values.type) throw new UsageError('--type must not be empty.');
  if (values.code !== undefined && values.code === '') throw new UsageError('--code must not be empty.');
  return { help: false, ...values };
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
  for (const key of ['accessKeySecret', 'securityToken']) {
    if (typeof config[key] === 'string' && config[key].length > 0) secrets.push(config[key]);
  }
  return config;
}

/** Loads the connector as Logto's loader does. Any problem here is a broken package: exit 1. */
async function loadConnector(getConfig) {
  const manifest = JSON.parse(await readFile(new URL('package.json', packageRoot), 'utf8'));
  if (!manifest.dependencies || !('@logto/connector-kit' in manifest.dependencies)) {
    throw new Error(`${manifest.name ?? 'This package'} does not depend on @logto/connector-kit; Logto would not load it.`);
  }
  const { default: createConnector } = await import(new URL('lib/index.js', packageRoot).href);
  if (typeof createConnector !== 'function') {
    throw new TypeError('lib/index.js has no default export createConnector.');
  }
  const connector = await createConnector({ getConfig });
  if (typeof connector?.sendMessage !== 'function') {
    throw new TypeError('The connector has no sendMessage.');
  }
  return { connector, manifest };
}

const isConnectorError = (error) =>
  error instanceof Error && typeof error.code === 'string' && error.data !== null && typeof error.data === 'object';

function reportConnectorError(error) {
  const { data } = error;
  err(`Failed: ${error.code}`);
  err(`  ${data.errorDescription ?? error.message}`);
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

  const code = options.code ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
  try {
    const { connector, manifest } = await loadConnector(async () => config);
    out(`${manifest.name}@${manifest.version}: sending a ${options.type} message to ${options.to} (code ${code})`);
    // No config argument: the connector asks getConfig, as it does inside Logto.
    const result = await connector.sendMessage({ to: options.to, type: options.type, payload: { code } });
    out(`Sent: Code=${result?.Code} RequestId=${result?.RequestId ?? ''} BizId=${result?.BizId ?? ''}`);
    if (result?.Message && result.Message !== 'OK') out(`  Message: ${result.Message}`);
    return 0;
  } catch (error) {
    if (isConnectorError(error)) {
      reportConnectorError(error);
    } else {
      err(`Failed: unexpected error: ${error?.message ?? error}`);
    }
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
