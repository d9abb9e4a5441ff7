#!/usr/bin/env bash
# Instructions per typed preview of the benchmark's cart (not a test; needs valgrind, which the
# test command does not install: `apt-get install valgrind`). Two callgrind runs of
# build/bin/loyalty_preview_count differ only in their number of previews, so the difference
# divided by that number is one preview, setup excluded.
#   scripts/count-instructions.sh [cart lines, default 10]
source "$(dirname "$0")/lib.sh"
lines=${1:-10}
command -v valgrind > /dev/null || { echo "valgrind is not installed" >&2; exit 1; }
[[ -x build/bin/loyalty_preview_count ]] || build_native loyalty_preview_count
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1" build/bin/loyalty_preview_count \
    "$lines" "$1" > /dev/null 2>&1
  callgrind_annotate "$out/cg.$1" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
small=$(count 100)
large=$(count 1100)
echo "instructions per typed preview, $lines-line cart: $(((large - small) / 1000))"
