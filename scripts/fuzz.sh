#!/usr/bin/env bash
# Sanitizer stage: builds build-fuzz with clang, ASan and UBSan (every target, so the unit and
# server tests run sanitized under ctest), then runs the libFuzzer target for a bounded time over
# the committed seeds (tests/fuzz/corpus) and the request files of tests/vectors.
# Usage: scripts/fuzz.sh [seconds]   (default $FUZZ_SECONDS or 60)
source "$(dirname "$0")/lib.sh"
seconds=${1:-${FUZZ_SECONDS:-60}}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLOYALTY_FUZZ=ON -DLOYALTY_SANITIZE=ON
cmake --build build-fuzz -j"$JOBS"
if [[ ${SKIP_SANITIZED_CTEST:-0} != 1 ]]; then
  ctest --test-dir build-fuzz --output-on-failure -j"$JOBS"
fi

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
