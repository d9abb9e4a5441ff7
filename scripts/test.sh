#!/usr/bin/env bash
# The one command for the tests: installs what is missing, builds everything, runs every test.
# Stages fail fast; the last line counts the stages that passed.
#   FUZZ_SECONDS   how long each fuzzer runs (default 30)
#   SKIP_INSTALL=1 do not run scripts/install-deps.sh
source "$(dirname "$0")/lib.sh"
trap on_failure ERR
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
START=$SECONDS

if [[ ${SKIP_INSTALL:-0} != 1 ]]; then
  stage "install: Debian and npm packages"
  scripts/install-deps.sh
  stage_done
fi

stage "format: clang-format --dry-run --Werror over the C++ sources"
git ls-files -z '*.cpp' '*.hpp' '*.h' | xargs -0 clang-format --dry-run --Werror
stage_done

stage "native: build (Release, Ninja) and ctest; the server's tests again on PostgreSQL"
build_native
# The server tests record every HTTP exchange they make; the js stage checks them all against
# server/openapi.yaml (server/openapi-test).
rm -f build/server-exchanges.jsonl
export LOYALTY_RECORD_RESPONSES=$ROOT/build/server-exchanges.jsonl
ctest --test-dir build --output-on-failure -j"$JOBS"
# The same server suite over a throwaway PostgreSQL cluster (scripts/with-postgres.sh).
PG_START=$SECONDS
scripts/with-postgres.sh ctest --test-dir build --output-on-failure -L server -j"$JOBS"
echo "---- the server suite on PostgreSQL: $((SECONDS - PG_START))s"
unset LOYALTY_RECORD_RESPONSES
stage_done

stage "sanitizers: one clang ASan+UBSan tree: ctest, and two fuzzers for ${FUZZ_SECONDS}s each"
scripts/fuzz.sh "$FUZZ_SECONDS"
stage_done

stage "wasm: build (release + -sASSERTIONS=1), JS layer and the widget bundle"
build_wasm
build_web
stage_done

stage "js: npm test in wasm/, web/, demo/ and server/openapi-test/ (parity, widget and demo in Chromium, the server's answers against its OpenAPI document)"
(cd wasm && npm test)
echo "---- npm test in server/openapi-test/"
(cd server/openapi-test && LOYALTY_RECORD_RESPONSES=$ROOT/build/server-exchanges.jsonl npm test)
for dir in web demo; do
  if [[ -f $dir/package.json ]] && node -e "process.exit(require('./$dir/package.json').scripts?.test ? 0 : 1)"; then
    echo "---- npm test in $dir/"
    (cd "$dir" && npm test)
  fi
done
stage_done

# Sizes only: timings (render, checkout, the core's speed) are reported by scripts/bench.sh.
stage "budgets: gzip sizes of the WebAssembly core and the widget"
scripts/size-report.sh
stage_done

printf '\nAll stages passed in %ds:\n' $((SECONDS - START))
printf '  - %s\n' "${STAGES_PASSED[@]}"
printf '%d passed, 0 failed\n' "${#STAGES_PASSED[@]}"
