#!/usr/bin/env bash
# Serves the demo (example.ts) on local workerd at http://localhost:8787 with real SQLite storage
# (kept in .wrangler/state between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_LOG_PATH="$PWD/.wrangler/logs"
exec wrangler dev --port "${PORT:-8787}" --ip 127.0.0.1 "$@"
