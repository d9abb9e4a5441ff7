// The "What if…" panel of the merchant page: choose real history (a sample of anonymised ledgers
// from the loyalty server) or a synthetic population, run, watch the progress, cancel, read the
// draft against the live program side by side. The page gives the programs and its wording.
import { aggregate } from './aggregate.mjs';
import { DEFAULTS } from './population.mjs';
import { renderReport } from './report.mjs';
import { WorkerPool, simulate } from './run.mjs';

function el(tag, attrs = {}, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) n.addEventListener(k.slice(2), v); else if (v != null && v !== false) n.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) if (kid != null) n.append(kid instanceof Node ? kid : String(kid));
  return n;
}

// A synthetic history ends at the start of today (UTC), so a run is the same all day long.
function startOfToday() {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}
// Real ledgers are replayed up to the start of this hour: the same `now` for every run in the
// hour, so a re-run with another draft reuses the live side (run.mjs).
function startOfHour() {
  return new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString().replace('.000Z', 'Z');
}

// FNV-1a over the sample's text: equal samples, equal keys.
function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${text.length}:${(h >>> 0).toString(16)}`;
}

function numberField(tr, label, name, value, { min = 0, max, step = 1 } = {}) {
  return el('label', { class: 'sim-field' }, el('span', {}, tr(label)),
    el('input', { type: 'number', name, value: String(value), min: String(min), max: max == null ? null : String(max), step: String(step), inputmode: step === 1 ? 'numeric' : 'decimal' }));
}

function controls(tr) {
  const source = el('fieldset', { class: 'sim-source' }, el('legend', {}, tr('Members')),
    el('label', {}, el('input', { type: 'radio', name: 'source', value: 'sample', checked: true }), ' ', tr('Sample of real history')),
    el('label', {}, el('input', { type: 'radio', name: 'source', value: 'synthetic' }), ' ', tr('Synthetic population')));
  const synthetic = el('fieldset', { class: 'sim-synthetic', 'data-sim-synthetic': '' }, el('legend', {}, tr('Synthetic population')),
    numberField(tr, 'Visits per month', 'visitsPerMonth', DEFAULTS.visitsPerMonth, { min: 0.1, max: 60, step: 0.1 }),
    numberField(tr, 'Items per basket (mean)', 'basketMean', DEFAULTS.basketMean, { min: 1, max: 20, step: 0.1 }),
    numberField(tr, 'Items per basket (spread)', 'basketSpread', DEFAULTS.basketSpread, { min: 0, max: 10, step: 0.1 }),
    numberField(tr, 'Months of history', 'months', DEFAULTS.months, { min: 1, max: 36 }),
    numberField(tr, 'Exact events per member (0: from visits)', 'eventsPerMember', DEFAULTS.eventsPerMember, { min: 0, max: 500 }));
  const form = el('form', { class: 'sim-controls', 'data-sim-form': '' },
    source,
    numberField(tr, 'How many members', 'size', 1000, { min: 1, max: 20000 }),
    // The seed picks the sample of real members as well as the synthetic ones.
    numberField(tr, 'Seed', 'seed', DEFAULTS.seed, { min: 0, max: 4294967295 }),
    synthetic,
    el('div', { class: 'sim-buttons' },
      el('button', { type: 'submit', class: 'm-btn primary', 'data-sim-run': '' }, tr('Run')),
      el('button', { type: 'button', class: 'm-btn', 'data-sim-cancel': '', disabled: true }, tr('Cancel'))));
  return form;
}

function readForm(form) {
  const get = (name) => Number(form.elements[name].value);
  return {
    source: form.elements.source.value,
    size: Math.max(1, Math.min(20000, Math.floor(get('size')) || 1)),
    synthetic: {
      visitsPerMonth: get('visitsPerMonth'), basketMean: get('basketMean'), basketSpread: get('basketSpread'),
      months: Math.max(1, Math.floor(get('months')) || 1), seed: Math.floor(get('seed')) >>> 0,
      eventsPerMember: Math.max(0, Math.floor(get('eventsPerMember')) || 0),
    },
  };
}

// The loyalty server answers a sample in pages of 500 members; they are fetched in order and
// joined, and a page that fails fails the whole sample (never a partial one).
async function fetchSample(ctx, size, seed) {
  const members = [];
  let first = null;
  let texts = '';
  for (let page = 0; page !== null && page !== undefined;) {
    const r = await fetch(`/api/merchant/ledger-sample?shop=${encodeURIComponent(ctx.shopId)}&size=${size}&seed=${seed}&page=${page}`);
    const text = await r.text();
    let body = null;
    try { body = JSON.parse(text); } catch { /* said below */ }
    if (!r.ok || !Array.isArray(body?.members)) {
      const why = body?.error?.message ?? `HTTP ${r.status}`;
      throw Object.assign(new Error(ctx.tr('The loyalty server gave no ledger sample ({why}). Try a synthetic population.', { why })), { code: 'no_sample' });
    }
    first ??= body;
    texts += text;
    members.push(...body.members);
    page = body.next_page;
  }
  return { ...first, members, key: `sample:${fingerprint(texts)}` };
}

// Names of rules and tiers in the page's language, from the draft (else the live program).
function withNames(page) {
  const program = () => page.programs().draft ?? page.programs().live ?? {};
  const named = (list, id) => {
    const item = list.find((x) => x.id === id);
    return item?.name ? page.localText(item.name, program()) : id;
  };
  const levels = () => program().tiers?.levels ?? [];
  const special = { tier: 'Tier bonus', expiry: 'Expiry', order: 'Order' };
  return {
    ...page,
    ruleName: (id) => (special[id] && !(program().earn ?? []).some((r) => r.id === id) ? page.tr(special[id]) : named(program().earn ?? [], id)),
    tierName: (id) => named(levels(), id),
    tierOrder: (id) => (id === '' ? -1 : levels().findIndex((l) => l.id === id)),
  };
}

/**
 * Mounts the panel at the end of `parent`. page: {tr, lang, money, shopId, products, localText,
 * programs() -> {live, draft} (draft null while invalid)}.
 */
export function mountSimulator(parent, page) {
  const ctx = withNames(page);
  const { tr } = ctx;
  document.head.append(el('link', { rel: 'stylesheet', href: new URL('./simulator.css', import.meta.url).href }));
  const form = controls(tr);
  const progress = el('progress', { max: '1', value: '0', 'aria-label': tr('Simulation progress'), 'data-sim-progress': '' });
  const status = el('span', { role: 'status', 'aria-live': 'polite', class: 'sim-status', 'data-sim-status': '' });
  const out = el('div', { class: 'sim-out', 'data-sim-result': '' });
  const section = el('section', { class: 'm-sim', 'aria-labelledby': 'sim-h', 'data-simulator': '' },
    el('div', { class: 'm-panel-head' }, el('h2', { id: 'sim-h' }, tr('What if…')),
      el('span', { class: 'm-sub' }, tr('the draft replayed on past ledgers before you publish · in your browser'))),
    form, el('div', { class: 'sim-progress' }, progress, status), out);
  parent.append(section);

  const runBtn = form.querySelector('[data-sim-run]');
  const cancelBtn = form.querySelector('[data-sim-cancel]');
  const syntheticBox = form.querySelector('[data-sim-synthetic]');
  const showSource = () => { syntheticBox.hidden = form.elements.source.value !== 'synthetic'; };
  form.addEventListener('change', showSource);
  showSource();

  // The workers load the core once the panel is in view or touched, so it is ready by the time
  // Run is pressed, and a merchant who never looks at the panel never pays for it.
  let pool = null;
  const warm = () => (pool ??= new WorkerPool());
  section.addEventListener('focusin', warm);
  section.addEventListener('pointerenter', warm);
  if ('IntersectionObserver' in globalThis) {
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { warm(); seen.disconnect(); }
    });
    seen.observe(section);
  }
  let running = null;
  const setBusy = (busy) => {
    runBtn.disabled = busy;
    cancelBtn.disabled = !busy;
    section.toggleAttribute('data-sim-busy', busy);
  };
  cancelBtn.addEventListener('click', () => running?.cancel());

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (running) return;
    const programs = ctx.programs();
    if (!programs.live || !programs.draft) { status.textContent = tr('Fix the draft first: the simulator replays a valid program.'); return; }
    const input = readForm(form);
    const t0 = performance.now();
    setBusy(true);
    progress.value = 0;
    progress.max = input.size;
    status.textContent = tr('Preparing…');
    let source; let now; let label;
    try {
      if (input.source === 'synthetic') {
        const end = startOfToday();
        const options = { ...input.synthetic, program: programs.live, products: ctx.products, end };
        source = { kind: 'synthetic', count: input.size, options, key: JSON.stringify({ ...input.synthetic, end }) };
        now = new Date(end).toISOString().replace('.000Z', 'Z');
        label = tr('synthetic, seed {seed}', { seed: input.synthetic.seed });
      } else {
        const sample = await fetchSample(ctx, input.size, input.synthetic.seed);
        source = { kind: 'sample', members: sample.members, key: sample.key };
        now = startOfHour();
        label = tr('sample of {n} of {total} real members', { n: sample.members.length, total: sample.total_members ?? '?' });
        progress.max = Math.max(1, sample.members.length);
      }
      out.dataset.simNow = now;
      running = simulate({
        pool: warm(), source, programs, now,
        onProgress: (done, total) => {
          progress.value = done;
          status.textContent = tr('{done} of {total} members replayed', { done, total });
        },
      });
      const pairs = await running.result;
      out.dataset.simCore = pairs.core;
      out.dataset.simLiveCached = String(pairs.liveCached);
      const result = aggregate(pairs, programs);
      out.replaceChildren(renderReport(result, ctx, { source: label, seconds: (performance.now() - t0) / 1000, liveVersion: programs.live.version, liveCached: pairs.liveCached }));
      status.textContent = tr('Done: {n} members replayed.', { n: result.members });
      section.dataset.simDone = String(Number(section.dataset.simDone ?? 0) + 1);
    } catch (err) {
      status.textContent = err.name === 'AbortError' ? tr('Cancelled.') : tr('The simulation failed: {message}', { message: err.message });
      if (err.name === 'AbortError') progress.value = 0;
    } finally {
      running = null;
      setBusy(false);
    }
  });
  return section;
}
