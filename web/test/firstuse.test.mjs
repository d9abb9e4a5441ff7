// Issue 22 "First use", the shopper widget: what a first-time shopper hit, each checked as the
// shopper reads it (visible text and accessible names) against the real loyalty-server.
//   1. a voucher that takes nothing off this cart has no Use button; its status and why show
//   3. a refund lists what walked back, line by line, under the shop's own order number
//   5. the tier's "holds until" comes from the state's tier.holds_until
//   6. reward rows say their point cost; a reward and a voucher of it are told apart; the
//      vouchers the order issues are in "How it adds up"
//   7. the launcher's dialog keeps focus (Tab cycles, Escape closes and returns focus)
//   8. identical vouchers grouped "× 3" in the history; punch stamps in equal rows at 375 px;
//      multipliers in the shopper's digits ("×1,25" in Polish and Romanian)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enroll, launchBrowser, mintToken, openPage, programFile, shadowText, startServer } from './harness.mjs';

const cafe = programFile('cafe');
const fashion = programFile('fashion');
const line = (sku, category, price, quantity = 1) => ({ sku, category, unit_price_minor: price, quantity });
const ESPRESSO = { currency: 'PEN', lines: [line('espresso', 'coffee', 700)] };
const DAY = 86_400_000;
const daysAgo = (n) => new Date(Date.now() - n * DAY).toISOString().replace(/\.\d+Z$/, 'Z');

const root = (page, el) => page.locator(el);
const rowText = (page, el, selector) => page.evaluate(([e, s]) => [...document.querySelector(e).shadowRoot.querySelectorAll(s)].map((x) => x.textContent), [el, selector]);

describe('first use at the café (vouchers, point costs, history)', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer(cafe);
    browser = await launchBrowser();
    await enroll(server, 'lucia');
    // S/ 120 of beans: 12 "Free appetizer" vouchers (one per S/ 10) and 145 points.
    const beans = await server.admin('POST', '/v1/orders', { member_id: 'lucia', order_id: '#1001', at: daysAgo(3), cart: { currency: 'PEN', lines: [line('beans-250', 'retail', 1000, 12)] } });
    assert.equal(beans.status, 200, JSON.stringify(beans.data));
    // Ten coffees over two days (five punches a day at most): the card completes, one
    // "Free coffee" voucher.
    for (const [n, at] of [[2, daysAgo(2)], [3, daysAgo(1)]]) {
      const r = await server.admin('POST', '/v1/orders', { member_id: 'lucia', order_id: `#100${n}`, at, cart: { currency: 'PEN', lines: [line('espresso', 'coffee', 80, 5)] } });
      assert.equal(r.status, 200, JSON.stringify(r.data));
    }
    const state = (await server.shopper('lucia', 'GET', '/v1/members/me')).data;
    assert.equal(state.vouchers.filter((v) => v.reward === 'free-appetizer').length, 12);
    assert.equal(state.vouchers.filter((v) => v.reward === 'free-coffee').length, 1);
    assert.ok(state.balance >= 120, `lucia can buy a free coffee with points (${state.balance})`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('1. a voucher that cannot apply to one espresso shows why and offers no Use button', async () => {
    const page = await openPage(browser, server.page('voucher-status', { token: mintToken('lucia'), body: '<loyalty-checkout></loyalty-checkout>' }));
    await page.evaluate((cart) => window.Loyalty.setCart(cart), ESPRESSO);
    const checkout = root(page, 'loyalty-checkout');
    const row = checkout.locator('[part=voucher][data-reward="free-appetizer"]');
    assert.equal(await row.locator('.name').textContent(), 'Vouchers: Free appetizer × 12');
    assert.equal(await row.locator('[part=voucher-status]').textContent(), 'Not for this cart · needs Appetizers in the cart');
    assert.equal(await row.getByRole('button').count(), 0, 'no Use button on a voucher that takes nothing off');
    // Add an empanadita: now it takes S/ 4.50 off and can be used.
    await page.evaluate((cart) => window.Loyalty.setCart(cart), { currency: 'PEN', lines: [...ESPRESSO.lines, line('empanadita', 'appetizers', 450)] });
    assert.match(await row.textContent(), /−S\/\s?4\.50 · new total S\/\s?7\.00/);
    await checkout.getByRole('button', { name: 'Use voucher: Free appetizer' }).click();
    assert.match(await row.textContent(), /Applied · −S\/\s?4\.50/);
    // Back to the espresso alone: the chosen voucher says why it does nothing, with a way out.
    await page.evaluate((cart) => window.Loyalty.setCart(cart), ESPRESSO);
    assert.equal(await row.locator('[part=voucher-status]').textContent(), 'Not for this cart · needs Appetizers in the cart');
    await checkout.getByRole('button', { name: 'Remove voucher: Free appetizer' }).click();
    assert.equal(await row.getByRole('button').count(), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('1. in Spanish too, and the portal offers no Use on it while the cart cannot take it', async () => {
    const page = await openPage(browser, server.page('voucher-status-es', { token: mintToken('lucia'), locale: 'es', body: '<loyalty-portal></loyalty-portal><loyalty-checkout></loyalty-checkout>' }));
    await page.evaluate((cart) => window.Loyalty.setCart(cart), ESPRESSO);
    const row = root(page, 'loyalty-checkout').locator('[part=voucher][data-reward="free-appetizer"]');
    assert.equal(await row.locator('[part=voucher-status]').textContent(), 'No aplica a este carrito · necesita Appetizers en el carrito');
    const inPortal = root(page, 'loyalty-portal').locator('[part=voucher][data-reward="free-appetizer"]');
    assert.equal(await inPortal.getByRole('button').count(), 0);
    assert.match(await inPortal.textContent(), /necesita Appetizers en el carrito/);
    await page.context().close();
  });

  test('6. reward rows say their point cost, and a reward and its voucher have different names', async () => {
    const page = await openPage(browser, server.page('costs', { token: mintToken('lucia'), body: '<loyalty-checkout></loyalty-checkout>' }));
    await page.evaluate((cart) => window.Loyalty.setCart(cart), ESPRESSO);
    const checkout = root(page, 'loyalty-checkout');
    const reward = checkout.locator('[part=reward][data-reward="free-coffee"]');
    assert.match(await reward.textContent(), /^Free coffee−S\/\s?7\.00 · new total S\/\s?0\.00 · 120 pointsUse$/);
    const voucher = checkout.locator('[part=voucher][data-reward="free-coffee"]');
    assert.equal(await voucher.locator('.name').textContent(), 'Voucher: Free coffee');
    const names = await checkout.getByRole('button').evaluateAll((els) => els.map((b) => b.getAttribute('aria-label')));
    assert.ok(names.includes('Use Free coffee for 120 points'), names.join(' | '));
    assert.ok(names.includes('Use voucher: Free coffee'), names.join(' | '));
    assert.equal(new Set(names).size, names.length, `every button has its own name: ${names.join(' | ')}`);
    // Chosen, the reward keeps its cost in view.
    await checkout.getByRole('button', { name: 'Use Free coffee for 120 points' }).click();
    assert.match(await reward.textContent(), /Applied · −S\/\s?7\.00 · 120 points/);
    await checkout.getByRole('button', { name: 'Remove: Free coffee' }).click();
    // Pay with points: what this cart would take, in points, from the core.
    const pay = checkout.locator('[part=reward][data-reward="pay"]');
    assert.match(await pay.textContent(), /· \d+ points/);
    await page.context().close();
  });

  test('6. the vouchers this order issues are in "How it adds up"', async () => {
    const page = await openPage(browser, server.page('issued', { token: mintToken('lucia'), body: '<loyalty-checkout></loyalty-checkout>' }));
    await page.evaluate((cart) => window.Loyalty.setCart(cart), { currency: 'PEN', lines: [line('beans-250', 'retail', 1000, 3)] });
    const checkout = root(page, 'loyalty-checkout');
    assert.equal(await checkout.locator('[part=issues]').textContent(), 'This order also gives you: Free appetizer × 3');
    await checkout.getByText('How it adds up').click();
    assert.deepEqual(await rowText(page, 'loyalty-checkout', '[part=issued]'), ['New vouchers: Free appetizer× 3']);
    await page.context().close();
  });

  test('8. identical vouchers are one history line with their count, in four languages', async () => {
    for (const [locale, text] of [['en', 'Vouchers: Free appetizer × 12'], ['es', 'Vales: Free appetizer × 12'], ['pl', 'Kupony: Free appetizer × 12'], ['ro', 'Vouchere: Free appetizer × 12']]) {
      const page = await openPage(browser, server.page(`history-${locale}`, { token: mintToken('lucia'), locale, body: '<loyalty-portal></loyalty-portal>' }));
      const why = (await rowText(page, 'loyalty-portal', '.history .why')).join('\n');
      assert.ok(why.includes(text), `${locale}: ${why}`);
      assert.ok(!/Voucher: Free appetizer · Voucher: Free appetizer/.test(why), why);
      await page.context().close();
    }
  });

  test('8. the ten stamps of the coffee card are two rows of five at 375 px, one row of ten on desktop', async () => {
    for (const [width, rows] of [[375, [5, 5]], [1280, [10]]]) {
      const page = await openPage(browser, server.page(`stamps-${width}`, { token: mintToken('lucia'), body: '<loyalty-portal></loyalty-portal>' }), { width });
      const tops = await page.evaluate(() => [...document.querySelector('loyalty-portal').shadowRoot.querySelectorAll('[part=punch-card] .stamp')].map((s) => Math.round(s.getBoundingClientRect().top)));
      const perRow = [...tops.reduce((m, y) => m.set(y, (m.get(y) ?? 0) + 1), new Map()).values()];
      assert.deepEqual(perRow, rows, `${width} px`);
      await page.context().close();
    }
  });
});

describe('first use at the fashion store (tiers, refunds, the launcher)', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer(fashion);
    browser = await launchBrowser();
    await enroll(server, 'grace');
    const r = await server.admin('POST', '/v1/orders', { member_id: 'grace', order_id: '#2001', cart: { currency: 'USD', lines: [line('wool-coat', 'coats', 160000)] } });
    assert.equal(r.status, 200, JSON.stringify(r.data));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // The member state as the server sends it, with `patch` applied (fields a newer core writes).
  async function withState(page, patch) {
    await page.route('**/v1/members/me', async (route) => {
      const response = await route.fetch();
      const state = await response.json();
      await route.fulfill({ response, json: patch(state) });
    });
  }

  test('5. "holds until" is the state\'s tier.holds_until (the end of the next period), as the shop\'s calendar reads it', async () => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const page = await c.newPage();
    await withState(page, (s) => ({ ...s, tier: { ...s.tier, holds_until: '2028-01-01T00:00:00-05:00' } }));
    await page.goto(server.page('holds', { token: mintToken('grace'), body: '<loyalty-portal></loyalty-portal>' }));
    await page.evaluate(() => window.Loyalty.ready);
    await page.waitForFunction(() => document.querySelector('loyalty-portal').shadowRoot?.querySelector('[part=tier-until]'));
    assert.equal(await root(page, 'loyalty-portal').locator('[part=tier-until]').textContent(), 'Your tier holds until Jan 1, 2028');
    await c.close();
  });

  test('3. a refund lists what walked back, line by line, under the shop\'s order number', async () => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const page = await c.newPage();
    const args = { order_id: '#2001' };
    const refund = {
      event_id: 'srv-refund-1', at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), kind: 'refund', points: 1000 - 199 + 100 - 100, order_id: '#2001',
      lines: [
        { rule: 'base', points: -99, explain: { key: 'refund.earn', args: { ...args, rule: 'base', points: 99 } } },
        { rule: '10-off', points: 1000, explain: { key: 'refund.reward_returned', args: { ...args, reward: '10-off', points: 1000 } } },
        { rule: 'welcome', points: -100, explain: { key: 'refund.bonus_held', args: { ...args, points: 100 } } },
        { rule: 'x', points: 0, explain: { key: 'refund.something_new', args } },
      ],
    };
    await withState(page, (s) => ({ ...s, history: [...s.history, refund] }));
    await page.goto(server.page('refund-lines', { token: mintToken('grace'), body: '<loyalty-portal></loyalty-portal>' }));
    await page.evaluate(() => window.Loyalty.ready);
    const portal = root(page, 'loyalty-portal');
    await portal.locator('[part=refund-lines]').waitFor();
    const entry = portal.locator('.history > li', { has: page.locator('[part=refund-lines]') });
    assert.equal(await entry.locator('.name').textContent(), 'Refund on order #2001');
    assert.deepEqual(await portal.locator('[part=refund-lines] > li').allTextContents(), [
      'Points per dollar: points taken back−99'.replace('Points per dollar', fashion.earn.find((r) => r.id === 'base').name),
      `Points paid for ${fashion.rewards.find((r) => r.id === '10-off').name} returned+1,000`,
      'Welcome bonus held again for your next order−100',
      'Changed by the refund',
    ]);
    assert.ok(!(await shadowText(page, 'loyalty-portal')).includes('refund.'), 'no raw key');
    await c.close();
  });

  test('8. tier multipliers in Polish and Romanian digits', async () => {
    for (const [locale, text] of [['pl', 'Punkty ×1,25'], ['ro', 'Puncte ×1,25'], ['en', '1.25× points']]) {
      const page = await openPage(browser, server.page(`factor-${locale}`, { token: mintToken('grace'), locale, body: '<loyalty-portal></loyalty-portal>' }));
      const tiers = await shadowText(page, 'loyalty-portal');
      assert.ok(tiers.includes(text), `${locale}: ${text}`);
      assert.ok(!(locale !== 'en' && tiers.includes('1.25')), `${locale} has no "1.25"`);
      await page.context().close();
    }
  });

  test('7. the launcher\'s dialog keeps focus: Tab cycles inside, Escape closes and returns focus', async () => {
    const url = server.page('trap', { token: mintToken('grace'), body: '<button id="before">Shop button</button><loyalty-launcher></loyalty-launcher><button id="after">After</button>' });
    const page = await openPage(browser, url, { width: 375, height: 800 });
    await page.focus('#before');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await root(page, 'loyalty-launcher').getByRole('dialog').waitFor({ state: 'visible' });
    const where = () =>
      page.evaluate(() => {
        const host = document.activeElement;
        if (host?.localName !== 'loyalty-launcher') return `outside:${host?.id || host?.localName}`;
        const inner = host.shadowRoot.activeElement;
        const deep = inner?.localName === 'loyalty-portal' ? inner.shadowRoot.activeElement : inner;
        return `inside:${deep?.getAttribute('data-key') ?? deep?.textContent}`;
      });
    assert.equal(await where(), 'inside:close');
    const seen = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      seen.push(await where());
    }
    assert.deepEqual(seen.filter((w) => !w.startsWith('inside:')), [], 'Tab never leaves the dialog');
    assert.ok(seen.filter((w) => w === 'inside:close').length >= 1, `Tab comes back round to Close: ${seen.join(', ')}`);
    // Shift+Tab from Close goes to the last control, not to the page.
    await root(page, 'loyalty-launcher').locator('[data-key=close]').focus();
    await page.keyboard.press('Shift+Tab');
    assert.match(await where(), /^inside:/);
    await page.keyboard.press('Escape');
    assert.equal(await root(page, 'loyalty-launcher').getByRole('dialog').count(), 0, 'Escape closed the dialog');
    assert.match(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent ?? ''), /^Rewards/, 'focus back on the launcher');
    await page.context().close();
  });
});
