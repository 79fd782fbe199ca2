#!/usr/bin/env bash
# The one test command (`npm test`): sets up, checks style, tests the Rust core natively, builds
# pkg/, tests the boundary in a real WebAssembly runtime, then tests the package over loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings

step "cargo test (pure core)"
cargo test

step "npm run build (pkg/)"
node scripts/build.mjs

step "wasm-pack test --node (boundary in WebAssembly)"
wasm-pack test --node

step "node --test tests/node/ (package over loopback HTTP)"
node --test --test-reporter=spec tests/node/

printf '\nAll tests passed.\n'
