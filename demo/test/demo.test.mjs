// Browser test of the whole demo: starts demo/start.sh on free ports with a temporary data dir,
// then drives headless Chromium through a shopper's join → earn → redeem → refund, and a
// merchant editing a rule and seeing the live preview change. Saves screenshots of the shop,
// portal, checkout and merchant page (desktop and 375 px, English and Spanish) to
// build/screenshots/demo/.
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

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

let demo; let base; let data; let browser; let ctx; let secrets;

before(async () => {
  const [port, cafe, fashion] = [await freePort(), await freePort(), await freePort()];
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-demo-'));
  base = `http://127.0.0.1:${port}`;
  demo = spawn('bash', [path.join(DEMO, 'start.sh'), '--port', String(port), '--cafe-port', String(cafe), '--fashion-port', String(fashion), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in time:\n${out}`)), 180_000);
    const onData = (d) => { out += d; if (out.includes('Demo shop:')) { clearTimeout(timer); resolve(); } };
    demo.stdout.on('data', onData);
    demo.stderr.on('data', (d) => { out += d; });
    demo.on('exit', (code) => { clearTimeout(timer); reject(new Error(`start.sh exited with ${code}:\n${out}`)); });
  });
  secrets = Object.fromEntries(fs.readFileSync(path.join(data, 'secrets.env'), 'utf8').trim().split('\n').map((l) => l.split('=')));
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    // launch() gives every run a fresh temporary user-data-dir of its own.
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

// Waits until the widget has started (window.Loyalty.ready): fails when the widget is absent.
async function settle(page) {
  await page.waitForFunction(() => window.Loyalty && window.Loyalty.ready, null, { timeout: 15_000 });
  await page.evaluate(() => window.Loyalty.ready);
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {}); // images, fonts: best effort
  await page.waitForTimeout(400);
}

async function memberState(shop, member) {
  const token = mintToken(member, secrets.TOKEN_SECRET, 300);
  const r = await fetch(`${base}/loyalty-api/${shop}/v1/members/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, `member state of ${member}`);
  return r.json();
}

async function chooseReward(page, rewardName) {
  // The widget's own button, or the test fails: the shop must never be driven around the widget.
  const button = page.locator('loyalty-checkout').getByRole('button', { name: new RegExp(rewardName, 'i') }).first();
  await button.waitFor({ state: 'visible', timeout: 15_000 });
  await button.click();
}

test('a shopper joins, earns, redeems and refunds', async () => {
  const page = await newPage();
  await page.goto(`${base}/switch?shop=cafe&shopper=guest&lang=en&to=/`);
  await settle(page);
  assert.equal(await page.getAttribute('body', 'data-member'), '');

  // Join: the shop's backend enrols the guest and mints a token for the widget.
  await page.locator('.hero [data-join]').click();
  await page.waitForFunction(() => document.body.dataset.member.startsWith('guest-'));
  const member = await page.getAttribute('body', 'data-member');
  const joined = await memberState('cafe', member);
  assert.equal(joined.balance, 25, 'welcome bonus on joining');

  // Earn: two lattes and a croissant (S/ 30.00 → 30 points, 2 punches).
  await page.locator('[data-add="latte"]').click();
  await page.locator('[data-add="latte"]').click();
  await page.locator('[data-add="croissant"]').click();
  await page.goto(`${base}/cart`);
  await expectText(page, '[data-sum="total"]', /30\.00/);
  await page.locator('[data-pay]').click();
  await page.waitForURL(/\/orders\//);
  await expectText(page, '.points-row dd', '+30');
  const earned = await memberState('cafe', member);
  assert.equal(earned.balance, 55);
  assert.equal(earned.punch_cards.coffee, 2);
  assert.deepEqual(page.errors, []);

  // Redeem: Mateo (379 points) takes a free coffee on a cart with a cold brew.
  await page.goto(`${base}/switch?shopper=mateo&to=/`);
  const before = (await memberState('cafe', 'mateo')).balance;
  await page.locator('[data-add="cold-brew"]').click();
  await page.locator('[data-add="alfajor"]').click();
  await page.goto(`${base}/cart`);
  await settle(page);
  await chooseReward(page, 'Free coffee');
  await expectText(page, '[data-sum="discount"]', /12\.00/);
  await expectText(page, '[data-sum="total"]', /7\.50/); // 13.00 + 6.50 − 12.00 (capped at S/ 12)
  await page.locator('[data-pay]').click();
  await page.waitForURL(/\/orders\//);
  const orderUrl = page.url();
  const redeemed = await memberState('cafe', 'mateo');
  assert.equal(redeemed.balance, before - 120 + 7, 'paid 120 points, earned 7 on S/ 7.50');

  // Refund the whole order: the points spent come back and the earned ones go.
  await page.goto(orderUrl);
  await page.locator('[data-refund="all"]').click();
  await page.waitForLoadState('load');
  await page.waitForFunction(() => !document.querySelector('[data-refund="all"]') || document.querySelector('[data-refund-status]')?.textContent)
    .catch(() => {});
  assert.equal(await page.locator('[data-refund="all"]').count(), 0, `refund: ${await page.textContent('[data-refund-status]').catch(() => '')}`);
  const refunded = await memberState('cafe', 'mateo');
  assert.equal(refunded.balance, before, 'a full refund restores the balance');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('screenshots: shop, portal, checkout, merchant — desktop and 375 px, English and Spanish', async () => {
  const views = [
    ['shop', 'fashion', 'mateo', '/'],
    ['portal', 'fashion', 'grace', '/rewards'],
    ['checkout', 'cafe', 'lucia', '/cart'],
    ['merchant', 'fashion', 'mateo', '/merchant'],
  ];
  for (const lang of ['en', 'es']) {
    for (const [width, label] of [[1280, 'desktop'], [375, 'mobile']]) {
      const page = await newPage(width);
      for (const [name, shop, shopper, url] of views) {
        await page.goto(`${base}/switch?shop=${shop}&shopper=${shopper}&lang=${lang}&to=/`);
        if (name === 'checkout') {
          await page.evaluate(() => localStorage.setItem('demo-cart:cafe', JSON.stringify([{ sku: 'flat-white', quantity: 1 }, { sku: 'alfajor', quantity: 1 }])));
        }
        await page.goto(`${base}${url}${url === '/merchant' ? `?shop=${shop}` : ''}`);
        if (name === 'merchant') await page.waitForSelector('.chart', { timeout: 15000 });
        else await settle(page);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${label}-${lang}.png`), fullPage: name !== 'merchant' || width < 600 });
      }
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  }
});

test('a merchant edits a rule and the preview follows', async () => {
  const page = await newPage(1366);
  await page.goto(`${base}/merchant?shop=cafe`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForSelector('[data-preview-points]');
  const points = Number(await page.textContent('[data-preview-points]'));
  assert.equal(points, 34, 'sample cart: 2 lattes, a croissant and an empanadita = S/ 34.50');
  // Rule names given per language read as text, never as an object.
  assert.match(await page.locator('.pv-lines').innerText(), /1 (sol|point)/i);
  assert.doesNotMatch(await page.locator('body').innerText(), /\[object Object\]/);

  await showJson(page);
  const src = page.locator('[data-source]');
  const text = await src.inputValue();
  const doc = JSON.parse(text);
  assert.equal(doc.earn[0].id, 'base');
  doc.earn[0].points = 2;
  const doubled = JSON.stringify(doc, null, 2);
  await src.fill(doubled);
  await page.waitForFunction(() => document.querySelector('[data-preview-points]')?.textContent === '69');
  await expectText(page, '[data-delta]', '+35 vs. published');

  // A typo points at its field.
  doc.earn[0].per_minor = '100 soles';
  await src.fill(JSON.stringify(doc, null, 2));
  doc.earn[0].per_minor = 100;
  await page.waitForSelector('.prob.err');
  assert.match(await page.textContent('.prob.err code'), /^\/earn\/0\/per_minor$/);
  assert.equal(await page.locator('.highlight .line.err').count(), 1);
  await page.screenshot({ path: path.join(SHOTS, 'merchant-error-desktop-en.png') });

  // Publish the doubled rule: a new version on the server.
  await src.fill(doubled);
  await page.waitForSelector('[data-publish]:not([disabled])');
  await page.locator('[data-publish]').click();
  await expectText(page, '[data-publish-status]', /Published v2/);
  const program = await (await fetch(`${base}/loyalty-api/cafe/v1/program`)).json();
  assert.equal(program.version, 2);
  assert.equal(program.earn[0].points, 2);
  // The history lists both versions as the server keeps them: v2 live, v1 published before.
  await expectText(page, '[data-versions]', /v2 live now/);
  await expectText(page, '[data-versions]', /v1 published/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// The merchant page opens on its form editor; these tests edit the document as JSON.
const showJson = (page) => page.locator('[role=tab][data-tab="json"]').click();

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

test('start.sh stops with an error when the loyalty server binary is missing (no stand-in)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-demo-nobin-'));
  const port = await freePort();
  const child = spawn('bash', [path.join(DEMO, 'start.sh'), '--port', String(port), '--cafe-port', String(await freePort()), '--fashion-port', String(await freePort()), '--data', dir], {
    stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LOYALTY_SERVER: path.join(dir, 'no-such-server') },
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } resolve('timeout'); }, 60_000);
    child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 1, out);
  assert.match(out, /no-such-server is missing/);
  assert.doesNotMatch(out, /Demo shop:/);
});

// --- issue 22: the merchant page (9) and loading on a slow connection (9d) -----------------

const MERCHANT = {
  en: { heading: 'Program document', valid: 'Valid program', syntax: /^Not valid JSON at line (\d+), column (\d+): Missing ',' at the end of this line$/, line: (n) => `line ${n}`, published: /Published v(\d+)/, crrEmpty: /no one to retain yet/, english: [] },
  es: {
    heading: 'Documento del programa', valid: 'Programa válido', syntax: /^JSON no válido en la línea (\d+), columna (\d+): Falta ',' al final de esta línea$/, line: (n) => `línea ${n}`, published: /Publicada la v(\d+)/, crrEmpty: /aún no hay a quién retener/,
    // Phrases of the English page that must not show on the Spanish one.
    english: ['merchant console', 'of merchandise', 'Live preview', 'Program metrics', 'Tier distribution', 'Valid program', 'Back to the shop', 'Rewards on this cart', 'Enrolments per month', ' per item', 'Nudge'],
  },
};

for (const lang of ['en', 'es']) {
  const M = MERCHANT[lang];

  test(`${lang}: the merchant page ties a JSON syntax error to its line and marks the editor invalid`, async () => {
    const page = await newPage(1366);
    await page.goto(`${base}/switch?shop=cafe&lang=${lang}&to=${encodeURIComponent('/merchant?shop=cafe')}`);
    await page.waitForSelector('body[data-ready="1"]');
    await expectText(page, '#ed-h', M.heading);
    await expectText(page, '[data-status]', M.valid);
    await showJson(page);
    const src = page.locator('[data-source]');
    assert.equal(await src.getAttribute('aria-invalid'), 'false');
    const lines = (await src.inputValue()).split('\n');
    // Drop the comma at the end of the program's "name" line.
    const at = lines.findIndex((l) => /^ {2}"name": ".*",$/.test(l));
    assert.ok(at > 0, 'the name line');
    lines[at] = lines[at].slice(0, -1);
    await src.fill(lines.join('\n'));
    await page.waitForSelector('.prob.err');
    const message = await page.textContent('.prob.err .prob-msg');
    const m = M.syntax.exec(message);
    assert.ok(m, `syntax message: ${message}`);
    assert.equal(Number(m[1]), at + 1, 'the line where the comma is missing');
    assert.equal(await page.textContent('.prob.err .prob-line'), M.line(at + 1));
    assert.equal(await page.locator('.highlight .line.err').count(), 1);
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('.highlight .line')].findIndex((l) => l.classList.contains('err'))), at);
    assert.equal(await src.getAttribute('aria-invalid'), 'true');
    const described = (await src.getAttribute('aria-describedby')).split(' ');
    assert.ok(described.includes(await page.getAttribute('[data-problems]', 'id')), 'the problems list describes the editor');
    assert.ok(await page.locator('[data-publish]').isDisabled());
    await page.screenshot({ path: path.join(SHOTS, `merchant-syntax-desktop-${lang}.png`) });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test(`${lang}: the café's metrics print no "null", and CRR has data or says why not`, async () => {
    const page = await newPage(1366);
    for (const shop of ['cafe', 'fashion']) {
      await page.goto(`${base}/switch?shop=${shop}&lang=${lang}&to=${encodeURIComponent(`/merchant?shop=${shop}`)}`);
      await page.waitForSelector('.chart', { timeout: 15_000 });
      const text = await page.textContent('.m-metrics');
      assert.doesNotMatch(text, /\bnull\b/, `${shop} metrics`);
      const crr = (await page.locator('.kpi', { hasText: 'CRR' }).textContent()) ?? '';
      if (crr.includes('—')) {
        assert.match(await page.textContent('[data-crr-empty]'), M.crrEmpty, `${shop}: the empty CRR chart explains itself`);
      } else {
        assert.match(crr, /\d+\.\d%/);
        assert.ok(await page.locator('.chart polyline').count() >= 2, `${shop}: a CRR line is drawn`);
      }
      // The page's own words (the program document in the editor is the merchant's, not ours).
      const words = await page.evaluate(() => {
        const copy = document.body.cloneNode(true);
        for (const n of copy.querySelectorAll('[data-highlight], [data-gutter], textarea, script')) n.remove();
        return copy.textContent;
      });
      for (const phrase of M.english) assert.ok(!words.includes(phrase), `${shop} (${lang}) still shows "${phrase}"`);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('publishing disables the button and moves the editor to the new version: a second click publishes nothing', async () => {
  const page = await newPage(1366);
  await page.goto(`${base}/switch?shop=fashion&lang=en&to=${encodeURIComponent('/merchant?shop=fashion')}`);
  await page.waitForSelector('body[data-ready="1"]');
  const before = await (await fetch(`${base}/loyalty-api/fashion/v1/program`)).json();
  await showJson(page);
  const src = page.locator('[data-source]');
  const doc = JSON.parse(await src.inputValue());
  doc.name = `${doc.name} (edited)`;
  // Pasted in one go (an input event), as a merchant pastes an edited document.
  await src.evaluate((area, text) => {
    area.value = text;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, JSON.stringify(doc, null, 2));
  await page.waitForSelector('[data-publish]:not([disabled])');
  const button = page.locator('[data-publish]');
  await button.click();
  await button.click({ force: true, timeout: 2000 }).catch(() => {}); // a quick second click
  await expectText(page, '[data-publish-status]', `Published v${before.version + 1}`);
  assert.ok(await button.isDisabled(), 'nothing left to publish');
  assert.equal(JSON.parse(await src.inputValue()).version, before.version + 1, 'the editor holds the new version');
  await button.click({ force: true, timeout: 2000 }).catch(() => {});
  await page.waitForTimeout(500);
  const after = await (await fetch(`${base}/loyalty-api/fashion/v1/program`)).json();
  assert.equal(after.version, before.version + 1, 'exactly one new version');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a merchant compares an earlier version with the live one in words, and rolls back to it once', async () => {
  const page = await newPage(1366);
  const live = await (await fetch(`${base}/loyalty-api/fashion/v1/program`)).json();
  const earlier = await (await fetch(`${base}/api/merchant/program?shop=fashion&version=${live.version - 1}`)).json();
  assert.notEqual(earlier.program.name, live.name, 'the previous test published a new name');
  await page.goto(`${base}/switch?shop=fashion&lang=en&to=${encodeURIComponent('/merchant?shop=fashion')}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.click(`[data-compare="${live.version - 1}"]`);
  await expectText(page, '[data-diff]', `From v${live.version - 1} to v${live.version} (live)`);
  await expectText(page, '[data-diff]', `name: ${earlier.program.name} → ${live.name}`);
  await page.screenshot({ path: path.join(SHOTS, 'merchant-versions-desktop-en.png') });
  const rollback = page.locator(`[data-rollback="${live.version - 1}"]`);
  await rollback.click();
  await rollback.click({ force: true, timeout: 2000 }).catch(() => {}); // a quick second click
  await expectText(page, '[data-publish-status]', `Published v${live.version + 1}`);
  await page.waitForTimeout(500);
  const now = await (await fetch(`${base}/loyalty-api/fashion/v1/program`)).json();
  assert.equal(now.version, live.version + 1, 'exactly one new version');
  assert.equal(now.name, earlier.program.name, 'the old document is live again');
  await expectText(page, '[data-versions]', `Rollback to v${live.version - 1}`);
  await rollback.click();
  await expectText(page, '[data-publish-status]', `v${live.version - 1} is what is live already`);
  assert.equal((await (await fetch(`${base}/loyalty-api/fashion/v1/program`)).json()).version, live.version + 1);
  await page.click(`[data-compare="${live.version - 1}"]`);
  await expectText(page, '[data-diff]', 'No difference.');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the widget files go out compressed, with Vary', async () => {
  for (const f of ['loyalty.js', 'loyalty_core.js', 'loyalty_core.wasm']) {
    for (const encoding of ['br', 'gzip']) {
      const r = await fetch(`${base}/loyalty/${f}`, { headers: { 'accept-encoding': encoding } });
      assert.equal(r.headers.get('content-encoding'), encoding, `${f} ${encoding}`);
      assert.match(r.headers.get('vary') ?? '', /Accept-Encoding/i);
      const body = Buffer.from(await r.arrayBuffer()); // fetch decodes it: the original bytes
      assert.deepEqual(body, fs.readFileSync(path.join(ROOT, 'build/web', f)), `${f} ${encoding} decodes to the file`);
    }
  }
  const plain = await fetch(`${base}/loyalty/loyalty_core.wasm`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(plain.headers.get('content-type'), 'application/wasm');
});

test('on a slow connection the page keeps still (CLS 0) and the core arrives in parallel', async () => {
  const { slowLoad } = await import('../../web/scripts/slow-network.mjs');
  const figures = await slowLoad(browser, `${base}/switch?shop=cafe&shopper=lucia&lang=en&to=/`);
  assert.deepEqual(figures.shifts, [], `layout shifts: ${JSON.stringify(figures)}`);
  assert.equal(figures.cls, 0);
  assert.ok(figures.coffee_card_shown, 'the coffee card is on screen once the core has rendered');
  const { files } = figures;
  // The .wasm is asked for before the glue has arrived (in parallel, not after it).
  assert.ok(files['loyalty_core.wasm'].start < files['loyalty_core.js'].end, JSON.stringify(files));
  assert.ok(files['loyalty_core.wasm'].wire < files['loyalty_core.wasm'].body / 2, 'compressed on the wire');
});
