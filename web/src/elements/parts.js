// Pieces the portal and the checkout both draw: notices (offline, queued writes, the last
// redemption's outcome), tier progress, and a punch card drawn as a card of stamps.
import { h } from '../dom.js';

const NOTICE_MS = 15_000;

export function notices(view, t) {
  const out = [];
  if (view.offline) out.push(h('p', { class: 'note warn', part: 'offline' }, t.t('offline')));
  if (view.queueSize) out.push(h('p', { class: 'note', part: 'queue' }, t.t('queue.waiting', { count: view.queueSize })));
  const n = view.notice;
  if (n && Date.now() - n.at < NOTICE_MS && n.coupon) {
    const refused = n.kind === 'refused';
    const text = refused ? t.t('coupon.claim_refused', { code: n.coupon, reason: t.errorReason(n.code === 'unknown_reward' ? 'unknown_code' : n.code) }) : t.t(n.kind === 'sent' ? 'coupon.claimed_now' : 'coupon.claim_queued', { code: n.coupon, reward: n.reward ? t.rewardName(n.reward) : '' });
    out.push(h('p', { class: `note${refused ? ' warn' : ''}`, role: refused ? 'alert' : null, part: 'notice' }, text));
  } else if (n && Date.now() - n.at < NOTICE_MS && n.reward) {
    const reward = t.rewardName(n.reward);
    const text =
      n.kind === 'sent' ? t.t('reward.sent', { reward }) : n.kind === 'queued' ? t.t('reward.queued', { reward }) : t.t('reward.refused', { reward, reason: t.errorReason(n.code) });
    out.push(h('p', { class: `note${n.kind === 'refused' ? ' warn' : ''}`, role: n.kind === 'refused' ? 'alert' : null, part: 'notice' }, text));
  }
  return out;
}

/** "S/ 125.00 more to Gold" with a bar; null without tiers or at the top. */
export function tierProgress(view, t) {
  const tier = view.catalog?.tier ?? view.state?.tier;
  if (!tier?.id) return null;
  const next = tier.next;
  // The core says until when the tier is guaranteed (holds_until: the end of the period after
  // the one it was reached in, with retain: next_period); older states have only period_end,
  // which is right only for the top tier of a calendar period.
  // A null holds_until means nothing to lose (the lowest tier, a lifetime tier): no date at all.
  const known = !!view.state?.tier && Object.hasOwn(view.state.tier, 'holds_until');
  const holds = known ? view.state.tier.holds_until : null;
  const until = known ? holds : view.state?.tier?.period_end;
  const untilText = until ? h('p', { class: 'sub', part: 'tier-until' }, t.t('tier.until', { date: holds ? t.shopDate(holds) : t.date(until) })) : null;
  const lowest = (view.program?.tiers?.levels ?? [])[0]?.id;
  if (!next) {
    return h('div', { class: 'progress', part: 'progress' }, h('p', { class: 'sub' }, t.t('tier.top')), untilText);
  }
  const basis = tier.basis ?? view.program?.tiers?.basis ?? 'spend';
  const goal = tier.qualifying + next.remaining;
  const percent = goal > 0 ? Math.max(0, Math.min(100, Math.floor((tier.qualifying * 100) / goal))) : 0;
  const name = t.tierName(next.id);
  const text =
    basis === 'spend'
      ? t.t('tier.more_spend', { amount: t.money(next.remaining), tier: name })
      : basis === 'points'
        ? t.t('tier.more_points', { points: t.points(next.remaining), tier: name })
        : t.t('tier.more_orders', { count: next.remaining, tier: name });
  return h(
    'div',
    { class: 'progress', part: 'progress', id: 'tier-progress' },
    h('p', { class: 'sub' }, text),
    holds && tier.id !== lowest ? untilText : null,
    h('div', { class: 'bar', role: 'progressbar', 'aria-label': t.t('tier.progress', { tier: name }), 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(percent), 'aria-valuetext': text }, h('span', { style: { width: `${percent}%` } })),
  );
}

function stampColumns(required) {
  const rows = Math.max(1, Math.ceil(required / 10));
  const cols = Math.ceil(required / rows);
  return { '--cols': String(cols), '--half': String(Math.ceil(cols / 2)) };
}

/** A punch card: name, "7 of 10", one stamp per punch, what completing it gives. */
export function punchCard(card, t) {
  const name = t.text(card.name) || t.cardName(card.id);
  const stamps = [];
  for (let i = 0; i < card.required; i++) {
    stamps.push(h('span', { class: `stamp${i < card.punches ? ' on' : ''}`, 'aria-hidden': 'true' }, i < card.punches ? '✓' : ''));
  }
  return h(
    'div',
    { class: 'card', part: 'punch-card', role: 'group', 'aria-label': `${name}: ${t.t('card.progress', { count: card.punches, required: card.required })}` },
    h('div', { class: 'top' }, h('span', {}, name), h('span', {}, t.t('card.progress', { count: card.punches, required: card.required }))),
    // Rows of equal length: a card of 10 is one row of 10 where it fits and two of 5 where it
    // does not (never nine and a lone tenth); longer cards split into rows of at most 10.
    h('div', { class: 'stamps', style: stampColumns(card.required) }, stamps),
    card.reward ? h('p', { class: 'reward' }, t.t('card.reward', { reward: t.rewardName(card.reward) })) : null,
  );
}

/**
 * The member's vouchers grouped by reward (a café member may hold nine "Free appetizer"s):
 * [{reward, ids (soonest expiry first), used (ids chosen for this cart), expires_at (soonest)}].
 */
export function voucherGroups(vouchers, chosen) {
  const groups = new Map();
  const sorted = [...vouchers].sort((a, b) => (a.expires_at ?? '9999').localeCompare(b.expires_at ?? '9999'));
  for (const v of sorted) {
    if (!groups.has(v.reward)) groups.set(v.reward, { reward: v.reward, ids: [], used: [], expires_at: v.expires_at ?? null });
    const g = groups.get(v.reward);
    g.ids.push(v.id);
    if (chosen.includes(v.id)) g.used.push(v.id);
  }
  return [...groups.values()];
}

/**
 * One row per group: name ×count, soonest expiry or what it does on this cart, and a Use /
 * Remove button. `outcome` ({status, discount_minor, total_minor}, app.view.trials) is what the
 * voucher would do on the current cart: a voucher that would take nothing off shows its status
 * and why instead of a button (there is no button at all without a cart to use it on).
 * `checkout` labels the row as a voucher, apart from the same reward bought with points.
 */
export function voucherRow(g, t, app, { withButton, outcome, checkout = false }) {
  const name = t.rewardName(g.reward);
  const on = g.used.length > 0;
  const count = g.ids.length;
  const label = checkout ? t.t('voucher.name', { reward: name, count, n: t.number(count) }) : count > 1 ? `${name} × ${t.number(count)}` : name;
  const expiry = g.expires_at ? t.t('voucher.expires', { date: t.date(g.expires_at) }) : t.t('voucher.no_expiry');
  const ok = outcome?.status === 'available';
  let meta;
  if (on && ok) meta = h('span', { class: 'meta status-ok' }, `${t.t('checkout.applied')} · −${t.money(outcome.discount_minor)}`);
  else if (outcome && !ok) meta = h('span', { class: 'meta status-no', part: 'voucher-status' }, t.rewardStatusWhy({ id: g.reward, status: outcome.status }));
  else if (on) meta = h('span', { class: 'meta' }, t.t('voucher.in_use'));
  else if (ok) meta = h('span', { class: 'meta' }, `${t.t('checkout.discount', { discount: t.money(outcome.discount_minor), total: t.money(outcome.total_minor) })} · ${expiry}`);
  else meta = h('span', { class: 'meta' }, expiry);
  const toggle = () => (on ? app.useVoucher(g.used[g.used.length - 1], false) : app.useVoucher(g.ids.find((id) => !g.used.includes(id)), true));
  const button =
    withButton && (on || ok)
      ? h(
          'button',
          { class: on ? 'secondary' : '', 'data-key': `voucher-${g.reward}`, 'aria-pressed': String(on), 'aria-label': on ? t.t('checkout.remove_voucher', { reward: name }) : t.t('checkout.use_voucher', { reward: name }), onclick: toggle },
          on ? t.t('checkout.remove') : t.t('checkout.use_short'),
        )
      : null;
  return h('li', { class: `row${on ? ' active' : ''}`, part: 'voucher', 'data-reward': g.reward }, h('div', { class: 'main' }, h('span', { class: 'name' }, label), meta), button);
}

// --- signed out, and the writes waiting in the queue (issue 22, 9b/9c) --------------------

const LINK_AS_BUTTON = {
  display: 'inline-block', padding: '7px 14px', borderRadius: '999px', background: 'var(--_accent)', color: 'var(--_on-accent)',
  fontWeight: '600', textDecoration: 'none', minHeight: '36px', boxSizing: 'border-box',
};

/** One waiting write in words: "Free coffee (120 points)" or "Action: review". */
export function queuedLabel(item, t) {
  const reward = item.body?.reward;
  if (reward) {
    const cost = t.rewards?.get(reward)?.cost;
    return cost ? t.t('queue.redeem_cost', { reward: t.rewardName(reward), points: t.points(cost) }) : t.t('queue.redeem', { reward: t.rewardName(reward) });
  }
  if (item.body?.code) return t.t('queue.claim', { code: item.body.code });
  return t.t('queue.action', { action: String(item.body?.action ?? item.path) });
}

/** What waits in the offline queue, listed; null when nothing does. */
export function queuedList(view, t, heading) {
  if (!view.queued?.length) return null;
  return h(
    'div',
    { part: 'queued' },
    h('p', { class: 'sub' }, heading),
    h('ul', { class: 'list' }, view.queued.map((q) => h('li', { class: 'row', 'data-queued': q.body?.reward ?? q.body?.action ?? '' }, h('span', { class: 'name' }, queuedLabel(q, t))))),
  );
}

/** The signed-out state: why, a way back in (the merchant's data-sign-in-url), what still waits. */
export function signedOutBlock(view, t, compact = false) {
  const link = view.signInUrl ? h('a', { href: view.signInUrl, part: 'sign-in', 'data-key': 'sign-in', style: LINK_AS_BUTTON }, t.t('signedout.sign_in')) : null;
  return h(
    'div',
    { class: compact ? 'note warn' : 'signed-out', part: 'signed-out', role: 'status', style: { display: 'grid', gap: '10px' } },
    compact ? h('strong', {}, t.t('signedout.title')) : h('h2', { class: 'earns' }, t.t('signedout.title')),
    h('p', { class: 'sub' }, t.t(link ? 'signedout.text_link' : 'signedout.text')),
    link ? h('p', {}, link) : null,
    queuedList(view, t, t.t('signedout.queued', { count: view.queued?.length ?? 0 })),
  );
}

/** Points held by redemptions still in the queue ("−120 pending: Free coffee"); null if none. */
export function pendingRedemptions(view, t, app) {
  const waiting = app.queuedRedemptions();
  if (!waiting.length) return null;
  const points = waiting.reduce((n, q) => n + (t.rewards?.get(q.body.reward)?.cost ?? 0), 0);
  const names = waiting.map((q) => t.rewardName(q.body.reward)).join(', ');
  return h('p', { class: 'sub', part: 'pending-redemption' }, points ? t.t('portal.pending_redemption', { points: t.points(points), rewards: names }) : t.t('portal.pending_redemption_free', { rewards: names }));
}
