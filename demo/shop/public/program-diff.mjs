// A readable difference between two program documents, for the merchant's version history:
// "Base: 1 → 2 points per S/ 1.00", "New reward: Free croissant", "Free coffee: costs 120 → 100
// points". Items in lists (earning rules, rewards, tiers, cards, wheels, challenges, coupons,
// segments) are matched by id, so reordering them is no change. Pure: the page and the tests
// call it with the two documents, a language and a money formatter.

const WORDS = {
  en: {
    added: 'New {what}: {name}',
    removed: '{What} removed: {name}',
    changed: '{name}: {field} {from} → {to}',
    said: '{name}: {from} → {to}',
    top: '{field}: {from} → {to}',
    per_spend: '{points} points per {amount}',
    cost: 'costs {points} points',
    none: 'none',
    same: 'No difference.',
    what: { earn: 'earning rule', rewards: 'reward', levels: 'tier', punch_cards: 'punch card', wheels: 'prize wheel', challenges: 'challenge', coupons: 'coupon code', segments: 'segment' },
  },
  es: {
    added: 'Nuevo {what}: {name}',
    removed: '{What} eliminado: {name}',
    changed: '{name}: {field} {from} → {to}',
    said: '{name}: {from} → {to}',
    top: '{field}: {from} → {to}',
    per_spend: '{points} puntos por {amount}',
    cost: 'cuesta {points} puntos',
    none: 'ninguno',
    same: 'Sin diferencias.',
    what: { earn: 'regla para ganar', rewards: 'premio', levels: 'nivel', punch_cards: 'tarjeta de sellos', wheels: 'ruleta', challenges: 'reto', coupons: 'código de cupón', segments: 'segmento' },
  },
  // Polish and Romanian nouns have genders; "Added: rule X" reads right with every one of them.
  pl: {
    added: 'Dodano: {what} {name}',
    removed: 'Usunięto: {what} {name}',
    changed: '{name}: {field} {from} → {to}',
    said: '{name}: {from} → {to}',
    top: '{field}: {from} → {to}',
    per_spend: '{points} pkt za każde {amount}',
    cost: 'kosztuje {points} pkt',
    none: 'brak',
    same: 'Brak różnic.',
    what: { earn: 'reguła naliczania', rewards: 'nagroda', levels: 'poziom', punch_cards: 'karta z pieczątkami', wheels: 'koło nagród', challenges: 'wyzwanie', coupons: 'kod kuponu', segments: 'segment' },
  },
  ro: {
    added: 'Adăugat: {what} {name}',
    removed: 'Eliminat: {what} {name}',
    changed: '{name}: {field} {from} → {to}',
    said: '{name}: {from} → {to}',
    top: '{field}: {from} → {to}',
    per_spend: '{points} puncte pentru fiecare {amount}',
    cost: 'costă {points} puncte',
    none: 'nimic',
    same: 'Nicio diferență.',
    what: { earn: 'regulă de câștig', rewards: 'recompensă', levels: 'nivel', punch_cards: 'card cu ștampile', wheels: 'roată cu premii', challenges: 'provocare', coupons: 'cod de cupon', segments: 'segment' },
  },
};

/** The languages the differences are written in (the merchant page's four). */
export const DIFF_WORDS = WORDS;

const LISTS = ['earn', 'rewards', 'punch_cards', 'wheels', 'challenges', 'coupons', 'segments'];
const IGNORED = new Set(['version', ...LISTS, 'tiers']);

const fill = (text, args) => text.replace(/\{(\w+)\}/g, (whole, k) => (k in args ? String(args[k]) : whole));
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** A name in the merchant's language (names may be objects of language tags). */
function nameOf(item, lang) {
  const n = item?.name ?? item?.id ?? item?.code ?? '';
  if (n && typeof n === 'object') return n[lang] ?? n.en ?? Object.values(n)[0] ?? '';
  return String(n);
}

function shown(v, words) {
  if (v === undefined || v === null) return words.none;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** What changed in one item matched by id: the usual fields in words, the rest field by field. */
function itemChanges(a, b, ctx) {
  const { words, money } = ctx;
  const name = nameOf(b, ctx.lang);
  const out = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  if (b.type === 'per_spend' && (a.points !== b.points || a.per_minor !== b.per_minor)) {
    out.push(fill(words.said, { name, from: fill(words.per_spend, { points: a.points, amount: money(a.per_minor) }), to: fill(words.per_spend, { points: b.points, amount: money(b.per_minor) }) }));
    keys.delete('points');
    keys.delete('per_minor');
  }
  if ('cost' in b && a.cost !== b.cost) {
    out.push(fill(words.said, { name, from: fill(words.cost, { points: a.cost ?? 0 }), to: fill(words.cost, { points: b.cost }) }));
    keys.delete('cost');
  }
  for (const k of keys) {
    if (k === 'id' || same(a[k], b[k])) continue;
    const money_ = k.endsWith('_minor') && (typeof a[k] === 'number' || typeof b[k] === 'number');
    const from = money_ && typeof a[k] === 'number' ? money(a[k]) : shown(a[k], words);
    const to = money_ && typeof b[k] === 'number' ? money(b[k]) : shown(b[k], words);
    out.push(fill(words.changed, { name, field: k, from, to }));
  }
  return out;
}

function listChanges(kind, before = [], after = [], ctx) {
  const key = (x) => x?.id ?? x?.code;
  const old = new Map(before.map((x) => [key(x), x]));
  const now = new Map(after.map((x) => [key(x), x]));
  const what = ctx.words.what[kind];
  const out = [];
  for (const [id, item] of now) {
    if (!old.has(id)) out.push(fill(ctx.words.added, { what, name: nameOf(item, ctx.lang) }));
    else if (!same(old.get(id), item)) out.push(...itemChanges(old.get(id), item, ctx));
  }
  for (const [id, item] of old) if (!now.has(id)) out.push(fill(ctx.words.removed, { What: capital(what), name: nameOf(item, ctx.lang) }));
  return out;
}

/**
 * The differences from `before` to `after`, as sentences in `lang` (en, es, pl or ro); `money`
 * formats minor units. An empty list means the two programs say the same.
 */
export function programDiff(before, after, { lang = 'en', money = (m) => String(m) } = {}) {
  const words = WORDS[lang] ?? WORDS.en;
  const ctx = { words, money, lang };
  const out = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (IGNORED.has(k) || same(before[k], after[k])) continue;
    out.push(fill(words.top, { field: k, from: shown(before[k], words), to: shown(after[k], words) }));
  }
  for (const kind of LISTS) out.push(...listChanges(kind, before[kind], after[kind], ctx));
  out.push(...listChanges('levels', before.tiers?.levels, after.tiers?.levels, ctx));
  const { levels: _a, ...tiersBefore } = before.tiers ?? {};
  const { levels: _b, ...tiersAfter } = after.tiers ?? {};
  if (!same(tiersBefore, tiersAfter)) out.push(fill(words.top, { field: 'tiers', from: shown(before.tiers ? tiersBefore : null, words), to: shown(after.tiers ? tiersAfter : null, words) }));
  return out;
}

export const NO_DIFFERENCE = Object.fromEntries(Object.entries(WORDS).map(([lang, w]) => [lang, w.same]));
