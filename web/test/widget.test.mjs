// The widget in headless Chromium against the real loyalty-server (issue 6): balance and tier,
// the checkout preview following the cart, a reward's new total and the loyalty:redeem event, an
// order posted by the shop reaching the portal, the offline queue delivering exactly once, a
// forged token, merchant text kept as text, inline values and deep links. Every expected number
// comes from the server's own answers, never from constants in this file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enroll, launchBrowser, mintToken, openPage, programFile, shadowText, startServer } from './harness.mjs';

const fashion = programFile('fashion');
const cafe = programFile('cafe');

const CART = {
  currency: 'USD',
  lines: [
    { sku: 'trench', name: 'Trench coat', category: 'coats', unit_price_minor: 18900, quantity: 1 },
    { sku: 'sneaker', name: 'Sneakers', category: 'shoes', unit_price_minor: 9500, quantity: 1 },
  ],
  shipping_minor: 700,
};

// Formats as the page does (Chromium's ICU, not Node's).
const inPage = {
  points: (page, n) => page.evaluate((x) => new Intl.NumberFormat('en').format(x), n),
  money: (page, minor, currency) =>
    page.evaluate(
      ([m, c]) => {
        const f = new Intl.NumberFormat('en', { style: 'currency', currency: c, currencyDisplay: 'narrowSymbol' });
        return f.format(m / 10 ** f.resolvedOptions().maximumFractionDigits);
      },
      [minor, currency],
    ),
};

describe('widget against the real server (fashion program)', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer(fashion);
    browser = await launchBrowser();
    await enroll(server, 'ana');
    // Silver: an order over the Silver threshold, posted as the shop would after payment.
    const order = await server.admin('POST', '/v1/orders', { member_id: 'ana', order_id: 'o-1', cart: { ...CART, lines: [{ sku: 'coat', category: 'coats', unit_price_minor: 60000, quantity: 1 }] } });
    assert.equal(order.status, 200, JSON.stringify(order.data));
    const gift = await server.admin('POST', '/v1/adjustments', { member_id: 'ana', points: 2000, reason: 'Store opening gift' });
    assert.equal(gift.status, 200, JSON.stringify(gift.data));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the portal shows the member balance and tier from the server', async () => {
    const state = (await server.shopper('ana', 'GET', '/v1/members/me')).data;
    assert.ok(state.balance > 0 && state.tier.id !== 'member', 'the seed order earned points and a tier');
    const page = await openPage(browser, server.page('portal', { token: mintToken('ana'), body: '<loyalty-portal></loyalty-portal>' }));
    const balance = await page.evaluate(() => document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=balance]').textContent);
    assert.match(balance, new RegExp(`^${(await inPage.points(page, state.balance)).replace(/[.,]/g, '\\$&')}`));
    const tier = await page.evaluate(() => document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=tier]').textContent);
    assert.equal(tier, fashion.tiers.levels.find((l) => l.id === state.tier.id).name);
    const text = await shadowText(page, 'loyalty-portal');
    const next = fashion.tiers.levels.find((l) => l.id === state.tier.next.id).name;
    assert.ok(text.includes(`${await inPage.money(page, state.tier.next.remaining, 'USD')} more to ${next}`), text);
    // Coupon-only rewards (reached through their code) and store credit (spent at checkout) are not listed.
    const couponOnly = new Set((fashion.coupons ?? []).map((c) => c.reward));
    for (const r of fashion.rewards) if (!couponOnly.has(r.id) && r.type !== 'store_credit_spend') assert.ok(text.includes(r.name), `reward ${r.name} listed`);
    assert.ok(!text.includes('Newsletter: 10% off'), 'a coupon-only reward is not offered in the portal');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('the checkout preview follows the cart and matches the server preview', async () => {
    const page = await openPage(browser, server.page('checkout', { token: mintToken('ana'), body: '<loyalty-checkout></loyalty-checkout>' }));
    await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
    const expected = (await server.shopper('ana', 'POST', '/v1/members/me/preview', { cart: CART })).data;
    const earns = () => page.evaluate(() => document.querySelector('loyalty-checkout').shadowRoot.querySelector('[part=earns]').textContent);
    assert.equal(await earns(), `This order earns ${await inPage.points(page, expected.points.total)} points`);
    // The tier nudge counts what is still missing after this cart.
    const state = (await server.shopper('ana', 'GET', '/v1/members/me')).data;
    const gold = fashion.tiers.levels.find((l) => l.id === 'gold');
    assert.equal(expected.tier.after, state.tier.id, 'this cart does not reach Gold');
    const nudges = await page.evaluate(() => document.querySelector('loyalty-checkout').shadowRoot.querySelector('[part=nudges]').textContent);
    assert.equal(nudges, `Add ${await inPage.money(page, gold.min - expected.tier.qualifying_after, 'USD')} to reach Gold`);
    // A bigger cart through the DOM event, as a shop without the global would send it.
    const bigger = { ...CART, lines: CART.lines.map((l) => ({ ...l, quantity: 3 })) };
    await page.evaluate((cart) => document.dispatchEvent(new CustomEvent('loyalty:cart', { detail: cart })), bigger);
    const again = (await server.shopper('ana', 'POST', '/v1/members/me/preview', { cart: bigger })).data;
    assert.notEqual(again.points.total, expected.points.total);
    assert.equal(await earns(), `This order earns ${await inPage.points(page, again.points.total)} points`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('choosing a reward shows the new total and tells the shop with loyalty:redeem', async () => {
    const page = await openPage(browser, server.page('redeem', { token: mintToken('ana'), body: '<loyalty-checkout></loyalty-checkout>' }));
    await page.evaluate(() => {
      window.redeemed = [];
      document.addEventListener('loyalty:redeem', (e) => window.redeemed.push(e.detail));
    });
    await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
    const reward = fashion.rewards.find((r) => r.id === '10-off');
    await page.locator('loyalty-checkout').getByRole('button', { name: `Use ${reward.name}` }).click();
    assert.deepEqual(await page.evaluate(() => window.redeemed), [{ reward: '10-off' }]);
    const expected = (await server.shopper('ana', 'POST', '/v1/members/me/preview', { cart: CART, redeem: [{ reward: '10-off' }] })).data;
    assert.equal(expected.redeem.applied.length, 1);
    const total = await page.evaluate(() => document.querySelector('loyalty-checkout').shadowRoot.querySelector('[part=new-total]').textContent);
    assert.equal(total, `New total${await inPage.money(page, expected.totals.total_minor, 'USD')}`);
    // And back: removing it clears the new total and says so to the shop.
    await page.locator('loyalty-checkout').getByRole('button', { name: `Remove: ${reward.name}` }).click();
    assert.deepEqual((await page.evaluate(() => window.redeemed))[1], { reward: '10-off', remove: true });
    assert.equal(await page.evaluate(() => document.querySelector('loyalty-checkout').shadowRoot.querySelector('[part=new-total]')), null);
    await page.context().close();
  });

  test('an order posted by the shop updates the portal balance from the server', async () => {
    const page = await openPage(browser, server.page('refresh', { token: mintToken('ana'), refresh: 1, body: '<loyalty-portal></loyalty-portal><p>Balance: <span data-loyalty-points></span></p>' }));
    const posted = await server.admin('POST', '/v1/orders', { member_id: 'ana', order_id: 'o-2', cart: CART });
    assert.equal(posted.status, 200);
    const want = await inPage.points(page, posted.data.balance);
    await page.waitForFunction((w) => document.querySelector('[data-loyalty-points]').textContent === w, want, { timeout: 10_000 });
    const balance = await page.evaluate(() => document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=balance]').textContent);
    assert.ok(balance.startsWith(want), balance);
    // The live region announced the change for screen readers.
    await page.waitForFunction(() => /balance is now/.test(document.querySelector('loyalty-portal').shadowRoot.querySelector('[role=status]').textContent));
    await page.context().close();
  });

  test('a non-cart reward is redeemed from the portal after a confirmation, and the server state shows it', async () => {
    const before = (await server.shopper('ana', 'GET', '/v1/members/me')).data;
    const tote = fashion.rewards.find((r) => r.id === 'tote');
    assert.ok(before.balance >= tote.cost, 'ana can afford the tote');
    const page = await openPage(browser, server.page('tote', { token: mintToken('ana'), body: '<loyalty-portal></loyalty-portal>' }));
    const portal = page.locator('loyalty-portal');
    await portal.getByRole('button', { name: `Redeem ${tote.name}` }).click();
    const confirm = portal.getByRole('button', { name: `Redeem for ${await inPage.points(page, tote.cost)} points` });
    assert.equal(await page.evaluate(() => document.querySelector('loyalty-portal').shadowRoot.activeElement?.dataset.key), 'confirm', 'focus moves to the confirmation');
    await confirm.click();
    await page.waitForFunction((name) => document.querySelector('loyalty-portal').shadowRoot.textContent.includes(`Redeemed: ${name}`), tote.name, { timeout: 10_000 });
    const after = (await server.shopper('ana', 'GET', '/v1/members/me')).data;
    assert.equal(after.balance, before.balance - tote.cost);
    const shown = await page.evaluate(() => document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=balance]').textContent);
    assert.ok(shown.startsWith(await inPage.points(page, after.balance)), shown);
    await page.context().close();
  });

  test('a product hint shows what the product earns, not a welcome bonus held for the first order', async () => {
    await enroll(server, 'nina');
    const gift = { sku: 'gift-100', category: 'gift-cards', unit_price_minor: 10000, quantity: 1 };
    const server_view = (await server.shopper('nina', 'POST', '/v1/members/me/preview', { cart: { currency: 'USD', lines: [gift] } })).data;
    assert.ok(server_view.points.total > 0 && server_view.points.lines.every((l) => l.explain.key === 'earn.signup'), 'the first order would collect the welcome bonus');
    const body = `<span id="gift" data-loyalty-earn-preview data-sku="gift-100" data-category="gift-cards" data-price-minor="10000">…</span>`;
    const page = await openPage(browser, server.page('hint', { token: mintToken('nina'), body }));
    assert.equal(await page.textContent('#gift'), '', 'a gift card earns nothing by itself');
    await page.context().close();
  });

  test('an action made offline waits in the queue and is delivered exactly once', async () => {
    await enroll(server, 'olga');
    const before = (await server.shopper('olga', 'GET', '/v1/members/me')).data.balance;
    const context = await browser.newContext();
    const url = server.page('offline', { token: mintToken('olga'), body: '<loyalty-portal></loyalty-portal>' });
    const page = await openPage(browser, url, { context });
    await context.setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await page.evaluate(() => window.Loyalty.action('review'));
    await page.waitForFunction(() => /1 action waits/.test(document.querySelector('loyalty-portal').shadowRoot.textContent));
    // The queue survives the page: a new page of the same shop, still offline, holds it.
    await page.close();
    const again = await context.newPage();
    await again.goto(url).catch(() => {}); // offline: the navigation itself fails
    await context.setOffline(false);
    const page2 = await openPage(browser, url, { context });
    const review = fashion.earn.find((r) => r.id === 'review');
    await page2.waitForFunction(() => !/waits/.test(document.querySelector('loyalty-portal').shadowRoot.textContent), null, { timeout: 15_000 });
    // More chances to send twice: reconnect events and refreshes.
    await page2.evaluate(() => window.dispatchEvent(new Event('online')));
    await page2.evaluate(() => window.Loyalty.refresh());
    const events = (await server.admin('GET', '/v1/events?member=olga')).data.events.filter((e) => e.type === 'action');
    assert.equal(events.length, 1, JSON.stringify(events));
    const state = (await server.shopper('olga', 'GET', '/v1/members/me')).data;
    assert.equal(state.balance, before + review.points);
    await context.close();
  });

  test('a forged token shows a clear signed-out state, not a crash', async () => {
    const forged = mintToken('ana', { secret: 'not-the-shop-secret' });
    const page = await openPage(browser, server.page('forged', { token: forged, body: '<loyalty-portal></loyalty-portal><loyalty-checkout></loyalty-checkout>' }));
    const text = await shadowText(page, 'loyalty-portal');
    assert.match(text, /You are signed out/);
    assert.doesNotMatch(text, /Available/);
    await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
    const checkout = await shadowText(page, 'loyalty-checkout');
    assert.match(checkout, /signed out/);
    assert.doesNotMatch(checkout, /Join and/, 'a signed-out member is not invited to join again');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('the page\'s bootstrap copy shows before any answer, and the server\'s answer replaces it', async () => {
    const state = (await server.shopper('ana', 'GET', '/v1/members/me')).data;
    const etag = (await fetch(`${server.base}/v1/program`)).headers.get('etag');
    // A copy from an earlier page render: 7 points fewer than the server now has.
    const stale = { ...state, balance: state.balance - 7 };
    const ctx = await browser.newContext();
    let release;
    const gate = new Promise((r) => {
      release = r;
    });
    const held = [];
    await ctx.route('**/v1/**', async (route) => {
      held.push(new URL(route.request().url()).pathname);
      await gate; // the real server answers, later
      await route.continue();
    });
    const page = await ctx.newPage();
    await page.goto(server.page('boot', { token: mintToken('ana'), body: '<loyalty-portal></loyalty-portal>', bootstrap: { program: fashion, etag, state: stale } }));
    const balance = () => page.evaluate(() => document.querySelector('loyalty-portal')?.shadowRoot?.querySelector('[part=balance]')?.textContent ?? '');
    await page.waitForFunction(() => document.querySelector('loyalty-portal')?.shadowRoot?.querySelector('[part=balance]'));
    assert.ok((await balance()).startsWith(await inPage.points(page, stale.balance)), 'the bootstrap balance, with no answer yet');
    assert.ok(held.includes('/v1/members/me') && held.includes('/v1/program'), `the widget still asks the server: ${held}`);
    release();
    await page.evaluate(() => window.Loyalty.ready);
    const fresh = await inPage.points(page, state.balance);
    await page.waitForFunction((text) => document.querySelector('loyalty-portal').shadowRoot.querySelector('[part=balance]').textContent.startsWith(text), fresh);
    await ctx.close();

    // A copy for another member (a cached page) is not shown to this one.
    const other = await browser.newContext();
    const page2 = await other.newPage();
    await page2.goto(server.page('boot-other', { token: mintToken('ana'), body: '<loyalty-portal></loyalty-portal>', bootstrap: { program: fashion, etag, state: { ...stale, member_id: 'someone-else', balance: 987654 } } }));
    await page2.evaluate(() => window.Loyalty.ready);
    assert.ok(!(await shadowText(page2, 'loyalty-portal')).includes(await inPage.points(page2, 987654)));
    await other.close();
  });

  test('inline values, product earn hints and deep links', async () => {
    const state = (await server.shopper('ana', 'GET', '/v1/members/me')).data;
    const body = `<p><a href="#" data-loyalty-open="rewards">Points: <span data-loyalty-points></span></a> <span data-loyalty-tier></span></p>
      <p>Trench <span data-loyalty-earn-preview data-sku="trench" data-category="coats" data-price-minor="18900"></span></p>`;
    const page = await openPage(browser, server.page('inline', { token: mintToken('ana'), body }));
    assert.equal(await page.textContent('[data-loyalty-points]'), await inPage.points(page, state.balance));
    assert.equal(await page.textContent('[data-loyalty-tier]'), fashion.tiers.levels.find((l) => l.id === state.tier.id).name);
    const one = (await server.shopper('ana', 'POST', '/v1/members/me/preview', { cart: { currency: 'USD', lines: [{ sku: 'trench', category: 'coats', unit_price_minor: 18900, quantity: 1 }] } })).data;
    assert.equal(await page.textContent('[data-loyalty-earn-preview]'), `earn ${await inPage.points(page, one.points.total)} points`);
    await page.click('[data-loyalty-open]');
    await page.waitForFunction(() => document.querySelector('loyalty-launcher')?.shadowRoot?.querySelector('[role=dialog]'));
    const focused = await page.evaluate(() => document.querySelector('loyalty-launcher').shadowRoot.activeElement?.textContent);
    assert.equal(focused, 'Close');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.querySelector('loyalty-launcher').shadowRoot.querySelector('[role=dialog]')), null);
    await page.context().close();
  });

  test('the launcher steps aside while the page shows a portal', async () => {
    const body = '<loyalty-portal compact></loyalty-portal><div style="height: 4000px"></div><p id="end">End</p><loyalty-launcher></loyalty-launcher>';
    const page = await openPage(browser, server.page('aside', { token: mintToken('ana'), body }));
    const launcherButton = () => page.evaluate(() => !!document.querySelector('loyalty-launcher').shadowRoot?.querySelector('button.launcher'));
    await page.waitForFunction(() => document.querySelector('loyalty-portal')?.shadowRoot?.textContent.length > 0);
    await page.waitForFunction(() => document.querySelector('loyalty-launcher').shadowRoot);
    assert.equal(await launcherButton(), false, 'no launcher while the portal is in view');
    await page.locator('#end').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('loyalty-launcher').shadowRoot.querySelector('button.launcher'));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => !document.querySelector('loyalty-launcher').shadowRoot.querySelector('button.launcher'));
    assert.equal(await launcherButton(), false, 'gone again once the portal is back');
    await page.context().close();
  });
});

describe('widget with merchant text and a punch card (café program)', () => {
  let server;
  let browser;
  const evil = '<img src=x onerror=alert(1)>';

  before(async () => {
    const program = structuredClone(cafe);
    program.rewards.find((r) => r.id === '5-off').name = evil;
    server = await startServer(program);
    browser = await launchBrowser();
    await enroll(server, 'mateo');
    await server.admin('POST', '/v1/adjustments', { member_id: 'mateo', points: 500, reason: `${evil} gift` });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a reward name with markup is shown as text and never runs', async () => {
    const page = await openPage(browser, server.page('xss', { token: mintToken('mateo'), body: '<loyalty-portal></loyalty-portal><loyalty-checkout></loyalty-checkout>' }));
    await page.evaluate(() => window.Loyalty.setCart({ currency: 'PEN', lines: [{ sku: 'latte', category: 'coffee', unit_price_minor: 1200, quantity: 2 }] }));
    for (const el of ['loyalty-portal', 'loyalty-checkout']) {
      assert.ok((await shadowText(page, el)).includes(evil), `${el} shows the name as text`);
      assert.equal(await page.evaluate((s) => document.querySelector(s).shadowRoot.querySelectorAll('img').length, el), 0);
    }
    assert.ok((await shadowText(page, 'loyalty-portal')).includes(`Adjustment: ${evil} gift`));
    await page.waitForTimeout(200);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('the punch card is drawn with its stamps and the checkout says what completes it', async () => {
    const state = (await server.shopper('mateo', 'GET', '/v1/members/me')).data;
    const page = await openPage(browser, server.page('card', { token: mintToken('mateo'), body: '<loyalty-portal></loyalty-portal>' }));
    const stamps = await page.evaluate(() => [...document.querySelector('loyalty-portal').shadowRoot.querySelectorAll('[part=punch-card] .stamp')].map((s) => s.classList.contains('on')));
    const card = cafe.punch_cards[0];
    assert.equal(stamps.length, card.required);
    assert.equal(stamps.filter(Boolean).length, state.punch_cards?.[card.id] ?? 0);
    await page.context().close();
  });

  test('a guest is invited to join and sees what the cart would earn', async () => {
    const page = await openPage(browser, server.page('guest', { body: '<loyalty-portal></loyalty-portal>' }));
    await page.evaluate(() => {
      window.joined = 0;
      document.addEventListener('loyalty:join', () => window.joined++);
      window.Loyalty.setCart({ currency: 'PEN', lines: [{ sku: 'latte', category: 'coffee', unit_price_minor: 1200, quantity: 2 }] });
    });
    const text = await shadowText(page, 'loyalty-portal');
    assert.match(text, new RegExp(`Join ${cafe.name}`));
    assert.match(text, /This cart would earn you \d+ points/);
    await page.locator('loyalty-portal').getByRole('button', { name: 'Join now' }).click();
    assert.equal(await page.evaluate(() => window.joined), 1);
    await page.context().close();
  });

  test('bad carts from the page never break the widget', async () => {
    const page = await openPage(browser, server.page('bad', { token: mintToken('mateo'), body: '<loyalty-checkout></loyalty-checkout>' }));
    for (const cart of ['nonsense', 42, null, { currency: 'PEN', lines: [{ sku: 'x', unit_price_minor: -5, quantity: -1 }] }, { currency: 'PEN', lines: [{ sku: 'x', unit_price_minor: 1e300, quantity: 1 }] }]) {
      await page.evaluate((c) => window.Loyalty.setCart(c), cart);
      assert.match(await shadowText(page, 'loyalty-checkout'), /Add something to your cart/);
    }
    await page.evaluate(() => window.Loyalty.setCart({ currency: 'PEN', lines: [{ sku: 'latte', category: 'coffee', unit_price_minor: 1200, quantity: 1 }] }));
    assert.match(await shadowText(page, 'loyalty-checkout'), /This order earns/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
