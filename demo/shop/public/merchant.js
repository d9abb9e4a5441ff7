// The merchant console: the program document in a form editor (editor/) and as JSON, the two kept
// in sync both ways and validated as you type by the WebAssembly core (errors point at the field
// through their JSON pointer), a live preview of a
// sample cart under the draft rules next to the published ones, publishing, version history and
// the program's metrics as SVG charts. Everything loyalty-specific is computed by the core.
import { LoyaltyCore } from '/loyalty/wasm/loyalty-core.mjs';
import { translator } from './merchant-i18n.mjs';
import { mountEditor } from './editor/form.mjs';
import { jsonSyntaxError } from './json-position.mjs';
import { programDiff } from './program-diff.mjs';
import { storeOffset, withZone, zoneNames, zoneOf } from './store-zone.mjs';
import { mountSimulator } from './simulator/panel.mjs';

const cfg = JSON.parse(document.getElementById('merchant-data').textContent);
const shop = cfg.shops[cfg.shop];
// English text is the key; {name} placeholders are filled from args.
const tr = translator(cfg.lang);
const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') n.className = v; else if (k.startsWith('on')) n.addEventListener(k.slice(2), v); else if (v != null) n.setAttribute(k, v);
  }
  for (const kid of kids.flat()) if (kid != null) n.append(kid instanceof Node ? kid : String(kid));
  return n;
};
const fmt = new Intl.NumberFormat(shop.currency === 'PEN' ? 'es-PE' : 'en-US', { style: 'currency', currency: shop.currency });
const money = (m) => fmt.format(m / 100);

const src = $('[data-source]');
const gutter = $('[data-gutter]');
const hl = $('[data-highlight]');
const status = $('[data-status]');
const problems = $('[data-problems]');
const publishBtn = $('[data-publish]');

let core = null;
let published = null; // the program the server answers now
let draft = null; // the parsed, valid draft (or null)
let errorLine = -1;
let warnLines = new Set();

// ---------------------------------------------------------------------------------------------
// JSON pointer -> position in the text: a small parser that notes where every value starts.

function locate(text) {
  const at = new Map();
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const str = () => { const s = i; i++; while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1; i++; return JSON.parse(text.slice(s, i)); };
  const value = (ptr, keyPos) => {
    ws();
    at.set(ptr, keyPos ?? i);
    if (text[i] === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws(); const kp = i; const k = str(); ws(); i++; // ':'
        value(`${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, kp);
        ws(); if (text[i] === ',') { i++; continue; } i++; return;
      }
    } else if (text[i] === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (let n = 0; ; n++) {
        value(`${ptr}/${n}`); ws();
        if (text[i] === ',') { i++; continue; } i++; return;
      }
    } else if (text[i] === '"') str();
    else { while (i < text.length && !',]}\n\r\t '.includes(text[i])) i++; }
  };
  try { value(''); } catch { /* only called on valid JSON */ }
  return at;
}
function lineOf(text, offset) { let n = 0; for (let k = 0; k < offset && k < text.length; k++) if (text[k] === '\n') n++; return n; }
function lineForPointer(text, pointer) {
  const at = locate(text);
  let p = pointer;
  for (;;) {
    if (at.has(p)) return lineOf(text, at.get(p));
    if (!p) return 0;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

// ---------------------------------------------------------------------------------------------
// The editor: a textarea over a layer that marks lines; line numbers in a gutter.

function paint() {
  const lines = src.value.split('\n');
  gutter.textContent = lines.map((_, n) => n + 1).join('\n');
  hl.replaceChildren(...lines.map((l, n) => el('span', { class: n === errorLine ? 'line err' : (warnLines.has(n) ? 'line warn' : 'line') }, l || ' ', '\n')));
  syncScroll();
}
function syncScroll() { gutter.scrollTop = src.scrollTop; hl.scrollTop = src.scrollTop; hl.scrollLeft = src.scrollLeft; }
src.addEventListener('scroll', syncScroll);
src.addEventListener('keydown', (e) => {
  if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey) {
    // Tab indents; Escape then Tab leaves the editor, so keyboard users are never trapped.
    if (src.dataset.escaped) { delete src.dataset.escaped; return; }
    e.preventDefault();
    src.setRangeText('  ', src.selectionStart, src.selectionEnd, 'end');
    onEdit();
  } else if (e.key === 'Escape') src.dataset.escaped = '1';
});

function goToLine(n, column = 0) {
  const lines = src.value.split('\n');
  const start = lines.slice(0, n).reduce((a, l) => a + l.length + 1, 0);
  src.focus();
  if (column > 0) src.setSelectionRange(start + column - 1, start + column - 1);
  else src.setSelectionRange(start, start + (lines[n]?.length ?? 0));
  const lh = parseFloat(getComputedStyle(src).lineHeight) || 20;
  src.scrollTop = Math.max(0, n * lh - src.clientHeight / 3);
  syncScroll();
}

function problem(kind, path, message, line, column = 0) {
  return el('li', { class: `prob ${kind}` },
    el('span', { class: 'prob-kind' }, kind === 'err' ? tr('Error') : tr('Warning')),
    el('code', {}, path || tr('(document)')),
    el('span', { class: 'prob-msg' }, message),
    line >= 0 ? el('button', { type: 'button', class: 'prob-line', onclick: () => { showView('json'); goToLine(line, column); } }, tr('line {n}', { n: line + 1 })) : null,
    path != null && path !== '' ? el('button', { type: 'button', class: 'prob-field', onclick: () => { showView('form'); form.focusField(path); } }, tr('Show in the form')) : null);
}

// The editor says whether it holds an error, and which messages describe it (screen readers).
problems.id ||= 'm-problems';
status.id ||= 'm-status';
src.setAttribute('aria-describedby', `${status.id} ${problems.id}`);
src.setAttribute('aria-label', tr('Program JSON'));

let publishing = false; // a publish in flight: the button stays off until the server has answered
let rollingBack = false; // a rollback fetching its version (before its publish starts)
let timer = 0;
function onEdit() {
  paint();
  clearTimeout(timer);
  timer = setTimeout(check, 120);
}
src.addEventListener('input', onEdit);

// The store's time zone as a choice: picking one rewrites the draft's time_zone (or utc_offset).
const zoneInput = $('[data-program-zone]');
$('#m-zones').replaceChildren(...zoneNames().map((z) => el('option', { value: z })));
zoneInput.addEventListener('change', () => {
  let doc;
  try { doc = JSON.parse(src.value); } catch { return; }
  src.value = JSON.stringify(readable(withZone(doc, zoneInput.value.trim())), null, 2);
  onEdit();
});

// ---------------------------------------------------------------------------------------------
// The form editor and the two views (Form, Advanced (JSON)) as ARIA tabs.

const formNote = $('[data-form-note]');
let formText = ''; // the JSON text the form wrote last (so check() does not redraw the form)
const form = mountEditor($('[data-form-editor]'), {
  tr, lang: cfg.lang,
  // Every keystroke in the form rewrites the JSON at once; validation and preview follow it.
  onChange(doc) {
    formText = JSON.stringify(readable(doc), null, 2);
    src.value = formText;
    onEdit();
  },
});
// Starting over keeps the document it replaced, one click away, until the next start over.
let beforeReset = null;
const undoReset = $('[data-undo-new]');
$('[data-new-program]').addEventListener('click', () => {
  beforeReset = structuredClone(form.document());
  form.reset();
  undoReset.hidden = false;
});
undoReset.addEventListener('click', () => {
  if (!beforeReset) return;
  form.load(beforeReset);
  form.changed();
  beforeReset = null;
  undoReset.hidden = true;
  $('[data-new-program]').focus();
});

const tabs = [...document.querySelectorAll('[role=tab][data-tab]')];
function showView(name, focus = false) {
  for (const t of tabs) {
    const on = t.dataset.tab === name;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
    if (on && focus) t.focus();
  }
  if (name === 'json') paint();
}
for (const t of tabs) {
  t.addEventListener('click', () => showView(t.dataset.tab));
  // Arrow keys move between the tabs, as the ARIA tabs pattern has it.
  t.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(t);
    const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length] : e.key === 'Home' ? tabs[0] : e.key === 'End' ? tabs.at(-1) : null;
    if (next) { e.preventDefault(); showView(next.dataset.tab, true); }
  });
}

function check() {
  const text = src.value;
  const issues = [];
  errorLine = -1;
  warnLines = new Set();
  problems.replaceChildren();
  draft = null;
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Chromium's message names no position: the console finds it itself.
    const at = jsonSyntaxError(text);
    errorLine = at ? at.line - 1 : -1;
    const message = at ? tr('Not valid JSON at line {line}, column {column}: {problem}', { line: at.line, column: at.column, problem: tr(at.problem) }) : tr('Not valid JSON: {message}', { message: e.message });
    problems.append(problem('err', '', message, errorLine, at?.column ?? 0));
    setStatus('bad', tr('JSON syntax error'));
    formNote.hidden = false;
    return finish();
  }
  formNote.hidden = true;
  // JSON typed in the Advanced view redraws the form; the form's own writes do not come back.
  if (text !== formText) { form.load(doc); formText = text; }
  if (!core) { setStatus('', tr('Loading the WebAssembly core…')); return finish(); }
  try {
    const res = core.call('validate', { program: doc });
    for (const w of res.warnings ?? []) {
      const line = lineForPointer(text, w.path);
      warnLines.add(line);
      problems.append(problem('warn', w.path, w.message, line));
      issues.push({ kind: 'warn', path: w.path, message: w.message });
    }
    draft = doc;
    if (document.activeElement !== zoneInput) zoneInput.value = zoneOf(doc);
    const n = res.warnings?.length ?? 0;
    setStatus('ok', n ? tr(n > 1 ? 'Valid · {n} warnings' : 'Valid · {n} warning', { n }) : tr('Valid program'));
  } catch (e) {
    const line = lineForPointer(text, e.path ?? '');
    errorLine = line;
    problems.append(problem('err', e.path, e.message, line));
    issues.push({ kind: 'err', path: e.path ?? '', message: e.message });
    setStatus('bad', e.code ?? 'invalid');
  }
  form.showIssues(issues);
  finish();
}
let shownError = -1;
function finish() {
  paint();
  // Bring a new error's line into view (the caret stays where the merchant is typing).
  if (errorLine >= 0 && errorLine !== shownError) {
    const lh = parseFloat(getComputedStyle(src).lineHeight) || 20;
    const top = errorLine * lh;
    if (top < src.scrollTop || top > src.scrollTop + src.clientHeight - 2 * lh) {
      src.scrollTop = Math.max(0, top - src.clientHeight / 3);
      syncScroll();
    }
  }
  shownError = errorLine;
  const invalid = problems.querySelector('.prob.err') !== null;
  src.setAttribute('aria-invalid', String(invalid));
  publishBtn.disabled = publishing || !draft || JSON.stringify(readable(draft)) === JSON.stringify(readable(published));
  runPreview();
}
function setStatus(kind, text) { status.className = `m-status ${kind}`; status.textContent = text; }

// ---------------------------------------------------------------------------------------------
// Live preview: the sample cart under the draft and under the published program.

const defaults = cfg.shop === 'cafe' ? { latte: 2, croissant: 1, empanadita: 1 } : { 'sneaker-white': 1, socks: 1, 'gift-card-100': 1 };
const qty = {};
const cartBox = $('[data-sample-cart]');
for (const p of shop.products) {
  qty[p.sku] = defaults[p.sku] ?? 0;
  const input = el('input', { type: 'number', min: '0', max: '20', value: String(qty[p.sku]), 'aria-label': tr('{product} quantity', { product: p.name }) });
  input.addEventListener('input', () => { qty[p.sku] = Math.max(0, Math.min(20, Number(input.value) || 0)); runPreview(); });
  cartBox.append(el('label', { class: 'm-item' }, el('span', { class: 'm-item-name' }, p.name, el('small', {}, `${p.category} · ${money(p.price)}`)), input));
}
const atInput = $('[data-preview-at]');
const memberSel = $('[data-preview-member]');
{
  const d = new Date(Date.now() - 5 * 3600_000); // store-local (-05:00)
  atInput.value = d.toISOString().slice(0, 16);
}
atInput.addEventListener('input', runPreview);
memberSel.addEventListener('change', runPreview);

const eventsCache = new Map();
async function memberEvents(id) {
  if (!id) return null;
  if (!eventsCache.has(id)) {
    const r = await fetch(`/api/merchant/events?shop=${cfg.shop}&member=${encodeURIComponent(id)}`);
    const body = r.ok ? await r.json() : null;
    // The server lists ledger rows ({seq, event_id, …, event: {…}}); the core replays the events.
    const rows = Array.isArray(body) ? body : (body?.events ?? null);
    eventsCache.set(id, rows ? rows.map((r) => (r && typeof r.event === 'object' ? r.event : r)) : null);
  }
  return eventsCache.get(id);
}

function sampleCart(program) {
  const wall = atInput.value || new Date().toISOString().slice(0, 16);
  const lines = shop.products.filter((p) => qty[p.sku] > 0).map((p) => ({ sku: p.sku, name: p.name, category: p.category, unit_price_minor: p.price, quantity: qty[p.sku] }));
  return { currency: shop.currency, at: `${wall}:00${storeOffset(program, wall)}`, lines, shipping_minor: lines.length ? shop.shipping_minor : 0 };
}

async function previewWith(program, events, cart) {
  let state = null;
  if (events) {
    try { state = core.call('replay', { program, events, now: cart.at }); } catch (e) { console.warn('replay failed; previewing as a guest', e); }
  }
  return core.call('preview', { program, state, cart, now: cart.at });
}

let previewSeq = 0;
async function runPreview() {
  const out = $('[data-preview-result]');
  if (!core) return;
  const seq = ++previewSeq;
  if (!draft) { out.classList.add('stale'); out.dataset.staleNote = tr('The preview shows the last valid program.'); return; }
  const cart = sampleCart(draft);
  if (!cart.lines.length) { out.classList.remove('stale'); out.replaceChildren(el('p', { class: 'm-muted' }, tr('Add something to the sample cart.'))); return; }
  let events = null;
  try { events = await memberEvents(memberSel.value); } catch { events = null; }
  if (seq !== previewSeq) return;
  let now; let before = null;
  try {
    now = await previewWith(draft, events, cart);
    if (published && JSON.stringify(readable(published)) !== JSON.stringify(readable(draft))) before = await previewWith(published, events, sampleCart(published));
  } catch (e) {
    out.replaceChildren(el('p', { class: 'prob err' }, `${e.code}: ${e.message} ${e.path ?? ''}`)); // the core's own words, with its code
    return;
  }
  out.classList.remove('stale');
  out.replaceChildren(renderPreview(now, before, draft));
}

const EXPLAIN = {
  'earn.per_spend': (a) => tr('{points} per {per} on {spend}', { points: a.points, per: money(a.per_minor), spend: money(a.spend_minor) }),
  'earn.per_item': (a) => tr('{points} per item', { points: a.points }),
  'earn.multiplier': (a) => tr('×{factor} multiplier', { factor: a.factor ?? '' }),
  'earn.tier_multiplier': (a) => tr('×{factor} tier bonus', { factor: a.factor ?? '' }),
};
// A name may be given per language: the merchant page's, else the program's default, else any.
const localText = (v, program) => (typeof v === 'string' ? v : v?.[cfg.lang] ?? v?.[program.default_language ?? 'en'] ?? Object.values(v ?? {})[0] ?? '');

function explain(line, program) {
  const rule = (program.earn ?? []).find((r) => r.id === line.rule);
  const name = rule?.name ? localText(rule.name, program) : line.rule === 'tier' ? tr('Tier bonus') : line.rule;
  const f = EXPLAIN[line.explain?.key];
  return [name, f ? f(line.explain.args ?? {}) : (line.explain?.key ?? '').replace(/^earn\./, '').replace(/_/g, ' ')];
}

function renderPreview(p, before, program) {
  const text = (v) => localText(v, program);
  const rewardName = (id) => text((program.rewards ?? []).find((r) => r.id === id)?.name ?? id);
  const tierName = (id) => text((program.tiers?.levels ?? []).find((l) => l.id === id)?.name ?? id);
  const cardName = (id) => text((program.punch_cards ?? []).find((c) => c.id === id)?.name ?? id);
  const total = p.points?.total ?? 0;
  const delta = before ? total - (before.points?.total ?? 0) : 0;
  const head = el('div', { class: 'pv-head' },
    el('div', { class: 'pv-big' }, el('span', { 'data-preview-points': '' }, String(total)), el('small', {}, tr(' points'))),
    el('div', { class: 'pv-sub' }, tr('on {amount} of merchandise', { amount: money(p.totals?.merchandise_minor ?? 0) }),
      before && delta !== 0 ? el('span', { class: delta > 0 ? 'delta up' : 'delta down', 'data-delta': '' }, `${delta > 0 ? '+' : ''}${delta} ${tr('vs. published')}`) : null));
  const lines = el('ul', { class: 'pv-lines' }, (p.points?.lines ?? []).map((l) => {
    const [name, how] = explain(l, program);
    return el('li', {}, el('span', {}, el('strong', {}, name), el('small', {}, how)), el('b', {}, `${l.points > 0 ? '+' : ''}${l.points}`));
  }));
  const bits = [];
  if (p.tier && (p.tier.before || p.tier.after)) bits.push(el('li', {}, `${tr('Tier:')} ${p.tier.before ? tierName(p.tier.before) : '—'}${p.tier.after && p.tier.after !== p.tier.before ? ` → ${tierName(p.tier.after)} ${tr('(upgrade!)')}` : ''}`));
  for (const c of p.punch_cards ?? []) bits.push(el('li', {}, `${cardName(c.id)}: ${c.punches_after}/${c.required}${c.completes ? ` — ${tr('completes {n}', { n: c.completes })}` : ''}`));
  const issued = {};
  for (const v of p.vouchers_issued ?? []) { const k = rewardName(v.reward ?? v); issued[k] = (issued[k] ?? 0) + 1; }
  for (const [k, n] of Object.entries(issued)) bits.push(el('li', {}, n > 1 ? tr('Vouchers issued: {n} × {reward}', { n, reward: k }) : tr('Voucher issued: {reward}', { reward: k })));
  for (const n of p.nudges ?? []) {
    const text = n.kind === 'spend_to_next_tier' ? tr('Nudge: add {amount} to reach {tier}', { amount: money(n.remaining_minor), tier: tierName(n.tier) })
      : n.kind === 'add_item_for_punch_card' ? tr('Nudge: {n} more for the {card}', { n: n.punches_missing, card: cardName(n.card) })
        : n.kind === 'spend_for_threshold' ? tr('Nudge: {amount} more for another {reward}', { amount: money(n.remaining_minor), reward: rewardName(n.reward) })
          : n.kind === 'spend_for_reward' ? tr('Nudge: {amount} more to use {reward}', { amount: money(n.remaining_minor), reward: rewardName(n.reward) })
        : `${tr('Nudge:')} ${n.kind.replace(/_/g, ' ')}${n.remaining_minor != null ? ` — ${tr('{amount} to go', { amount: money(n.remaining_minor) })}` : ''}`;
    bits.push(el('li', { class: 'nudge' }, text));
  }
  const rewards = el('table', { class: 'pv-rewards' },
    el('thead', {}, el('tr', {}, el('th', {}, tr('Reward')), el('th', {}, tr('Status')), el('th', {}, tr('Takes off')), el('th', {}, tr('New total')))),
    el('tbody', {}, (p.rewards ?? []).map((r) => el('tr', {},
      el('td', {}, rewardName(r.id)),
      el('td', {}, el('span', { class: `st st-${r.status}` }, tr(r.status.replace(/_/g, ' '))), r.points_needed ? el('small', {}, ` ${tr('{n} pts short', { n: r.points_needed })}`) : null),
      el('td', {}, r.discount_minor ? money(r.discount_minor) : '—'),
      el('td', {}, r.total_minor != null && r.discount_minor ? money(r.total_minor) : '—')))));
  return el('div', {}, head, lines, bits.length ? el('ul', { class: 'pv-bits' }, bits) : null, el('h3', {}, tr('Rewards on this cart')), rewards);
}

// ---------------------------------------------------------------------------------------------
// Publishing and versions.

function renderVersions(list) {
  const box = $('[data-versions]');
  const items = [];
  const liveNote = (list ?? []).find((v) => v.version === published?.version)?.note;
  if (published) items.push(el('li', { class: 'current' }, el('b', {}, `v${published.version ?? 1}`), ` ${tr('live now')}${liveNote ? ` — ${liveNote}` : ''}`));
  for (const v of list ?? []) {
    if (v.version === published?.version) continue;
    items.push(el('li', { 'data-version': v.version }, el('b', {}, `v${v.version}`), ` ${tr('published')} ${new Date(v.at).toLocaleString(cfg.lang)}${v.note ? ` — ${v.note}` : ''} `,
      el('button', { class: 'm-btn small', type: 'button', 'data-compare': v.version, onclick: () => compare(v.version) }, tr('Compare with live')),
      el('button', { class: 'm-btn small', type: 'button', 'data-rollback': v.version, onclick: () => rollback(v.version) }, tr('Roll back to v{version}', { version: v.version }))));
  }
  if (!list?.some((v) => v.version !== published?.version)) items.push(el('li', { class: 'm-muted' }, tr('Earlier versions stay on the server: every ledger entry records the version it was computed with.')));
  box.replaceChildren(...items);
}

async function versionDoc(version) {
  const r = await fetch(`/api/merchant/program?shop=${cfg.shop}&version=${version}`);
  const out = await r.json();
  if (!r.ok) throw new Error(out.program?.error?.message ?? String(r.status));
  return out.program;
}

/** What publishing again would change: from version `version` to the live one, in sentences. */
async function compare(version) {
  const box = $('[data-diff]');
  try {
    const lines = programDiff(await versionDoc(version), published, { lang: cfg.lang, money });
    box.replaceChildren(el('h4', {}, tr('From v{from} to v{to} (live)', { from: version, to: published.version })),
      lines.length ? el('ul', {}, lines.map((l) => el('li', {}, l))) : el('p', { class: 'm-muted' }, tr('No difference.')));
  } catch (e) {
    box.replaceChildren(el('p', {}, tr('Refused: {reason}', { reason: e.message })));
  }
}

/**
 * Publishes an old version's document again, as a new version with a note; a version that says
 * what the live one says is not published again (a second click on the same rollback included).
 */
async function rollback(version) {
  // Taken before the first await: a second click while this one fetches does nothing.
  if (publishing || rollingBack) return;
  rollingBack = true;
  try {
    const doc = await versionDoc(version).catch(() => null);
    if (!doc) return;
    if (!programDiff(doc, published).length) {
      $('[data-publish-status]').textContent = tr('v{version} is what is live already: nothing to publish.', { version });
      return;
    }
    await publish(doc, tr('Rollback to v{version}', { version }));
  } finally {
    rollingBack = false;
  }
}

// One publish at a time: the buttons are off from the click until the editor holds what the
// server now serves (its new `version` included), so a second click has nothing left to publish;
// the request carries its own Idempotency-Key, so a retry of it publishes once.
async function publish(source, note = '') {
  if (!source || publishing) return;
  publishing = true;
  publishBtn.disabled = true;
  const doc = structuredClone(source);  // the loyalty server numbers the new version
  const st = $('[data-publish-status]');
  st.textContent = tr('Publishing…');
  try {
    const r = await fetch(`/api/merchant/program?shop=${cfg.shop}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ program: doc, note, base_version: published?.version, key: crypto.randomUUID() }) });
    const out = await r.json().catch(() => ({}));
    if (!r.ok) {
      st.textContent = tr('Refused: {reason}', { reason: out.result?.error?.message ?? r.status });
      return;
    }
    // The editor moves to the document the server now serves, with the version it assigned.
    await loadProgram(true);
    st.textContent = tr('Published v{version}. Shoppers get it on their next page view.', { version: published?.version ?? doc.version });
  } catch (e) {
    st.textContent = tr('Refused: {reason}', { reason: e.message });
  } finally {
    publishing = false;
    finish();
  }
}

publishBtn.addEventListener('click', () => publish(draft));

// The server may answer with sorted keys; a merchant reads "id, name, type" first.
const FIRST = ['schema', 'id', 'name', 'version', 'type', 'currency', 'utc_offset', 'time_zone', 'points_label', 'pending_days', 'earn', 'tiers', 'punch_cards', 'rewards', 'expiry', 'limits'];
function readable(v) {
  if (Array.isArray(v)) return v.map(readable);
  if (!v || typeof v !== 'object') return v;
  const keys = Object.keys(v).sort((a, b) => {
    const ia = FIRST.indexOf(a); const ib = FIRST.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  return Object.fromEntries(keys.map((k) => [k, readable(v[k])]));
}

async function loadProgram(fill = true) {
  const r = await fetch(`/api/merchant/program?shop=${cfg.shop}`);
  const out = await r.json();
  published = out.program;
  if (fill) { src.value = JSON.stringify(readable(published), null, 2); form.load(published); formText = src.value; }
  renderVersions(out.versions);
  check();
}

// ---------------------------------------------------------------------------------------------
// Metrics as small SVG charts.

const NS = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, ...kids) => {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid != null) n.append(kid);
  return n;
};
function barChart(title, labels, series, { format = (v) => String(v), colors = ['#5b4bdb', '#e0893a'] } = {}) {
  const W = 420; const H = 190; const pad = { l: 34, r: 8, t: 12, b: 26 };
  const max = Math.max(1, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const bw = (W - pad.l - pad.r) / labels.length;
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  for (const f of [0, 0.5, 1]) {
    const y = pad.t + (H - pad.t - pad.b) * (1 - f);
    g.append(svg('line', { x1: pad.l, x2: W - pad.r, y1: y, y2: y, stroke: '#e6e3ee' }), svg('text', { x: pad.l - 6, y: y + 4, 'text-anchor': 'end', class: 'ax' }, format(Math.round(max * f))));
  }
  labels.forEach((lab, i) => {
    const x0 = pad.l + i * bw;
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      const h = (H - pad.t - pad.b) * (v / max);
      const w = (bw - 6) / series.length;
      g.append(svg('rect', { x: x0 + 3 + k * w, y: H - pad.b - h, width: Math.max(1, w - 1), height: h, rx: 2, fill: colors[k] }, svg('title', {}, `${lab}: ${format(v)} ${s.name}`)));
    });
    g.append(svg('text', { x: x0 + bw / 2, y: H - 8, 'text-anchor': 'middle', class: 'ax' }, lab));
  });
  const legend = series.length > 1 ? el('div', { class: 'legend' }, series.map((s, k) => el('span', {}, el('i', { style: `background:${colors[k]}` }), s.name))) : null;
  return el('figure', { class: 'chart' }, el('figcaption', {}, title), g, legend);
}
function lineChart(title, labels, values, { suffix = '%' } = {}) {
  const W = 420; const H = 190; const pad = { l: 34, r: 10, t: 12, b: 26 };
  const present = values.filter((v) => v != null);
  const max = Math.max(100, ...present);
  const x = (i) => pad.l + (i + 0.5) * ((W - pad.l - pad.r) / labels.length);
  const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  for (const f of [0, 0.5, 1]) g.append(svg('line', { x1: pad.l, x2: W - pad.r, y1: y(max * f), y2: y(max * f), stroke: '#e6e3ee' }), svg('text', { x: pad.l - 6, y: y(max * f) + 4, 'text-anchor': 'end', class: 'ax' }, `${Math.round(max * f)}${suffix}`));
  const pts = values.map((v, i) => (v == null ? null : [x(i), y(v)])).filter(Boolean);
  if (pts.length) g.append(svg('polyline', { points: pts.map((p) => p.join(',')).join(' '), fill: 'none', stroke: '#2f9e6e', 'stroke-width': 2.5 }));
  values.forEach((v, i) => { if (v != null) g.append(svg('circle', { cx: x(i), cy: y(v), r: 3.5, fill: '#2f9e6e' }, svg('title', {}, `${labels[i]}: ${v.toFixed(1)}${suffix}`))); });
  labels.forEach((lab, i) => g.append(svg('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', class: 'ax' }, lab)));
  return el('figure', { class: 'chart' }, el('figcaption', {}, title), g);
}
function tierChart(dist, program) {
  const levels = program?.tiers?.levels ?? Object.keys(dist).map((id) => ({ id, name: id }));
  const total = Object.values(dist).reduce((a, b) => a + b, 0) || 1;
  const colors = ['#c9c3d9', '#9aa7b8', '#d4a72c', '#5b4bdb'];
  const W = 420; let x = 0;
  const g = svg('svg', { viewBox: `0 0 ${W} 54`, role: 'img', 'aria-label': tr('Tier distribution (members now)') });
  levels.forEach((lv, i) => {
    const n = dist[lv.id] ?? 0; const w = (W * n) / total;
    if (w > 0) g.append(svg('rect', { x, y: 8, width: w, height: 38, fill: colors[i % colors.length] }, svg('title', {}, `${lv.name ?? lv.id}: ${n}`)));
    x += w;
  });
  const legend = el('div', { class: 'legend' }, levels.map((lv, i) => el('span', {}, el('i', { style: `background:${colors[i % colors.length]}` }), `${lv.name ?? lv.id} ${dist[lv.id] ?? 0} (${Math.round(((dist[lv.id] ?? 0) * 100) / total)}%)`)));
  return el('figure', { class: 'chart' }, el('figcaption', {}, tr('Tier distribution (members now)')), g, legend);
}

// CRR = (E − N) / S × 100 needs S, the members a period starts with: with none it has no value,
// and the page says why instead of drawing an empty chart.
function crrKpi(q, kpi) {
  const start = q?.members?.at_start ?? 0;
  if (q?.customer_retention_rate == null || !start) return kpi(tr('Retention (CRR)'), '—', tr('no members before the last 90 days to retain yet'));
  return kpi(tr('Retention (CRR)'), `${Number(q.customer_retention_rate).toFixed(1)}%`, tr('last 90 days · {kept} of {start} members kept', { kept: q.members.at_end - q.members.enrolled_in_period, start }));
}
function crrEmpty() {
  return el('figure', { class: 'chart chart-empty', 'data-crr-empty': '' }, el('figcaption', {}, tr('Customer retention rate (CRR) per month')),
    el('p', { class: 'm-muted' }, tr('No month has members who joined before it, so there is no one to retain yet: CRR = (members at the end − new members) ÷ members at the start. It shows here once members from an earlier month keep ordering.')));
}

async function loadMetrics() {
  const box = $('[data-charts]');
  const kpis = $('[data-kpis]');
  box.replaceChildren(el('p', { class: 'm-muted' }, tr('Loading metrics…')));
  const r = await fetch(`/api/merchant/metrics?shop=${cfg.shop}`);
  const out = await r.json();
  if (!r.ok) { box.replaceChildren(el('p', { class: 'prob err' }, `${tr('Metrics unavailable')}: ${out.error?.message ?? r.status}`)); return; }
  const labels = out.months.map((m) => m.label);
  const ms = out.months.map((m) => m.metrics);
  const y = out.year;
  const pct = (s) => (s == null ? null : Number(s) * 100);
  const kpi = (label, value, hint) => el('div', { class: 'kpi' }, el('span', {}, label), el('b', {}, value), hint ? el('small', {}, hint) : null);
  kpis.replaceChildren(
    kpi(tr('Members'), String(y.members?.enrolled_total ?? '—'), `${y.members?.enrolled_in_period ?? 0} ${tr('joined this year')}`),
    kpi(tr('Revenue'), money(y.revenue_minor ?? 0), `${y.orders ?? 0} ${tr('orders')}`),
    kpi(tr('Avg. order'), y.average_order_value_minor != null ? money(Number(y.average_order_value_minor)) : '—'),
    kpi(tr('Redemption rate'), y.redemption_rate != null ? `${(Number(y.redemption_rate) * 100).toFixed(1)}%` : '—', tr('{redeemed} of {issued} points', { redeemed: y.points?.redeemed ?? 0, issued: y.points?.issued ?? 0 })),
    crrKpi(out.quarter, kpi),
  );
  const crr = ms.map((m) => (m.customer_retention_rate == null ? null : Number(m.customer_retention_rate)));
  // A program without tiers has no tier chart (and no empty slot for one).
  box.replaceChildren(...[
    barChart(tr('Enrolments per month'), labels, [{ name: tr('members joined'), values: ms.map((m) => m.members?.enrolled_in_period ?? 0) }]),
    barChart(tr('Points issued and redeemed'), labels, [{ name: tr('issued'), values: ms.map((m) => m.points?.issued ?? 0) }, { name: tr('redeemed'), values: ms.map((m) => m.points?.redeemed ?? 0) }]),
    lineChart(tr('Redemption rate per month'), labels, ms.map((m) => pct(m.redemption_rate))),
    crr.some((v) => v != null) ? lineChart(tr('Customer retention rate (CRR) per month'), labels, crr) : crrEmpty(),
    published?.tiers ? tierChart(y.tier_distribution ?? {}, published) : null,
  ].filter(Boolean));
}

// ---------------------------------------------------------------------------------------------
// The what-if simulator (issue 21): its own panel, files in simulator/.

mountSimulator($('.m-main'), {
  tr, lang: cfg.lang, money, shopId: cfg.shop, products: shop.products, localText,
  programs: () => ({ live: published, draft }),
});

// ---------------------------------------------------------------------------------------------

(async () => {
  setStatus('', tr('Loading…'));
  const coreP = LoyaltyCore.load({ scriptUrl: '/loyalty/wasm/loyalty_core.js', wasmUrl: '/loyalty/wasm/loyalty_core.wasm' })
    .then((c) => { core = c; })
    .catch((e) => setStatus('bad', `WebAssembly core failed to load: ${e.message}`));
  await loadProgram(true);
  await coreP;
  check();
  document.body.dataset.ready = '1';
  loadMetrics();
})();
