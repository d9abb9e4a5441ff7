// The form's structure: sections, condition groups, lists of items (earning rules, rewards,
// prizes…) with add / move / remove, items whose fields follow their `type`, optional parts
// (tiers, membership), and the few fields that reshape their object (a tier period, how a
// challenge step is done, a segment's bought / not bought).
import { el, uid } from './dom.mjs';
import { LEAVES, fieldset } from './fields.mjs';
import { get, join } from './pointer.mjs';
import { MATCH } from './schema.mjs';

const hasValue = (v) => v !== undefined && !(v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

export function renderField(desc, base, ctx) {
  if (desc.showIf && !desc.showIf(get(ctx.doc, base))) return null;
  const draw = LEAVES[desc.kind] ?? SHAPES[desc.kind];
  return draw(desc, base, ctx);
}
const renderFields = (fields, base, ctx) => fields.map((f) => renderField(f, base, ctx));

/** A condition group (which products, when, who…): folded away until it says something. */
function groupField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const body = el('div', { class: 'f-grid' }, renderFields(desc.fields, pointer, ctx));
  const errorId = uid('err');
  const hint = desc.hint ? el('p', { class: 'f-hint' }, ctx.tr(desc.hint)) : null;
  if (desc.always) {
    return el('fieldset', { class: 'f-group', 'data-pointer': pointer, 'data-error': errorId }, el('legend', {}, ctx.tr(desc.label)), hint, body, el('p', { class: 'f-error', id: errorId, hidden: true }));
  }
  return el('details', { class: 'f-group', 'data-pointer': pointer, 'data-error': errorId, open: hasValue(get(ctx.doc, pointer)) || ctx.isOpen(pointer) },
    el('summary', {}, ctx.tr(desc.label)), hint, body, el('p', { class: 'f-error', id: errorId, hidden: true }));
}

/** The heading of a list item: its kind, number and (once given) its name. */
function itemTitle(ctx, desc, item, index) {
  const name = item?.name;
  const text = typeof name === 'string' ? name : name?.[ctx.lang] ?? name?.[ctx.defaultLanguage()] ?? '';
  return `${ctx.tr(desc.itemLabel)} ${index + 1}${text ? ` — ${text}` : item?.code ? ` — ${item.code}` : ''}`;
}

function itemFields(desc, item, pointer, ctx) {
  if (!desc.types) return renderFields(desc.fields, pointer, ctx);
  const type = desc.types[item?.type];
  // Choosing another type keeps what every type shares and starts the new type's own fields.
  const typeSelect = LEAVES.enum({ kind: 'enum', key: 'type', label: desc.typeLabel, required: true, options: Object.entries(desc.types).map(([k, t]) => [k, t.label]) }, pointer, {
    ...ctx,
    write: (p, next) => ctx.reshape(pointer, (o) => {
      for (const f of type?.fields ?? []) delete o[f.key];
      o.type = next;
      Object.assign(o, structuredClone(desc.types[next]?.defaults ?? {}));
    }),
  });
  return [
    ...renderFields(desc.common, pointer, ctx), typeSelect,
    ...(type ? renderFields(type.fields, pointer, ctx) : []),
    ...renderFields(desc.after, pointer, ctx),
  ];
}

function listField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const items = get(ctx.doc, pointer) ?? [];
  const top = base === '';
  const headingId = uid('h');
  const nodes = items.map((item, i) => {
    const ip = join(pointer, i);
    const legendId = uid('lg');
    const errorId = uid('err');
    const label = itemTitle(ctx, desc, item, i);
    // data-says keeps each button's message, so its name follows the item's title as it is typed.
    const tools = el('div', { class: 'f-tools' },
      el('button', { type: 'button', class: 'm-btn small', 'data-says': 'Move up: {item}', 'aria-label': ctx.tr('Move up: {item}', { item: label }), disabled: i === 0, onclick: () => ctx.move(pointer, i, i - 1) }, '↑'),
      el('button', { type: 'button', class: 'm-btn small', 'data-says': 'Move down: {item}', 'aria-label': ctx.tr('Move down: {item}', { item: label }), disabled: i === items.length - 1, onclick: () => ctx.move(pointer, i, i + 1) }, '↓'),
      el('button', { type: 'button', class: 'm-btn small danger', 'data-says': 'Remove: {item}', 'aria-label': ctx.tr('Remove: {item}', { item: label }), onclick: (e) => ctx.removeItem(pointer, i, e.currentTarget.closest('fieldset').querySelector('legend').textContent) }, ctx.tr('Remove')));
    return el('fieldset', { class: 'f-item', 'data-item': '', 'data-pointer': ip, 'data-error': errorId, 'aria-labelledby': legendId },
      el('legend', { id: legendId }, label), tools,
      el('p', { class: 'f-error', id: errorId, hidden: true }),
      el('div', { class: 'f-grid' }, itemFields(desc, item, ip, ctx)));
  });
  const add = el('button', { type: 'button', class: 'm-btn', 'data-add': pointer, onclick: () => ctx.addItem(pointer, desc) }, `+ ${ctx.tr(desc.add)}`);
  const errorId = uid('err');
  const heading = top ? el('h3', { id: headingId }, ctx.tr(desc.label)) : el('h4', { id: headingId }, ctx.tr(desc.label));
  return el(top ? 'section' : 'div', { class: `f-list${top ? ' f-section' : ''}`, 'data-list': pointer, 'data-pointer': pointer, 'data-error': errorId, 'aria-labelledby': headingId },
    heading, el('p', { class: 'f-error', id: errorId, hidden: true }),
    items.length ? null : el('p', { class: 'f-hint' }, ctx.tr('None yet.')), nodes, add);
}

/** Tiers and the paid membership: a tick adds the whole part with sensible values. */
function optionalField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const value = get(ctx.doc, pointer);
  const id = uid();
  const headingId = uid('h');
  const errorId = uid('err');
  const toggle = el('input', { id, type: 'checkbox', checked: value != null, 'data-toggle': pointer });
  toggle.addEventListener('change', () => ctx.write(pointer, toggle.checked ? desc.create() : undefined, { restructure: true, focus: pointer }));
  return el('section', { class: 'f-section', 'data-pointer': pointer, 'data-error': errorId, 'aria-labelledby': headingId },
    el('h3', { id: headingId }, ctx.tr(desc.label)),
    el('div', { class: 'f-field f-bool' }, toggle, el('label', { for: id }, ctx.tr(desc.toggle))),
    el('p', { class: 'f-error', id: errorId, hidden: true }),
    value != null ? el('div', { class: 'f-grid' }, renderFields(desc.fields, pointer, ctx)) : null);
}

function sectionField(desc, base, ctx) {
  const headingId = uid('h');
  return el('section', { class: 'f-section', 'aria-labelledby': headingId }, el('h3', { id: headingId }, ctx.tr(desc.label)), el('div', { class: 'f-grid' }, renderFields(desc.fields, base, ctx)));
}

/** The top-level `expiry` and `limits` groups render as sections of their own. */
function topGroup(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const headingId = uid('h');
  const errorId = uid('err');
  return el('section', { class: 'f-section', 'aria-labelledby': headingId, 'data-pointer': pointer, 'data-error': errorId },
    el('h3', { id: headingId }, ctx.tr(desc.label)), el('p', { class: 'f-error', id: errorId, hidden: true }),
    el('div', { class: 'f-grid' }, renderFields(desc.fields, pointer, ctx)));
}

/** A tier period: lifetime, calendar year, or a rolling number of days. */
function periodField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const v = get(ctx.doc, pointer);
  const rolling = v && typeof v === 'object';
  const kind = { kind: 'enum', key: '__period', label: desc.label, required: true, options: [['lifetime', 'their whole membership'], ['calendar_year', 'each calendar year'], ['rolling', 'a rolling number of days']] };
  const view = { ...ctx, doc: { __period: rolling ? 'rolling' : v } };
  const select = LEAVES.enum(kind, '', { ...view, write: (p, choice) => ctx.write(pointer, choice === 'rolling' ? { rolling_days: 365 } : choice, { restructure: true }) });
  select.querySelector('select').dataset.pointer = pointer;
  return el('div', { class: 'f-pair' }, select, rolling ? LEAVES.int({ kind: 'int', key: 'rolling_days', label: 'Days', required: true }, pointer, ctx) : null);
}

/** A challenge step is done by a shopper action (review, visit…) or by an order. */
function stepField(desc, base, ctx) {
  const item = get(ctx.doc, base) ?? {};
  const byOrder = item.order !== undefined;
  const kind = { kind: 'enum', key: '__step', label: desc.label, required: true, options: [['action', 'a shopper action'], ['order', 'an order']] };
  const select = LEAVES.enum(kind, '', {
    ...ctx, doc: { __step: byOrder ? 'order' : 'action' },
    write: (p, choice) => ctx.reshape(base, (o) => {
      if (choice === 'order') { delete o.action; o.order = {}; } else { delete o.order; o.action = 'store_visit'; }
    }),
  });
  select.querySelector('select').dataset.pointer = join(base, byOrder ? 'order' : 'action');
  const fields = byOrder
    ? [groupField(MATCH, join(base, 'order'), ctx), LEAVES.money({ kind: 'money', key: 'min_order_minor', label: 'Minimum order' }, join(base, 'order'), ctx)]
    : [LEAVES.text({ kind: 'text', key: 'action', label: 'Action (e.g. store_visit, review, social_share)', required: true }, base, ctx)];
  return el('div', { class: 'f-pair' }, select, ...fields);
}

/** A segment holds members who bought, or never bought, matching products. */
function segmentField(desc, base, ctx) {
  const item = get(ctx.doc, base) ?? {};
  const key = item.not_bought !== undefined ? 'not_bought' : 'bought';
  const kind = { kind: 'enum', key: '__seg', label: desc.label, required: true, options: [['bought', 'bought'], ['not_bought', 'never bought']] };
  const select = LEAVES.enum(kind, '', {
    ...ctx, doc: { __seg: key },
    write: (p, choice) => ctx.reshape(base, (o) => { const m = o[key] ?? {}; delete o.bought; delete o.not_bought; o[choice] = m; }),
  });
  select.querySelector('select').dataset.pointer = join(base, key);
  const products = renderFields(MATCH.fields, join(base, key), ctx);
  return el('div', { class: 'f-pair' }, select, el('div', { class: 'f-grid' }, products));
}

/** Benefits: a list of short texts, each in several languages. */
function textsField(desc, base, ctx) {
  const pointer = join(base, desc.key);
  const items = get(ctx.doc, pointer) ?? [];
  const rows = items.map((_, i) => {
    const names = LEAVES.names({ kind: 'names', key: String(i), label: `${ctx.tr(desc.itemLabel)} ${i + 1}` }, pointer, ctx);
    names.append(el('button', { type: 'button', class: 'm-btn small danger', 'aria-label': ctx.tr('Remove: {item}', { item: `${ctx.tr(desc.itemLabel)} ${i + 1}` }), onclick: () => ctx.removeItem(pointer, i, `${ctx.tr(desc.itemLabel)} ${i + 1}`) }, ctx.tr('Remove')));
    return names;
  });
  const add = el('button', { type: 'button', class: 'm-btn small', 'data-add': pointer, onclick: () => ctx.addItem(pointer, { newItem: () => '' }) }, `+ ${ctx.tr(desc.add)}`);
  return fieldset(ctx, desc, pointer, [...rows, add], 'f-texts');
}

const SHAPES = { group: groupField, list: listField, optional: optionalField, section: sectionField, period: periodField, step: stepField, segment: segmentField, texts: textsField };

/** The whole form: every section of the program document. */
export function renderSections(sections, ctx) {
  return sections.map((s) => (s.kind === 'group' ? topGroup(s, '', ctx) : renderField(s, '', ctx)));
}
