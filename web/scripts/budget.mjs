// The widget's budgets, measured (issue 6): gzip size of everything a shop page downloads for it
// (loyalty.js with its CSS inlined, the Emscripten glue, the .wasm), the first render of the
// portal after the script has loaded (cold: nothing cached; warm: program and state cached), and
// the checkout update after a cart change, in headless Chromium against the real server.
// Writes build/web/budget.json. Times are reported, never enforced (they depend on the machine);
// the size fails the run above WIDGET_BUDGET_KB (default 150 KB gzip, the budget).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { WEB_BUILD, enroll, launchBrowser, mintToken, programFile, startServer } from '../test/harness.mjs';

const GOAL_KB = 150;
const LIMIT_KB = Number(process.env.WIDGET_BUDGET_KB ?? GOAL_KB);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const sizes = {};
let total = 0;
for (const f of ['loyalty.js', 'loyalty_core.js', 'loyalty_core.wasm']) {
  const bytes = fs.readFileSync(path.join(WEB_BUILD, f));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  sizes[f] = { raw: bytes.length, gzip: gz };
  total += gz;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const server = await startServer(programFile('fashion'));
const browser = await launchBrowser();
let timings;
try {
  await enroll(server, 'bench');
  await server.admin('POST', '/v1/orders', { member_id: 'bench', order_id: 'o-1', cart: { currency: 'USD', lines: [{ sku: 'coat', category: 'coats', unit_price_minor: 52000, quantity: 1 }] } });
  const url = server.page('budget', { token: mintToken('bench'), body: '<loyalty-portal></loyalty-portal><loyalty-checkout></loyalty-checkout>' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const firstRender = async () => {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('loyalty:first-render:loyalty-portal').length > 0, null, { timeout: 20_000 });
    const t = await page.evaluate(() => {
      const script = performance.getEntriesByName('loyalty:script')[0].startTime;
      const render = performance.getEntriesByName('loyalty:first-render:loyalty-portal')[0].startTime;
      return { render_ms: render - script };
    });
    await page.evaluate(() => window.Loyalty.ready);
    return { page, ...t };
  };
  const cold = await firstRender();
  await cold.page.close();
  const warm = await firstRender();
  const page = warm.page;
  const update = await page.evaluate(() => {
    const lines = Array.from({ length: 10 }, (_, i) => ({ sku: `sku-${i}`, category: i % 2 ? 'shoes' : 'coats', unit_price_minor: 1999 + i * 500, quantity: 1 + (i % 3) }));
    const times = [];
    for (let i = 0; i < 60; i++) {
      const cart = { currency: 'USD', lines: lines.map((l, j) => (j === i % 10 ? { ...l, quantity: l.quantity + 1 + (i % 4) } : l)), shipping_minor: 700 };
      const t0 = performance.now();
      window.Loyalty.setCart(cart);
      document.querySelector('loyalty-checkout').shadowRoot.querySelector('[part=earns]').getBoundingClientRect(); // force layout
      times.push(performance.now() - t0);
    }
    // The same carts through the core alone (JSON in and out), to separate rules from drawing.
    const core = [];
    for (let i = 0; i < 60; i++) {
      const cart = { currency: 'USD', lines: lines.map((l, j) => (j === i % 10 ? { ...l, quantity: l.quantity + 2 + (i % 4) } : l)), shipping_minor: 700 };
      const t0 = performance.now();
      window.Loyalty.app.call('preview', { cart, redeem: [], vouchers: [] });
      core.push(performance.now() - t0);
    }
    return { times, core };
  });
  timings = {
    first_render_cold_ms: Math.round(cold.render_ms),
    first_render_warm_ms: Math.round(warm.render_ms),
    checkout_update_median_ms: Number(median(update.times.slice(10)).toFixed(2)),
    checkout_update_max_ms: Number(Math.max(...update.times.slice(10)).toFixed(2)),
    core_preview_median_ms: Number(median(update.core.slice(10)).toFixed(3)),
  };
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}

const report = { sizes, total_gzip: total, goal_gzip: GOAL_KB * 1024, limit_gzip: LIMIT_KB * 1024, ...timings };
fs.writeFileSync(path.join(WEB_BUILD, 'budget.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log('widget file            raw        gzip');
for (const [f, s] of Object.entries(sizes)) console.log(`${f.padEnd(20)} ${kb(s.raw).padStart(9)} ${kb(s.gzip).padStart(9)}`);
console.log(`${'total'.padEnd(20)} ${''.padStart(9)} ${kb(total).padStart(9)}   goal ${GOAL_KB} KB, guard ${LIMIT_KB} KB`);
console.log(`first render of the portal after the script loaded: ${timings.first_render_cold_ms} ms cold, ${timings.first_render_warm_ms} ms with the program and state cached (goal 100 ms)`);
console.log(`checkout update after a cart change (10 lines, incl. layout): median ${timings.checkout_update_median_ms} ms, max ${timings.checkout_update_max_ms} ms (goal 16 ms); the core's preview alone: median ${timings.core_preview_median_ms} ms`);
if (total > GOAL_KB * 1024) console.log(`WARNING: ${kb(total - GOAL_KB * 1024)} over the ${GOAL_KB} KB goal (the WebAssembly core is most of it; see wasm/README.md)`);
if (total > LIMIT_KB * 1024) {
  console.error(`widget size guard exceeded: ${kb(total)} > ${LIMIT_KB} KB`);
  process.exit(1);
}
