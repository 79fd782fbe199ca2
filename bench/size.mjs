// Size of the shipped .wasm by crate and by function, from a copy that keeps function names.
//
//   node bench/size.mjs [--top=25] [--json=<file>] [--wasm=<named .wasm>] [--twiggy=<twiggy json>]
//
// Needs `twiggy` (cargo install twiggy) and a release build of the crate (node scripts/build.mjs):
// it runs wasm-bindgen and wasm-opt over target/wasm32-unknown-unknown/release/aliyun_sms.wasm
// the way wasm-pack does (the flags come from Cargo.toml), adding `-g` so names survive, then
// sums twiggy's shallow sizes by the crate in each function's path. The named copy is the
// shipped module plus a name section (its code matches to within a fraction of a percent).
// Inlining moves code into its caller, so a crate's figure is the code compiled under its
// functions' names, not all the code it caused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { repoDir } from './lib/parent.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const top = Number(option('top', 25));
const env = { ...process.env, PATH: [path.join(repoDir, 'node_modules', '.bin'), path.join(os.homedir(), '.cargo', 'bin'), process.env.PATH].join(path.delimiter) };
const run = (command, commandArgs) => execFileSync(command, commandArgs, { env, encoding: 'utf8', maxBuffer: 256 << 20 });

/** wasm-opt flags from Cargo.toml's [package.metadata.wasm-pack.profile.release]. */
const wasmOptFlags = () => {
  const toml = readFileSync(path.join(repoDir, 'Cargo.toml'), 'utf8');
  const line = /^\[package\.metadata\.wasm-pack\.profile\.release\]\s*\nwasm-opt\s*=\s*\[([^\]]*)\]/m.exec(toml);
  if (!line) throw new Error('Cargo.toml has no wasm-opt flags for wasm-pack');
  return [...line[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-sms-size-'));
try {
  let named = option('wasm', undefined);
  if (!named && !option('twiggy', undefined)) {
    const built = path.join(repoDir, 'target', 'wasm32-unknown-unknown', 'release', 'aliyun_sms.wasm');
    statSync(built);
    run('wasm-bindgen', ['--target', 'web', '--out-dir', dir, '--out-name', 'aliyun_sms', built]);
    named = path.join(dir, 'named.wasm');
    run('wasm-opt', [...wasmOptFlags(), '-g', path.join(dir, 'aliyun_sms_bg.wasm'), '-o', named]);
  }
  // --twiggy: rows saved earlier (`twiggy top -f json -n 1000000 <named .wasm>`), e.g. of an older build.
  const saved = option('twiggy', undefined);
  const stripped = path.join(dir, 'stripped.wasm');
  if (!saved) run('wasm-opt', ['--strip-debug', '--all-features', named, '-o', stripped]);
  const rows = JSON.parse(saved ? readFileSync(saved, 'utf8') : run('twiggy', ['top', '-f', 'json', '-n', '1000000', named]));

  /** The crate an item belongs to, from its (demangled) name. */
  const crateOf = (name) => {
    if (name.startsWith('data segment')) return '(data: strings, tables)';
    if (/"function names" subsection|custom section|^producers|target_features/.test(name)) return null; // names only
    if (/shim|^import |^export |^table|^elem|^type\[|^global|^memory|section headers|magic bytes|__wbindgen|__externref|^(sendMessage|validateConfig|getSignature|getSignatureFlat|isChinaNumber)$/.test(name)) {
      return '(wasm-bindgen shims, imports, exports, headers)';
    }
    const bare = name.replace(/^(<|&mut |&|\*const |\*mut |\[)+/, '');
    const head = /^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/.exec(bare);
    if (head && !['impl'].includes(head[1])) return head[1];
    // `<T as crate::Trait>` with a primitive T: the trait's crate.
    const trait = / as ([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/.exec(name);
    if (trait) return trait[1];
    if (/^(<)?(char|str|\[u8\]|u8|u16|u32|u64|usize|i32|i64|f64)\b/.test(bare)) return 'core';
    return '(compiler builtins)';
  };
  const byCrate = new Map();
  for (const row of rows) {
    const crate = crateOf(row.name);
    if (crate) byCrate.set(crate, (byCrate.get(crate) ?? 0) + row.shallow_size);
  }
  const code = rows.filter((row) => crateOf(row.name) && !row.name.startsWith('data segment'));
  const wasm = saved ? null : readFileSync(stripped);
  const result = {
    wasmBytes: wasm?.length ?? null,
    gzipBytes: wasm ? gzipSync(wasm, { level: 9 }).length : null,
    byCrate: Object.fromEntries([...byCrate].sort((a, b) => b[1] - a[1])),
    topFunctions: code.sort((a, b) => b.shallow_size - a.shallow_size).slice(0, top).map((r) => ({ name: r.name.replace(/::h[0-9a-f]{16}$/, ''), bytes: r.shallow_size })),
  };
  const total = [...byCrate.values()].reduce((s, v) => s + v, 0);
  if (wasm) console.log(`.wasm without names: ${wasm.length} bytes, ${result.gzipBytes} gzipped (-9)\n`);
  // target/ holds whatever was built last (the benchmark's probe build, for one): say so.
  const shipped = path.join(repoDir, 'pkg', 'lib', 'wasm', 'aliyun_sms_bg.wasm');
  if (wasm && !option('wasm', undefined)) {
    try {
      const bytes = statSync(shipped).size;
      if (Math.abs(bytes - wasm.length) > bytes * 0.01) {
        console.log(`note: pkg/ ships ${bytes} bytes: target/ holds another build (rebuild with node scripts/build.mjs)\n`);
      }
    } catch {}
  }
  console.log('| crate | bytes | share |\n|---|---:|---:|');
  for (const [crate, bytes] of Object.entries(result.byCrate)) {
    console.log(`| ${crate} | ${bytes} | ${((bytes / total) * 100).toFixed(1)}% |`);
  }
  console.log(`\nTop ${top} functions (shallow bytes):`);
  for (const { name, bytes } of result.topFunctions) console.log(`${String(bytes).padStart(7)}  ${name.slice(0, 150)}`);
  const json = option('json', undefined);
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
