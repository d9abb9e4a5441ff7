// The message catalogs and the formatting layer, in Node (no browser needed): every language has
// every message with the same placeholders and the plural categories its language uses, and the
// explanation objects the core writes all have a message.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CATALOGS, I18n, catalogLanguage } from '../src/i18n.js';
import { ROOT, programFile } from './harness.mjs';

const placeholders = (m) => [...new Set(JSON.stringify(m).match(/\{\w+\}/g) ?? [])].sort();

test('every catalog has every English message with the same placeholders and its plural forms', () => {
  for (const [lang, catalog] of Object.entries(CATALOGS)) {
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [key, en] of Object.entries(CATALOGS.en)) {
      assert.ok(Object.hasOwn(catalog, key), `${lang} lacks ${key}`);
      if (key === 'unit') continue;
      assert.deepEqual(placeholders(catalog[key]), placeholders(en), `${lang} ${key} placeholders`);
      if (typeof catalog[key] === 'object') {
        for (const c of categories) if (c !== 'zero' && c !== 'two') assert.ok(catalog[key][c] ?? catalog[key].other, `${lang} ${key} has ${c}`);
      }
    }
    for (const c of categories) assert.ok(catalog.unit[c] ?? catalog.unit.other, `${lang} unit ${c}`);
    assert.deepEqual(Object.keys(catalog).filter((k) => !Object.hasOwn(CATALOGS.en, k)), [], `${lang} has no stray keys`);
  }
});

test('every explanation key the core can write has a message', () => {
  const src = fs.readdirSync(path.join(ROOT, 'core/src')).map((f) => fs.readFileSync(path.join(ROOT, 'core/src', f), 'utf8')).join('\n');
  const keys = new Set(src.match(/"(earn|adjust|expire|redeem|refund|prize|challenge|coupon|cashback|store_credit|membership|audience|profile)\.[a-z_]+"/g).map((k) => k.slice(1, -1)).filter((k) => !/\.(hpp|cpp|h)$/.test(k)));
  // docs/engagement-json.md, "History, added kinds and keys": the widget has them before the core writes them.
  for (const k of ['prize.points', 'prize.voucher', 'prize.none', 'challenge.step', 'challenge.done', 'coupon.claimed', 'earn.action_reward', 'cashback.earned', 'store_credit.spent', 'refund.cashback', 'refund.store_credit_returned', 'refund.coupon_returned', 'membership.trial', 'membership.waiting', 'membership.paid', 'membership.cancelled', 'audience.segment']) keys.add(k);
  for (const t of ['per_spend', 'per_item', 'per_order', 'bonus']) keys.add(`earn.${t}`); // built as "earn." + type
  for (const k of keys) assert.ok(Object.hasOwn(CATALOGS.en, k), `no message for ${k}`);
  const ways = src.match(/case EarnType::(\w+)/g).map((c) => `way.${c.split('::')[1]}`);
  for (const k of new Set(ways)) assert.ok(Object.hasOwn(CATALOGS.en, k), `no message for ${k}`);
});

test('plurals follow the language: Polish and Romanian points', () => {
  const pl = new I18n('pl', null);
  assert.deepEqual([1, 2, 5, 22, 25].map((n) => pl.points(n)), ['1 punkt', '2 punkty', '5 punktów', '22 punkty', '25 punktów']);
  const ro = new I18n('ro', null);
  assert.deepEqual([1, 2, 20].map((n) => ro.points(n)), ['1 punct', '2 puncte', '20 de puncte']);
  const es = new I18n('es-PE', null);
  assert.equal(es.t('tier.more_orders', { count: 1, tier: 'Oro' }), 'Te falta 1 pedido para Oro');
  assert.equal(catalogLanguage('es-PE'), 'es');
  assert.equal(catalogLanguage('fr'), 'en');
  // A change of points carries its sign in the shopper's digits; a loss uses a true minus sign.
  const en = new I18n('en', null);
  assert.deepEqual([en.signed(1234), en.signed(-40)], ['+1,234', '\u221240']);
  assert.equal(pl.signed(-12345), `\u2212${pl.number(12345)}`);
});

test('money uses the currency minor digits, names come from the program, markup stays text', () => {
  const program = programFile('cafe');
  program.rewards[0].name = '<b>Café</b>';
  const t = new I18n('en', program);
  assert.match(t.money(1250), /^S\/\s?12\.50$/, 'the sol sign, not "PEN"');
  assert.equal(t.rewardName(program.rewards[0].id), '<b>Café</b>');
  assert.equal(t.explain({ key: 'redeem.cart', args: { reward: program.rewards[0].id, discount_minor: 500 } }), `<b>Café</b> on an order (${t.money(500)} off)`);
  assert.match(t.money(500), /5\.00/);
  assert.equal(new I18n('es', program).money(1250), new Intl.NumberFormat('es-PE', { style: 'currency', currency: 'PEN' }).format(12.5), 'Spanish in soles reads as in Peru');
  assert.match(new I18n('es-MX', program).money(1250), /12\.50/, 'a region the page asked for is kept');
  const jpy = new I18n('en', { currency: 'JPY' });
  assert.equal(jpy.money(1200), '¥1,200');
  const custom = new I18n('en', { currency: 'USD', points_label: { one: 'star', other: 'stars' } });
  assert.equal(custom.points(1), '1 star');
  assert.equal(custom.points(3), '3 stars');
});

test('ways to earn read as sentences with their conditions', () => {
  const t = new I18n('en', programFile('fashion'));
  assert.equal(t.way({ explain: { key: 'way.per_spend', args: { points: 1, per_minor: 100 } } }), '1 point for every $1.00 spent');
  assert.equal(t.way({ explain: { key: 'way.action', args: { action: 'review', points: 50, limit: { count: 1, per: 'month' } } } }), '50 points for writing a review (up to 1 per month)');
  t.storeTime = false;  // a shopper on the store's clock
  assert.deepEqual(t.conditions({ when: { days: ['fri'], hours: ['16:00', '18:00'] }, audience: ['gold'] }), ['Friday', '16:00–18:00', 'for Gold members']);
  t.storeTime = true;  // elsewhere: the hours are the store's
  assert.deepEqual(t.conditions({ when: { days: ['fri'], hours: ['16:00', '18:00'] } }), ['Friday', '16:00–18:00 store time']);
});

const ENGAGE = {
  currency: 'PEN',
  rewards: [{ id: '10-pct', name: { en: '10% off', es: '10% de descuento' }, type: 'percent_discount', percent: 10 }, { id: 'free-bun', name: 'Free bun', type: 'free_item', requires: { match: { categories: ['coffee'] }, min_quantity: 2 } }],
  wheels: [{ id: 'sat', name: { en: 'Saturday wheel', es: 'ruleta del sábado', pl: 'Koło sobotnie' }, prizes: [{ id: 'p50', points: 50 }, { id: 'none' }] }],
  challenges: [{ id: 'hunt', name: { en: 'Treasure hunt', pl: 'Poszukiwanie skarbu' }, steps: [{ id: 'visit', action: 'store_visit' }, { id: 'pastry', order: { match: { categories: ['pastry'] } } }] }],
  segments: [{ id: 'boots', name: { en: 'Bought rain boots', es: 'Compró botas de lluvia' } }],
  membership: { id: 'plus', name: 'Plus', fee_minor: 1990 },
};

test('engagement history lines read as sentences in every language', () => {
  const line = (key, args) => ({ key, args });
  const en = new I18n('en', ENGAGE);
  assert.equal(en.explain(line('prize.points', { wheel: 'sat', prize: 'p50', points: 50 })), 'Saturday wheel: you won 50 points');
  assert.equal(en.explain(line('prize.voucher', { wheel: 'sat', prize: 'x', reward: '10-pct', voucher: 'v1' })), 'Saturday wheel: you won 10% off', 'a prize without a name: its reward');
  assert.equal(en.explain(line('prize.none', { wheel: 'sat', prize: 'none' })), 'Saturday wheel: no prize this time');
  assert.equal(en.explain(line('challenge.step', { challenge: 'hunt', step: 'visit', done: 1, steps: 2 })), 'Treasure hunt: step 1 of 2 done (Visiting the store)');
  assert.equal(en.explain(line('challenge.done', { challenge: 'hunt', points: 100, reward: '10-pct' })), 'Treasure hunt completed: 100 points and 10% off');
  assert.equal(en.explain(line('challenge.done', { challenge: 'hunt', points: 0, reward: '' })), 'Treasure hunt completed');
  assert.equal(en.explain(line('coupon.claimed', { code: 'NEWS10', reward: '10-pct', voucher: 'v2' })), 'Code NEWS10: 10% off');
  assert.equal(en.explain(line('cashback.earned', { rule: 'cb', credit_minor: 250, percent: '5' }), 'cb'), `Cb: ${en.money(250)} store credit (5% back)`);
  assert.equal(en.explain(line('store_credit.spent', { reward: 'store-credit', credit_minor: 500 })), `${en.money(500)} paid with store credit`);
  assert.equal(en.explain(line('refund.store_credit_returned', { order_id: '#1', credit_minor: 500 })), `Store credit returned: ${en.money(500)}`);
  // A trial started on Mar 1 for 30 days ends as Mar 31 starts: it lasts through Mar 30.
  assert.equal(en.explain(line('membership.trial', { membership: 'plus', until: '2026-03-31T00:00:00-05:00', days: 30 })), 'Plus: 30-day free trial, until Mar 30, 2026');
  assert.equal(en.explain(line('membership.paid', { membership: 'plus', amount_minor: 1990, until: '2026-04-30T00:00:00-05:00' })), `Plus: ${en.money(1990)} paid, active until Apr 29, 2026`);
  assert.equal(en.lastDay('2026-03-01T00:00:00+01:00'), 'Feb 28, 2026', 'the day before, across a month');
  assert.equal(en.lastDay('2026-03-15T10:30:00-05:00'), 'Mar 15, 2026', 'not at midnight: that day');
  assert.equal(en.explain(line('audience.segment', { segment: 'boots' })), 'You are now in: Bought rain boots');
  const pl = new I18n('pl', ENGAGE);
  assert.equal(pl.explain(line('prize.points', { wheel: 'sat', prize: 'p50', points: 22 })), 'Koło sobotnie: wygrana 22 punkty');
  assert.equal(pl.explain(line('membership.trial', { membership: 'plus', until: '2026-03-31T00:00:00-05:00', days: 30 })).startsWith('Plus: 30 dni za darmo'), true);
  const es = new I18n('es', ENGAGE);
  assert.equal(es.explain(line('audience.segment', { segment: 'boots' })), 'Ahora estás en: Compró botas de lluvia');
  for (const t of [en, pl, es, new I18n('ro', ENGAGE)]) {
    for (const k of ['prize.points', 'challenge.step', 'coupon.claimed', 'membership.cancelled', 'refund.coupon_returned']) assert.doesNotMatch(t.explain(line(k, { wheel: 'sat', prize: 'p50', points: 3, challenge: 'hunt', step: 'visit', done: 1, steps: 2, code: 'X', membership: 'plus', until: '2026-03-31T00:00:00-05:00' })), /[{}]|^[a-z_]+\.[a-z_]+$/, `${t.lang} ${k}`);
  }
});

test('locked items say why: membership, tenure in years or days, new members, frequent buyers, we missed you, segments', () => {
  const en = new I18n('en', ENGAGE);
  const why = (reason, audience) => en.rewardStatus({ id: 'x', status: 'audience_locked', reason, audience });
  assert.equal(why('membership', { membership: true }), 'For Plus members');
  assert.equal(why('min_member_days', { min_member_days: 365 }), 'For members of a year or more');
  assert.equal(why('min_member_days', { min_member_days: 730 }), 'For members of 2 years or more');
  assert.equal(why('min_member_days', { min_member_days: 90 }), 'For members of 90 days or more');
  assert.equal(why('max_member_days', { max_member_days: 30 }), 'For new members, in their first 30 days');
  assert.equal(why('min_orders', { min_orders: { count: 3, days: 30 } }), 'For frequent buyers: 3 orders in the last 30 days');
  assert.equal(why('lapsed_days', { lapsed_days: 60 }), 'We missed you: for members back after 60 days away');
  assert.equal(why('segments', { segments: ['boots'] }), 'For members in: Bought rain boots');
  assert.equal(why('not_segments', { not_segments: ['boots'] }), 'Not for members in: Bought rain boots');
  assert.equal(why('something_new', {}), 'Not available to you yet');
  assert.equal(en.rewardStatus({ id: 'free-bun', status: 'requirement_not_met' }), 'With at least 2 Coffee in the cart', 'the requirement, not what is missing: the status does not say');
  assert.equal(en.rewardStatus({ id: 'x', status: 'insufficient_credit' }), 'No store credit to spend');
  const pl = new I18n('pl', ENGAGE);
  const plWhy = (reason, audience) => pl.rewardStatus({ id: 'x', status: 'audience_locked', reason, audience });
  assert.equal(plWhy('min_member_days', { min_member_days: 365 }), 'Dla członków od roku lub dłużej');
  assert.equal(plWhy('min_member_days', { min_member_days: 1825 }), 'Dla członków od 5 lat lub dłużej');
  assert.equal(plWhy('min_orders', { min_orders: { count: 3, days: 30 } }), 'Dla stałych klientów: 3 zamówienia w ostatnich 30 dniach');
  assert.equal(plWhy('min_orders', { min_orders: { count: 5, days: 30 } }), 'Dla stałych klientów: 5 zamówień w ostatnich 30 dniach');
  const ro = new I18n('ro', ENGAGE);
  const roWhy = (reason, audience) => ro.rewardStatus({ id: 'x', status: 'audience_locked', reason, audience });
  assert.equal(roWhy('min_member_days', { min_member_days: 365 }), 'Pentru membrii de un an sau mai mult');
  assert.equal(roWhy('max_member_days', { max_member_days: 30 }), 'Pentru membrii noi, în primele 30 de zile');
  assert.equal(roWhy('max_member_days', { max_member_days: 14 }), 'Pentru membrii noi, în primele 14 zile');
  assert.equal(ro.t('membership.trial_left', { count: 1 }), 'Ți-a mai rămas o zi de probă gratuită');
  assert.equal(pl.t('membership.trial_left', { count: 12 }), 'Zostało 12 dni okresu próbnego');
  assert.equal(pl.t('membership.trial_left', { count: 3 }), 'Zostały 3 dni okresu próbnego');
  const es = new I18n('es', ENGAGE);
  assert.equal(es.rewardStatus({ id: 'x', status: 'audience_locked', reason: 'min_member_days', audience: { min_member_days: 365 } }), 'Para socios de un año o más');
  assert.match(en.chance('0.2778'), /^27\.78\s?%$/);
  assert.equal(pl.way({ explain: { key: 'way.cashback', args: { percent: '2.5' } } }), '2,5% zwrotu w środkach w sklepie');
});
