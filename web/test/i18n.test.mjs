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
  const keys = new Set(src.match(/"(earn|adjust|expire|redeem|refund)\.[a-z_]+"/g).map((k) => k.slice(1, -1)));
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
