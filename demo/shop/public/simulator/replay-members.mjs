// Replays members' ledgers under two programs with a loaded core (the WebAssembly one in the
// worker, the same module under Node in the tests) and keeps each member's outcome. Each program
// is parsed once (core.engine); members go to the core's `simulate` operation a batch at a time,
// their events written to JSON once for both programs, and the compact answers become outcomes.
import { summaryOutcome } from './outcome.mjs';

/** The simulate request body (without the program) for members {id, events}. */
export function simulateRequest(members, now) {
  const list = members.map((m) => `{"member_id":${JSON.stringify(m.id)},"events":${JSON.stringify(m.events)}}`);
  return `{"members":[${list.join(',')}]${now ? `,"now":${JSON.stringify(now)}` : ''}}`;
}

function simulateBatch(engine, program, request, members) {
  const answer = JSON.parse(engine.callJson('simulate', request));
  if (answer.error) {
    const e = new Error(`${answer.error.code}: ${answer.error.message} ${answer.error.path}`);
    e.code = answer.error.code;
    throw e;
  }
  // Ids come from the caller: a sample's member may have no enrol event naming it.
  return answer.members.map((summary, k) => ({ ...summaryOutcome(summary, program), id: members[k].id }));
}

/**
 * A replayer for {live, draft} programs. `pairs(members)` answers [{live, draft}] outcomes for
 * {id, events} members, `outcomes(side, members)` one side's only; `close()` frees the engines.
 * Throws (with the core's code) when a program is invalid.
 */
export function pairReplayer(core, programs, now) {
  const live = core.engine(programs.live);
  let draft;
  try {
    draft = core.engine(programs.draft);
  } catch (e) {
    live.delete();
    throw e;
  }
  const engines = { live, draft };
  return {
    outcomes(side, members) {
      return simulateBatch(engines[side], programs[side], simulateRequest(members, now), members);
    },
    pairs(members) {
      const request = simulateRequest(members, now);
      const a = simulateBatch(live, programs.live, request, members);
      const b = simulateBatch(draft, programs.draft, request, members);
      return a.map((outcome, k) => ({ live: outcome, draft: b[k] }));
    },
    close() {
      live.delete();
      draft.delete();
    },
  };
}
