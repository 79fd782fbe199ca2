// Copied into <instance>/packages/core/ by tests/node/logto-loader.test.mjs and run there (cwd
// packages/core), so that every bare import below resolves from the instance's node_modules, as
// in Logto core. It drives the connectors in ./connectors/ through @logto/cli's own loader
// (the code Logto core uses) and writes what it saw, as JSON, to the file named by argv[2].
//
//   node logto-instance-check.mjs <result.json> <server url> <access key id> <access key secret> <config fixture> <locales fixture>
//
// <config fixture> is the absolute path of tests/fixtures/config.json, the shared four-template config;
// <locales fixture> that of tests/fixtures/locales.json, the localized templates and their choice table.
//
// It asserts nothing itself: the test reads the JSON and decides.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const [resultFile, serverUrl, accessKeyId, accessKeySecret, configFixture, localesFixture] = process.argv.slice(2);
const CONNECTOR_ID = 'aliyun-short-message-service';

const logs = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  const original = console[level].bind(console);
  console[level] = (...parts) => {
    logs.push(`${level}: ${parts.map((part) => (part instanceof Error ? part.stack : String(part))).join(' ')}`);
    original(...parts);
  };
}

const result = { logs };

let kit;
/** A JSON-safe account of a thrown value, including whether it is the instance's ConnectorError. */
const describeError = (error) => ({
  isInstanceConnectorError: Boolean(kit) && error instanceof kit.ConnectorError,
  isError: error instanceof Error,
  constructorName: error?.constructor?.name,
  code: error?.code,
  message: error?.message,
  data: error?.data === undefined ? undefined : JSON.parse(JSON.stringify(error.data)),
});

const settle = async (promise) => {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
};

const goodConfig = {
  ...JSON.parse(await readFile(configFixture, 'utf8')),
  accessKeyId,
  accessKeySecret,
  signName: 'Logto Loader Test',
  strictPhoneRegionNumberCheck: false,
  endpoint: serverUrl,
  timeout: 20_000,
};

// Missing ForgotPassword and Generic, and a mistyped access key id.
const badConfig = {
  ...goodConfig,
  accessKeyId: 42,
  templates: [
    { usageType: 'SignIn', templateCode: 'SMS_SIGNIN' },
    { usageType: 'Register', templateCode: 'SMS_REG' },
  ],
};

try {
  const cli = await import('@logto/cli/lib/connector/index.js');
  const { getConnectorPackagesFromDirectory } = await import('@logto/cli/lib/utils.js');
  kit = await import('@logto/connector-kit');
  result.resolved = {
    cli: import.meta.resolve('@logto/cli/lib/connector/index.js'),
    connectorKit: import.meta.resolve('@logto/connector-kit'),
  };

  const packages = await getConnectorPackagesFromDirectory(path.resolve('connectors'));
  result.packages = packages;
  const factories = await cli.loadConnectorFactories(packages, false);
  result.factories = factories.map(({ metadata, type, path: packagePath }) => ({
    id: metadata.id,
    type,
    path: packagePath,
  }));

  const factory = factories.find(({ metadata }) => metadata.id === CONNECTOR_ID);
  if (factory) {
    const { metadata } = factory;
    result.factory = {
      type: factory.type,
      path: factory.path,
      metadata: {
        id: metadata.id,
        target: metadata.target,
        platform: metadata.platform,
        name: metadata.name,
        logo: metadata.logo,
        logoDark: metadata.logoDark,
        readme: metadata.readme,
        formItemKeys: metadata.formItems?.map(({ key }) => key),
      },
      hasSafeParse: typeof factory.configGuard?.safeParse === 'function',
    };
    const readOrNull = (file) => readFile(path.join(factory.path, file), 'utf8').catch(() => null);
    result.packageFiles = { logoSvg: await readOrNull('logo.svg'), readme: await readOrNull('README.md') };

    // What Logto's console and API do with a submitted config: connector-kit's validateConfig.
    result.validateGood = await settle(Promise.resolve().then(() => kit.validateConfig(goodConfig, factory.configGuard)));
    result.validateBad = await settle(Promise.resolve().then(() => kit.validateConfig(badConfig, factory.configGuard)));

    // What Logto core does to send: buildRawConnector with a getConfig reading the stored config,
    // then sendMessage without an explicit config.
    const configCalls = [];
    const { rawConnector, rawMetadata } = await cli.buildRawConnector(factory, async (id) => {
      configCalls.push(id);
      return goodConfig;
    });
    result.raw = { type: rawConnector.type, logo: rawMetadata.logo, readme: rawMetadata.readme };
    const message = {
      to: '+86 130 1234 5678',
      type: 'SignIn',
      payload: {
        code: '246810',
        locale: 'zh-CN',
        uiLocales: 'zh-CN en',
        application: { id: 'app-1', name: 'Loader Test App' },
        user: { id: 'user-1', primaryPhone: '8613012345678' },
      },
    };
    // The test queues two answers at the server: OK, then isv.BUSINESS_LIMIT_CONTROL.
    result.sendOk = await settle(rawConnector.sendMessage(message));
    result.sendRateLimited = await settle(rawConnector.sendMessage(message));
    result.configCalls = configCalls;

    // The choice table's mainland cases (templates, not the overseas texts), with the user's
    // language in `payload.locale` as Logto core passes it.
    const locales = JSON.parse(await readFile(localesFixture, 'utf8'));
    const localized = { ...goodConfig, templates: locales.config.templates };
    const { rawConnector: localizedConnector } = await cli.buildRawConnector(factory, async () => localized);
    result.localized = [];
    for (const entry of locales.cases.filter((row) => row.templateCode !== undefined)) {
      const payload = { code: '123456', uiLocales: 'fr' };
      if (Object.hasOwn(entry, 'locale')) payload.locale = entry.locale;
      result.localized.push(await settle(localizedConnector.sendMessage({ to: entry.to, type: entry.type, payload })));
    }
  }
} catch (error) {
  result.crash = describeError(error);
  result.crash.stack = error?.stack;
}

await writeFile(resultFile, JSON.stringify(result, null, 2));
