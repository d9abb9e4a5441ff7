// The simulator's worker: loads the WebAssembly core the way the merchant page does (the same
// files, /loyalty/wasm/), replays its share of the members under the live and the draft program
// and posts progress and the members' outcomes. A classic worker, because loyalty_core.js is a
// classic script (importScripts); the simulator's own modules come in through import().
// Cancelling is the page terminating the worker: a replay is never left half-counted.
//
// In:  {type: 'run', programs: {live, draft}, now, liveKey, members: [{id, events}]}
//      {type: 'run', programs, now, liveKey, synthetic: {options, from, to}}   (members made here)
// Out: {type: 'progress', done},
//      {type: 'done', pairs: [{live, draft}], core: the module's folder, liveCached},
//      {type: 'error', code, message}
/* global importScripts, LoyaltyCore */
// The simulator's build of the core (build/wasm/fast: -O3, dlmalloc, and the simulate operation,
// which the widget's module leaves out); without it the page's own module answers that simulate
// is an unknown operation, and the panel says so.
const CORE_DIRS = ['/loyalty/wasm/fast/', '/loyalty/wasm/'];
const coreDir = CORE_DIRS.find((dir) => {
  try {
    importScripts(`${dir}loyalty_core.js`);
    return true;
  } catch {
    return false;
  }
});
importScripts('/loyalty/wasm/loyalty-core.iife.js');

const ready = Promise.all([
  LoyaltyCore.load({ wasmUrl: `${coreDir}loyalty_core.wasm` }),
  import('./replay-members.mjs'),
  import('./population.mjs'),
]);

// Members per call into the core: few enough for a smooth progress bar, enough to make the
// call's own cost vanish.
const BATCH = 25;

// The members of [k, k + BATCH) of this worker's share: a synthetic population is made a batch at
// a time, so half a million events never sit in memory at once.
function batchOf(job, population, k) {
  if (job.members) return job.members.slice(k, k + BATCH);
  const { options, from, to } = job.synthetic;
  return population.syntheticMembers(from + k, Math.min(from + k + BATCH, to), options);
}

// The live program's outcomes of the last run, by the key the page gives (the live program, the
// members and `now`): a merchant re-running with another draft replays only the draft.
let liveCache = { key: null, outcomes: [] };

async function run(job) {
  const [core, replay, population] = await ready;
  const total = job.members ? job.members.length : job.synthetic.to - job.synthetic.from;
  const cached = job.liveKey != null && liveCache.key === job.liveKey ? liveCache.outcomes : null;
  const replayer = replay.pairReplayer(core, job.programs, job.now);
  try {
    const pairs = [];
    for (let k = 0; k < total; k += BATCH) {
      const members = batchOf(job, population, k);
      if (cached) pairs.push(...replayer.outcomes('draft', members).map((draft, i) => ({ live: cached[k + i], draft })));
      else pairs.push(...replayer.pairs(members));
      postMessage({ type: 'progress', done: pairs.length });
    }
    if (!cached) liveCache = { key: job.liveKey, outcomes: pairs.map((p) => p.live) };
    postMessage({ type: 'done', pairs, core: coreDir, liveCached: Boolean(cached) });
  } finally {
    replayer.close();
  }
}

self.onmessage = ({ data }) => {
  if (data?.type !== 'run') return;
  run(data).catch((e) => postMessage({ type: 'error', code: e.code ?? 'simulator_failed', message: e.message }));
};
