// Issue 22 "First use", walked as a shopper in the whole demo (demo/start.sh on free ports, a
// temporary data dir, headless Chromium), in English and Spanish:
//   - Lucía with one espresso: the appetizer voucher says why it does nothing, with no Use
//     button; a stale choice of it makes Pay say so in a sentence with "Remove", never a code;
//     removed, the order pays under the shop's own number (#1001…), and its refund shows in the
//     portal history under that number.
//   - axe-core finds nothing on any page (home, checkout, portal, order, merchant) with the
//     launcher's panel closed and open, at 1280 and 375 px, in both languages.
// Screenshots: build/screenshots/demo/firstuse-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { mintToken } from '../shop/loyalty-client.mjs';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(DEMO, '..');
const SHOTS = path.join(ROOT, 'build', 'screenshots', 'demo');
// axe-core is a dependency of the widget (web/package.json); the demo borrows that copy.
const AXE = path.join(ROOT, 'web', 'node_modules', 'axe-core', 'axe.min.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

let demo; let base; let data; let browser; let secrets;

before(async () => {
  assert.ok(fs.existsSync(AXE), `axe-core is installed in web/ (${AXE})`);
  const [port, cafe, fashion] = [await freePort(), await freePort(), await freePort()];
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-shopper-'));
  base = `http://127.0.0.1:${port}`;
  demo = spawn('bash', [path.join(DEMO, 'start.sh'), '--port', String(port), '--cafe-port', String(cafe), '--fashion-port', String(fashion), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in time:\n${out}`)), 180_000);
    demo.stdout.on('data', (d) => { out += d; if (out.includes('Demo shop:')) { clearTimeout(timer); resolve(); } });
    demo.stderr.on('data', (d) => { out += d; });
    demo.on('exit', (code) => { clearTimeout(timer); reject(new Error(`start.sh exited with ${code}:\n${out}`)); });
  });
  assert.ok(!out.includes('mock-server'), 'the real loyalty-server runs');
  secrets = Object.fromEntries(fs.readFileSync(path.join(data, 'secrets.env'), 'utf8').trim().split('\n').map((l) => l.split('=')));
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    try { process.kill(-demo.pid, 'SIGTERM'); } catch { /* already gone */ }
    await new Promise((r) => { demo.on('exit', r); setTimeout(r, 5000); });
  }
  if (data) fs.rmSync(data, { recursive: true, force: true });
});

async function newPage(width = 1280) {
  const c = await browser.newContext({ viewport: { width, height: 900 }, reducedMotion: 'reduce' });
  const page = await c.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

async function memberState(shop, member) {
  const r = await fetch(`${base}/loyalty-api/${shop}/v1/members/me`, { headers: { authorization: `Bearer ${mintToken(member, secrets.TOKEN_SECRET, 300)}` } });
  assert.equal(r.status, 200, `member state of ${member}`);
  return r.json();
}

// The widget is required here: waits for its first full render.
async function widgetReady(page) {
  await page.waitForFunction(() => window.Loyalty && window.Loyalty.ready, null, { timeout: 15_000 });
  await page.evaluate(() => window.Loyalty.ready);
}

const WORDS = {
  en: {
    status: 'Not for this cart · needs Appetizers in the cart',
    coffee: /^Free coffee−S\/\s?7\.00 · new total S\/\s?0\.00 · 120 pointsUse$/,
    useCoffee: 'Use Free coffee for 120 points',
    unusable: 'Free appetizer can’t be used on this order: there is nothing in the cart it takes off. Nothing was charged.',
    remove: 'Remove Free appetizer',
    refund: /^Refund on order #10\d\d$/,
    refundAll: 'Refund whole order',
  },
  es: {
    status: 'No aplica a este carrito · necesita Appetizers en el carrito',
    // The café names its rewards in Spanish too: a Spanish shopper reads them so.
    coffee: /^Café gratis−S\/\s?7\.00 · nuevo total S\/\s?0\.00 · 120 puntosUsar$/,
    useCoffee: 'Usar Café gratis por 120 puntos',
    unusable: 'Piqueo gratis no se puede usar en este pedido: no hay nada en el carrito a lo que se aplique. No se cobró nada.',
    remove: 'Quitar Piqueo gratis',
    refund: /^Devolución del pedido #10\d\d$/,
    refundAll: 'Devolver todo el pedido',
  },
};

for (const lang of ['en', 'es']) {
  test(`${lang}: Lucía with one espresso cannot use an appetizer voucher, a refused payment says why with a way out, and her refund shows the shop's order number`, async () => {
    const w = WORDS[lang];
    const page = await newPage(1280);
    await page.goto(`${base}/switch?shop=cafe&shopper=lucia&lang=${lang}&to=/`);
    const state = await memberState('cafe', 'lucia');
    const voucher = state.vouchers.find((v) => v.reward === 'free-appetizer');
    assert.ok(voucher, 'Lucía holds an appetizer voucher (seed)');
    await page.evaluate(() => localStorage.setItem('demo-cart:cafe', JSON.stringify([{ sku: 'espresso', quantity: 1 }])));
    await page.goto(`${base}/cart`);
    await widgetReady(page);
    const checkout = page.locator('loyalty-checkout');
    const row = checkout.locator('[part=voucher][data-reward="free-appetizer"]');
    await row.waitFor();
    assert.equal(await row.locator('[part=voucher-status]').textContent(), w.status);
    assert.equal(await row.getByRole('button').count(), 0, 'no Use button for a voucher that takes nothing off');
    // The free coffee bought with points says what it costs, and its button says so too.
    assert.match(await checkout.locator('[part=reward][data-reward="free-coffee"]').textContent(), w.coffee);
    assert.equal(await checkout.getByRole('button', { name: w.useCoffee, exact: true }).count(), 1);
    await page.screenshot({ path: path.join(SHOTS, `firstuse-voucher-status-desktop-${lang}.png`), fullPage: true });

    // A choice made before the cart changed (another tab, an old session) still reaches Pay:
    // the shop says which reward and why, in the shopper's language, and offers removing it.
    await page.evaluate(([key, id]) => sessionStorage.setItem(key, JSON.stringify({ redeem: [], vouchers: [id] })), ['demo-redeem:cafe:lucia', voucher.id]);
    await page.reload();
    await widgetReady(page);
    const problem = page.locator('[data-pay-error]');
    await page.locator('[data-pay]').click();
    await expectText(page, '[data-pay-error]', w.unusable);
    assert.ok(!/not_applicable|reward free-appetizer/.test(await problem.textContent()), 'no raw code');
    await page.screenshot({ path: path.join(SHOTS, `firstuse-pay-refused-desktop-${lang}.png`), fullPage: true });
    await problem.getByRole('button', { name: w.remove }).click();
    await page.waitForFunction(() => document.querySelector('[data-pay-error]').textContent === '');
    assert.deepEqual(JSON.parse(await page.evaluate(() => sessionStorage.getItem('demo-redeem:cafe:lucia'))).vouchers, []);

    // Paid: the order carries the shop's number, and the loyalty history names it.
    await page.locator('[data-pay]').click();
    await page.waitForURL(/\/orders\//);
    const number = (await page.textContent('h1.page-title')).match(/#\d+/)[0];
    assert.match(number, /^#10\d\d$/);
    await page.getByRole('button', { name: w.refundAll }).click();
    await page.waitForFunction(() => !document.querySelector('[data-refund="all"]'), null, { timeout: 10_000 });
    await page.goto(`${base}/rewards`);
    await widgetReady(page);
    const titles = await page.locator('loyalty-portal').locator('.history > li > .name').allTextContents();
    const refund = titles.find((x) => w.refund.test(x));
    assert.equal(refund, lang === 'en' ? `Refund on order ${number}` : `Devolución del pedido ${number}`, titles.join(' | '));
    assert.ok(!titles.some((x) => /cafe-[0-9a-f]{8}/.test(x)), 'no internal order key');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('keyboard only: a shopper reaches the voucher at checkout, uses it and pays without a mouse', async () => {
  const page = await newPage(375);
  await page.goto(`${base}/switch?shop=cafe&shopper=grace&lang=en&to=/`);
  const state = await memberState('cafe', 'grace');
  assert.ok(state.vouchers.some((v) => v.reward === 'free-appetizer'), 'Grace holds an appetizer voucher (seed)');
  await page.evaluate(() => localStorage.setItem('demo-cart:cafe', JSON.stringify([{ sku: 'latte', quantity: 1 }, { sku: 'yuca-bites', quantity: 1 }])));
  await page.goto(`${base}/cart`);
  await widgetReady(page);
  const focusedName = () => page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('aria-label') || el?.textContent?.trim() || '';
  });
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = (await focusedName()) === 'Use voucher: Free appetizer';
  }
  assert.ok(reached, 'Tab reaches the voucher button');
  await page.keyboard.press('Enter');
  const row = page.locator('loyalty-checkout').locator('[part=voucher][data-reward="free-appetizer"]');
  await expectText(page, '[data-sum="discount"]', /5\.00/);
  assert.match(await row.textContent(), /Applied · −S\/\s?5\.00/);
  assert.equal(await focusedName(), 'Remove voucher: Free appetizer', 'focus stays on the same control after the re-render');
  for (let i = 0; i < 30 && (await focusedName()) !== 'Pay now'; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/orders\//);
  assert.match(await page.textContent('h1.page-title'), /#10\d\d/);
  await page.context().close();
});

// Every page a shopper or merchant sees, with the launcher's panel closed and open.
const PAGES = [
  ['home', 'cafe', 'lucia', '/'],
  ['checkout', 'cafe', 'lucia', '/cart'],
  ['portal', 'fashion', 'grace', '/rewards'],
  ['home', 'fashion', 'mateo', '/'],
  ['orders', 'cafe', 'lucia', '/orders'],
  ['merchant', 'cafe', 'lucia', '/merchant'],
];

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

for (const lang of ['en', 'es']) {
  for (const width of [1280, 375]) {
    test(`axe: no violations on every demo page, panel closed and open, ${lang} at ${width} px`, async () => {
      const page = await newPage(width);
      const found = [];
      for (const [name, shop, shopper, url] of PAGES) {
        await page.goto(`${base}/switch?shop=${shop}&shopper=${shopper}&lang=${lang}&to=/`);
        if (name === 'checkout') await page.evaluate(() => localStorage.setItem('demo-cart:cafe', JSON.stringify([{ sku: 'flat-white', quantity: 1 }, { sku: 'empanadita', quantity: 2 }])));
        await page.goto(`${base}${url}${url === '/merchant' ? `?shop=${shop}` : ''}`);
        if (name === 'merchant') await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
        else await widgetReady(page);
        await page.waitForLoadState('networkidle').catch(() => {});
        for (const v of await axe(page)) found.push(`${name} (${shop}) closed: ${v}`);
        if (name !== 'merchant') {
          await page.evaluate(() => window.Loyalty.open(''));
          await page.locator('loyalty-launcher').getByRole('dialog').waitFor({ state: 'visible' });
          await page.waitForTimeout(100);
          for (const v of await axe(page)) found.push(`${name} (${shop}) open: ${v}`);
          if (name === 'home' && shop === 'cafe') await page.screenshot({ path: path.join(SHOTS, `firstuse-panel-${width}-${lang}.png`) });
          await page.keyboard.press('Escape');
        }
        if (name !== 'merchant') await page.screenshot({ path: path.join(SHOTS, `firstuse-${name}-${shop}-${width}-${lang}.png`), fullPage: true });
      }
      assert.deepEqual(found, [], found.join('\n'));
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }
}

async function expectText(page, selector, expected, timeout = 10_000) {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    last = (await page.textContent(selector).catch(() => '')) ?? '';
    if (expected instanceof RegExp ? expected.test(last) : last.includes(expected)) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`${selector}: expected ${expected}, got "${last}"`);
}
