#!/usr/bin/env bash
# Sanitizer stage.
#  1. build-asan: the native tree (same compiler as build/) with ASan + UBSan; every ctest test
#     (core unit tests, CLI vectors, server tests) runs sanitized. SKIP_SANITIZED_CTEST=1 skips it.
#  2. build-fuzz: clang, -DLOYALTY_FUZZ=ON -DLOYALTY_SANITIZE=ON; the libFuzzer target runs for a
#     bounded time over the committed seeds (tests/fuzz/corpus) and the requests of tests/vectors.
# Usage: scripts/fuzz.sh [seconds]   (default $FUZZ_SECONDS or 60)
source "$(dirname "$0")/lib.sh"
seconds=${1:-${FUZZ_SECONDS:-60}}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Line tables only (-g1): sanitizer reports keep their file:line frames, and the two builds
# compile about a quarter faster than with full debug info (measured per file: 53 -> 39 s).
LINES_ONLY=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG")

if [[ ${SKIP_SANITIZED_CTEST:-0} != 1 ]]; then
  echo "---- ASan + UBSan build and ctest (build-asan)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOYALTY_SANITIZE=ON "${LINES_ONLY[@]}"
  # What ctest runs (the unit tests with the CLI they drive, the server tests with the server);
  # the benchmarks are not tests.
  cmake --build build-asan -j"$JOBS" --target loyalty_tests loyalty loyalty_server_tests loyalty-server
  # The release ctest runs every generated case; here a quarter finds memory errors as well.
  LOYALTY_PROPERTY_PERCENT=${LOYALTY_PROPERTY_PERCENT:-25} \
    ctest --test-dir build-asan --output-on-failure -j"$JOBS"
fi

echo "---- libFuzzer target (build-fuzz, clang)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLOYALTY_FUZZ=ON -DLOYALTY_SANITIZE=ON "${LINES_ONLY[@]}"
cmake --build build-fuzz -j"$JOBS" --target loyalty_fuzz

# Vector requests become seeds: one selector byte (the operation's index, as make_corpus.py
# writes them) + the request.
seeds=build-fuzz/fuzz-seeds
work=build-fuzz/fuzz-corpus
rm -rf "$seeds" && mkdir -p "$seeds" "$work"
ops=(validate replay apply preview catalog metrics)
n=0
for i in "${!ops[@]}"; do
  for f in tests/vectors/"${ops[$i]}"/*.request.json; do
    [[ -f $f ]] || continue
    { printf '%s' "$i"; cat "$f"; } > "$seeds/${ops[$i]}-$(basename "$f" .request.json)"
    n=$((n + 1))
  done
done
echo "fuzz: $(ls tests/fuzz/corpus | wc -l) committed seeds, $n vector requests, ${seconds}s"
# The first directory receives new inputs; the others are read-only seed sources.
(cd build-fuzz && ./bin/loyalty_fuzz -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=./ \
  fuzz-corpus ../tests/fuzz/corpus fuzz-seeds 2>&1 | grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse)|NEW_FUNC' )
