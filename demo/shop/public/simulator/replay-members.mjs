// Replays members' ledgers under two programs with a loaded core (the WebAssembly one in the
// worker, the same module under Node in the tests) and keeps each member's outcome. Each program
// is parsed once (core.engine); each member's events are written to JSON once and replayed under
// both; the answers are read here and only the small outcomes leave.
import { memberOutcome } from './outcome.mjs';

/** The replay request body with the events already as JSON text (written once per member). */
export function replayRequest(eventsJson, now) {
  return `{"events":${eventsJson},"now":${JSON.stringify(now)}}`;
}

function replayOne(engine, program, request) {
  const answer = engine.callJson('replay', request);
  const state = JSON.parse(answer);
  if (state.error) {
    const e = new Error(`${state.error.code}: ${state.error.message} ${state.error.path}`);
    e.code = state.error.code;
    throw e;
  }
  return memberOutcome(state, program);
}

/**
 * A replayer for {live, draft} programs. `pair(member)` answers {live, draft} outcomes for one
 * {id, events} member; `close()` frees the engines. Throws (with the core's code) when a program
 * is invalid.
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
  return {
    pair(member) {
      const request = replayRequest(JSON.stringify(member.events), now);
      const outcome = (engine, program) => ({ ...replayOne(engine, program, request), id: member.id });
      return { live: outcome(live, programs.live), draft: outcome(draft, programs.draft) };
    },
    close() {
      live.delete();
      draft.delete();
    },
  };
}
