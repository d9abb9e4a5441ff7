// Benchmark of the WebAssembly core (not a test): median engine.preview time for a 10-line cart,
// JSON in and out, for a guest and for a member with history; the one-shot call; startup
// (instantiate + load the program). With a native_bench binary (scripts/bench.sh builds it) the
// same requests go through the C++ JSON door for comparison.
//   node bench/bench.mjs [--native path/to/native_bench] [--dir build/wasm] [--json out.json]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadNode, wasmDir } from '../js/node.mjs';
import { PROGRAM, PROGRAM_TEXT, memberState, previewRequest } from '../test-support/fixtures.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dir = opt('--dir');

function median(fn, iterations) {
  const t = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const a = performance.now();
    fn();
    t[i] = performance.now() - a;
  }
  t.sort();
  return t[iterations >> 1] * 1000; // microseconds
}

const startA = performance.now();
const core = await loadNode({ dir });
const instantiateMs = performance.now() - startA;
const startB = performance.now();
const engine = core.engine(PROGRAM_TEXT);
const loadProgramMs = performance.now() - startB;

const guest = JSON.stringify(previewRequest(null));
const member = JSON.stringify(previewRequest(memberState(core)));
const oneShot = JSON.stringify({ program: PROGRAM, ...previewRequest(null) });
for (const r of [guest, member]) {
  const answer = engine.callJson('preview', r);
  if (answer.startsWith('{"error":')) throw new Error(answer);
}
for (let i = 0; i < 300; i++) engine.callJson('preview', guest);

const results = {
  module: path.relative(process.cwd(), wasmDir({ dir })),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  startup_ms: { instantiate: +instantiateMs.toFixed(2), load_program: +loadProgramMs.toFixed(3) },
  wasm_us: {
    engine_preview_guest_10_lines: +median(() => engine.callJson('preview', guest), 3000).toFixed(1),
    engine_preview_member_10_lines: +median(() => engine.callJson('preview', member), 500).toFixed(1),
    call_preview_guest_10_lines: +median(() => core.callJson('preview', oneShot), 1000).toFixed(1),
    engine_load: +median(() => core.engine(PROGRAM_TEXT).delete(), 500).toFixed(1),
    engine_preview_object_api_guest: +median(() => engine.preview(JSON.parse(guest)), 2000).toFixed(1),
  },
  request_bytes: { guest: guest.length, member: member.length },
};

const native = opt('--native');
if (native && fs.existsSync(native)) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-bench-'));
  fs.writeFileSync(path.join(tmp, 'guest.json'), guest);
  fs.writeFileSync(path.join(tmp, 'member.json'), member);
  const run = (file, n) => {
    const out = spawnSync(native, [path.join(path.dirname(new URL(import.meta.url).pathname), 'program.json'), path.join(tmp, file), String(n)], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    return JSON.parse(out.stdout);
  };
  const g = run('guest.json', 3000);
  const m = run('member.json', 500);
  results.native_us = {
    engine_preview_guest_10_lines: g.engine_preview_us,
    engine_preview_member_10_lines: m.engine_preview_us,
    call_preview_guest_10_lines: g.call_preview_us,
    engine_load: g.engine_load_us,
  };
  results.wasm_over_native = Object.fromEntries(Object.entries(results.native_us)
    .map(([k, v]) => [k, +(results.wasm_us[k] / v).toFixed(2)]));
  fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(JSON.stringify(results, null, 2));
const target = 25;
console.log(`engine.preview (guest, 10 lines): ${results.wasm_us.engine_preview_guest_10_lines} us (target < ${target} us)`);
const out = opt('--json');
if (out) fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
