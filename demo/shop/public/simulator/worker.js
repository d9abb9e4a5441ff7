// The simulator's worker: loads the WebAssembly core the way the merchant page does (the same
// files, /loyalty/wasm/), replays its share of the members under the live and the draft program
// and posts progress and the members' outcomes. A classic worker, because loyalty_core.js is a
// classic script (importScripts); the simulator's own modules come in through import().
// Cancelling is the page terminating the worker: a replay is never left half-counted.
//
// In:  {type: 'run', programs: {live, draft}, now, members: [{id, events}]}
//      {type: 'run', programs, now, synthetic: {options, from, to}}   (members made here)
// Out: {type: 'progress', done}, {type: 'done', pairs: [{live, draft}]},
//      {type: 'error', code, message}
/* global importScripts, LoyaltyCore */
importScripts('/loyalty/wasm/loyalty_core.js', '/loyalty/wasm/loyalty-core.iife.js');

const ready = Promise.all([
  LoyaltyCore.load({ wasmUrl: '/loyalty/wasm/loyalty_core.wasm' }),
  import('./replay-members.mjs'),
  import('./population.mjs'),
]);

// Members per call into the core: few enough for a smooth progress bar, enough to make the
// call's own cost vanish.
const BATCH = 25;

function membersOf(job, population) {
  if (job.members) return job.members;
  const { options, from, to } = job.synthetic;
  return population.syntheticMembers(from, to, options);
}

async function run(job) {
  const [core, replay, population] = await ready;
  const members = membersOf(job, population);
  const replayer = replay.pairReplayer(core, job.programs, job.now);
  try {
    const pairs = [];
    for (let k = 0; k < members.length; k += BATCH) {
      pairs.push(...replayer.pairs(members.slice(k, k + BATCH)));
      postMessage({ type: 'progress', done: pairs.length });
    }
    postMessage({ type: 'done', pairs });
  } finally {
    replayer.close();
  }
}

self.onmessage = ({ data }) => {
  if (data?.type !== 'run') return;
  run(data).catch((e) => postMessage({ type: 'error', code: e.code ?? 'simulator_failed', message: e.message }));
};
