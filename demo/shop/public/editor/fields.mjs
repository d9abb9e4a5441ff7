// The form's leaf fields: one labelled control per value of the program document, each carrying
// the JSON pointer it edits (data-pointer) so the engine's errors land on it. Every field has a
// hint slot and an error slot that aria-describedby points at.
import { el, uid } from './dom.mjs';
import { get, join } from './pointer.mjs';
import { LANGUAGES, LANGUAGE_NAMES, CURRENCIES, readDecimal, readInteger, readList, readMoney, readNames, showList, showMoney, showNames } from './values.mjs';

const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];

/** The hint and error paragraphs under a control, and the describedby list that names them. */
function notes(ctx, hint) {
  const hintId = hint ? uid('hint') : null;
  const errorId = uid('err');
  return {
    hintId, errorId,
    nodes: [hint ? el('p', { class: 'f-hint', id: hintId }, ctx.tr(hint)) : null, el('p', { class: 'f-error', id: errorId, hidden: true })],
  };
}

function control(ctx, desc, pointer, makeInput) {
  const id = uid();
  const n = notes(ctx, desc.hint);
  const input = makeInput(id);
  input.dataset.pointer = pointer;
  input.dataset.error = n.errorId;
  if (n.hintId) input.setAttribute('aria-describedby', n.hintId);
  if (desc.required) input.setAttribute('aria-required', 'true');
  const label = el('label', { for: id }, ctx.tr(desc.label));
  const wide = desc.kind === 'json' ? ' wide' : '';
  return el('div', { class: `f-field f-${desc.kind}${wide}` }, label, input, n.nodes);
}

const READERS = {
  int: (t) => readInteger(t),
  decimal: (t) => readDecimal(t),
  tags: (t) => readList(t),
  text: (t) => (t.trim() === '' ? undefined : t),
  ref: (t) => (t.trim() === '' ? undefined : t.trim()),
  zone: (t) => (t.trim() === '' ? undefined : t.trim()),
};

function showValue(kind, v, ctx) {
  if (kind === 'money') return showMoney(v, ctx.digits());
  if (kind === 'tags') return showList(v);
  if (v == null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A text input for numbers, money, text, lists and references to other items. */
function textField(desc, base, ctx, kind = desc.kind) {
  const pointer = join(base, desc.key);
  const value = get(ctx.doc, pointer);
  return control(ctx, desc, pointer, (id) => {
    const numeric = ['int', 'money', 'decimal'].includes(kind);
    const input = el('input', {
      id, type: 'text', value: showValue(kind, value, ctx), autocomplete: 'off', spellcheck: 'false',
      inputmode: kind === 'int' ? 'numeric' : numeric ? 'decimal' : null,
      list: kind === 'ref' ? ctx.datalist(desc.to) : kind === 'zone' ? 'm-zones' : null,
      placeholder: desc.nullable ? ctx.tr('no limit') : null,
    });
    input.addEventListener('input', () => {
      let v = kind === 'money' ? readMoney(input.value, ctx.digits()) : READERS[kind](input.value);
      if (v === undefined && desc.nullable) v = null;
      ctx.write(pointer, v);
    });
    return input;
  });
}

function moneyField(desc, base, ctx) {
  const f = textField(desc, base, ctx, 'money');
  f.querySelector('label').append(' ', el('span', { class: 'f-unit' }, `(${ctx.currency()})`));
  return f;
}

/** Tier thresholds are money when tiers count spend, a plain number otherwise. */
function thresholdField(desc, base, ctx) {
  return get(ctx.doc, '/tiers/basis') === 'spend' ? moneyField(desc, base, ctx) : textField(desc, base, ctx, 'int');
}

function selectField(desc, base, ctx, options = desc.options) {
  const pointer = join(base, desc.key);
  const value = get(ctx.doc, pointer);
  return control(ctx, desc, pointer, (id) => {
    const opts = [];
    if (!desc.required || value === undefined) opts.push(el('option', { value: '' }, ctx.tr(desc.anyLabel ?? '— choose —')));
    for (const [v, label] of options) opts.push(el('option', { value: JSON.stringify(v) }, ctx.tr(label)));
    const select = el('select', { id }, opts);
    select.value = value === undefined ? '' : JSON.stringify(value);
    // A value the form has no option for (typed in the JSON) stays selectable, as written.
    if (value !== undefined && select.value !== JSON.stringify(value)) {
      select.append(el('option', { value: JSON.stringify(value) }, String(value)));
      select.value = JSON.stringify(value);
    }
    select.addEventListener('change', () => ctx.write(pointer, select.value === '' ? undefined : JSON.parse(select.value), { restructure: true }));
    return select;
  });
}

const currencyField = (desc, base, ctx) => selectField({ ...desc, required: true }, base, ctx, CURRENCIES.map((c) => [c, c]));

function boolField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const fallback = desc.default ?? false;
  const value = get(ctx.doc, pointer) ?? fallback;
  const id = uid();
  const n = notes(ctx, desc.hint);
  const box = el('input', { id, type: 'checkbox', checked: value === true, 'data-pointer': pointer, 'data-error': n.errorId, 'aria-describedby': n.hintId });
  // A default of true is written as false when unticked; a default of false is simply left out.
  box.addEventListener('change', () => ctx.write(pointer, box.checked ? true : (fallback ? false : undefined)));
  return el('div', { class: 'f-field f-bool' }, box, el('label', { for: id }, ctx.tr(desc.label)), n.nodes);
}

/** A fieldset of related inputs (a name's languages, days, hours), errors at its legend. */
export function fieldset(ctx, desc, pointer, inputs, cls) {
  const n = notes(ctx, desc.hint);
  const legendId = uid('lg');
  return el('fieldset', { class: `f-set ${cls}`, 'data-pointer': pointer, 'data-error': n.errorId, 'aria-describedby': n.hintId }, el('legend', { id: legendId }, ctx.tr(desc.label)), el('div', { class: 'f-row' }, inputs), n.nodes);
}

/** A name per language: en/es/pl/ro inputs, each marked with its language for screen readers. */
function namesField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const lang0 = ctx.defaultLanguage();
  const stored = get(ctx.doc, pointer);
  const texts = showNames(stored, lang0);
  const inputs = {};
  const write = () => {
    // Languages the form does not show (es-PE, de…) are kept as the merchant wrote them.
    const others = stored && typeof stored === 'object' ? Object.fromEntries(Object.entries(stored).filter(([k]) => !LANGUAGES.includes(k))) : {};
    const typed = Object.fromEntries(LANGUAGES.map((l) => [l, inputs[l].value]));
    let v = readNames(typed, lang0);
    if (Object.keys(others).length) v = { ...(typeof v === 'string' ? { [lang0]: v } : v ?? {}), ...others };
    ctx.write(pointer, v);
  };
  const cells = LANGUAGES.map((l) => {
    const id = uid();
    inputs[l] = el('input', { id, type: 'text', lang: l, value: typeof texts[l] === 'string' ? texts[l] : '', 'data-pointer': join(pointer, l), autocomplete: 'off', oninput: write });
    return el('div', { class: 'f-lang' }, el('label', { for: id, lang: l }, LANGUAGE_NAMES[l]), inputs[l]);
  });
  const set = fieldset(ctx, desc, pointer, cells, 'f-names');
  for (const input of Object.values(inputs)) input.dataset.error = set.dataset.error;
  return set;
}

function daysField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const chosen = new Set(get(ctx.doc, pointer) ?? []);
  const boxes = DAYS.map(([d, label]) => {
    const id = uid();
    const box = el('input', { id, type: 'checkbox', value: d, checked: chosen.has(d) });
    box.addEventListener('change', () => {
      const days = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
      ctx.write(pointer, days.length ? days : undefined);
    });
    return { box, node: el('span', { class: 'f-day' }, box, el('label', { for: id }, ctx.tr(label))) };
  });
  return fieldset(ctx, desc, pointer, boxes.map((b) => b.node), 'f-days');
}

function hoursField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const [from = '', to = ''] = get(ctx.doc, pointer) ?? [];
  const make = (label, v) => { const id = uid(); const input = el('input', { id, type: 'time', value: v }); return { input, node: el('span', { class: 'f-lang' }, el('label', { for: id }, label), input) }; };
  const a = make(ctx.tr('Starts'), from); const b = make(ctx.tr('Ends'), to);
  const write = () => ctx.write(pointer, a.input.value || b.input.value ? [a.input.value, b.input.value] : undefined);
  a.input.addEventListener('input', write); b.input.addEventListener('input', write);
  return fieldset(ctx, desc, pointer, [a.node, b.node], 'f-hours');
}

/** Free-form details (JSON): what does not parse is kept as text, and the engine says why. */
function jsonField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const v = get(ctx.doc, pointer);
  return control(ctx, desc, pointer, (id) => {
    const area = el('textarea', { id, rows: '3', spellcheck: 'false', value: v === undefined ? '' : (typeof v === 'string' ? v : JSON.stringify(v)) });
    area.addEventListener('input', () => {
      const t = area.value.trim();
      let value;
      try { value = t ? JSON.parse(t) : undefined; } catch { value = t; }
      ctx.write(pointer, value);
    });
    return area;
  });
}

export const LEAVES = {
  int: textField, decimal: textField, text: textField, tags: textField, ref: textField, zone: textField,
  money: moneyField, threshold: thresholdField, enum: selectField, currency: currencyField, bool: boolField,
  names: namesField, days: daysField, hours: hoursField, json: jsonField,
};
