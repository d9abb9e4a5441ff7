// Benchmark of the what-if simulator (not a test): 10 000 synthetic members × 50 events each,
// replayed under the live café program and a draft that doubles its base rule, through the real
// page and workers in headless Chromium. Prints the wall time from the Run click to the report on
// the page, for each of 3 runs and their median; and the CPU time Chromium's processes spent on
// each run (from /proc), which says what the run costs whatever else the machine is doing: on
// two free cores the wall time is about half of it.
//   node demo/bench/simulator.mjs [members] [runs]
import fs from 'node:fs';
import os from 'node:os';
import { editDraft, fillSimulator, launchChromium, runSimulator, startDemo } from '../test/support/demo-server.mjs';

const MEMBERS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 3);

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

// CPU seconds (user + system) of the Chromium processes this script started (descendants of
// this process named chrom*; the demo's servers are descendants too, and left out).
function cpuSeconds(rootPid) {
  const procs = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      procs.set(Number(name), { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch { /* gone meanwhile */ }
  }
  const inTree = (pid) => { for (let p = pid; p > 1; p = procs.get(p)?.ppid ?? 0) if (p === rootPid) return true; return false; };
  let ticks = 0;
  for (const [pid, p] of procs) if (p.comm.startsWith('chrom') && inTree(pid)) ticks += p.ticks;
  return ticks / TICKS_PER_SECOND;
}

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
  // Each run gets another seed, so none reuses the last run's live side: every run replays
  // 10 000 members under both programs.
  const chromiumPid = process.pid;
  for (let k = 0; k < RUNS; k++) {
    await fillSimulator(page, { seed: 42 + k });
    const cpuBefore = cpuSeconds(chromiumPid);
    const ms = await runSimulator(page);
    const cpu = cpuSeconds(chromiumPid) - cpuBefore;
    const status = await page.textContent('[data-sim-status]');
    if (!/Done/.test(status)) throw new Error(`run ${k + 1} did not finish: ${status}`);
    if (await page.getAttribute('[data-sim-result]', 'data-sim-live-cached') !== 'false') throw new Error('a run reused the live side');
    times.push(ms);
    console.log(`run ${k + 1}: ${(ms / 1000).toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU in Chromium (${status.trim()}; load average ${os.loadavg()[0].toFixed(2)})`);
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`median of ${RUNS}: ${(median / 1000).toFixed(2)} s for ${MEMBERS} members × 50 events (${os.cpus().length} cores, load average ${load})`);
} finally {
  await browser.close();
  await demo.stop();
}
