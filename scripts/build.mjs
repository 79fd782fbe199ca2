// Assembles pkg/, the publishable npm package: pkg-template/ plus the wasm-pack output in
// pkg/lib/wasm/, with the version taken from Cargo.toml. Run through `npm run build`, which
// installs the tools first (scripts/setup.sh).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);

const cargoToml = readFileSync(at('Cargo.toml'), 'utf8');
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargoToml)?.[1];
if (!version) {
  throw new Error('Cannot read the package version from Cargo.toml');
}

// wasm-pack uses the first wasm-opt on PATH: the npm `binaryen` one, not a system copy.
const env = {
  ...process.env,
  PATH: [at('node_modules', '.bin'), path.join(process.env.HOME ?? '', '.cargo', 'bin'), process.env.PATH].join(
    path.delimiter
  ),
};
execFileSync(
  'wasm-pack',
  ['build', '--release', '--target', 'web', '--out-dir', 'pkg-wasm', '--out-name', 'aliyun_sms', '--no-pack'],
  { cwd: root, env, stdio: 'inherit' }
);

const pkg = at('pkg');
rmSync(pkg, { recursive: true, force: true });
cpSync(at('pkg-template'), pkg, { recursive: true });
mkdirSync(path.join(pkg, 'lib', 'wasm'), { recursive: true });
for (const file of ['aliyun_sms.js', 'aliyun_sms_bg.wasm']) {
  cpSync(at('pkg-wasm', file), path.join(pkg, 'lib', 'wasm', file));
}
cpSync(at('LICENSE'), path.join(pkg, 'LICENSE'));

const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
manifest.version = version;
writeFileSync(path.join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const wasmBytes = readFileSync(path.join(pkg, 'lib', 'wasm', 'aliyun_sms_bg.wasm'));
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `Built pkg/ (${manifest.name}@${version}): aliyun_sms_bg.wasm ${wasmBytes.length} bytes (${kib(wasmBytes.length)}), ` +
    `${gzipSync(wasmBytes, { level: 9 }).length} bytes gzipped; glue ${statSync(path.join(pkg, 'lib', 'wasm', 'aliyun_sms.js')).size} bytes`
);
