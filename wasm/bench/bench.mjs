// Benchmark of the WebAssembly core (not a test): median engine.preview time for a 10-line cart,
// JSON in and out, for a guest and for a member with history; the one-shot call; startup
// (instantiate + load the program). With a native_bench binary (scripts/bench.sh builds it) the
// same requests go through the C++ JSON door for comparison.
//   node bench/bench.mjs [--native path/to/native_bench] [--dir build/wasm] [--json out.json]
//                        [--rounds 5]
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
// Warm-up: V8 compiles the module's functions with its baseline compiler first and re-compiles
// hot ones with TurboFan in the background; on this 2-core machine a guest preview settles only
// after 2 000-3 000 calls (measured), so a short warm-up would time baseline code.
for (let i = 0; i < 5000; i++) engine.callJson('preview', guest);
for (let i = 0; i < 500; i++) engine.callJson('preview', member);

const results = {
  module: path.relative(process.cwd(), wasmDir({ dir })),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  startup_ms: { instantiate: +instantiateMs.toFixed(2), load_program: +loadProgramMs.toFixed(3) },
  wasm_us: {
    call_preview_guest_10_lines: +median(() => core.callJson('preview', oneShot), 1000).toFixed(1),
    engine_load: +median(() => core.engine(PROGRAM_TEXT).delete(), 500).toFixed(1),
    engine_preview_object_api_guest: +median(() => engine.preview(JSON.parse(guest)), 2000).toFixed(1),
  },
  request_bytes: { guest: guest.length, member: member.length },
};

// The previews are timed in rounds that alternate the module and the native door, and each side
// reports its quickest round: the machine is shared and swings between a fast and a slow state
// for seconds at a time (±50 %), so two sides timed once each, a second apart, could be timed in
// different states. The medians of every round are kept in `rounds`.
const rounds = Number(opt('--rounds') ?? 5);
const native = opt('--native');
const haveNative = native && fs.existsSync(native);
const tmp = haveNative ? fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-bench-')) : null;
const runNative = (file, n) => {
  fs.writeFileSync(path.join(tmp, file), file === 'guest.json' ? guest : member);
  const out = spawnSync(native, [path.join(path.dirname(new URL(import.meta.url).pathname), 'program.json'), path.join(tmp, file), String(n)], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout);
};
const seen = { wasm_guest: [], wasm_member: [], native_guest: [], native_member: [], native_call: [], native_load: [] };
for (let r = 0; r < rounds; r++) {
  seen.wasm_guest.push(median(() => engine.callJson('preview', guest), 3000));
  seen.wasm_member.push(median(() => engine.callJson('preview', member), 500));
  if (haveNative) {
    const g = runNative('guest.json', 3000);
    const m = runNative('member.json', 500);
    seen.native_guest.push(g.engine_preview_us);
    seen.native_member.push(m.engine_preview_us);
    seen.native_call.push(g.call_preview_us);
    seen.native_load.push(g.engine_load_us);
  }
}
const best = (list) => +Math.min(...list).toFixed(2);
results.wasm_us.engine_preview_guest_10_lines = best(seen.wasm_guest);
results.wasm_us.engine_preview_member_10_lines = best(seen.wasm_member);
results.rounds = Object.fromEntries(Object.entries(seen).filter(([, v]) => v.length)
  .map(([k, v]) => [k, v.map((x) => +x.toFixed(2))]));
if (haveNative) {
  results.native_us = {
    engine_preview_guest_10_lines: best(seen.native_guest),
    engine_preview_member_10_lines: best(seen.native_member),
    call_preview_guest_10_lines: best(seen.native_call),
    engine_load: best(seen.native_load),
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
