// Names in several languages (program.md "Names in several languages", engagement.md "Names"):
// the choice of language for merchant text and the program's points word, in Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { I18n } from '../src/i18n.js';
import { localText, pickLanguage, pointsWord } from '../src/local-text.js';

const COFFEE = { en: 'Free coffee', es: 'Café gratis', 'es-PE': 'Cafecito gratis', pl: 'Darmowa kawa' };

test('a string passes through; an object gives the shopper tag, then its base language', () => {
  assert.equal(localText('Free coffee', 'es'), 'Free coffee');
  assert.equal(localText(COFFEE, 'es-PE'), 'Cafecito gratis', 'the exact tag first');
  assert.equal(localText(COFFEE, 'es-MX'), 'Café gratis', 'then the base language');
  assert.equal(localText(COFFEE, 'pl-PL'), 'Darmowa kawa');
  assert.equal(localText(COFFEE, 'en'), 'Free coffee');
});

test('tags match ignoring case, in the shopper tag and in the keys', () => {
  assert.equal(localText({ 'ES-pe': 'Cafecito', EN: 'Coffee' }, 'es-PE'), 'Cafecito');
  assert.equal(localText({ ES: 'Café', en: 'Coffee' }, 'es-pe'), 'Café');
  assert.equal(localText({ Es: 'Café', en: 'Coffee' }, 'ES'), 'Café');
  assert.equal(localText({ ro: 'Cafea', PL: 'Kawa' }, 'fr', 'pl'), 'Kawa', 'default_language matched ignoring case');
});

test('then default_language (default "en"), then the first key in code-point order', () => {
  assert.equal(localText({ es: 'Café', en: 'Coffee' }, 'ro'), 'Coffee', 'default en');
  assert.equal(localText({ es: 'Café', en: 'Coffee' }, 'ro', 'es'), 'Café', 'the program default_language');
  assert.equal(localText({ ro: 'Cafea', pl: 'Kawa', es: 'Café' }, 'fr'), 'Café', 'no default: the first key');
  assert.equal(localText({ ro: 'Cafea', pl: 'Kawa' }, 'fr', 'de'), 'Kawa');
  // Code points, not UTF-16 units: U+FF5E (one unit) sorts before U+1F600 (two units, high
  // surrogate 0xD83D < 0xFF5E) only when compared by code point.
  assert.equal(localText({ '\u{1F600}': 'emoji', '\uFF5E': 'wave' }, 'fr', 'de'), 'wave');
  assert.equal(localText({ b: 'B', a: 'A', Z: 'Z' }, 'fr', 'de'), 'Z', 'upper case sorts first');
});

test('absent, empty and odd values', () => {
  assert.equal(localText(undefined, 'en'), '');
  assert.equal(localText(null, 'en'), '');
  assert.equal(localText({}, 'en'), '');
  assert.equal(localText(12, 'en'), '12');
  assert.equal(pickLanguage({}, 'en'), undefined);
  assert.equal(localText({ en: { nested: true } }, 'en'), '', 'a non-string entry is no text');
});

test('markup in merchant text stays text (never parsed)', () => {
  assert.equal(localText({ en: '<b>Café</b>' }, 'en'), '<b>Café</b>');
});

test('points_label: plural forms, optionally keyed by language, else the catalog', () => {
  const pl = { pl: { one: 'punkt', few: 'punkty', many: 'punktów', other: 'punktu' } };
  assert.equal(pointsWord(pl, 'pl-PL', 'few'), 'punkty');
  assert.equal(pointsWord(pl, 'PL', 'many'), 'punktów');
  assert.equal(pointsWord(pl, 'ro', 'few'), null, 'another language: the catalog speaks');
  assert.equal(pointsWord({ one: 'star', other: 'stars' }, 'pl', 'few'), 'stars', 'one set of forms: its other');
  assert.equal(pointsWord({ one: 'point', other: 'points' }, 'en', 'one'), null, 'the core default is the catalog');
  assert.equal(pointsWord(undefined, 'en', 'one'), null);
  assert.equal(pointsWord({ one: 'star' }, 'en', 'other'), null, 'no form for it: the catalog');
});

test('the widget: names of every kind in the shopper language, points through Intl.PluralRules', () => {
  const program = {
    currency: 'PEN',
    default_language: 'es',
    points_label: { es: { one: 'estrella', other: 'estrellas' }, pl: { one: 'gwiazdka', few: 'gwiazdki', many: 'gwiazdek', other: 'gwiazdki' } },
    rewards: [{ id: 'cafe', name: COFFEE, type: 'choice', options: [{ id: 'a', name: { en: 'Latte', es: 'Café con leche' } }, { id: 'b', name: 'Mocha' }] }],
    earn: [{ id: 'base', name: { en: 'Base points', es: 'Puntos base' } }],
    tiers: { levels: [{ id: 'gold', name: { en: 'Gold', es: 'Oro' }, benefits: [{ en: 'Free shipping', es: 'Envío gratis' }, 'early_access'] }] },
    punch_cards: [{ id: 'card', name: { en: 'Coffee card', es: 'Tarjeta de café' } }],
    wheels: [{ id: 'sat', name: { en: 'Saturday wheel', es: 'Ruleta del sábado' }, prizes: [{ id: 'p', name: { en: 'Jackpot', es: 'Premio gordo' }, points: 50 }, { id: 'q', points: 5 }, { id: 'none' }] }],
    challenges: [{ id: 'hunt', name: { en: 'Treasure hunt', es: 'Búsqueda' }, steps: [{ id: 'visit', name: { en: 'Visit us', es: 'Visítanos' }, action: 'store_visit' }, { id: 'review', action: 'review' }] }],
    segments: [{ id: 'boots', name: { en: 'Bought rain boots', es: 'Compró botas' } }],
    membership: { id: 'plus', name: { en: 'Plus', es: 'Plus ES' } },
  };
  const es = new I18n('es-PE', program);
  assert.equal(es.rewardName('cafe'), 'Cafecito gratis');
  assert.equal(es.ruleName('base'), 'Puntos base');
  assert.equal(es.tierName('gold'), 'Oro');
  assert.equal(es.cardName('card'), 'Tarjeta de café');
  assert.equal(es.wheelName('sat'), 'Ruleta del sábado');
  assert.equal(es.prizeName('sat', 'p'), 'Premio gordo');
  assert.equal(es.challengeName('hunt'), 'Búsqueda');
  assert.equal(es.stepName('hunt', 'visit'), 'Visítanos');
  assert.equal(es.segmentName('boots'), 'Compró botas');
  assert.equal(es.membershipName(), 'Plus ES');
  assert.equal(es.benefit(program.tiers.levels[0].benefits[0]), 'Envío gratis');
  assert.equal(es.benefit('early_access'), 'Early access', 'an identifier is made readable');
  assert.match(es.rewardKind(program.rewards[0]), /Café con leche/);
  assert.equal(es.points(1), '1 estrella');
  assert.equal(es.points(3), '3 estrellas');
  const pl = new I18n('pl', program);
  assert.deepEqual([1, 2, 5, 22].map((n) => pl.points(n)), ['1 gwiazdka', '2 gwiazdki', '5 gwiazdek', '22 gwiazdki']);
  assert.equal(pl.rewardName('cafe'), 'Darmowa kawa');
  assert.equal(pl.tierName('gold'), 'Oro', 'no Polish name: default_language es');
  const ro = new I18n('ro', program);
  assert.deepEqual([1, 2, 20].map((n) => ro.points(n)), ['1 punct', '2 puncte', '20 de puncte'], 'no Romanian label: the catalog');
  const en = new I18n('en', program);
  assert.equal(en.prizeName('sat', 'q'), '5 points', 'a prize without a name says what it gives');
  assert.equal(en.prizeName('sat', 'none'), en.t('wheel.try_again'));
  assert.equal(en.stepName('hunt', 'review'), 'Writing a review');
  assert.equal(en.stepName('hunt', { id: 'x', order: { match: { categories: ['pastry'] }, min_order_minor: 1000 } }), `An order of Pastry from ${en.money(1000)}`);
  assert.equal(en.rewardName('unknown-id'), 'Unknown id', 'an unknown id is made readable');
  assert.equal(es.details({ en: 'Ships in 5 days', 'es-PE': 'Llega en 5 días' }), 'Llega en 5 días');
  assert.equal(es.details('Ships in 5 days'), 'Ships in 5 days');
  assert.equal(es.details({ ships_in_days: 5, sku: 'tote-canvas' }), '', 'free-form details are data, not text');
  assert.equal(es.details({ sku: 'tote-canvas' }), '', 'keys that are not language tags');
});
