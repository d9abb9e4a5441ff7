// Renders the simulator's result (aggregate.mjs) as tables — live, draft and the difference for
// every figure — with a chart beside the totals. Every cell carries its raw number in data-value
// so tests read figures without parsing localised text.
import { COLORS, pairedBars } from './chart.mjs';

function el(tag, attrs = {}, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) n.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid != null) n.append(kid instanceof Node ? kid : String(kid));
  return n;
}

// The rows of the totals table: key (data-sim-row), label, how to read it from a side, unit.
const TOTAL_ROWS = [
  ['issued', 'Points issued', (s) => s.issued, 'points'],
  ['redeemed', 'Points redeemed', (s) => s.redeemed, 'points'],
  ['expired', 'Points expired', (s) => s.expired, 'points'],
  ['outstanding', 'Outstanding points', (s) => s.outstanding, 'points'],
  ['liability', 'Liability', (s) => s.liabilityMinor, 'money'],
  ['expected_liability', 'Liability expected to be redeemed', (s) => s.expectedLiabilityMinor, 'money'],
  ['reward_cost', 'Reward cost', (s) => s.rewardCostMinor, 'money'],
  ['redemptions', 'Redemptions', (s) => s.redemptions, 'count'],
  ['redemption_ratio', 'Redeemed ÷ issued', (s) => s.redemptionRatio, 'ratio'],
  ['expected_breakage', 'Expected breakage (points)', (s) => s.expectedBreakage, 'points'],
  ['rejected', 'Refused events', (s) => s.rejected, 'count'],
];

function formatter(ctx) {
  const number = new Intl.NumberFormat(ctx.lang === 'es' ? 'es-PE' : 'en-US');
  const percent = new Intl.NumberFormat(ctx.lang === 'es' ? 'es-PE' : 'en-US', { style: 'percent', maximumFractionDigits: 1 });
  return (value, unit, signed = false) => {
    if (value == null) return '—';
    const sign = signed && value > 0 ? '+' : '';
    if (unit === 'money') return sign + ctx.money(value);
    if (unit === 'ratio') return sign + percent.format(value);
    return sign + number.format(value);
  };
}

function cell(value, text, side) {
  return el('td', { 'data-side': side, 'data-value': value == null ? '' : String(value), class: side === 'diff' ? diffClass(value) : null }, text);
}
// A change is marked, not judged: more points issued may be just what the merchant wants.
const diffClass = (v) => (v == null || v === 0 ? 'sim-same' : 'sim-changed');

// A table in a box that scrolls sideways on a narrow screen (focusable, so keyboards scroll it).
function sideBySide(caption, head, rows, mark = {}) {
  const table = el('table', { class: 'sim-table', ...mark },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { scope: 'col', class: i && i < 4 ? 'num' : null }, h)))),
    el('tbody', {}, rows));
  return el('div', { class: 'sim-scroll', role: 'region', tabindex: '0', 'aria-label': caption }, table);
}

function totalsTable(result, ctx, fmt) {
  const { tr } = ctx;
  const rows = TOTAL_ROWS.map(([key, label, read, unit]) => {
    const live = read(result.live); const draft = read(result.draft);
    const diff = live == null || draft == null ? null : draft - live;
    return el('tr', { 'data-sim-row': key }, el('th', { scope: 'row' }, tr(label)),
      cell(live, fmt(live, unit), 'live'), cell(draft, fmt(draft, unit), 'draft'), cell(diff, fmt(diff, unit, true), 'diff'));
  });
  return sideBySide(tr('Totals over {n} members', { n: result.members }), [tr('Figure'), tr('Live'), tr('Draft'), tr('Difference')], rows);
}

function tierTable(result, ctx, fmt) {
  const { tr, tierName } = ctx;
  const ids = [...new Set([...Object.keys(result.live.tiers), ...Object.keys(result.draft.tiers)])];
  ids.sort((a, b) => ctx.tierOrder(a) - ctx.tierOrder(b));
  const rows = ids.map((id) => {
    const live = result.live.tiers[id] ?? 0; const draft = result.draft.tiers[id] ?? 0;
    return el('tr', { 'data-sim-tier': id }, el('th', { scope: 'row' }, id ? tierName(id) : tr('No tier')),
      cell(live, fmt(live, 'count'), 'live'), cell(draft, fmt(draft, 'count'), 'draft'), cell(draft - live, fmt(draft - live, 'count', true), 'diff'));
  });
  return sideBySide(tr('Tier distribution (members at the end)'), [tr('Tier'), tr('Live'), tr('Draft'), tr('Difference')], rows);
}

// "Base points +1,406; tier Silver → Gold; 2 more redemptions pass".
function whyText(why, ctx, fmt) {
  const { tr, ruleName, tierName } = ctx;
  const parts = why.rules.map((d) => tr('{rule} {points}', { rule: ruleName(d.rule), points: fmt(d.difference, 'points', true) }));
  if (why.tier) parts.push(tr('tier {from} → {to}', { from: why.tier.live ? tierName(why.tier.live) : tr('No tier'), to: why.tier.draft ? tierName(why.tier.draft) : tr('No tier') }));
  const n = Math.abs(why.redemptions);
  if (why.redemptions > 0) parts.push(tr(n === 1 ? '1 more redemption goes through' : '{n} more redemptions go through', { n }));
  if (why.redemptions < 0) parts.push(tr(n === 1 ? '1 redemption refused' : '{n} redemptions refused', { n }));
  return parts.join('; ');
}

function moversTable(caption, movers, ctx, fmt, kind) {
  const { tr } = ctx;
  if (!movers.length) return el('p', { class: 'm-muted', [`data-sim-${kind}`]: '' }, caption, ': ', tr('nobody.'));
  const rows = movers.map((m) => el('tr', { 'data-sim-member': m.id },
    el('th', { scope: 'row' }, el('code', {}, m.id)),
    cell(m.live, fmt(m.live, 'points'), 'live'), cell(m.draft, fmt(m.draft, 'points'), 'draft'), cell(m.difference, fmt(m.difference, 'points', true), 'diff'),
    el('td', { class: 'sim-why' }, whyText(m.why, ctx, fmt))));
  return sideBySide(caption, [tr('Member'), tr('Issued, live'), tr('Issued, draft'), tr('Difference'), tr('Why')], rows, { [`data-sim-${kind}`]: '' });
}

function legend(ctx) {
  return el('div', { class: 'sim-legend', 'aria-hidden': 'true' },
    ['live', 'draft'].map((side) => el('span', {}, el('i', { style: `background:${COLORS[side]}` }), ctx.tr(side === 'live' ? 'Live' : 'Draft'))));
}

/**
 * The report for one run. ctx: {tr, lang, money, ruleName, tierName, tierOrder}; meta: {source,
 * seconds, liveVersion, liveCached}.
 */
export function renderReport(result, ctx, meta) {
  const { tr } = ctx;
  const fmt = formatter(ctx);
  const points = ['issued', 'redeemed', 'expired', 'outstanding'];
  const chart = pairedBars(tr('Points, live and draft'),
    points.map((k) => ({ label: tr({ issued: 'issued', redeemed: 'redeemed', expired: 'expired', outstanding: 'outstanding' }[k]), live: result.live[k], draft: result.draft[k] })),
    { live: tr('Live'), draft: tr('Draft') }, (v) => fmt(v, 'points'));
  const breakage = result.breakageRate == null
    ? tr('No points were issued under the live program, so there is no redemption behaviour to estimate breakage from.')
    : tr('Breakage estimate: {rate} of issued points are never redeemed (1 − redeemed ÷ issued, as these members behaved under the live program); the draft is assumed to keep that behaviour.', { rate: fmt(result.breakageRate, 'ratio') });
  return el('div', { class: 'sim-report', 'data-sim-report': '' },
    el('p', { class: 'sim-meta' }, tr('{n} members ({source}) replayed under the live program v{version} and the draft in {seconds} s.', { n: result.members, source: meta.source, version: meta.liveVersion ?? '?', seconds: meta.seconds.toFixed(1) }),
      meta.liveCached ? ` ${tr('The live side is the last run\'s (same members, same live program): only the draft was replayed.')}` : null),
    el('div', { class: 'sim-totals' }, totalsTable(result, ctx, fmt), el('figure', { class: 'sim-figure' }, chart, legend(ctx))),
    el('p', { class: 'sim-note', 'data-sim-breakage': '' }, breakage),
    el('p', { class: 'sim-note' }, tr('Liability = outstanding points × the program\'s point_value_minor. Refused events: what the rules turned down, e.g. a redemption over the balance.')),
    result.live.liabilityMinor == null && result.draft.liabilityMinor == null ? el('p', { class: 'sim-note' }, tr('Liability needs point_value_minor in the program (what one point costs you).')) : null,
    tierTable(result, ctx, fmt),
    el('h3', {}, tr('Members who gain and lose most')),
    el('p', { class: 'sim-note' }, tr('Gain = points issued to the member under the draft − under the live program.')),
    moversTable(tr('Gain most'), result.gainers, ctx, fmt, 'gainers'),
    moversTable(tr('Lose most'), result.losers, ctx, fmt, 'losers'));
}
