// The what-if simulator on the merchant page, in headless Chromium: the merchant doubles the
// base rule (and sets a point value), runs a synthetic population, sees the progress bar move,
// cancels a run, completes another, and the table's figures equal a native `loyalty replay` of
// the same ledgers. Also: the real-history source against the loyalty server's ledger sample
// (GET /v1/ledger-sample, paged), axe-core on the page, and
// screenshots (desktop and 375 px, English and Spanish) in build/screenshots/simulator/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHOPS } from '../shop/catalog.mjs';
import { syntheticMembers } from '../shop/public/simulator/population.mjs';
import { aggregate } from '../shop/public/simulator/aggregate.mjs';
import { nativePairs } from './support/native-replay.mjs';
import { editDraft, fillSimulator, launchChromium, runSimulator, startDemo } from './support/demo-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'build', 'screenshots', 'simulator');
const AXE = path.join(ROOT, 'web', 'node_modules', 'axe-core', 'axe.min.js');

let demo; let browser;
before(async () => {
  demo = await startDemo();
  browser = await launchChromium();
  fs.mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

async function merchantPage(lang, width = 1280, shop = 'cafe') {
  const context = await browser.newContext({ viewport: { width, height: 900 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(`${demo.base}/switch?lang=${lang}&to=${encodeURIComponent(`/merchant?shop=${shop}`)}`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
  return page;
}

// The merchant's edit: the base rule earns twice as much, and a point is worth S/ 0.05.
const doubleBase = (d) => {
  d.earn.find((r) => r.id === 'base').points *= 2;
  d.point_value_minor = '5';
  return d;
};

// Figures of the totals table: {row: {live, draft, diff}} from the cells' raw values.
function readTotals(page) {
  return page.$$eval('[data-sim-row]', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.simRow,
    Object.fromEntries([...r.querySelectorAll('td[data-side]')].map((td) => [td.dataset.side, td.dataset.value === '' ? null : Number(td.dataset.value)]))])));
}
function readTiers(page) {
  return page.$$eval('[data-sim-tier]', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.simTier,
    Object.fromEntries([...r.querySelectorAll('td[data-side]')].map((td) => [td.dataset.side, Number(td.dataset.value)]))])));
}
const readMovers = (page, kind) => page.$$eval(`[data-sim-${kind}] [data-sim-member]`, (rows) => rows.map((r) => [r.dataset.simMember, Number(r.querySelector('td[data-side=diff]').dataset.value)]));

// What the table must say for an aggregate.
function expectedTotals(r) {
  const rows = {
    issued: (s) => s.issued, redeemed: (s) => s.redeemed, expired: (s) => s.expired, outstanding: (s) => s.outstanding,
    liability: (s) => s.liabilityMinor, expected_liability: (s) => s.expectedLiabilityMinor, reward_cost: (s) => s.rewardCostMinor,
    redemptions: (s) => s.redemptions, redemption_ratio: (s) => s.redemptionRatio, expected_breakage: (s) => s.expectedBreakage, rejected: (s) => s.rejected,
  };
  return Object.fromEntries(Object.entries(rows).map(([k, f]) => {
    const [live, draft] = [f(r.live), f(r.draft)];
    return [k, { live, draft, diff: live == null || draft == null ? null : draft - live }];
  }));
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact) || v.nodes.some((n) => n.target.join(' ').includes('sim')))
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

test('synthetic population: progress, cancel, a complete run whose figures equal native replay', async () => {
  const page = await merchantPage('en');
  const live = (await (await fetch(`${demo.base}/api/merchant/program?shop=cafe`)).json()).program;
  const draft = await editDraft(page, doubleBase);

  // A big run, cancelled once the bar has moved: the page says so and shows no report.
  await fillSimulator(page, { size: 20000, eventsPerMember: 50, seed: 9 });
  await page.click('[data-sim-run]');
  await page.waitForFunction(() => document.querySelector('[data-sim-progress]').value > 0, null, { timeout: 60_000 });
  const bar = await page.$eval('[data-sim-progress]', (p) => ({ label: p.getAttribute('aria-label'), max: p.max, value: p.value, role: p.matches('progress') }));
  assert.equal(bar.max, 20000);
  assert.ok(bar.value > 0 && bar.value < 20000, `the bar moved: ${bar.value}`);
  assert.ok(bar.label && bar.role);
  assert.match(await page.textContent('[data-sim-status]'), /of 20,?000 members replayed/);
  await page.click('[data-sim-cancel]');
  await page.waitForFunction(() => document.querySelector('[data-sim-status]').textContent === 'Cancelled.');
  assert.equal(await page.$('[data-sim-report]'), null);
  assert.equal(await page.isDisabled('[data-sim-cancel]'), true);
  assert.equal(await page.isDisabled('[data-sim-run]'), false);

  // 200 members × 50 events, completed.
  await fillSimulator(page, { size: 200, eventsPerMember: 50, seed: 21 });
  await runSimulator(page);
  assert.match(await page.textContent('[data-sim-status]'), /Done: 200 members/);
  const now = await page.getAttribute('[data-sim-result]', 'data-sim-now');
  const members = syntheticMembers(0, 200, { program: live, products: SHOPS.cafe.products, end: Date.parse(now), eventsPerMember: 50, seed: 21 });
  const expected = aggregate(await nativePairs(members, { live, draft }, now), { live, draft });
  assert.deepEqual(await readTotals(page), expectedTotals(expected));
  assert.ok(expected.draft.issued > expected.live.issued, 'doubling the base rule issues more points');
  assert.notEqual(expected.draft.liabilityMinor, null);
  const tiers = await readTiers(page);
  for (const [id, n] of Object.entries(expected.live.tiers)) assert.equal(tiers[id].live, n);
  assert.deepEqual(await readMovers(page, 'gainers'), expected.gainers.map((m) => [m.id, m.difference]));
  assert.match(await page.textContent('[data-sim-gainers] .sim-why'), /1 point for every sol \+/);
  assert.equal(await page.getAttribute('[data-sim-result]', 'data-sim-live-cached'), 'false');
  assert.deepEqual(page.errors, []);

  // Another draft on the same members: the live side is reused, the figures still equal native.
  const draft2 = await editDraft(page, (d) => { d.earn.find((r) => r.id === 'base').points = 3; return d; });
  await runSimulator(page);
  assert.equal(await page.getAttribute('[data-sim-result]', 'data-sim-live-cached'), 'true');
  const expected2 = aggregate(await nativePairs(members, { live, draft: draft2 }, now), { live, draft: draft2 });
  assert.deepEqual(await readTotals(page), expectedTotals(expected2));
  assert.deepEqual(await readMovers(page, 'gainers'), expected2.gainers.map((m) => [m.id, m.difference]));

  await page.screenshot({ path: path.join(SHOTS, 'simulator-1280-en.png'), fullPage: true });
  assert.deepEqual(await axe(page), []);
  await page.context().close();
});

for (const [lang, width] of [['es', 1280], ['en', 375], ['es', 375]]) {
  test(`screenshot and axe after a run, ${lang} at ${width} px`, async () => {
    const page = await merchantPage(lang, width);
    await editDraft(page, doubleBase);
    await fillSimulator(page, { size: 300, eventsPerMember: 0, seed: 5 });
    await runSimulator(page);
    assert.ok(await page.$('[data-sim-report]'), await page.textContent('[data-sim-status]'));
    if (lang === 'es') assert.match(await page.textContent('[data-simulator] h2'), /Qué pasaría/);
    await page.locator('[data-simulator]').scrollIntoViewIfNeeded();
    await page.locator('[data-simulator]').screenshot({ path: path.join(SHOTS, `simulator-${width}-${lang}.png`) });
    assert.deepEqual(await axe(page), []);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

// The page's side of the real-history source, with the sample answered by the test itself (the
// shape of GET /v1/ledger-sample: anonymised ids, events as stored): the loyalty server's own
// endpoint is checked by the next test.
test('real history, page side: a ledger sample (answered by the test) is fetched, replayed and equals native replay', async () => {
  const page = await merchantPage('en');
  const live = (await (await fetch(`${demo.base}/api/merchant/program?shop=cafe`)).json()).program;
  const members = syntheticMembers(0, 60, { program: live, products: SHOPS.cafe.products, end: Date.parse('2026-11-01T00:00:00Z'), seed: 77 })
    .map((m, k) => ({ id: `anon-${(0xabc000000000 + k).toString(16)}`, events: m.events }));
  let asked = null;
  // Two pages, as the loyalty server pages a sample (500 members a page): the page joins them.
  const pages = [];
  await page.route('**/api/merchant/ledger-sample?*', (route) => {
    asked = new URL(route.request().url()).searchParams;
    const n = Number(asked.get('page'));
    pages.push(n);
    const half = Math.ceil(members.length / 2);
    const part = n === 0 ? members.slice(0, half) : members.slice(half);
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ program_version: live.version, total_members: 1234, size: members.length, page: n, pages: 2, next_page: n === 0 ? 1 : null, members: part }) });
  });
  const draft = await editDraft(page, doubleBase);
  await fillSimulator(page, { source: 'sample', size: 60, seed: 8 });
  await runSimulator(page);
  assert.equal(asked.get('size'), '60');
  assert.equal(asked.get('seed'), '8');
  assert.equal(asked.get('shop'), 'cafe');
  assert.deepEqual(pages, [0, 1], 'both pages fetched, in order');
  assert.match(await page.textContent('[data-sim-report] .sim-meta'), /sample of 60 of 1234 real members/);
  const now = await page.getAttribute('[data-sim-result]', 'data-sim-now');
  const expected = aggregate(await nativePairs(members, { live, draft }, now), { live, draft });
  assert.deepEqual(await readTotals(page), expectedTotals(expected));
  assert.deepEqual(await readMovers(page, 'gainers'), expected.gainers.map((m) => [m.id, m.difference]));
  // The server saying no is shown as it is, not replaced by anything.
  await page.unroute('**/api/merchant/ledger-sample?*');
  await page.route('**/api/merchant/ledger-sample?*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'the database is unavailable', path: '' } }) }));
  await page.click('[data-sim-run]');
  await page.waitForFunction(() => /no ledger sample/.test(document.querySelector('[data-sim-status]').textContent));
  assert.match(await page.textContent('[data-sim-status]'), /no ledger sample \(/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('real history: the loyalty server\'s ledger sample, replayed, equals native replay', async () => {
  const probe = await fetch(`${demo.base}/api/merchant/ledger-sample?shop=fashion&size=40&seed=3`);
  assert.equal(probe.status, 200, 'the loyalty server answers GET /v1/ledger-sample');
  const sample = await probe.json();
  assert.equal(sample.next_page, null, '40 members fit one page');
  const page = await merchantPage('en', 1280, 'fashion');
  const live = (await (await fetch(`${demo.base}/api/merchant/program?shop=fashion`)).json()).program;
  const draft = await editDraft(page, doubleBase);
  await fillSimulator(page, { source: 'sample', size: 40, seed: 3 });
  await runSimulator(page);
  const now = await page.getAttribute('[data-sim-result]', 'data-sim-now');
  const expected = aggregate(await nativePairs(sample.members, { live, draft }, now), { live, draft });
  assert.equal(expected.members, sample.members.length);
  assert.deepEqual(await readTotals(page), expectedTotals(expected));
  assert.ok(sample.members.every((m) => /^anon-[0-9a-f]{12}$/.test(m.id)));
  await page.context().close();
});
