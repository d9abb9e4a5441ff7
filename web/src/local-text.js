// Merchant text in the shopper's language (program.md, "Names in several languages"): every name
// and shopper-facing text of a program is a string or an object of BCP 47 tags to strings. Kept
// apart from i18n.js so it can be tested (and reused) without the message catalogs.

const PLURAL_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'];

/** a < b by Unicode code points (String.prototype.sort compares UTF-16 units). */
function codePointLess(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d < 0;
  }
  return x.length < y.length;
}

/** The key of `map` equal to `tag` ignoring case, or undefined. */
function findTag(map, tag) {
  if (!tag) return undefined;
  const want = String(tag).toLowerCase();
  return Object.keys(map).find((k) => k.toLowerCase() === want);
}

/** "es" for "es-PE" (also "es_PE"). */
export function baseLanguage(tag) {
  return String(tag ?? '').split(/[-_]/)[0];
}

/**
 * The entry of a language map to use: the shopper's tag, then its base language, then
 * `defaultLanguage`, then the first key in code-point order; tags match ignoring case.
 * Undefined for an empty map.
 */
export function pickLanguage(map, locale, defaultLanguage = 'en') {
  const keys = Object.keys(map);
  if (!keys.length) return undefined;
  const key =
    findTag(map, locale) ??
    findTag(map, baseLanguage(locale)) ??
    findTag(map, defaultLanguage || 'en') ??
    keys.reduce((first, k) => (codePointLess(k, first) ? k : first));
  return map[key];
}

/**
 * A name or text as the shopper reads it: a string passes through; an object of language tags
 * gives the entry pickLanguage() chooses; anything else (absent, a number) is '' or its text.
 */
export function localText(value, locale, defaultLanguage = 'en') {
  if (typeof value === 'string') return value;
  if (value == null) return '';
  if (typeof value !== 'object' || Array.isArray(value)) return String(value);
  const picked = pickLanguage(value, locale, defaultLanguage);
  return typeof picked === 'string' ? picked : '';
}

/** True for an object of plural forms ({one, other, ...} with string values). */
function isForms(v) {
  return !!v && typeof v === 'object' && PLURAL_FORMS.some((c) => typeof v[c] === 'string');
}

/**
 * The program's word for `n` points, or null when the widget's own catalog should say it.
 * `label` is `points_label`: plural forms ({"one": "star", "other": "stars"}), or the same keyed
 * by language ({"pl": {"one": "punkt", "few": "punkty", "many": "punktów", "other": "punktu"}}).
 * Keyed forms are taken for the shopper's tag, then its base language; another language's word
 * would not fit the sentence around it, so without one of those the catalog speaks (null). The
 * core's default ({"one": "point", "other": "points"}) is not the merchant's choice: null too.
 * `category` is the Intl.PluralRules category of n in the shopper's locale.
 */
export function pointsWord(label, locale, category) {
  if (!label || typeof label !== 'object') return null;
  let forms = null;
  const keyed = findTag(label, locale) ?? findTag(label, baseLanguage(locale));
  if (keyed !== undefined && isForms(label[keyed])) forms = label[keyed];
  else if (isForms(label) && !(label.one === 'point' && label.other === 'points' && Object.keys(label).length === 2)) forms = label;
  if (!forms) return null;
  const word = forms[category] ?? forms.other;
  return typeof word === 'string' ? word : null;
}
