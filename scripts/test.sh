#!/usr/bin/env bash
# The one test command (`npm test`): sets up, checks style, tests the Rust core natively, builds
# pkg/, tests the boundary in WebAssembly (Node and headless Chromium), then tests the package over
# loopback under Node 20 and Node 22, and in Bun and Deno.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
# Node 20 is the system Node; Logto's engine, Node 22, comes from the npm package `node@22`.
system_node=$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v 'node_modules/.bin' | paste -sd: -) command -v node)
node22="$PWD/node_modules/.bin/node"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

# Time limits, so that a hang is a failure with a name instead of a run that never ends. Generous
# for two slow shared cores: each step takes a fraction of its bound (the cargo and wasm-pack
# steps include a cold compile). Node's runner applies --test-timeout to each test file's run as
# a whole (and so to each test in it); the slowest file takes seconds.
STEP_LIMIT=30m
NODE_TEST_TIMEOUT_MS=120000

# Runs "$@" under `timeout`, as the step named $1: a hang or a failure stops the run, named.
bounded() {
  local name=$1 status=0
  shift
  timeout --kill-after=30s "$STEP_LIMIT" "$@" || status=$?
  case "$status" in
    0) return 0 ;;
    124 | 137) printf '\nFAILED: %s did not finish within %s (a hang?)\n' "$name" "$STEP_LIMIT" >&2 ;;
    *) printf '\nFAILED: %s (exit status %s)\n' "$name" "$status" >&2 ;;
  esac
  exit "$status"
}

# Prerequisites. setup.sh installs them; one that is missing fails the run, never skips a test.
for tool in openssl chromium chromedriver timeout wasm-pack; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing prerequisite: $tool (bash scripts/setup.sh --browser installs it)" >&2; exit 1; }
done
[ -x "$node22" ] || { echo "missing prerequisite: Node 22 at $node22 (npm ci installs the node@22 package)" >&2; exit 1; }
for runtime in bun deno; do
  [ -x "node_modules/.bin/$runtime" ] || { echo "missing prerequisite: node_modules/.bin/$runtime (npm ci installs the $runtime package)" >&2; exit 1; }
done

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native and wasm32)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
# The CLI's module (feature tools) and the bench's probe build.
cargo clippy --target wasm32-unknown-unknown --all-targets --features tools,boundary-probe -- -D warnings

step "cargo test (pure core)"
bounded "cargo test" cargo test

step "npm run build (pkg/)"
node scripts/build.mjs

step "wasm-pack test --node (boundary in WebAssembly)"
bounded "wasm-pack test --node" wasm-pack test --node

step "wasm-pack test --headless --chrome (boundary in Chromium, against a loopback server)"
# A page cannot listen on a port: the mock Aliyun runs beside the browser and the tests are built
# with its URLs. Chromium refuses to run as root without --no-sandbox: see webdriver.json.
server_log=$(mktemp)
node tests/wasm/server.js 0 >"$server_log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$server_log"' EXIT
for _ in $(seq 50); do grep -q ALIYUN_SMS_TEST_REFUSED "$server_log" && break; sleep 0.1; done
eval "$(grep '^ALIYUN_SMS_TEST_' "$server_log" | sed 's/^/export /')"
[ -n "${ALIYUN_SMS_TEST_SERVER:-}" ] || { cat "$server_log"; echo "mock Aliyun did not start" >&2; exit 1; }
WASM_BINDGEN_USE_BROWSER=1 bounded "wasm-pack test --headless --chrome" wasm-pack test --headless --chrome
unset ALIYUN_SMS_TEST_SERVER ALIYUN_SMS_TEST_REFUSED

for runtime in "$system_node" "$node22"; do
  version=$("$runtime" --version)
  step "node --test tests/node/ under Node $version (package over loopback HTTP)"
  # A glob, not the directory: Node 22 reads a --test argument as a file pattern.
  bounded "node --test under Node $version" \
    "$runtime" --test --test-timeout="$NODE_TEST_TIMEOUT_MS" --test-reporter=spec tests/node/*.test.mjs
done

step "tests/runtimes under Bun and Deno (the package over loopback, the npm packages bun and deno)"
bounded "Bun and Deno" node tests/runtimes/run.mjs bun="$PWD/node_modules/.bin/bun" deno="$PWD/node_modules/.bin/deno"

printf '\nAll tests passed.\n'
