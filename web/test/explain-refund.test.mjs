// Refund lines and the other texts of issue 22 in the four languages (Node, no browser): every
// refund effect the core writes reads as a sentence with the right plural, an unknown refund key
// still reads as a sentence, and multipliers use the locale's decimal separator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { I18n } from '../src/i18n.js';
import { programFile } from './harness.mjs';

const cafe = programFile('cafe');
const line = (key, args) => ({ key, args: { order_id: '#1042', ...args } });

test('refund lines read as sentences in every language, with plurals', () => {
  const expected = {
    en: ['1 point for every sol: points taken back', 'Points paid for Free coffee returned', 'Welcome bonus held again for your next order', '1 stamp off your Coffee card', '3 stamps off your Coffee card', 'Free appetizer voucher taken back', 'Changed by the refund'],
    es: ['1 point for every sol: puntos descontados', 'Puntos pagados por Free coffee, devueltos', 'Bono de bienvenida reservado otra vez para tu próximo pedido', '1 sello menos en tu Coffee card', '3 sellos menos en tu Coffee card', 'Vale de Free appetizer retirado', 'Cambio por la devolución'],
    pl: ['1 point for every sol: punkty cofnięte', 'Zwrócone punkty za: Free coffee', 'Bonus powitalny znów czeka na twoje następne zamówienie', '1 pieczątka mniej na karcie Coffee card', '3 pieczątki mniej na karcie Coffee card', 'Kupon cofnięty: Free appetizer', 'Zmiana po zwrocie'],
    ro: ['1 point for every sol: puncte retrase', 'Punctele plătite pentru Free coffee, returnate', 'Bonusul de bun venit așteaptă din nou următoarea comandă', '1 ștampilă mai puțin pe Coffee card', '3 ștampile mai puțin pe Coffee card', 'Voucher retras: Free appetizer', 'Modificare din retur'],
  };
  for (const [lang, texts] of Object.entries(expected)) {
    const t = new I18n(lang, cafe);
    const got = [
      t.explain(line('refund.earn', { rule: 'base', points: 30 }), 'base'),
      t.explain(line('refund.reward_returned', { reward: 'free-coffee', points: 120 }), 'free-coffee'),
      t.explain(line('refund.bonus_held', { points: 25 }), 'welcome'),
      t.explain(line('refund.punches', { card: 'coffee', punches: 1 }), 'coffee'),
      t.explain(line('refund.punches', { card: 'coffee', punches: 3 }), 'coffee'),
      t.explain(line('refund.voucher_taken_back', { reward: 'free-appetizer', voucher: 'v-1' }), 'appetizer'),
      t.explain(line('refund.a_future_effect', {}), 'x'),
    ];
    assert.deepEqual(got, texts, lang);
  }
  // The order as a whole (no rule) and points returned without a reward name.
  const en = new I18n('en', cafe);
  assert.equal(en.explain(line('refund.earn', { rule: '', points: 5 }), 'order'), 'Points earned on the order taken back');
  assert.equal(en.explain(line('refund.reward_returned', { reward: '', points: 5 }), 'refund'), 'Points returned for order #1042');
  assert.equal(en.t('history.refund_title', { order: '#1042' }), 'Refund on order #1042');
});

test('multipliers and grouped vouchers follow the language', () => {
  assert.equal(new I18n('pl', cafe).t('tier.multiplier', { factor: new I18n('pl', cafe).factor('1.25') }), 'Punkty ×1,25');
  assert.equal(new I18n('ro', cafe).explain({ key: 'earn.multiplier', args: { factor: '1.5' } }, 'base'), '1 point for every sol: ×1,5');
  assert.equal(new I18n('en', cafe).explain({ key: 'earn.tier_multiplier', args: { factor: '1.25', tier: 'silver' } }), 'Silver tier: 1.25×');
  const pl = new I18n('pl', cafe);
  assert.deepEqual([1, 2, 5].map((n) => pl.t('history.vouchers', { reward: 'Kawa', count: n, n: pl.number(n) })), ['Kupon: Kawa', 'Kupony: Kawa × 2', 'Kupony: Kawa × 5']);
  assert.equal(new I18n('en', cafe).shopDate('2028-01-01T00:00:00-05:00'), 'Jan 1, 2028');
});
