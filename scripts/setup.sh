#!/usr/bin/env bash
# Installs everything the build and tests need, on a machine that has only cargo, rustup, node
# and npm. Idempotent: each step is skipped when what it installs is already there.
#
# Also installs Debian's openssl when it is missing; `--browser` adds chromium and chromium-driver
# for the headless browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

# The wasm-bindgen CLI must be exactly the version of the `wasm-bindgen` crate (pinned with `=`).
wasm_bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
[ -n "$wasm_bindgen_version" ] || { log "cannot read the pinned wasm-bindgen version"; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  log "installing wasm-bindgen-cli $wasm_bindgen_version (a few minutes)"
  # Not --locked: its lock file names a webpki-roots release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  log "installing wasm-pack (a few minutes)"
  cargo install wasm-pack --locked
fi

# npm dependencies: connector-kit for tests, binaryen for wasm-opt (never Debian's binaryen 108).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || [ package.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# Debian packages: openssl always (the differential suite makes a throwaway TLS certificate with
# it); chromium and chromium-driver with --browser. A tool that cannot be installed fails setup,
# so no test that needs it is silently skipped.
needed=(openssl)
[ "${1:-}" = "--browser" ] && needed+=(chromium chromedriver)
missing=()
for tool in "${needed[@]}"; do
  command -v "$tool" >/dev/null 2>&1 && continue
  case "$tool" in
    chromedriver) missing+=(chromium-driver) ;;
    *) missing+=("$tool") ;;
  esac
done
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${missing[*]}, and there is no apt-get to install them: install them, then run this again"
    exit 1
  fi
  log "installing ${missing[*]} (Debian packages)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
for tool in "${needed[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool is still not on PATH after installing it"; exit 1; }
done
