// A throwaway Logto instance layout, enough for Logto's own connector tooling (@logto/cli) to treat
// it as a real one:
//
//   <root>/packages/core/package.json          { "name": "@logto/core" }  (what the CLI checks)
//   <root>/packages/core/node_modules/@logto/cli            -> repo's node_modules (from npm)
//   <root>/packages/core/node_modules/@logto/connector-kit  -> repo's node_modules (from npm)
//   <root>/packages/core/connectors/<dir>/     an extracted connector tarball, no npm install
//
// Connectors are resolved the way Logto resolves them in production: a connector's bare import of
// `@logto/connector-kit` walks up from packages/core/connectors/<dir>/ and lands in
// packages/core/node_modules, i.e. the same copy Logto core (and the CLI loader) use.
//
// Checks run in a child process started in packages/core (as Logto core runs), from a script
// written there, because the CLI's `loadConnectorFactories` caches its result module-wide and
// because bare imports must resolve from the instance, not from this repository.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoNodeModules = path.join(repoRoot, 'node_modules');
export const logtoCliBin = path.join(repoNodeModules, '@logto', 'cli', 'bin', 'logto.js');

/** Requires a dependency of @logto/cli as the CLI resolves it (`tar`, `semver`). */
export const requireFromLogtoCli = createRequire(path.join(repoNodeModules, '@logto', 'cli', 'package.json'));
// The same extractor `logto connector add` uses.
const { extract } = requireFromLogtoCli('tar');

/** A fresh temp dir; `cleanup()` removes it. */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * npm settings for child npm runs: an isolated cache, no update or funding checks, no audit. Only
 * local paths are ever packed, so nothing reaches the registry.
 */
export function quietNpmEnv(cacheDir) {
  return {
    ...process.env,
    npm_config_cache: cacheDir,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_loglevel: 'error',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

/** `npm pack <packageDir>` into `destination`. Resolves npm's JSON entry plus the tarball path. */
export async function npmPack(packageDir, destination, env) {
  const { stdout } = await execFileAsync('npm', ['pack', packageDir, '--pack-destination', destination, '--json'], {
    env,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [entry] = JSON.parse(stdout);
  if (!entry?.filename) {
    throw new Error(`npm pack gave no filename: ${stdout}`);
  }
  return { ...entry, tarball: path.join(destination, entry.filename) };
}

/** Creates the instance layout under `root` (see the top of this file). */
export function createLogtoInstance(root) {
  const coreDir = path.join(root, 'packages', 'core');
  const scoped = path.join(coreDir, 'node_modules', '@logto');
  mkdirSync(scoped, { recursive: true });
  writeFileSync(
    path.join(coreDir, 'package.json'),
    `${JSON.stringify({ name: '@logto/core', private: true, type: 'module' }, null, 2)}\n`
  );
  for (const name of ['cli', 'connector-kit']) {
    symlinkSync(path.join(repoNodeModules, '@logto', name), path.join(scoped, name), 'dir');
  }
  const connectorsDir = path.join(coreDir, 'connectors');
  return { root, coreDir, connectorsDir };
}

/** Extracts a connector tarball into connectors/<dirName>, as `logto connector add` does. */
export async function extractConnector(instance, tarball, dirName) {
  const target = path.join(instance.connectorsDir, dirName);
  mkdirSync(target, { recursive: true });
  await extract({ cwd: target, file: tarball, strip: 1 });
  return target;
}

/** Runs the real `logto` CLI (from npm) with `args`, in `cwd`. Never throws on a non-zero exit. */
export async function runLogtoCli(args, { cwd, env }) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [logtoCliBin, ...args], {
      cwd,
      env,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return { code: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? String(error) };
  }
}

/**
 * Writes `source` as packages/core/<name>.mjs and runs it with this process's Node, cwd
 * packages/core. The script writes its JSON result to the path given as its first argument.
 * Resolves { result, stdout, stderr, code }.
 */
export async function runInInstance(instance, name, source, args = [], { env = process.env } = {}) {
  const script = path.join(instance.coreDir, `${name}.mjs`);
  const resultFile = path.join(instance.coreDir, `${name}.result.json`);
  writeFileSync(script, source);
  rmSync(resultFile, { force: true });
  let stdout = '';
  let stderr = '';
  let code = 0;
  try {
    ({ stdout, stderr } = await execFileAsync(process.execPath, [script, resultFile, ...args], {
      cwd: instance.coreDir,
      env,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    ({ stdout = '', stderr = '' } = error);
    code = error.code ?? 1;
  }
  let result;
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
  } catch {
    result = undefined;
  }
  return { result, stdout, stderr, code };
}
