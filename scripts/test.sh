#!/usr/bin/env bash
# Runs every test: the Rust core's (unit, fixtures, properties), the TypeScript type check, the
# workerd suite (Durable Objects, SQLite, RPC, HTTP), the end-to-end and packaging tests, and the
# explorer's browser tests (headless Chromium at /usr/bin/chromium: `apt-get install chromium`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_LOG_PATH="$PWD/.wrangler/logs"

echo "test: Rust core"
cargo test --quiet --workspace
echo "test: types"
tsc -p tsconfig.json
echo "test: workerd"
vitest run
echo "test: end to end"
node --test --test-concurrency=1 $(ls js/e2e/*.test.mjs | grep -v -e /explorer.test.mjs -e /demo-browser.test.mjs)
echo "test: explorer in headless Chromium"
if [ ! -x /usr/bin/chromium ]; then
  # Debian's Chromium (Playwright cannot download browsers here); needs root or sudo.
  echo "test: installing Debian's chromium for the browser tests"
  sudo_if_needed=$([ "$(id -u)" = 0 ] || echo sudo)
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq chromium >/dev/null
fi
node --test --test-concurrency=1 js/e2e/explorer.test.mjs js/e2e/demo-browser.test.mjs
