#!/usr/bin/env bash
# Sanitizer stage: one Clang tree (build-asan) with ASan + UBSan and assertions on runs every ctest
# test sanitized (core unit tests, CLI vectors, server tests) and builds the two libFuzzer targets:
#   loyalty_fuzz       the core's JSON doors, over tests/fuzz/corpus + the vectors' requests;
#   loyalty_fuzz_json  the core's JSON reader against nlohmann (differential, tests/fuzz/corpus-json).
# Each fuzzer runs for a bounded time.
# Usage: scripts/fuzz.sh [seconds per fuzzer]   (default $FUZZ_SECONDS or 60)
#   SKIP_SANITIZED_CTEST=1   build and fuzz only
source "$(dirname "$0")/lib.sh"
seconds=${1:-${FUZZ_SECONDS:-60}}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

build_sanitized
if [[ ${SKIP_SANITIZED_CTEST:-0} != 1 ]]; then
  echo "---- ctest, sanitized (build-asan)"
  # The release ctest runs every generated case; here a tenth looks for memory errors.
  LOYALTY_PROPERTY_PERCENT=${LOYALTY_PROPERTY_PERCENT:-10} \
    ctest --test-dir build-asan --output-on-failure -j"$JOBS"
fi

# Vector requests become seeds of loyalty_fuzz: one selector byte (the operation's index, as
# make_corpus.py writes them) + the request; the bare requests seed loyalty_fuzz_json.
seeds=build-asan/fuzz-seeds
json_seeds=build-asan/fuzz-json-seeds
rm -rf "$seeds" "$json_seeds" && mkdir -p "$seeds" "$json_seeds" build-asan/fuzz-corpus build-asan/fuzz-json-corpus
ops=(validate replay apply preview catalog metrics)
n=0
for i in "${!ops[@]}"; do
  for f in tests/vectors/"${ops[$i]}"/*.request.json; do
    [[ -f $f ]] || continue
    { printf '%s' "$i"; cat "$f"; } > "$seeds/${ops[$i]}-$(basename "$f" .request.json)"
    cp "$f" "$json_seeds/${ops[$i]}-$(basename "$f" .request.json)"
    n=$((n + 1))
  done
done
((n >= 30)) || { echo "fuzz: only $n vector requests as seeds" >&2; exit 1; }

# fuzz <binary> <name> <seed dirs...>: the first directory receives new inputs; the others are
# read-only seed sources. Its log goes to build-asan/<name>.log.
fuzz() {
  local bin=$1 name=$2
  shift 2
  (cd build-asan && "./bin/$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="./$name-" "$@" > "$name.log" 2>&1)
}
echo "fuzz: $(ls tests/fuzz/corpus | wc -l) + $(ls tests/fuzz/corpus-json | wc -l) committed seeds, $n vector requests, ${seconds}s each"
# The two run side by side: each fuzzer takes one core, and the machine has two.
fuzz loyalty_fuzz doors fuzz-corpus ../tests/fuzz/corpus fuzz-seeds &
doors=$!
fuzz loyalty_fuzz_json json fuzz-json-corpus ../tests/fuzz/corpus-json fuzz-json-seeds &
json=$!
status=0
wait "$doors" || status=1
wait "$json" || status=1
for name in doors json; do
  echo "---- fuzzer $name (build-asan/$name.log)"
  grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse)|NEW_FUNC|^INFO: ' "build-asan/$name.log" | tail -40
done
exit "$status"
