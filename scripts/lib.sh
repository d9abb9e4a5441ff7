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

# Ninja, and ccache when it is installed (a clean clone in CI may have an empty cache: nothing
# here counts on it). ccache hashes paths relative to the checkout, so a clone elsewhere on the
# machine reuses the cache.
CMAKE_GEN=(-G Ninja)
if command -v ccache > /dev/null; then
  CMAKE_GEN+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi

# A tree configured before with another generator is configured afresh.
configure() {
  local dir=$1
  shift
  if [[ -f $dir/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
  # A sanitizer tree configured before with GCC is configured afresh with Clang.
  if [[ $* == *CXX=clang++* && -f $dir/CMakeCache.txt ]] && ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++$' "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
  "$@"
}

# build_native [target...]: every target by default (the demo asks only for the two programs).
build_native() {
  configure build cmake -S . -B build "${CMAKE_GEN[@]}" -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j"$JOBS" ${1:+--target "$@"}
}

# The sanitizer tree (scripts/fuzz.sh): Clang with ASan + UBSan and assertions on (no NDEBUG: the
# writers' key-order checks run), line tables only (-g1: reports keep file:line). The same tree
# runs ctest and builds the two libFuzzer targets; the core is instrumented for coverage too.
# The test programs themselves compile at -O0 (tests/CMakeLists.txt): half the compile time of -O1.
build_sanitized() {
  configure build-asan env CC=clang CXX=clang++ cmake -S . -B build-asan "${CMAKE_GEN[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DLOYALTY_SANITIZE=ON -DLOYALTY_FUZZ=ON -DLOYALTY_BENCHMARKS=OFF
  cmake --build build-asan -j"$JOBS" --target loyalty_tests loyalty loyalty_server_tests \
    loyalty-server loyalty_fuzz loyalty_fuzz_json
}

# The WebAssembly module in two variants, copied with the JS layer into build/wasm
# (release) and build/wasm/debug (-sASSERTIONS=1).
build_wasm() {
  configure build-wasm emcmake cmake -S . -B build-wasm -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch"
  cmake --build build-wasm -j"$JOBS"
  rm -rf build/wasm
  mkdir -p build/wasm/debug
  cp build-wasm/wasm/loyalty_core.js build-wasm/wasm/loyalty_core.wasm build/wasm/
  cp build-wasm/wasm/debug/loyalty_core.js build-wasm/wasm/debug/loyalty_core.wasm build/wasm/debug/
  (cd wasm && node scripts/build-js.mjs ../build/wasm)
  build_wasm_fast
}

# The same module compiled for speed (-O3 everywhere, dlmalloc) and with the `simulate` operation
# into build/wasm/fast, for the merchant page's what-if simulator: it replays thousands of ledgers, where the shopper's widget
# answers one preview, and a merchant tool can afford the larger download (docs/decisions.md,
# "What-if simulator"). Same code and answers; the simulator's tests compare it with native replay.
build_wasm_fast() {
  configure build-wasm-fast emcmake cmake -S . -B build-wasm-fast -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DLOYALTY_WASM_CODE_OPT=O3 -DLOYALTY_WASM_MALLOC=dlmalloc -DLOYALTY_SIMULATE=ON \
    "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch"
  cmake --build build-wasm-fast -j"$JOBS" --target loyalty_core_wasm
  mkdir -p build/wasm/fast
  cp build-wasm-fast/wasm/loyalty_core.js build-wasm-fast/wasm/loyalty_core.wasm build/wasm/fast/
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
