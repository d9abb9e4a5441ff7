#!/usr/bin/env bash
# The one command for the demo: installs what is missing, builds everything, starts the demo.
source "$(dirname "$0")/lib.sh"
scripts/install-deps.sh
stage "build: native (loyalty, loyalty-server)"
build_native loyalty loyalty-server
stage_done
stage "build: WebAssembly + JS layer + widget"
build_wasm
build_web
stage_done
if [[ -x demo/start.sh || -f demo/start.sh ]]; then
  exec bash demo/start.sh "$@"
fi
echo
echo "Everything is built (build/bin, build/wasm, build/web), but demo/start.sh is missing." >&2
exit 1
