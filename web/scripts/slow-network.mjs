// The demo home page on a slow connection, as issue 22 (9d) describes it: Chromium's own network
// throttling (CDP Network.emulateNetworkConditions: 400 ms round trip, 400 kbit/s each way), a
// cold cache, a signed-in café shopper with a coffee card. Reports when each widget file arrived
// (and how many bytes crossed the wire), when the balance and the rules engine were on screen,
// and the layout shifts from the first paint to the core's render (Layout Instability API).
//
//   node web/scripts/slow-network.mjs [--root DIR] [--rounds 3] [--latency 400] [--kbps 400]
// --root runs another checkout's demo (e.g. main, for a before/after) with this script.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ROOT = path.resolve(arg('root', path.join(path.dirname(fileURLToPath(import.meta.url)), '../..')));
const ROUNDS = Number(arg('rounds', 3));
const LATENCY = Number(arg('latency', 400));
const KBPS = Number(arg('kbps', 400));

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** Starts demo/start.sh of `root` on free ports; returns {base, stop()}. */
export async function startDemo(root) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-slow-'));
  const [port, cafe, fashion] = [await freePort(), await freePort(), await freePort()];
  const demo = spawn('bash', [path.join(root, 'demo/start.sh'), '--port', String(port), '--cafe-port', String(cafe), '--fashion-port', String(fashion), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${out}`)), 180_000);
    demo.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Demo shop:')) resolve(clearTimeout(timer));
    });
    demo.stderr.on('data', (d) => {
      out += d;
    });
    demo.on('exit', (code) => reject(new Error(`demo/start.sh exited with ${code}:\n${out}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      try {
        process.kill(-demo.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => (demo.exitCode !== null ? r() : (demo.once('exit', r), setTimeout(r, 5000))));
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

// Installed before any page script: every layout shift with its time and size, and when the
// coffee card (light DOM fallback or the portal's own) was last seen missing.
const OBSERVE = () => {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    const describe = (n) => (n ? `${n.nodeName.toLowerCase()}${n.id ? `#${n.id}` : ''}${n.className && typeof n.className === 'string' ? `.${n.className.split(' ')[0]}` : ''}` : '?');
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) window.__shifts.push({ at: Math.round(e.startTime), value: e.value, moved: (e.sources ?? []).map((x) => `${describe(x.node)} ${Math.round(x.previousRect.y)}→${Math.round(x.currentRect.y)} h${Math.round(x.previousRect.height)}→${Math.round(x.currentRect.height)}`) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
};

/** One cold load of `url` under throttling; the figures of that load. */
export async function slowLoad(browser, url, { latency = LATENCY, kbps = KBPS } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const bytes = (kbps * 1000) / 8;
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: bytes, uploadThroughput: bytes });
  await page.addInitScript(OBSERVE);
  await page.goto(url, { waitUntil: 'commit' });
  // The core's render: the widget's mark, or (a build without it) when the engine first exists.
  const seen = await (await page.waitForFunction(() => (performance.getEntriesByName('loyalty:core-ready').length > 0 || window.Loyalty?.app?.engine) && performance.now(), null, { timeout: 120_000, polling: 50 })).jsonValue();
  await page.waitForTimeout(300); // a shift caused by the core's render is reported just after it
  const figures = await page.evaluate((seenAt) => {
    const mark = (n) => Math.round(performance.getEntriesByName(n)[0]?.startTime ?? -1);
    const files = {};
    for (const r of performance.getEntriesByType('resource')) {
      const name = r.name.split('/').pop();
      if (/^loyalty(\.js|_core\.js|_core\.wasm)$/.test(name)) files[name] = { start: Math.round(r.startTime), end: Math.round(r.responseEnd), wire: r.transferSize, body: r.decodedBodySize };
    }
    const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
    return {
      first_paint_ms: Math.round(paint ?? -1),
      balance_on_screen_ms: mark('loyalty:first-render:loyalty-portal'),
      core_ready_ms: performance.getEntriesByName('loyalty:core-ready').length ? mark('loyalty:core-ready') : Math.round(seenAt),
      files,
      shifts: window.__shifts,
      cls: Number(window.__shifts.reduce((n, s) => n + s.value, 0).toFixed(4)),
      coffee_card_shown: (document.querySelector('loyalty-portal')?.shadowRoot?.textContent ?? '').includes('Coffee card'),
    };
  }, seen);
  await context.close();
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const demo = await startDemo(ROOT);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    // Sign in as Lucía (café, a coffee card with punches) and drop the cookies' page from the cache.
    const runs = [];
    for (let i = 0; i < ROUNDS; i++) {
      const url = `${demo.base}/switch?shop=cafe&shopper=lucia&lang=en&to=/`;
      runs.push(await slowLoad(browser, url));
      console.log(JSON.stringify(runs.at(-1)));
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`root ${ROOT}: ${LATENCY} ms RTT, ${KBPS} kbit/s, ${ROUNDS} cold loads (median)`);
    console.log(`  first paint ${median(runs.map((r) => r.first_paint_ms))} ms, balance on screen ${median(runs.map((r) => r.balance_on_screen_ms))} ms, rules engine ready ${median(runs.map((r) => r.core_ready_ms))} ms`);
    for (const f of ['loyalty.js', 'loyalty_core.js', 'loyalty_core.wasm']) {
      const r = runs.map((x) => x.files[f]).filter(Boolean);
      if (r.length) console.log(`  ${f.padEnd(18)} requested ${median(r.map((x) => x.start))} ms, arrived ${median(r.map((x) => x.end))} ms, ${r[0].wire} B on the wire (${r[0].body} B)`);
    }
    console.log(`  CLS from first paint to the core's render: ${runs.map((r) => r.cls).join(', ')}`);
  } finally {
    await browser.close();
    await demo.stop();
  }
}
