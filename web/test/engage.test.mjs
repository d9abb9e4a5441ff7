// Issue 16 in the browser against the real server and core: the prize wheel (the server's prize,
// announced; no spin animation under prefers-reduced-motion; disabled with its reason), the
// coupon field at checkout, the claim field, the membership card, store credit, locked rewards
// saying why, and axe-core with screenshots in English and Spanish at 375 px
// (build/screenshots/web/engage-*). The program is engage-program.mjs's: every test runs on it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { engageProgram } from './engage-program.mjs';
import { SCREENSHOTS, enroll, launchBrowser, mintToken, openPage, startServer } from './harness.mjs';


const CART = {
  currency: 'PEN',
  lines: [
    { sku: 'latte', category: 'coffee', unit_price_minor: 1200, quantity: 2 },
    { sku: 'croissant', category: 'pastries', unit_price_minor: 900, quantity: 1 },
  ],
};

const shadow = (page, el) => page.evaluate((s) => document.querySelector(s)?.shadowRoot?.textContent ?? '', el);

describe('engagement in the widget (issue 16)', () => {
  let server;
  let browser;
  let served; // the program the server runs

  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    served = engageProgram();
    server = await startServer(served);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A page at `width` with motion as the test wants it (openPage's default is reduced). */
  async function open(member, { locale = 'en', body = '<loyalty-portal></loyalty-portal>', width = 375, motion = 'reduce' } = {}) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, reducedMotion: motion });
    const url = server.page(`engage-${member}-${locale}`, { token: mintToken(member), locale, body, head: '<script src="/axe.min.js"></script>' });
    const page = await openPage(browser, url, { context });
    // The core has compiled and the catalog is drawn (the wheel, the membership card need it).
    await page.waitForFunction(() => !!window.Loyalty.app.view.catalog && !!document.querySelector('loyalty-portal, loyalty-checkout')?.shadowRoot?.querySelector('[part=panel]'));
    return page;
  }

  const serverPrize = async (member) => {
    const history = (await server.shopper(member, 'GET', '/v1/members/me')).data.history;
    const entry = [...history].reverse().find((e) => e.kind === 'prize');
    return entry?.lines?.find((l) => l.explain?.key?.startsWith('prize.'))?.explain;
  };

  test('the wheel spins to the prize the server drew, announces it, then says why it cannot spin again', async (t) => {
    await enroll(server, 'wendy');
    const page = await open('wendy', { width: 1280, motion: 'no-preference' });
    const wheel = page.locator('loyalty-portal').locator('[part=wheel]');
    assert.match(await wheel.textContent(), /Lucky wheel/);
    assert.match(await wheel.textContent(), /A free coffee/, 'a prize name in the shopper language');
    assert.match(await wheel.textContent(), /25\s?% chance/, 'chances from the catalog');
    const duration = await page.evaluate(() => getComputedStyle(document.querySelector('loyalty-portal').shadowRoot.querySelector('.wheel-disc')).transitionDuration);
    assert.notEqual(duration, '0s', 'the wheel turns when motion is fine');
    await wheel.getByRole('button', { name: /Spin the Lucky wheel/ }).click();
    const live = page.locator('loyalty-portal').locator('[aria-live=polite]');
    await page.waitForFunction(() => /You won|No prize/.test(document.querySelector('loyalty-portal').shadowRoot.querySelector('[aria-live=polite]').textContent), null, { timeout: 8000 });
    const said = await live.textContent();
    const prize = await serverPrize('wendy');
    assert.ok(prize, 'the server recorded the spin');
    if (prize.key === 'prize.points') assert.match(said, /You won 50 points/);
    else if (prize.key === 'prize.voucher') assert.match(said, /You won A free coffee/);
    else assert.match(said, /No prize this time/);
    const turn = await page.evaluate(() => document.querySelector('loyalty-portal').shadowRoot.querySelector('.wheel-disc').style.transform);
    assert.match(turn, /rotate\(\d+(\.\d+)?deg\)/);
    assert.ok(parseFloat(turn.slice(7)) >= 1800, `turned at least five times: ${turn}`);
    // The slice numbers stay upright: on screen each one's rotation is the disc's turn undone.
    const tilts = await page.evaluate(() => [...document.querySelector('loyalty-portal').shadowRoot.querySelectorAll('.seg-no')].map((n) => {
      const m = new DOMMatrix(getComputedStyle(n).transform);
      const disc = new DOMMatrix(getComputedStyle(n.parentNode).transform);
      const both = disc.multiply(m);
      return Math.round((Math.atan2(both.b, both.a) * 180) / Math.PI);
    }));
    assert.ok(tilts.length > 0, 'the wheel has numbered slices');
    assert.deepEqual(tilts.filter((d) => d !== 0 && d !== -0), [], `numbers tilted: ${tilts}`);
    await wheel.screenshot({ path: path.join(SCREENSHOTS, 'engage-wheel-after-spin-en.png') });
    const button = wheel.getByRole('button');
    await page.waitForFunction(() => document.querySelector('loyalty-portal').shadowRoot.querySelector('[data-key=spin-lucky]')?.disabled);
    const why = await page.evaluate(() => {
      const root = document.querySelector('loyalty-portal').shadowRoot;
      const b = root.querySelector('[data-key=spin-lucky]');
      return root.getElementById(b.getAttribute('aria-describedby'))?.textContent;
    });
    assert.equal(why, 'You have had your spin (1 per day)');
    assert.equal(await button.isDisabled(), true);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('by keyboard alone: Tab reaches the spin button, which shows its focus, and Enter spins', async () => {
    await enroll(server, 'kira');
    const page = await open('kira');
    const focused = () => page.evaluate(() => {
      const el = document.activeElement?.shadowRoot?.activeElement;
      if (!el) return null;
      const style = getComputedStyle(el);
      return { key: el.dataset.key ?? '', ring: style.outlineStyle !== 'none' || style.boxShadow !== 'none' };
    });
    let at = null;
    for (let i = 0; i < 60 && at?.key !== 'spin-lucky'; i++) {
      await page.keyboard.press('Tab');
      at = await focused();
    }
    assert.equal(at?.key, 'spin-lucky', 'the spin button is in the tab order');
    assert.ok(at.ring, 'the focused button shows a focus ring');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /You won|No prize/.test(document.querySelector('loyalty-portal').shadowRoot.querySelector('[aria-live=polite]').textContent), null, { timeout: 5000 });
    assert.ok(await serverPrize('kira'), 'the spin reached the server');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('under prefers-reduced-motion the wheel does not turn: the result is shown and announced at once', async (t) => {
    await enroll(server, 'rita');
    const page = await open('rita', { locale: 'es' });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const duration = await page.evaluate(() => getComputedStyle(document.querySelector('loyalty-portal').shadowRoot.querySelector('.wheel-disc')).transitionDuration);
    assert.equal(duration, '0s');
    const started = Date.now();
    await page.locator('loyalty-portal').getByRole('button', { name: /Girar la Ruleta de la suerte/ }).click();
    await page.waitForFunction(() => /Ganaste|no hubo premio/.test(document.querySelector('loyalty-portal').shadowRoot.querySelector('[aria-live=polite]').textContent), null, { timeout: 3000 });
    assert.ok(Date.now() - started < 2000, 'no waiting for a spin animation');
    assert.match(await page.locator('loyalty-portal').locator('[part=wheel-result]').textContent(), /Ganaste|no hubo premio/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('a spin whose answer is lost is sent again with its key: one spin, the same prize', async (t) => {
    await enroll(server, 'lena');
    const page = await open('lena');
    // The first answer is lost on the way back: the server applied the spin, the page saw an error.
    let lost = 0;
    const keys = [];
    await page.route('**/v1/members/me/spins', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (lost++ === 0) {
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    const button = page.locator('loyalty-portal').locator('[data-key=spin-lucky]');
    await button.click();
    await page.waitForFunction(() => /needs a connection/.test(document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=wheel-result]')?.textContent ?? ''));
    await button.click();
    await page.waitForFunction(() => /You won|No prize/.test(document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=wheel-result]')?.textContent ?? ''));
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1], 'the retry carries the first Idempotency-Key');
    const ledger = (await server.admin('GET', '/v1/events?member=lena')).data.events.filter((e) => e.type === 'spin');
    assert.equal(ledger.length, 1, 'one spin on the server');
    const prize = await serverPrize('lena');
    const said = await page.locator('loyalty-portal').locator('[part=wheel-result]').textContent();
    if (prize.key === 'prize.points') assert.match(said, /You won 50 points/);
    else if (prize.key === 'prize.voucher') assert.match(said, /You won A free coffee/);
    else assert.match(said, /No prize this time/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('a coupon code at checkout: a good one takes its discount off, an unknown one says so', async (t) => {
    await enroll(server, 'cora');
    const page = await open('cora', { body: '<loyalty-checkout></loyalty-checkout>' });
    await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
    const checkout = page.locator('loyalty-checkout');
    const field = checkout.getByLabel('Coupon code');
    await field.fill('nope');
    await checkout.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => /Code nope is not a valid code/.test(document.querySelector('loyalty-checkout').shadowRoot.textContent));
    assert.equal(await checkout.getByLabel('Coupon code').inputValue(), 'nope', 'a refused code stays to be corrected');
    assert.equal(await checkout.getByRole('alert').count() > 0, true, 'the refusal is announced');
    await checkout.getByLabel('Coupon code').fill(' news10 ');
    await checkout.getByRole('button', { name: 'Apply' }).click();
    const preview = (await server.shopper('cora', 'POST', '/v1/members/me/preview', { cart: CART, coupons: ['news10'] })).data;
    const applied = preview.redeem.applied.find((a) => a.coupon);
    assert.ok(applied, JSON.stringify(preview.redeem));
    const amount = await page.evaluate((m) => new Intl.NumberFormat('en', { style: 'currency', currency: 'PEN', currencyDisplay: 'narrowSymbol' }).format(m / 100), applied.discount_minor);
    await page.waitForFunction((a) => document.querySelector('loyalty-checkout').shadowRoot.querySelector('[part=coupon]')?.textContent.includes(a), amount.replace(/^PEN\s?/, ''));
    assert.equal(await checkout.getByLabel('Coupon code').inputValue(), '', 'an applied code leaves the field');
    assert.match(await shadow(page, 'loyalty-checkout'), /10% off/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('the membership card: the trial with its days left and benefits; a non-member can start one; locked rewards say why', async (t) => {
    await enroll(server, 'mia');
    const started = await server.admin('POST', '/v1/members/mia/membership', { type: 'membership_start' });
    assert.equal(started.status, 200, JSON.stringify(started.data));
    const page = await open('mia');
    const card = page.locator('loyalty-portal').locator('[part=membership]');
    const text = await card.textContent();
    assert.match(text, /Free trial/);
    assert.match(text, /(\d+) days? of your free trial left/);
    assert.match(text, /A free latte every week/);
    assert.match(text, /Free shipping/, 'an identifier benefit made readable');
    await page.context().close();

    await enroll(server, 'nina');
    const other = await open('nina');
    const offer = other.locator('loyalty-portal').getByRole('button', { name: 'Start your 30-day free trial' });
    const event = other.evaluate(() => new Promise((resolve) => document.addEventListener('loyalty:membership', (e) => resolve(e.detail), { once: true })));
    await offer.click();
    assert.deepEqual(await event, { action: 'start_trial', membership: 'plus' });
    const portal = await shadow(other, 'loyalty-portal');
    assert.match(portal, /Plus latte[^]*For Plus members/);
    assert.match(portal, /Veteran's treat[^]*For members of a year or more/);
    assert.deepEqual(other.errors, []);
    await other.context().close();
  });

  test('a reward whose requirement the cart does not meet says so at checkout, and applies once it does', async (t) => {
    await enroll(server, 'rex');
    const page = await open('rex', { locale: 'es', body: '<loyalty-checkout></loyalty-checkout>' });
    await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
    const row = page.locator('loyalty-checkout').locator('[data-reward=pastry-deal]');
    assert.match(await row.textContent(), /Pan dulce gratis con tres cafés[^]*Con al menos 3 Coffee en el carrito/);
    assert.equal(await row.getByRole('button').count(), 0, 'no button for a reward that cannot apply');
    await page.evaluate((cart) => window.Loyalty.setCart({ ...cart, lines: [{ ...cart.lines[0], quantity: 3 }, cart.lines[1]] }), CART);
    await row.getByRole('button').waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('a challenge shows its steps and which are done; the checkout says what the cart completes', async (t) => {
    await enroll(server, 'hugo');
    const page = await open('hugo', { body: '<loyalty-portal></loyalty-portal><loyalty-checkout></loyalty-checkout>' });
    await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
    const challenge = page.locator('loyalty-portal').locator('[part=challenge]');
    assert.match(await challenge.textContent(), /Treasure hunt[^]*0 of 2 steps done[^]*Write a review \(To do\)[^]*Buy a pastry \(To do\)[^]*Do the steps in order/);
    assert.equal(await page.locator('loyalty-checkout').locator('[part=challenge-step]').count(), 0, 'in order: the pastry does not count before the review');
    const review = await server.shopper('hugo', 'POST', '/v1/members/me/actions', { action: 'review' });
    assert.equal(review.status, 200, JSON.stringify(review.data));
    await page.evaluate(() => window.Loyalty.refresh());
    await page.waitForFunction(() => /1 of 2 steps done/.test(document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=challenge]').textContent));
    assert.match(await challenge.textContent(), /Write a review \(Done\)[^]*Buy a pastry \(To do\)/);
    const note = page.locator('loyalty-checkout').locator('[part=challenge-step]');
    await note.waitFor();
    assert.equal(await note.textContent(), 'This order completes Treasure hunt!');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('rewards for frequent buyers and for members we missed say why they are locked', async (t) => {
    await enroll(server, 'fred');
    const order = await server.admin('POST', '/v1/orders', { member_id: 'fred', order_id: 'f-1', cart: CART });
    assert.equal(order.status, 200, JSON.stringify(order.data));
    for (const [locale, frequent, missed] of [
      ['en', /Regulars' croissant[^]*For frequent buyers: 3 orders in the last 30 days/, /Welcome back coffee[^]*We missed you: for members back after 60 days away/],
      ['es', /Croissant del cliente fiel[^]*Para clientes frecuentes: 3 pedidos en los últimos 30 días/, /Café de bienvenida[^]*Te extrañamos: para quienes vuelven tras 60 días sin comprar/],
    ]) {
      const page = await open('fred', { locale });
      const text = await shadow(page, 'loyalty-portal');
      assert.match(text, frequent);
      assert.match(text, missed);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });

  test('a reward for a segment says which; an order that puts the member in it unlocks it', async (t) => {
    await enroll(server, 'sam');
    const page = await open('sam', { locale: 'es' });
    const row = page.locator('loyalty-portal').locator('[data-reward=baker]');
    assert.match(await row.textContent(), /Docena del panadero[^]*Para socios en: Amantes del pan dulce/);
    const order = await server.admin('POST', '/v1/orders', { member_id: 'sam', order_id: 's-1', cart: CART });
    assert.equal(order.status, 200, JSON.stringify(order.data));
    await page.evaluate(() => window.Loyalty.refresh());
    // docs/engagement-json.md lists an audience.segment history line ("Ahora estás en: …"); the
    // core does not write it (yet), so only the unlock is checked.
    await page.waitForFunction(() => !/Para socios en/.test(document.querySelector('loyalty-portal').shadowRoot.querySelector('[data-reward=baker]').textContent));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('claiming a code in the portal puts its voucher in the list', async (t) => {
    await enroll(server, 'clara');
    const page = await open('clara');
    const portal = page.locator('loyalty-portal');
    await portal.getByLabel('Have a code?').fill('zzz');
    await portal.getByRole('button', { name: 'Claim' }).click();
    await page.waitForFunction(() => /Code zzz could not be claimed: no such code/.test(document.querySelector('loyalty-portal').shadowRoot.textContent));
    // Typed while the refusal's refresh is on its way: the re-render keeps what is typed.
    await portal.getByLabel('Have a code?').fill('news10');
    await page.evaluate(() => window.Loyalty.refresh());
    assert.equal(await portal.getByLabel('Have a code?').inputValue(), 'news10');
    await portal.getByRole('button', { name: 'Claim' }).click();
    await page.waitForFunction(() => /Code news10 claimed: 10% off is in your vouchers/.test(document.querySelector('loyalty-portal').shadowRoot.textContent));
    assert.equal(await portal.getByLabel('Have a code?').inputValue(), '', 'a claimed code leaves the field');
    assert.match(await portal.locator('#vouchers').textContent(), /10% off/);
    const state = (await server.shopper('clara', 'GET', '/v1/members/me')).data;
    assert.equal(state.vouchers.filter((v) => v.reward === 'news-10').length, 1, 'one voucher on the server');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('store credit is shown in the portal and spent at checkout', async (t) => {
    await enroll(server, 'cleo');
    const order = await server.admin('POST', '/v1/orders', { member_id: 'cleo', order_id: 'c-1', cart: { currency: 'PEN', lines: [{ sku: 'beans', category: 'beans', unit_price_minor: 10000, quantity: 1 }] } });
    assert.equal(order.status, 200, JSON.stringify(order.data));
    const credit = order.data.store_credit_minor;
    assert.ok(credit > 0, 'the cashback rule gave store credit');
    const page = await open('cleo', { body: '<loyalty-portal></loyalty-portal><loyalty-checkout></loyalty-checkout>' });
    assert.match(await shadow(page, 'loyalty-portal'), /store credit/);
    await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
    const preview = (await server.shopper('cleo', 'POST', '/v1/members/me/preview', { cart: CART })).data;
    const cashback = preview.totals.store_credit_earned_minor;
    assert.ok(cashback > 0, 'the cart earns cashback');
    const earned = await page.evaluate((m) => new Intl.NumberFormat('en', { style: 'currency', currency: 'PEN', currencyDisplay: 'narrowSymbol' }).format(m / 100), cashback);
    assert.match(await page.locator('loyalty-checkout').locator('[part=credit-earned]').textContent(), new RegExp(`This order also gives you .*${earned.replace(/[^0-9.]/g, '').replace('.', '\\.')} in store credit`));
    const redeemed = page.evaluate(() => new Promise((resolve) => document.addEventListener('loyalty:redeem', (e) => e.detail.credit_minor != null && resolve(e.detail))));
    await page.locator('loyalty-checkout').locator('[data-key=store-credit]').click();
    assert.deepEqual(await redeemed, { reward: 'store-credit', credit_minor: credit });
    await page.waitForFunction(() => /Store credit: −/.test(document.querySelector('loyalty-checkout').shadowRoot.querySelector('[part=store-credit]').textContent));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('cashback waiting with pending points is shown apart and cannot be spent yet', async (t) => {
    const pendingServer = await startServer({ ...structuredClone(served), pending_days: 14 });
    try {
      await enroll(pendingServer, 'iris');
      const cart = { currency: 'PEN', lines: [{ sku: 'beans', category: 'beans', unit_price_minor: 10000, quantity: 1 }] };
      const order = await pendingServer.admin('POST', '/v1/orders', { member_id: 'iris', order_id: 'i-1', cart });
      assert.equal(order.status, 200, JSON.stringify(order.data));
      assert.equal(order.data.store_credit_minor, 0, 'nothing to spend before the return window ends');
      const credit = order.data.pending.reduce((n, p) => n + (p.credit_minor ?? 0), 0);
      assert.ok(credit > 0, 'the cashback waits with the points');
      const page = await openPage(browser, pendingServer.page('pending-credit', { token: mintToken('iris'), body: '<loyalty-portal></loyalty-portal>' }));
      await page.locator('loyalty-portal').locator('[part=balance]').waitFor();
      const text = await shadow(page, 'loyalty-portal');
      assert.match(text, new RegExp(`S/\\s${(credit / 100).toFixed(2).replace('.', '\\.')} store credit from`), text.slice(0, 300));
      assert.match(text, /100 points pending until/, "the points wait beside the credit");
      assert.deepEqual(page.errors, []);
      await page.context().close();
    } finally {
      await pendingServer.stop();
    }
  });

  for (const locale of ['en', 'es']) {
    test(`axe finds nothing serious in the engagement parts (${locale}, 375 px); screenshots`, async (t) => {
      const member = `look-${locale}`;
      await enroll(server, member);
      await server.admin('POST', `/v1/members/${member}/membership`, { type: 'membership_start' });
      await server.shopper(member, 'POST', '/v1/members/me/actions', { action: 'review' });
      await server.admin('POST', '/v1/orders', { member_id: member, order_id: `${member}-1`, cart: { currency: 'PEN', lines: [{ sku: 'beans', category: 'beans', unit_price_minor: 4000, quantity: 1 }] } });
      const body = '<h1>Shop</h1><loyalty-portal></loyalty-portal><loyalty-checkout></loyalty-checkout>';
      const page = await open(member, { locale, body });
      await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
      const checkout = page.locator('loyalty-checkout');
      await checkout.locator('#coupon-code').fill('NEWS10');
      await checkout.locator('[data-key=coupon-code-go]').click();
      await page.waitForFunction(() => !!document.querySelector('loyalty-checkout').shadowRoot.querySelector('[part=coupon], #coupon-code-msg'));
      await page.locator('loyalty-portal').locator('[data-key=spin-lucky]').click();
      await page.waitForFunction(() => !!document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=wheel-result]')?.textContent);
      const bad = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
      });
      assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
      const shots = [['loyalty-portal', 'wheels'], ['loyalty-checkout', 'panel']];
      shots.push(['loyalty-portal', 'membership']);
      shots.push(['loyalty-portal', 'challenges']);
      for (const [el, part] of shots) {
        const file = path.join(SCREENSHOTS, `engage-${part}-${locale}-375.png`);
        await page.locator(el).locator(`[part=${part}]`).first().screenshot({ path: file });
        assert.ok(fs.statSync(file).size > 3000, `${file} has content`);
      }
      await page.locator('loyalty-portal').screenshot({ path: path.join(SCREENSHOTS, `engage-portal-${locale}-375.png`) });
      const text = await shadow(page, 'loyalty-portal');
      assert.match(text, locale === 'es' ? /Ruleta de la suerte/ : /Lucky wheel/);
      assert.match(text, locale === 'es' ? /1 de 2 pasos hechos/ : /1 of 2 steps done/, 'the review did the first step');
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), false, 'no horizontal scrolling');
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }
});
