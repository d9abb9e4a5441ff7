#!/usr/bin/env bash
# The widget bundle: build/web/loyalty.js (script tag), loyalty.mjs (ES module) and the release
# WebAssembly core copied beside them. Needs build/wasm (scripts/build.sh wasm) and web/node_modules
# (scripts/install-deps.sh).
source "$(dirname "$0")/lib.sh"
[[ -f build/wasm/loyalty_core.wasm ]] || { echo "build-web: build/wasm is missing; run scripts/build.sh wasm" >&2; exit 1; }
(cd web && node build.mjs ../build/web ../build/wasm)
