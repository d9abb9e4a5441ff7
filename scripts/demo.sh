#!/usr/bin/env bash
# The one command for the demo: installs what is missing, builds everything, starts the demo.
source "$(dirname "$0")/lib.sh"
scripts/install-deps.sh
stage "build: native"
build_native
stage_done
stage "build: WebAssembly + JS layer"
build_wasm
stage_done
if [[ -x demo/start.sh || -f demo/start.sh ]]; then
  exec bash demo/start.sh "$@"
fi
echo
echo "Everything is built (build/bin, build/wasm). The demo shop (demo/start.sh) arrives later."
