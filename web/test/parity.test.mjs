// Server ↔ browser parity (sync.md: the browser previews "because it is the same code on the same
// program version"): for generated members and carts, the reference server's
// POST /v1/members/me/preview and the WebAssembly core's preview of the same state, cart and
// instant give byte-identical responses. The third program has every issue 16 mechanic, and its
// members and requests use them: memberships, spins, claims, challenge steps, segments, coupons at
// checkout, store credit, rewards that need other items.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadNode } from '../../wasm/js/node.mjs';
import { rng } from '../../wasm/test-support/generate.mjs';
import { engageProgram } from './engage-program.mjs';
import { enroll, mintToken, programFile, startServer } from './harness.mjs';

const CATALOG = {
  cafe: [['latte', 'coffee', 1200], ['flat-white', 'coffee', 1200], ['croissant', 'pastry', 650], ['empanada', 'pastry', 850], ['beans', 'retail', 4500]],
  fashion: [['sneaker', 'shoes', 8999], ['boot', 'shoes', 18900], ['trench', 'coats', 32000], ['socks', 'accessories', 3200], ['gift-100', 'gift-cards', 10000]],
};
const CURRENCY = { cafe: 'PEN', fashion: 'USD' };
const REWARDS = { cafe: ['free-coffee', '5-off', 'pay'], fashion: ['10-off', '15-pct', 'free-ship', '20-pct-gold'] };

function cart(shop, next, at) {
  const lines = [];
  for (const [sku, category, price] of CATALOG[shop]) if (next() < 0.5) lines.push({ sku, category, unit_price_minor: price, quantity: 1 + Math.floor(next() * 3) });
  if (!lines.length) lines.push({ sku: CATALOG[shop][0][0], category: CATALOG[shop][0][1], unit_price_minor: CATALOG[shop][0][2], quantity: 1 });
  return { currency: CURRENCY[shop], at, lines, shipping_minor: shop === 'fashion' ? 700 : 0 };
}

// A reference server and a WebAssembly engine on one program, for the describe block that
// calls it (started before its tests, stopped after them).
function serverAndEngine(program) {
  const doors = {};
  before(async () => {
    doors.server = await startServer(program);
    doors.engine = (await loadNode()).engine(program);
  });
  after(async () => {
    doors.engine?.delete();
    await doors.server?.stop();
  });
  return doors;
}

// The member's preview through the server and through the engine on the state the server gave;
// asserts the bytes are the same and answers the server's response.
async function samePreview({ server, engine }, member, state, body, at, label) {
  const r = await fetch(`${server.base}/v1/members/me/preview`, { method: 'POST', headers: { authorization: `Bearer ${mintToken(member)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const serverBytes = await r.text();
  const wasmBytes = engine.callJson('preview', JSON.stringify({ ...body, state, now: at }));
  assert.equal(wasmBytes, serverBytes, label);
  return { status: r.status, bytes: serverBytes };
}

for (const shop of ['cafe', 'fashion']) {
  describe(`server preview == WebAssembly preview (${shop})`, () => {
    const doors = serverAndEngine(programFile(shop));

    test('byte-identical answers for generated members, carts and reward choices', async () => {
      const seed = Number(process.env.PARITY_SEED ?? 20261129);
      const { next } = rng(seed); // seeded: a failing seed can be replayed
      // Whole seconds in the store's zone, a minute ago: the cart's own instant, so both doors
      // evaluate the order at the same time whatever their clocks say.
      const at = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      let withRewards = 0;
      const { server } = doors;
      for (let m = 0; m < 6; m++) {
        const member = `p-${shop}-${m}`;
        await enroll(server, member);
        await server.admin('POST', '/v1/adjustments', { member_id: member, points: Math.floor(next() * 3000), reason: 'parity' });
        for (let o = 0; o < m; o++) await server.admin('POST', '/v1/orders', { member_id: member, order_id: `o-${m}-${o}`, cart: cart(shop, next) });
        const state = (await server.shopper(member, 'GET', '/v1/members/me')).data;
        for (let c = 0; c < 8; c++) {
          const body = { cart: cart(shop, next, at) };
          if (next() < 0.5) {
            body.redeem = [{ reward: REWARDS[shop][Math.floor(next() * REWARDS[shop].length)] }];
            withRewards++;
          }
          const r = await samePreview(doors, member, state, body, at, `seed ${seed}, member ${member}, cart ${c}`);
          assert.equal(r.status, 200, r.bytes);
        }
      }
      assert.ok(withRewards > 10, 'reward choices were compared too');
    });
  });
}

const ENGAGED_ITEMS = [['latte', 'coffee', 1200], ['croissant', 'pastries', 900], ['beans', 'beans', 4000], ['cake', 'cakes', 1500]];
const ENGAGED_REWARDS = ['free-coffee', '5-off', 'plus-latte', 'veteran', 'pastry-deal', 'regulars', 'welcome-back', 'baker'];

function engagedCart(next, at) {
  const lines = [];
  for (const [sku, category, price] of ENGAGED_ITEMS) if (next() < 0.6) lines.push({ sku, category, unit_price_minor: price, quantity: 1 + Math.floor(next() * 4) });
  if (!lines.length) lines.push({ sku: 'latte', category: 'coffee', unit_price_minor: 1200, quantity: 1 });
  return { currency: 'PEN', ...(at ? { at } : {}), lines };
}

/** A member's past built through the server's own routes, each part by chance. */
async function engagedPast(server, member, next) {
  await enroll(server, member);
  await server.admin('POST', '/v1/adjustments', { member_id: member, points: Math.floor(next() * 400), reason: 'parity' });
  if (next() < 0.5) await server.admin('POST', `/v1/members/${member}/membership`, { type: 'membership_start' });
  if (next() < 0.5) await server.shopper(member, 'POST', '/v1/members/me/actions', { action: 'review' });
  if (next() < 0.5) await server.shopper(member, 'POST', '/v1/members/me/spins', { wheel: 'lucky' });
  if (next() < 0.3) await server.shopper(member, 'POST', '/v1/members/me/claims', { code: 'NEWS10' });
  const orders = Math.floor(next() * 4);
  for (let o = 0; o < orders; o++) await server.admin('POST', '/v1/orders', { member_id: member, order_id: `${member}-o${o}`, cart: engagedCart(next) });
}

/** A preview request using what the program offers: coupons, store credit, rewards with requirements. */
function engagedRequest(next, at, credit) {
  const body = { cart: engagedCart(next, at) };
  const redeem = [];
  if (next() < 0.5) redeem.push({ reward: ENGAGED_REWARDS[Math.floor(next() * ENGAGED_REWARDS.length)] });
  if (credit > 0 && next() < 0.5) redeem.push({ reward: 'store-credit', credit_minor: 1 + Math.floor(next() * credit * 2) });
  if (redeem.length) body.redeem = redeem;
  if (next() < 0.3) body.coupons = [next() < 0.8 ? 'news10' : 'NOPE'];
  return body;
}

describe('server preview == WebAssembly preview (every engagement mechanic)', () => {
  const doors = serverAndEngine(engageProgram());

  test('byte-identical answers for generated members and requests that use the new fields', async () => {
    const seed = Number(process.env.PARITY_SEED ?? 20261202);
    const { next } = rng(seed);
    const at = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const seen = { coupons: 0, credit: 0, requirement: 0, membership: 0, challenge: 0 };
    const { server } = doors;
    for (let m = 0; m < 8; m++) {
      const member = `e-${m}`;
      await engagedPast(server, member, next);
      const state = (await server.shopper(member, 'GET', '/v1/members/me')).data;
      if (state.membership?.status === 'trial') seen.membership++;
      for (let c = 0; c < 8; c++) {
        const body = engagedRequest(next, at, state.store_credit_minor ?? 0);
        const r = await samePreview(doors, member, state, body, at, `seed ${seed}, member ${member}, request ${c}: ${JSON.stringify(body)}`);
        if (r.status !== 200) continue;
        const answer = JSON.parse(r.bytes);
        seen.coupons += answer.redeem.applied.some((a) => a.coupon) ? 1 : 0;
        seen.credit += answer.totals.store_credit_minor > 0 ? 1 : 0;
        seen.requirement += answer.rewards.some((x) => x.status === 'requirement_not_met') ? 1 : 0;
        seen.challenge += (answer.challenges ?? []).length ? 1 : 0;
      }
    }
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `the generated requests exercised ${what}: ${JSON.stringify(seen)}`);
  });
});
