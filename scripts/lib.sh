# Shared by the scripts in this folder (sourced, not run): paths, stage headers, build steps.
# shellcheck shell=bash
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# Emscripten 3.1.6 on Debian finds acorn only through NODE_PATH (shared/notes/toolchain.md, trap 1).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
JOBS=${JOBS:-2}

STAGE_NO=0
STAGES_PASSED=()
stage() {
  STAGE_NO=$((STAGE_NO + 1))
  STAGE_NAME=$*
  STAGE_START=$SECONDS
  printf '\n==== [%d] %s ====\n' "$STAGE_NO" "$*"
}
stage_done() {
  STAGES_PASSED+=("$STAGE_NAME")
  printf -- '---- [%d] %s: passed in %ds\n' "$STAGE_NO" "$STAGE_NAME" $((SECONDS - STAGE_START))
}
on_failure() {
  local rc=$?
  printf '\n---- [%d] %s: FAILED (exit %d)\n' "$STAGE_NO" "${STAGE_NAME:-setup}" "$rc" >&2
  printf '%d passed, 1 failed\n' "${#STAGES_PASSED[@]}" >&2
  exit "$rc"
}

# build_native [target...]: every target by default (the demo asks only for the two programs).
build_native() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j"$JOBS" ${1:+--target "$@"}
}

# The WebAssembly module in two variants, copied with the JS layer into build/wasm
# (release) and build/wasm/debug (-sASSERTIONS=1).
build_wasm() {
  emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch"
  cmake --build build-wasm -j"$JOBS"
  rm -rf build/wasm
  mkdir -p build/wasm/debug
  cp build-wasm/wasm/loyalty_core.js build-wasm/wasm/loyalty_core.wasm build/wasm/
  cp build-wasm/wasm/debug/loyalty_core.js build-wasm/wasm/debug/loyalty_core.wasm build/wasm/debug/
  (cd wasm && node scripts/build-js.mjs ../build/wasm)
}

# The widget bundle (build/web/) from web/ and the release wasm in build/wasm; skipped while web/
# has no package.json.
build_web() {
  if [[ -f web/package.json ]]; then
    scripts/build-web.sh
  else
    echo "build_web: web/package.json is missing, no widget bundle"
  fi
}
