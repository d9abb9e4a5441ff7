#!/usr/bin/env bash
# Size budget of what a shop page downloads for the rules core: gzip -9 sizes of the .wasm, the
# Emscripten glue JS and the JS layer (script-tag build). Also prints brotli sizes (what most CDNs
# serve) for information. Writes build/wasm/sizes.json. Then the widget's download (build/web:
# loyalty.js, the glue and the .wasm), enforced as well. Sizes only: timings are in scripts/bench.sh.
#   WIDGET_BUDGET_KB (default 198): the widget's limit (web/scripts/budget.mjs reports the same).
#   SIZE_BUDGET_KB (default 157): the hard limit; the stage fails above it.
#     Issue 17 set 128 KB (125.3 KB with Embind); issue 16's mechanics cost 28.1 KB of module and
#     10.8 KB of widget code (README, "Figures"), and the budgets moved to 156 and 198 KB. Issue
#     21's session of 2026-12-03 (the metrics split for kept totals, the simulate operation's
#     plumbing, lapsed_days) took the module from 153.4 to 156.4 KB, not yet itemised: 157 KB.
#   SIZE_TARGET_KB (default 120): the goal, reported.
source "$(dirname "$0")/lib.sh"
dir=${1:-build/wasm}
node - "$dir" "${SIZE_BUDGET_KB:-157}" "${SIZE_TARGET_KB:-120}" <<'JS'
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const [dir, budgetKb, targetKb] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const files = { wasm: 'loyalty_core.wasm', glue: 'loyalty_core.js', layer: 'loyalty-core.iife.js' };
const rows = {}; let total = 0, totalBr = 0;
for (const [kind, name] of Object.entries(files)) {
  const bytes = fs.readFileSync(path.join(dir, name));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  const br = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  rows[kind] = { file: name, raw: bytes.length, gzip: gz, brotli: br };
  total += gz; totalBr += br;
}
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
console.log('file                   raw        gzip      brotli');
for (const r of Object.values(rows)) console.log(`${r.file.padEnd(22)} ${kb(r.raw).padStart(9)} ${kb(r.gzip).padStart(9)} ${kb(r.brotli).padStart(9)}`);
console.log(`${'total'.padEnd(22)} ${''.padStart(9)} ${kb(total).padStart(9)} ${kb(totalBr).padStart(9)}   budget ${budgetKb} KB gzip`);
fs.writeFileSync(path.join(dir, 'sizes.json'), JSON.stringify({ files: rows, total_gzip: total, total_brotli: totalBr, budget_gzip: budgetKb * 1024, target_gzip: targetKb * 1024 }, null, 2) + '\n');
if (total > targetKb * 1024) {
  console.log(`WARNING: over the ${targetKb} KB gzip target by ${kb(total - targetKb * 1024)} (not enforced; SIZE_BUDGET_KB=${targetKb} enforces it)`);
} else {
  console.log(`within the ${targetKb} KB gzip target`);
}
if (total > budgetKb * 1024) {
  console.error(`size budget exceeded: ${kb(total)} gzip > ${budgetKb} KB`);
  process.exit(1);
}
JS

if [[ -f build/web/loyalty.js ]]; then
  node - build/web "${WIDGET_BUDGET_KB:-198}" <<'JS'
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const [dir, limitKb] = [process.argv[2], Number(process.argv[3])];
let total = 0;
for (const f of ['loyalty.js', 'loyalty_core.js', 'loyalty_core.wasm']) {
  const gz = zlib.gzipSync(fs.readFileSync(path.join(dir, f)), { level: 9 }).length;
  console.log(`widget ${f.padEnd(18)} ${(gz / 1024).toFixed(1).padStart(7)} KB gzip`);
  total += gz;
}
console.log(`widget total             ${(total / 1024).toFixed(1).padStart(7)} KB gzip   budget ${limitKb} KB`);
if (total > limitKb * 1024) {
  console.error(`widget size budget exceeded: ${(total / 1024).toFixed(1)} KB gzip > ${limitKb} KB`);
  process.exit(1);
}
JS
else
  echo "size-report: build/web is missing, no widget size"
fi
