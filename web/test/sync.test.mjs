// Sync as a shopper meets it (issue 22, 9a–9c), in English and Spanish, against the real server:
// a refused write replaces the page's state at once; focus refreshes; a 403 is not a sign-out;
// a signed-out shopper gets the merchant's sign-in link, a cleared header balance and the list
// of what waits in the queue; a redemption waiting offline is pending and cannot be pressed twice.
// refresh = 0 on every page: nothing here may pass thanks to the 30-second poll.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, enroll, launchBrowser, mintToken, openPage, programFile, startServer } from './harness.mjs';

// Desktop and 375 px pictures of a state, into build/screenshots/web/.
async function shoot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-mobile.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

const fashion = programFile('fashion');
const tote = fashion.rewards.find((r) => r.id === 'tote');

// What the shopper reads, per language (written out here, not read from the catalogs under test).
const TEXT = {
  en: {
    redeem: `Redeem ${tote.name}`,
    confirm: /Redeem for/,
    refused: `${tote.name} could not be redeemed: not enough points`,
    signedOut: 'You are signed out',
    signIn: 'Sign in',
    queued: `Redeem ${tote.name} (2,500 points)`,
    waiting: 'Waiting to send',
    waitingNamed: `${tote.name}: waiting to be sent`,
    pending: `−2,500 points pending: ${tote.name}, waiting to be sent`,
    points: (n) => new Intl.NumberFormat('en').format(n),
  },
  es: {
    redeem: `Canjear ${tote.name}`,
    confirm: /Canjear por/,
    refused: `No se pudo canjear ${tote.name}: puntos insuficientes`,
    signedOut: 'Tu sesión ha terminado',
    signIn: 'Iniciar sesión',
    queued: `Canjear ${tote.name} (2500 puntos)`,
    waiting: 'Por enviar',
    waitingNamed: `${tote.name}: pendiente de envío`,
    pending: `−2500 puntos pendientes: ${tote.name}, por enviar`,
    points: (n) => new Intl.NumberFormat('es').format(n),
  },
};

const portalText = (page) => page.evaluate(() => document.querySelector('loyalty-portal')?.shadowRoot?.textContent ?? '');
const balanceText = (page) => page.evaluate(() => document.querySelector('loyalty-portal')?.shadowRoot?.querySelector('[part=balance]')?.textContent ?? '');
const waitText = (page, text, timeout = 5000) =>
  page.waitForFunction((t) => (document.querySelector('loyalty-portal')?.shadowRoot?.textContent ?? '').includes(t), text, { timeout });
const waitBalance = (page, text, timeout = 5000) =>
  page.waitForFunction((t) => (document.querySelector('loyalty-portal')?.shadowRoot?.querySelector('[part=balance]')?.textContent ?? '').startsWith(t), text, { timeout });

describe('sync as the shopper sees it', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer(fashion);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function member(id, points) {
    await enroll(server, id);
    const r = await server.admin('POST', '/v1/adjustments', { member_id: id, points, reason: 'test' });
    assert.equal(r.status, 200, JSON.stringify(r.data));
    return r.data;
  }

  for (const lang of ['en', 'es']) {
    const L = TEXT[lang];

    test(`${lang}: a redemption refused by the server (another tab spent the points) shows the server's balance at once`, async () => {
      const id = `race-${lang}`;
      await member(id, tote.cost);
      const page = await openPage(browser, server.page(`race-${lang}`, { token: mintToken(id), locale: lang, body: '<loyalty-portal></loyalty-portal>' }));
      await waitBalance(page, L.points(tote.cost));
      // The other tab: the same member spends the points on the server.
      const spent = await server.shopper(id, 'POST', '/v1/members/me/redemptions', { reward: 'tote' });
      assert.equal(spent.status, 200, JSON.stringify(spent.data));
      const portal = page.locator('loyalty-portal');
      await portal.getByRole('button', { name: L.redeem }).click();
      await portal.getByRole('button', { name: L.confirm }).click();
      await waitText(page, L.refused);
      // Within seconds, not at the next poll: the server's balance, and no Redeem button left.
      await waitBalance(page, L.points(spent.data.balance), 5000);
      assert.equal(await portal.getByRole('button', { name: L.redeem }).count(), 0);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    test(`${lang}: a balance edited in page memory is replaced when the page gets focus`, async () => {
      const id = `focus-${lang}`;
      const state = await member(id, 700);
      const page = await openPage(browser, server.page(`focus-${lang}`, { token: mintToken(id), locale: lang, body: '<loyalty-portal></loyalty-portal>' }));
      await page.evaluate(() => {
        const app = window.Loyalty.app;
        app.view.state = { ...app.view.state, balance: 999999 };
        app.emit();
      });
      assert.ok((await balanceText(page)).startsWith(L.points(999999)), 'the edit shows until the server answers');
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await waitBalance(page, L.points(state.balance));
      await page.context().close();
    });

    test(`${lang}: a 403 on a shopper call does not sign a valid session out`, async () => {
      const id = `forbid-${lang}`;
      const state = await member(id, 300);
      const page = await openPage(browser, server.page(`forbid-${lang}`, { token: mintToken(id), locale: lang, body: '<loyalty-portal></loyalty-portal>' }));
      await page.route('**/v1/members/me/actions', (route) => route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: { code: 'forbidden', message: 'not for you', path: '' } }) }));
      await page.evaluate(() => window.Loyalty.action('review'));
      await page.waitForFunction(() => window.Loyalty.app.view.queueSize === 0);
      await page.waitForTimeout(300);
      assert.doesNotMatch(await portalText(page), new RegExp(L.signedOut));
      assert.ok((await balanceText(page)).startsWith(L.points(state.balance)));
      await page.context().close();
    });

    test(`${lang}: signed out (401) shows the sign-in link, clears the header balance and lists what waits`, async () => {
      const id = `gone-${lang}`;
      await member(id, tote.cost);
      const context = await browser.newContext();
      const body = '<header><span id="pill" data-loyalty-points>4,321</span> <span id="tier" data-loyalty-tier>Gold</span></header><loyalty-portal></loyalty-portal>';
      const attrs = { 'data-sign-in-url': '/login?next=%2Frewards' };
      // A redemption made with a valid token that never reached the server waits in the queue
      // (the request is dropped as a lost connection drops it).
      const first = await openPage(browser, server.page(`gone-a-${lang}`, { token: mintToken(id), locale: lang, body, attrs }), { context });
      await first.route('**/v1/members/me/redemptions', (route) => route.abort('internetdisconnected'));
      await first.evaluate(() => window.Loyalty.redeem('tote'));
      await first.waitForFunction(() => window.Loyalty.app.view.queueSize === 1);
      await first.close();
      // The next page's token has expired: the server answers 401.
      const page = await openPage(browser, server.page(`gone-b-${lang}`, { token: mintToken(id, { ttl: -3600 }), locale: lang, body, attrs }), { context });
      await waitText(page, L.signedOut);
      const link = page.locator('loyalty-portal').getByRole('link', { name: L.signIn });
      assert.equal(await link.getAttribute('href'), `${server.base}/login?next=%2Frewards`);
      await waitText(page, L.queued);
      assert.equal(await page.textContent('#pill'), '—', 'the stale balance is gone from the header');
      assert.equal(await page.textContent('#tier'), '');
      // The queued redemption is still kept for when the shopper is back (never sent with a 401).
      assert.equal(await page.evaluate(() => window.Loyalty.app.view.queueSize), 1);
      const events = (await server.admin('GET', `/v1/events?member=${id}`)).data.events.filter((e) => e.type === 'redeem');
      assert.equal(events.length, 0);
      await shoot(page, `sync-signed-out-${lang}`);
      assert.deepEqual(page.errors, []);
      await context.close();
    });

    test(`${lang}: a redemption waiting offline is pending and its button cannot be pressed again`, async () => {
      const id = `wait-${lang}`;
      const state = await member(id, tote.cost + 100);
      const context = await browser.newContext();
      const page = await openPage(browser, server.page(`wait-${lang}`, { token: mintToken(id), locale: lang, body: '<loyalty-portal></loyalty-portal>' }), { context });
      await context.setOffline(true);
      await page.evaluate(() => window.dispatchEvent(new Event('offline')));
      const portal = page.locator('loyalty-portal');
      await portal.getByRole('button', { name: L.redeem }).click();
      await portal.getByRole('button', { name: L.confirm }).click();
      await waitText(page, L.pending);
      const waiting = portal.getByRole('button', { name: L.waitingNamed });
      assert.equal(await waiting.isDisabled(), true);
      assert.equal(await waiting.textContent(), L.waiting);
      assert.ok((await balanceText(page)).startsWith(L.points(state.balance)), 'the server balance, with the pending line under it');
      await shoot(page, `sync-pending-${lang}`);
      // Back online: sent once, the pending line goes and the balance is the server's.
      await context.setOffline(false);
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await waitBalance(page, L.points(state.balance - tote.cost), 10_000);
      assert.ok(!(await portalText(page)).includes(L.pending));
      const events = (await server.admin('GET', `/v1/events?member=${id}`)).data.events.filter((e) => e.type === 'redeem');
      assert.equal(events.length, 1);
      await context.close();
    });
  }
});
