#!/usr/bin/env bash
# Timings, reported and never enforced (they depend on the machine; scripts/test.sh checks sizes
# only): the WebAssembly core against the native C++ door (build/wasm/bench.json), then the
# widget's render and checkout-update times in Chromium (web/scripts/budget.mjs, build/web/budget.json).
# Needs build/ and build/wasm (scripts/build.sh). SKIP_WIDGET_TIMINGS=1 skips the second part.
source "$(dirname "$0")/lib.sh"
[[ -f build/wasm/loyalty_core.wasm && -f build/core/libloyalty_core.a ]] || scripts/build.sh
mkdir -p build/bench
c++ -O2 -std=c++20 -Icore/include wasm/bench/native_bench.cpp build/core/libloyalty_core.a \
  -o build/bench/native_bench
# Both sides on one CPU (native_bench inherits the affinity): the two vCPUs of this machine differ
# by half in speed, and a ratio of timings taken on different CPUs means nothing.
pin=()
if command -v taskset > /dev/null; then pin=(taskset -c "${BENCH_CPU:-0}"); fi
"${pin[@]}" node wasm/bench/bench.mjs --native build/bench/native_bench --json build/wasm/bench.json "$@"

if [[ ${SKIP_WIDGET_TIMINGS:-0} != 1 && -f web/package.json ]]; then
  [[ -f build/web/loyalty.js ]] || build_web
  (cd web && npm run --silent budget)
fi
