#!/usr/bin/env bash
# Builds everything from a fresh clone: the wasm target, the pinned wasm-bindgen CLI (cached
# outside the clone, keyed by version), the wasm core, and the TypeScript package in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

wb_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
cache="${DORMROOM_CACHE:-$HOME/.cache/dormroom}/wasm-bindgen-$wb_version"
wasm_bindgen="$cache/bin/wasm-bindgen"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "build: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [ ! -x "$wasm_bindgen" ]; then
  echo "build: installing wasm-bindgen-cli $wb_version into $cache (once per machine, ~3 min)"
  cargo install --quiet wasm-bindgen-cli --version "=$wb_version" --root "$cache"
fi

echo "build: wasm core"
cargo build --quiet -p dorm-wasm --release --target wasm32-unknown-unknown
wasm=target/wasm32-unknown-unknown/release/dorm_wasm.wasm
if [ ! -f js/wasm/dorm_core_bg.wasm ] || [ "$wasm" -nt js/wasm/dorm_core_bg.wasm ]; then
  "$wasm_bindgen" --target web --out-dir js/wasm --out-name dorm_core \
    --remove-name-section --remove-producers-section --experimental-reset-state-function "$wasm"
fi

echo "build: TypeScript package"
rm -rf dist
tsc -p tsconfig.build.json
mkdir -p dist/wasm
cp js/wasm/dorm_core.js js/wasm/dorm_core.d.ts js/wasm/dorm_core_bg.wasm dist/wasm/
