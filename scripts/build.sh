#!/usr/bin/env bash
# Builds everything: the native tree (build/: CLI, server, tests) and the WebAssembly module with
# its JS layer (build/wasm/), then the widget bundle (build/web/).
# Usage: scripts/build.sh [native|wasm|web|all]   (default all)
source "$(dirname "$0")/lib.sh"
what=${1:-all}
if [[ $what == native || $what == all ]]; then build_native; fi
if [[ $what == wasm || $what == all ]]; then build_wasm; fi
if [[ $what == web || $what == all ]]; then build_web; fi
