// Runs a simulation on up to two workers (the machines we aim at have two cores or more; the page
// itself stays responsive): the members are split in contiguous shares, each worker replays its
// share, and the outcomes come back in member order.
//
// The workers are kept between runs: each one loads the core once, and the engine's hot code,
// which the browser compiles for speed only after it has run for a while, stays compiled. They
// are started with the page, so the core is ready before the first Run. Cancelling terminates
// them at once and starts fresh ones.

const WORKER_URL = new URL('./worker.js', import.meta.url);

function poolSize() {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(2, cores));
}

/** Workers kept for the page's runs; `reset()` terminates them and starts new ones. */
export class WorkerPool {
  #workers = [];

  constructor(size = poolSize()) {
    this.size = size;
    this.reset();
  }

  get workers() {
    return this.#workers;
  }

  reset() {
    for (const w of this.#workers) w.terminate();
    this.#workers = Array.from({ length: this.size }, () => new Worker(WORKER_URL));
  }
}

// [from, to) of each share, as equal as can be.
function shares(total, count) {
  const out = [];
  for (let k = 0; k < count; k++) out.push([Math.floor((total * k) / count), Math.floor((total * (k + 1)) / count)]);
  return out;
}

// The live side of a share is the same whenever the live program, the members (source.key names
// them) and `now` are: the worker then keeps it from the last run.
function jobFor(source, [from, to], programs, now) {
  const liveKey = JSON.stringify([programs.live, now, source.key, from, to]);
  if (source.kind === 'synthetic') return { type: 'run', programs, now, liveKey, synthetic: { options: source.options, from, to } };
  return { type: 'run', programs, now, liveKey, members: source.members.slice(from, to) };
}

// One worker's share: resolves with its pairs and the core build it used.
function runShare(worker, job, onDone) {
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'progress') onDone(data.done);
      else if (data.type === 'done') resolve(data);
      else if (data.type === 'error') reject(Object.assign(new Error(data.message), { code: data.code }));
    };
    worker.onerror = (e) => reject(new Error(e.message || 'the simulator worker failed to start'));
    worker.postMessage(job);
  });
}

/**
 * Starts a run on the pool's workers. source: {kind: 'synthetic', count, options, key} or
 * {kind: 'sample', members, key}; `key` names the members (equal keys, equal members). onProgress(done, total). Returns {result: Promise<pairs>, cancel()};
 * the pairs carry `core`, the folder of the core build the workers loaded, and `liveCached`, true
 * when the live side came from the last run. A cancelled run's
 * promise rejects with an Error whose name is 'AbortError'.
 */
export function simulate({ pool, source, programs, now, onProgress = () => {} }) {
  const total = source.kind === 'synthetic' ? source.count : source.members.length;
  const parts = shares(total, Math.min(pool.size, Math.max(1, total)));
  const done = parts.map(() => 0);
  let abort = null;
  const cancelled = new Promise((resolve, reject) => { abort = reject; });
  const results = parts.map((part, k) => runShare(pool.workers[k], jobFor(source, part, programs, now), (n) => {
    done[k] = n;
    onProgress(done.reduce((a, b) => a + b, 0), total);
  }));
  const result = Promise.race([Promise.all(results), cancelled]).then((answers) => Object.assign(
    answers.flatMap((a) => a.pairs),
    { core: [...new Set(answers.map((a) => a.core))].join(' '), liveCached: answers.every((a) => a.liveCached) },
  ));
  // A failed run leaves its workers in an unknown state: start afresh.
  result.catch(() => pool.reset());
  return {
    result,
    cancel() {
      abort(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
    },
  };
}
