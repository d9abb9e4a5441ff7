// The native side of the simulator's equality checks: every member's ledger replayed by
// `build/bin/loyalty batch` (one process, one `replay` frame per member and program), each full
// member state read by the same outcome.mjs the page uses.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memberOutcome } from '../../shop/public/simulator/outcome.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LOYALTY_CLI = path.join(ROOT, 'build', 'bin', 'loyalty');

function frames(requests) {
  return Buffer.concat(requests.flatMap((body) => {
    const bytes = Buffer.from(body);
    return [Buffer.from(`replay ${bytes.length}\n`), bytes];
  }));
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

/** Native replay of every member under one program: [outcome] in member order. */
export function nativeOutcomes(members, program, now) {
  const programJson = JSON.stringify(program);
  const requests = members.map((m) => `{"program":${programJson},"events":${JSON.stringify(m.events)},"now":${JSON.stringify(now)}}`);
  const run = spawnSync(LOYALTY_CLI, ['batch'], { input: frames(requests), maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`loyalty batch exited ${run.status}: ${run.stderr}`);
  return readAnswers(run.stdout).map((a, k) => {
    if (a.status !== 0) throw new Error(`native replay of ${members[k].id} failed: ${a.body}`);
    return { ...memberOutcome(JSON.parse(a.body), program), id: members[k].id };
  });
}

/** Native outcomes of every member under the live and the draft program, as pairs. */
export function nativePairs(members, programs, now) {
  const live = nativeOutcomes(members, programs.live, now);
  const draft = nativeOutcomes(members, programs.draft, now);
  return live.map((outcome, k) => ({ live: outcome, draft: draft[k] }));
}
