// Benchmark of the what-if simulator (not a test): 10 000 synthetic members × 50 events each,
// replayed under the live café program and a draft that doubles its base rule, through the real
// page and workers in headless Chromium. Prints the wall time from the Run click to the report on
// the page, for each of 3 runs and their median.
//   node demo/bench/simulator.mjs [members] [runs]
import os from 'node:os';
import { editDraft, fillSimulator, launchChromium, runSimulator, startDemo } from '../test/support/demo-server.mjs';

const MEMBERS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 3);

const demo = await startDemo();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${demo.base}/merchant?shop=cafe`);
  await page.waitForSelector('body[data-ready]');
  await editDraft(page, (d) => { d.earn.find((r) => r.id === 'base').points *= 2; return d; });
  await fillSimulator(page, { size: MEMBERS, eventsPerMember: 50, seed: 42 });
  const times = [];
  for (let k = 0; k < RUNS; k++) {
    const ms = await runSimulator(page);
    const status = await page.textContent('[data-sim-status]');
    if (!/Done/.test(status)) throw new Error(`run ${k + 1} did not finish: ${status}`);
    times.push(ms);
    console.log(`run ${k + 1}: ${(ms / 1000).toFixed(2)} s (${status.trim()})`);
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`median of ${RUNS}: ${(median / 1000).toFixed(2)} s for ${MEMBERS} members × 50 events (${os.cpus().length} cores, load average ${load})`);
} finally {
  await browser.close();
  await demo.stop();
}
