// The what-if simulator's pure parts: the seeded synthetic population (deterministic, events the
// engine accepts, the model's parameters felt) and the aggregation (totals are sums over members,
// breakage and movers as docs/decisions.md defines them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHOPS } from '../shop/catalog.mjs';
import { mulberry32, syntheticMember, syntheticMembers } from '../shop/public/simulator/population.mjs';
import { aggregate, totalsOf } from '../shop/public/simulator/aggregate.mjs';
import { memberOutcome, pointsValueMinor, summaryOutcome } from '../shop/public/simulator/outcome.mjs';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const program = (shop) => JSON.parse(fs.readFileSync(path.join(DEMO, 'programs', `${shop}.json`), 'utf8'));
const END = Date.parse('2026-12-01T00:00:00Z');
const options = (shop, extra = {}) => ({ program: program(shop), products: SHOPS[shop].products, end: END, ...extra });

test('mulberry32 gives the same stream for the same seed, another for another', () => {
  const a = mulberry32(7); const b = mulberry32(7); const c = mulberry32(8);
  const xs = Array.from({ length: 5 }, a);
  assert.deepEqual(xs, Array.from({ length: 5 }, b));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, c));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

test('a population is the same for a seed, different for another, and any slice equals the whole', () => {
  const whole = syntheticMembers(0, 40, options('cafe', { seed: 3 }));
  assert.deepEqual(whole, syntheticMembers(0, 40, options('cafe', { seed: 3 })));
  assert.deepEqual(whole.slice(10, 25), syntheticMembers(10, 25, options('cafe', { seed: 3 })));
  assert.notDeepEqual(whole, syntheticMembers(0, 40, options('cafe', { seed: 4 })));
});

test('members enrol first, events are in time order within the window, carts come from the catalogue', () => {
  for (const shop of ['cafe', 'fashion']) {
    const skus = new Map(SHOPS[shop].products.map((p) => [p.sku, p]));
    for (const m of syntheticMembers(0, 50, options(shop, { seed: 11 }))) {
      assert.equal(m.events[0].type, 'enroll');
      assert.equal(m.events[0].member_id, m.id);
      const times = m.events.map((e) => Date.parse(e.at));
      assert.deepEqual(times, [...times].sort((a, b) => a - b));
      assert.ok(times.every((t) => t >= END - 12 * 30 * 86_400_000 && t < END));
      assert.equal(new Set(m.events.map((e) => e.id)).size, m.events.length);
      for (const e of m.events.filter((x) => x.type === 'order')) {
        assert.equal(e.cart.currency, SHOPS[shop].currency);
        for (const line of e.cart.lines) {
          assert.equal(skus.get(line.sku).category, line.category);
          assert.equal(skus.get(line.sku).price, line.unit_price_minor);
          assert.ok(line.quantity >= 1);
        }
      }
    }
  }
});

test('the parameters are felt: more visits give more orders, bigger baskets more items', () => {
  const count = (o, f) => syntheticMembers(0, 300, options('cafe', { seed: 5, ...o })).flatMap((m) => m.events).filter((e) => e.type === 'order').reduce((a, e) => a + f(e), 0);
  const orders = (o) => count(o, () => 1);
  const items = (o) => count(o, (e) => e.cart.lines.reduce((a, l) => a + l.quantity, 0)) / orders(o);
  assert.ok(orders({ visitsPerMonth: 4 }) > 1.6 * orders({ visitsPerMonth: 2 }));
  assert.ok(Math.abs(orders({ visitsPerMonth: 2 }) / 300 - 2 * 12 * (1 - 0.15)) < 4, 'about visits × months orders a member');
  assert.ok(items({ basketMean: 5 }) > items({ basketMean: 2 }) + 2);
});

test('eventsPerMember gives exactly that many events', () => {
  for (const m of syntheticMembers(0, 20, options('fashion', { eventsPerMember: 50 }))) assert.equal(m.events.length, 50);
  assert.equal(syntheticMember(3, options('cafe', { eventsPerMember: 7 })).events.length, 7);
});

test('pointsValueMinor is exact and floors, null without a point value', () => {
  assert.equal(pointsValueMinor(1000, '0.8333'), 833);
  assert.equal(pointsValueMinor(3, '1.5'), 4);
  assert.equal(pointsValueMinor(10, '2'), 20);
  assert.equal(pointsValueMinor(10, null), null);
});

// A member state as replay answers it, cut to what the outcome reads.
function state(id, { balance = 0, earned = 0, redeemed = 0, expired = 0, tier = null, history = [], pending = [] } = {}) {
  return { member_id: id, balance, pending, tier: tier && { id: tier }, lifetime: { earned, redeemed, expired, adjusted: 0, spend_minor: 0, orders: 0 }, history };
}
const earn = (rule, points, key = 'earn.per_spend') => ({ rule, points, explain: { key, args: {} } });

test('an outcome reads points per rule, reward cost and refused events from the history', () => {
  const p = { rewards: [{ id: 'tote', type: 'physical', cost: 100 }, { id: 'credit', type: 'store_credit', cost: 50, amount_minor: 700 }], point_value_minor: '2' };
  const s = state('m', {
    balance: 10, earned: 300, redeemed: 230,
    history: [
      { kind: 'earn', lines: [earn('base', 200), earn('tier', 50, 'earn.tier_multiplier'), earn('base', -20, 'earn.order_cap')] },
      { kind: 'pending_released', lines: [earn('pending', 70, 'earn.pending_released')] },
      { kind: 'redeem', lines: [{ rule: '5-off', points: -80, explain: { key: 'redeem.cart', args: { reward: '5-off', discount_minor: 500 } } }] },
      { kind: 'redeem', lines: [{ rule: 'tote', points: -100, explain: { key: 'redeem.reward', args: { reward: 'tote' } } }] },
      { kind: 'redeem', lines: [{ rule: 'credit', points: -50, explain: { key: 'redeem.reward', args: { reward: 'credit' } } }] },
      { kind: 'rejected', lines: [] },
    ],
  });
  const o = memberOutcome(s, p);
  assert.deepEqual(o.byRule, { base: 180, tier: 50 });
  assert.equal(o.rewardCostMinor, 500 + 200 + 700);
  assert.equal(o.redemptions, 3);
  assert.equal(o.rejected, 1);
  // The compact form of the same member gives the same outcome.
  const summary = {
    member_id: 'm', balance: 10, pending: 0, tier: null, rejected: 1, lifetime: s.lifetime,
    lines: s.history.flatMap((h) => h.lines.map((l) => [l.explain, l.rule, l.points])),
  };
  assert.deepEqual(summaryOutcome(summary, p), o);
});

function randomOutcome(rand, id) {
  const n = (k) => Math.floor(rand() * k);
  const tiers = [null, 'member', 'silver', 'gold'];
  return {
    id, balance: n(500) - 50, pending: n(40), earned: n(900), redeemed: n(400), expired: n(100), adjusted: n(20),
    spendMinor: n(90_000), orders: n(30), tier: tiers[n(4)], rewardCostMinor: n(5000), redemptions: n(5), rejected: n(3),
    byRule: { base: n(800), bonus: n(100) },
  };
}

test('property: every total is the sum over members, for any population', () => {
  for (let seed = 1; seed <= 25; seed++) {
    const rand = mulberry32(seed);
    const outcomes = Array.from({ length: 1 + Math.floor(rand() * 60) }, (_, k) => randomOutcome(rand, `m-${k}`));
    const t = totalsOf(outcomes);
    const sum = (f) => outcomes.reduce((a, o) => a + f(o), 0);
    assert.equal(t.members, outcomes.length);
    assert.equal(t.issued, sum((o) => o.earned));
    assert.equal(t.redeemed, sum((o) => o.redeemed));
    assert.equal(t.expired, sum((o) => o.expired));
    assert.equal(t.outstanding, sum((o) => Math.max(o.balance, 0) + o.pending));
    assert.equal(t.rewardCostMinor, sum((o) => o.rewardCostMinor));
    assert.equal(t.rejected, sum((o) => o.rejected));
    assert.equal(Object.values(t.tiers).reduce((a, b) => a + b, 0), outcomes.length);
    // Split anywhere, the parts add up to the whole.
    const cut = Math.floor(rand() * outcomes.length);
    const [a, b] = [totalsOf(outcomes.slice(0, cut)), totalsOf(outcomes.slice(cut))];
    for (const k of ['issued', 'redeemed', 'expired', 'outstanding', 'rewardCostMinor']) assert.equal(a[k] + b[k], t[k]);
  }
});

test('breakage, liability and movers follow their definitions', () => {
  const o = (id, earned, redeemed, balance, byRule = {}, tier = null) => ({ ...randomOutcome(mulberry32(1), id), earned, redeemed, balance, pending: 0, byRule, tier, redemptions: 0 });
  const pairs = [
    { live: o('a', 100, 50, 50, { base: 100 }), draft: o('a', 200, 50, 150, { base: 200 }, 'gold') },
    { live: o('b', 100, 30, 70, { base: 100 }), draft: o('b', 90, 30, 60, { base: 90 }) },
    { live: o('c', 0, 0, 0), draft: o('c', 0, 0, 0) },
  ];
  const r = aggregate(pairs, { live: { point_value_minor: '0.5' }, draft: {} });
  assert.equal(r.observedRedemptionRatio, 80 / 200);
  assert.equal(r.breakageRate, 1 - 80 / 200);
  assert.equal(r.live.expectedBreakage, Math.round(200 * 0.6));
  assert.equal(r.draft.expectedBreakage, Math.round(290 * 0.6));
  assert.equal(r.live.liabilityMinor, 60); // 120 points × 0.5
  assert.equal(r.draft.liabilityMinor, null); // the draft has no point value
  assert.deepEqual(r.gainers.map((m) => [m.id, m.difference]), [['a', 100]]);
  assert.deepEqual(r.gainers[0].why.rules, [{ rule: 'base', live: 100, draft: 200, difference: 100 }]);
  assert.deepEqual(r.gainers[0].why.tier, { live: null, draft: 'gold' });
  assert.deepEqual(r.losers.map((m) => [m.id, m.difference]), [['b', -10]]);
});
