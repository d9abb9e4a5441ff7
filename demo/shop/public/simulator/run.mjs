// Runs a simulation on up to two workers (the machines we aim at have two cores or more; the page
// itself stays responsive): the members are split in contiguous shares, each worker replays its
// share, and the outcomes come back in member order. Cancelling terminates the workers at once;
// the next run starts fresh ones.

const WORKER_URL = new URL('./worker.js', import.meta.url);

function workerCount(members) {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(2, cores, members));
}

// [from, to) of each share, as equal as can be.
function shares(total, count) {
  const out = [];
  for (let k = 0; k < count; k++) out.push([Math.floor((total * k) / count), Math.floor((total * (k + 1)) / count)]);
  return out;
}

function jobFor(source, [from, to], programs, now) {
  if (source.kind === 'synthetic') return { type: 'run', programs, now, synthetic: { options: source.options, from, to } };
  return { type: 'run', programs, now, members: source.members.slice(from, to) };
}

/**
 * Starts a run. source: {kind: 'synthetic', count, options} or {kind: 'sample', members}.
 * onProgress(done, total). Returns {result: Promise<pairs>, cancel()}; a cancelled run's promise
 * rejects with an Error whose name is 'AbortError'.
 */
export function simulate({ source, programs, now, onProgress = () => {} }) {
  const total = source.kind === 'synthetic' ? source.count : source.members.length;
  const parts = shares(total, workerCount(total));
  const workers = parts.map(() => new Worker(WORKER_URL));
  const done = parts.map(() => 0);
  let fail = null;
  const stop = () => workers.forEach((w) => w.terminate());
  const cancelled = new Promise((resolve, reject) => { fail = reject; });
  const results = parts.map((part, k) => new Promise((resolve, reject) => {
    workers[k].onmessage = ({ data }) => {
      if (data.type === 'progress') {
        done[k] = data.done;
        onProgress(done.reduce((a, b) => a + b, 0), total);
      } else if (data.type === 'done') resolve(data.pairs);
      else if (data.type === 'error') reject(Object.assign(new Error(data.message), { code: data.code }));
    };
    workers[k].onerror = (e) => reject(new Error(e.message || 'the simulator worker failed to start'));
    workers[k].postMessage(jobFor(source, part, programs, now));
  }));
  const result = Promise.race([Promise.all(results), cancelled])
    .then((lists) => lists.flat())
    .finally(stop);
  return {
    result,
    cancel() {
      stop();
      fail(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
    },
  };
}
