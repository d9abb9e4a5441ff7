// What people see: axe-core on the portal and the checkout (no serious or critical violation, in
// English and Spanish, desktop and phone width), keyboard use, and the screenshots of both
// elements at 1280 and 375 px in both languages (build/screenshots/web/, looked at by a person).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SCREENSHOTS, enroll, launchBrowser, mintToken, openPage, programFile, startServer } from './harness.mjs';

const fashion = programFile('fashion');
const CART = {
  currency: 'USD',
  lines: [
    { sku: 'trench', category: 'coats', unit_price_minor: 18900, quantity: 1 },
    { sku: 'sneaker', category: 'shoes', unit_price_minor: 9500, quantity: 2 },
  ],
  shipping_minor: 700,
};

describe('accessibility and screenshots', () => {
  let server;
  let browser;

  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer(fashion);
    browser = await launchBrowser();
    await enroll(server, 'lucia');
    await server.admin('POST', '/v1/orders', { member_id: 'lucia', order_id: 'o-1', cart: { currency: 'USD', lines: [{ sku: 'coat', category: 'coats', unit_price_minor: 52000, quantity: 1 }] } });
    await server.admin('POST', '/v1/adjustments', { member_id: 'lucia', points: 3200, reason: 'Welcome back gift' });
    const redeemed = await server.shopper('lucia', 'POST', '/v1/members/me/redemptions', { reward: 'tote' });
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.data));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const locale of ['en', 'es']) {
    for (const width of [1280, 375]) {
      test(`portal and checkout in ${locale} at ${width} px: axe finds nothing serious, screenshots taken`, async () => {
        const body = '<h1>Shop</h1><section><h2>Rewards</h2><loyalty-portal></loyalty-portal></section><section><h2>Checkout</h2><loyalty-checkout></loyalty-checkout></section>';
        const url = server.page(`look-${locale}`, { token: mintToken('lucia'), locale, body, head: '<script src="/axe.min.js"></script>' });
        const page = await openPage(browser, url, { width, height: 900 });
        await page.evaluate((cart) => window.Loyalty.setCart(cart), CART);
        await page.locator('loyalty-checkout').getByRole('button').first().click();
        const results = await page.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
        });
        const bad = results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
        for (const el of ['loyalty-portal', 'loyalty-checkout']) {
          const file = path.join(SCREENSHOTS, `${el.replace('loyalty-', '')}-${locale}-${width}.png`);
          await page.locator(el).screenshot({ path: file });
          assert.ok(fs.statSync(file).size > 5000, `${file} has content`);
        }
        if (locale === 'es') assert.match(await page.evaluate(() => document.querySelector('loyalty-portal').shadowRoot.textContent), /Disponibles/);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        assert.equal(overflow, false, 'no horizontal scrolling');
        assert.deepEqual(page.errors, []);
        await page.context().close();
      });
    }
  }

  test('the launcher panel works with the keyboard alone', async () => {
    const url = server.page('keys', { token: mintToken('lucia'), body: '<button id="before">Shop button</button><loyalty-launcher></loyalty-launcher>' });
    const page = await openPage(browser, url, { width: 375, height: 800 });
    await page.focus('#before');
    const button = await page.locator('loyalty-launcher').getByRole('button').boundingBox();
    assert.ok(button && button.x + button.width <= 375 && button.y + button.height <= 800 && button.y > 600, `the launcher floats in the corner: ${JSON.stringify(button)}`);
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent);
    assert.match(label, /^Rewards · /);
    await page.keyboard.press('Enter');
    const dialog = page.locator('loyalty-launcher').getByRole('dialog');
    await dialog.waitFor({ state: 'visible' });
    const box = await dialog.boundingBox();
    assert.ok(box.width >= 300 && box.height >= 600, `the panel fills the phone screen: ${JSON.stringify(box)}`);
    const inner = await page.evaluate(() => document.querySelector('loyalty-launcher').shadowRoot.querySelector('loyalty-portal').shadowRoot.textContent);
    assert.match(inner, /Available/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'launcher-panel-en-375.png') });
    await page.keyboard.press('Escape');
    const back = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent ?? '');
    assert.match(back, /^Rewards/, 'focus returns to the launcher');
    await page.context().close();
  });
});
