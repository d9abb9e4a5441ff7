// The native side of the simulator's equality checks: every member's ledger replayed by the CLI,
// `build/bin/loyalty batch`, each full member state read by the same outcome.mjs the page uses.
//
// `replay` answers the latest 50 history entries (core/src/bounds.hpp), so for a member with a
// longer history its lines are not all there; such a member is replayed again event by event
// with `apply` (which keeps every entry a call writes, and equals replay of the events so far:
// spec/engine.md) and `advance` to `now`, collecting the entries each call wrote. Both ways are
// native; the figures from `lifetime` and the balance are checked to agree between them.
import { spawn, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memberOutcome } from '../../shop/public/simulator/outcome.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LOYALTY_CLI = path.join(ROOT, 'build', 'bin', 'loyalty');

function frame(operation, body) {
  const bytes = Buffer.from(body);
  return Buffer.concat([Buffer.from(`${operation} ${bytes.length}\n`), bytes]);
}

// Answers of a batch run: [{status, body}] in order.
function readAnswers(out) {
  const answers = [];
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    const [status, length] = out.subarray(at, eol).toString().split(' ').map(Number);
    answers.push({ status, body: out.subarray(eol + 1, eol + 1 + length).toString() });
    at = eol + 1 + length;
  }
  return answers;
}

/** A `loyalty batch` process answering one request at a time: call(op, body) -> parsed answer. */
function batchDriver() {
  const child = spawn(LOYALTY_CLI, ['batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  const waiting = [];
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const eol = buffer.indexOf(10);
      if (eol < 0) return;
      const [status, length] = buffer.subarray(0, eol).toString().split(' ').map(Number);
      if (buffer.length < eol + 1 + length) return;
      const body = buffer.subarray(eol + 1, eol + 1 + length).toString();
      buffer = buffer.subarray(eol + 1 + length);
      const { resolve, reject } = waiting.shift();
      if (status === 0) resolve(JSON.parse(body)); else reject(new Error(`native call failed: ${body}`));
    }
  });
  return {
    call(operation, body) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(frame(operation, body));
      });
    },
    close() { child.stdin.end(); },
  };
}

// The engine's order: by instant, then by id.
function sorted(events) {
  return [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// The member's state after every event and `now`, with every history entry the calls wrote.
async function appliedState(driver, programJson, events, now) {
  let state = null;
  let total = 0;
  const history = [];
  const take = (answer) => {
    const written = answer.internal.history_total - total;
    if (written > 0) history.push(...answer.history.slice(-written));
    total = answer.internal.history_total;
    state = answer;
  };
  for (const event of sorted(events)) {
    take(await driver.call('apply', `{"program":${programJson},"state":${state ? JSON.stringify(state) : 'null'},"event":${JSON.stringify(event)}}`));
  }
  if (state) take(await driver.call('advance', `{"program":${programJson},"state":${JSON.stringify(state)},"now":${JSON.stringify(now)}}`));
  return { ...state, history };
}

/** Native outcomes of every member under one program, in member order. */
export async function nativeOutcomes(members, program, now) {
  const programJson = JSON.stringify(program);
  const frames = members.map((m) => frame('replay', `{"program":${programJson},"events":${JSON.stringify(m.events)},"now":${JSON.stringify(now)}}`));
  const run = spawnSync(LOYALTY_CLI, ['batch'], { input: Buffer.concat(frames), maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`loyalty batch exited ${run.status}: ${run.stderr}`);
  const states = readAnswers(run.stdout).map((a, k) => {
    if (a.status !== 0) throw new Error(`native replay of ${members[k].id} failed: ${a.body}`);
    return JSON.parse(a.body);
  });
  let driver = null;
  const outcomes = [];
  for (let k = 0; k < members.length; k++) {
    let state = states[k];
    if (state.internal.history_total > state.history.length) {
      driver ??= batchDriver();
      const full = await appliedState(driver, programJson, members[k].events, now);
      assert.deepEqual([full.balance, full.lifetime, full.tier?.id], [state.balance, state.lifetime, state.tier?.id], `${members[k].id}: apply and replay agree`);
      state = full;
    }
    outcomes.push({ ...memberOutcome(state, program), id: members[k].id });
  }
  driver?.close();
  return outcomes;
}

/** Native outcomes of every member under the live and the draft program, as pairs. */
export async function nativePairs(members, programs, now) {
  const live = await nativeOutcomes(members, programs.live, now);
  const draft = await nativeOutcomes(members, programs.draft, now);
  return live.map((outcome, k) => ({ live: outcome, draft: draft[k] }));
}
