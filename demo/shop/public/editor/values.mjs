// Text in a form field ↔ a value in the program document. Whatever a field cannot read as its
// kind is written through as typed, so the engine's own validation names the problem at the
// field (one source of truth for what is valid).

// ISO 4217 minor-unit digits of the currencies the engine knows (program.md, *Numbers*).
const DIGITS = { JPY: 0, CLP: 0, KRW: 0, KWD: 3, BHD: 3 };
export const CURRENCIES = ['USD', 'EUR', 'PEN', 'PLN', 'RON', 'MXN', 'COP', 'JPY', 'CLP', 'KRW', 'KWD', 'BHD'];
export const digitsOf = (currency) => DIGITS[currency] ?? 2;

export const LANGUAGES = ['en', 'es', 'pl', 'ro'];
export const LANGUAGE_NAMES = { en: 'English', es: 'Español', pl: 'Polski', ro: 'Română' };

const INTEGER = /^-?\d+$/;

/** "12" → 12; "" → undefined (the field is left out); anything else stays text. */
export function readInteger(text) {
  const t = text.trim();
  if (t === '') return undefined;
  return INTEGER.test(t) ? Number(t) : t;
}

/** "12.50" in a 2-digit currency → 1250, exactly (no floating point). */
export function readMoney(text, digits) {
  const t = text.trim().replace(',', '.');
  if (t === '') return undefined;
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[2] === '' && !m[3]) || (m[3] ?? '').length > digits) return t;
  const minor = BigInt(`${m[2] || '0'}${(m[3] ?? '').padEnd(digits, '0')}`);
  const n = Number(m[1] ? -minor : minor);
  return Number.isSafeInteger(n) ? n : t;
}

export function showMoney(value, digits) {
  if (typeof value !== 'number' || !Number.isInteger(value)) return value == null ? '' : String(value);
  if (digits === 0) return String(value);
  const sign = value < 0 ? '-' : '';
  const s = String(Math.abs(value)).padStart(digits + 1, '0');
  return `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** Multipliers and percents: whole numbers as numbers, fractions as exact decimal strings. */
export function readDecimal(text) {
  const t = text.trim().replace(',', '.');
  if (t === '') return undefined;
  if (INTEGER.test(t)) return Number(t);
  return t;
}

/** "coffee, tea" → ["coffee", "tea"]; nothing → undefined. */
export function readList(text) {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}
export const showList = (value) => (Array.isArray(value) ? value.join(', ') : value == null ? '' : String(value));

/**
 * A merchant-typed name from its per-language inputs: only the default language filled → a plain
 * string (as most programs write it); more → an object of language tags; none → undefined.
 */
export function readNames(byLanguage, defaultLanguage) {
  const filled = Object.entries(byLanguage).filter(([, v]) => v.trim() !== '');
  if (!filled.length) return undefined;
  if (filled.length === 1 && filled[0][0] === defaultLanguage) return filled[0][1];
  return Object.fromEntries(filled);
}

/** The per-language texts of a name as stored; a plain string is the default language's. */
export function showNames(value, defaultLanguage) {
  if (typeof value === 'string') return { [defaultLanguage]: value };
  if (value && typeof value === 'object') return value;
  return {};
}
