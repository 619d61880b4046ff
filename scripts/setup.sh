#!/usr/bin/env bash
# Installs what a fresh machine lacks, and costs seconds when all is there:
# the wasm32 Rust target, the wasm-bindgen CLI at exactly the crate's version,
# Debian's Chromium and ChromeDriver (browser tests and benches), cargo-fuzz
# (the fuzz smoke), schemathesis in .venv/ (the REST API fuzzing in npm
# test), and the npm dependencies from the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (found '${have:-none}')"
  cargo install wasm-bindgen-cli --version "$want"
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium chromium-driver
fi

# The fuzz smoke in npm test (scripts/fuzz.mjs) needs cargo-fuzz and the
# nightly toolchain; nightly comes with the machine when it can be had.
if ! cargo +nightly --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal || echo "no nightly toolchain: the fuzz smoke will be skipped"
fi
if [ "$(cargo fuzz --version 2>/dev/null | awk '{ print $2 }')" != "0.13.2" ]; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

# schemathesis (PyPI), pinned, in .venv/: tests/worker/schemathesis.test.mjs
# runs it against the Worker in workerd as part of npm test.
SCHEMATHESIS_VERSION=4.32.5
if [ "$(.venv/bin/schemathesis --version 2>/dev/null | awk '{ print $3 }')" != "$SCHEMATHESIS_VERSION" ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.kraiter-lock-sum ] || [ "$(cat node_modules/.kraiter-lock-sum)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.kraiter-lock-sum
fi
