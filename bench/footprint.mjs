// Footprint: packed tarball sizes, the .wasm, and what `npm install <tarball>` puts in an empty
// project, for ours (npm pack ./pkg) and @logto/connector-aliyun-sms@1.5.5 (npm pack from the
// registry or npm's cache). Used by bench/run.mjs; `node bench/footprint.mjs` prints it alone.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { repoDir } from './lib/parent.mjs';

const THEIRS_SPEC = '@logto/connector-aliyun-sms@1.5.5';
const npmOptions = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

const npm = (args, cwd) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

/** Every installed package under `nodeModules` (nested ones too): [{ name, version, dir }]. */
export function listPackages(nodeModules) {
  const found = [];
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const full = path.join(dir, entry);
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(full)) visitPackage(path.join(full, scoped));
      } else {
        visitPackage(full);
      }
    }
  };
  const visitPackage = (dir) => {
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) return;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8'));
    found.push({ name, version, dir });
    visit(path.join(dir, 'node_modules'));
  };
  visit(nodeModules);
  return found;
}

/** Apparent size (sum of file sizes) of a tree, not following symlinks. */
export function treeBytes(dir) {
  let total = 0;
  const walk = (p) => {
    const stat = lstatSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p)) walk(path.join(p, entry));
    } else {
      total += stat.size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}

/** Disk usage (`du -sk`, in bytes), or null where du is missing. */
const diskBytes = (dir) => {
  try {
    return Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split(/\s/)[0]) * 1024;
  } catch {
    return null;
  }
};

const install = (root, name, spec) => {
  const project = path.join(root, name);
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: `bench-${name}`, private: true })}\n`);
  npm(['install', spec, '--ignore-scripts', '--no-package-lock', ...npmOptions], project);
  const nodeModules = path.join(project, 'node_modules');
  const packages = listPackages(nodeModules);
  return {
    packages: packages.length,
    bytes: treeBytes(nodeModules),
    diskBytes: diskBytes(nodeModules),
    list: packages.map(({ name: n, version }) => `${n}@${version}`).sort(),
  };
};

/** `pkgDir`: the package directory to pack (default pkg/). */
export function measureFootprint(pkgDir = path.join(repoDir, 'pkg')) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'aliyun-sms-bench-footprint-'));
  try {
    const [ours] = JSON.parse(npm(['pack', pkgDir, '--pack-destination', root, '--json', ...npmOptions], root));
    const [theirs] = JSON.parse(npm(['pack', THEIRS_SPEC, '--pack-destination', root, '--json', ...npmOptions], root));
    const oursTarball = path.join(root, ours.filename);
    const theirsTarball = path.join(root, theirs.filename);
    const wasm = readFileSync(path.join(pkgDir, 'lib', 'wasm', 'aliyun_sms_bg.wasm'));
    const js = ['lib/index.js', 'lib/wasm/aliyun_sms.js'].map((f) => readFileSync(path.join(pkgDir, f)).length);

    const oursInstall = install(root, 'ours', oursTarball);
    const theirsInstall = install(root, 'theirs', theirsTarball);
    // connector-kit's own tree, at the version ours resolved (Logto ships it already).
    const kitVersion = oursInstall.list.find((p) => p.startsWith('@logto/connector-kit@'))?.split('@')[2];
    const kitInstall = install(root, 'kit', `@logto/connector-kit@${kitVersion}`);
    const kitSet = new Set(kitInstall.list);
    const beyond = (list, self) => list.filter((p) => !kitSet.has(p) && !p.startsWith(`${self}@`));

    return {
      tarball: {
        ours: { file: ours.filename, bytes: lstatSync(oursTarball).size, unpackedBytes: ours.unpackedSize, files: ours.entryCount },
        theirs: { file: theirs.filename, bytes: lstatSync(theirsTarball).size, unpackedBytes: theirs.unpackedSize, files: theirs.entryCount },
      },
      wasm: {
        bytes: wasm.length,
        gzipBytes: gzipSync(wasm, { level: 9 }).length,
        brotliBytes: brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        jsBytes: { 'lib/index.js': js[0], 'lib/wasm/aliyun_sms.js': js[1] },
      },
      installed: {
        ours: { ...oursInstall, beyondConnectorKit: beyond(oursInstall.list, 'connector-aliyun-sms-wasm') },
        theirs: { ...theirsInstall, beyondConnectorKit: beyond(theirsInstall.list, '@logto/connector-aliyun-sms') },
        connectorKit: { version: kitVersion, packages: kitInstall.packages, bytes: kitInstall.bytes, diskBytes: kitInstall.diskBytes },
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = measureFootprint();
  for (const side of ['ours', 'theirs']) delete result.installed[side].list;
  console.log(JSON.stringify(result, null, 2));
}
