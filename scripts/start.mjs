// `npm start` (after the build): send one SMS with the built package's CLI, pkg/bin/cli.js.
//
// With ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET (plus ALIYUN_SIGN_NAME,
// ALIYUN_TEMPLATE_CODE, ALIYUN_PHONE; optionally ALIYUN_ENDPOINT, ALIYUN_REGION_ID) in the
// environment, it sends a real message through Aliyun. Without them it starts the bundled
// Aliyun-compatible server (tests/support/aliyun-server.mjs) on 127.0.0.1, points the connector at
// it with demo credentials, runs `doctor`, `send` and `status` (for the message sent) against it,
// and shows the signed requests the server received and whether their signatures verified, next
// to the CLI's output.
//
// Exits with the CLI's status. The temporary config (it holds the secret) is always deleted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'pkg', 'bin', 'cli.js');
const USAGE_TYPES = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];
const DEMO_PHONE = '+86 130 1234 5678';

const env = (name) => {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
};

function configFor({ accessKeyId, accessKeySecret, signName, templateCode, endpoint, regionId }) {
  const config = {
    accessKeyId,
    accessKeySecret,
    signName,
    templates: USAGE_TYPES.map((usageType) => ({ usageType, templateCode })),
  };
  if (endpoint) config.endpoint = endpoint;
  if (regionId) config.regionId = regionId;
  return config;
}

/** Writes the config to a private temp dir; returns its path and a cleanup function. */
function writeTempConfig(config) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-sms-wasm-'));
  const file = path.join(dir, 'config.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the CLI; resolves its exit status (signals count as failure). */
function runCli(args, { capture }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    if (capture) {
      child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    }
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ status: code ?? (signal ? 1 : 0), output });
    });
  });
}

const indent = (text, prefix = '  ') =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

async function realAliyun() {
  const values = {
    accessKeyId: env('ALIYUN_ACCESS_KEY_ID'),
    accessKeySecret: env('ALIYUN_ACCESS_KEY_SECRET'),
    signName: env('ALIYUN_SIGN_NAME'),
    templateCode: env('ALIYUN_TEMPLATE_CODE'),
    phone: env('ALIYUN_PHONE'),
    endpoint: env('ALIYUN_ENDPOINT'),
    regionId: env('ALIYUN_REGION_ID'),
  };
  const missing = ['ALIYUN_SIGN_NAME', 'ALIYUN_TEMPLATE_CODE', 'ALIYUN_PHONE'].filter((name) => !env(name));
  if (missing.length > 0) {
    console.error(`To send through Aliyun, also set ${missing.join(', ')}.`);
    return 2;
  }
  const { file, cleanup } = writeTempConfig(configFor(values));
  try {
    console.log(
      `Sending through Aliyun (${values.endpoint ?? 'https://dysmsapi.aliyuncs.com/'}, AccessKeyId ${values.accessKeyId}) to ${values.phone}`,
    );
    const { status } = await runCli(['send', '--config', file, '--to', values.phone, '--type', 'SignIn'], {
      capture: false,
    });
    return status;
  } finally {
    cleanup();
  }
}

async function localDemo() {
  const { startAliyunServer, formatRequest, DEMO_CREDENTIALS } = await import(
    path.join(root, 'tests', 'support', 'aliyun-server.mjs')
  );
  const server = await startAliyunServer({
    credentials: { [DEMO_CREDENTIALS.accessKeyId]: DEMO_CREDENTIALS.accessKeySecret },
  });
  let temp;
  try {
    const phone = env('ALIYUN_PHONE') ?? DEMO_PHONE;
    const config = configFor({
      ...DEMO_CREDENTIALS,
      signName: 'Logto Demo',
      templateCode: 'SMS_000000001',
      endpoint: server.url,
    });
    temp = writeTempConfig(config);
    console.log('ALIYUN_ACCESS_KEY_ID / ALIYUN_ACCESS_KEY_SECRET are not set: demonstrating against a local');
    console.log(`Aliyun-compatible server at ${server.url} with demo credentials (no SMS leaves this machine).`);
    console.log(
      'To send a real SMS, set ALIYUN_ACCESS_KEY_ID, ALIYUN_ACCESS_KEY_SECRET, ALIYUN_SIGN_NAME, ALIYUN_TEMPLATE_CODE',
    );
    console.log('and ALIYUN_PHONE (optionally ALIYUN_ENDPOINT, ALIYUN_REGION_ID).\n');
    // The doctor first (read-only calls, nothing sent), then one message, then its delivery.
    const runs = [];
    const show = async (args) => {
      console.log(`$ connector-aliyun-sms-wasm ${args.map((a) => (/[\s^]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
      const { status, output } = await runCli(args, { capture: true });
      console.log(indent(output || '(no output)'));
      console.log(`(exit status ${status})\n`);
      runs.push(status);
      return output;
    };
    await show(['doctor', '--config', temp.file]);
    const sent = await show(['send', '--config', temp.file, '--to', phone, '--type', 'SignIn']);
    const bizId = /BizId=(\S+)/.exec(sent)?.[1];
    if (bizId) await show(['status', '--config', temp.file, '--to', phone, '--biz-id', bizId]);
    const status = runs.find((code) => code !== 0) ?? 0;
    console.log(`Signed requests received by the local server (${server.requests.length}):`);
    if (server.requests.length === 0) console.log('  (none)');
    for (const record of server.requests) console.log(indent(formatRequest(record)));
    console.log(`\nCLI exit status: ${status}`);
    return status;
  } finally {
    temp?.cleanup();
    await server.close();
  }
}

async function main() {
  if (!existsSync(cli)) {
    console.error(`${path.relative(process.cwd(), cli)} is missing: run \`npm run build\` first.`);
    return 1;
  }
  const hasId = Boolean(env('ALIYUN_ACCESS_KEY_ID'));
  const hasSecret = Boolean(env('ALIYUN_ACCESS_KEY_SECRET'));
  if (hasId !== hasSecret) {
    console.error('Set both ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET (or neither, for the local demo).');
    return 2;
  }
  return hasId ? realAliyun() : localDemo();
}

process.exitCode = await main();
