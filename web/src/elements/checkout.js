// <loyalty-checkout>: what this cart earns (with the breakdown), the rewards usable on it with the
// discount and new total of each, the member's vouchers, nudges, and the totals with the chosen
// rewards. Recomputed by the local core on every Loyalty.setCart() / loyalty:cart, within a
// frame; the choice goes to the shop as a loyalty:redeem event.
import { h } from '../dom.js';
import { LoyaltyElement, getApp } from './base.js';
import { challengeNotes, couponBlock, creditRow } from './engage.js';
import { notices, signedOutBlock, voucherGroups, voucherRow } from './parts.js';

const SHOWN_STATUSES = new Set(['available', 'insufficient_points', 'min_order_not_met', 'requirement_not_met']);

/** The preview's vouchers_issued ([{reward, source}], one per voucher) as [[reward, count]]. */
function issuedVouchers(list) {
  const counts = new Map();
  for (const v of list) counts.set(v.reward, (counts.get(v.reward) ?? 0) + 1);
  return [...counts];
}

export class LoyaltyCheckout extends LoyaltyElement {
  dependencies(v) {
    return [v.phase, v.core, v.program, v.state, v.preview, v.trials, v.selection, v.signedOut, v.offline, v.queueSize, v.queued, v.notice, !!getApp()?.engine];
  }

  build(view, t, app) {
    const panel = h('div', { class: 'panel', part: 'panel', 'aria-label': t.t('checkout.title'), role: 'region' });
    if (view.phase === 'unavailable' || view.core === 'failed') {
      panel.append(h('p', { class: 'note warn' }, t.t('error.unavailable')));
      return panel;
    }
    if (!app.engine) {
      panel.append(h('div', { class: 'skeleton', 'aria-hidden': 'true' }));
      return panel;
    }
    const p = view.preview;
    if (!p) {
      panel.append(h('p', { class: 'sub' }, t.t('checkout.empty')));
      return panel;
    }
    const member = app.isMember;
    if (member) panel.append(...notices(view, t));
    panel.append(this.earnings(p, view, t, member));
    if (view.signedOut) panel.append(signedOutBlock(view, t, true));
    if (!member) return panel;
    panel.append(this.rewards(p, view, t, app));
    if (view.state.vouchers?.length) panel.append(this.vouchers(view, t, app));
    if (view.program?.coupons?.length) panel.append(couponBlock(p, view, t, app, this));
    // The core's nudges already count this cart ("add S/ 12.50 to reach Gold" is what is left).
    if (p.nudges.length) panel.append(h('ul', { class: 'nudges', part: 'nudges' }, p.nudges.map((n) => h('li', {}, t.nudge(n)))));
    panel.append(h('p', { class: 'sub', part: 'balance-after' }, t.t('checkout.balance_after', { points: t.points(p.balance_after) })));
    return panel;
  }

  earnings(p, view, t, member) {
    const total = p.points.total;
    // A guest is invited to join; a signed-out member is not (they have joined already).
    const key = member || view.signedOut ? 'checkout.earns' : 'checkout.earns_guest';
    const head = total > 0 ? t.t(key, { points: t.points(total) }) : t.t('checkout.earns_none');
    const lines = p.points.lines.map((l) => h('li', {}, h('span', {}, t.explain(l.explain, l.rule)), h('span', {}, t.signed(l.points))));
    // What the order issues besides points ("Free appetizer × 3"), one line per reward.
    const issued = member ? issuedVouchers(p.vouchers_issued ?? []) : [];
    const issuedLines = issued.map(([reward, count]) =>
      h('li', { part: 'issued' }, h('span', {}, t.t('checkout.issues', { reward: t.rewardName(reward), count })), h('span', {}, `× ${t.number(count)}`)),
    );
    const extras = [];
    if (p.points.available_at) extras.push(h('p', { class: 'sub' }, t.t('checkout.available_at', { date: t.date(p.points.available_at) })));
    if (member && p.tier && p.tier.after !== p.tier.before) extras.push(h('p', { class: 'note' }, t.t('checkout.tier_up', { tier: t.tierName(p.tier.after) })));
    for (const c of p.punch_cards) if (c.completes > 0) extras.push(h('p', { class: 'note' }, t.t('checkout.card_completes', { count: c.completes, card: t.cardName(c.id) })));
    if (member) extras.push(...challengeNotes(p, t));
    // docs/engagement-json.md names the field; the core writes it in totals (older drafts: top level).
    const cashback = p.totals?.store_credit_earned_minor ?? p.store_credit_earned_minor;
    if (member && cashback > 0) extras.push(h('p', { class: 'sub', part: 'credit-earned' }, t.t('checkout.credit_earned', { amount: t.money(cashback) })));
    return h(
      'div',
      { class: 'earn', part: 'earn', style: { display: 'grid', gap: '6px' } },
      h('p', { class: 'eyebrow' }, t.t('checkout.title')),
      h('p', { class: 'earns', part: 'earns', 'aria-live': 'polite' }, head),
      lines.length > 1 || (lines.length === 1 && total > 0) || issuedLines.length
        ? h('details', { part: 'breakdown' }, h('summary', {}, t.t('checkout.breakdown')), h('ul', { class: 'breakdown' }, lines, issuedLines))
        : null,
      issued.length ? h('p', { class: 'sub', part: 'issues' }, t.t('checkout.issues_summary', { list: t.list(issued.map(([reward, count]) => (count > 1 ? `${t.rewardName(reward)} × ${t.number(count)}` : t.rewardName(reward)))) })) : null,
      extras,
    );
  }

  rewards(p, view, t, app) {
    const chosen = new Set(view.selection.redeem.map((x) => x.reward));
    const applied = new Map(p.redeem.applied.filter((a) => !a.coupon).map((a) => [a.reward, a]));
    const rejected = new Map(p.redeem.rejected.map((r) => [r.reward, r]));
    const credit = app.creditReward();
    const rows = p.rewards
      .filter((r) => r.id !== credit && (SHOWN_STATUSES.has(r.status) || chosen.has(r.id)))
      .map((r) => {
        const name = t.rewardName(r.id);
        const on = chosen.has(r.id);
        const a = applied.get(r.id);
        // What it costs in points: the program's price, or for pay-with-points what this cart
        // would take (the core's answer, from the preview or a trial of it).
        const points = a ? a.cost : (view.trials?.costs[r.id] ?? t.rewards.get(r.id)?.cost ?? 0);
        const cost = points > 0 ? t.points(points) : '';
        let detail;
        if (on && a) detail = h('span', { class: 'meta status-ok' }, [t.t('checkout.applied'), `−${t.money(a.discount_minor)}`, cost].filter(Boolean).join(' · '));
        else if (on && rejected.has(r.id)) detail = h('span', { class: 'meta status-no' }, t.t('checkout.rejected', { reward: name, reason: t.rewardStatusWhy({ id: r.id, status: rejected.get(r.id).status }) }));
        else if (r.status === 'available') detail = h('span', { class: 'meta' }, [t.t('checkout.discount', { discount: t.money(r.discount_minor), total: t.money(r.total_minor) }), cost].filter(Boolean).join(' · '));
        else detail = h('span', { class: 'meta status-no' }, t.rewardStatusWhy(r));
        const label = on ? t.t('checkout.remove_reward', { reward: name }) : cost ? t.t('checkout.use_points', { reward: name, points: cost }) : t.t('checkout.use', { reward: name });
        const button =
          on || r.status === 'available'
            ? h('button', { class: on ? 'secondary' : '', 'data-key': `reward-${r.id}`, 'aria-pressed': String(on), 'aria-label': label, onclick: () => app.useReward(r.id, !on) }, on ? t.t('checkout.remove') : t.t('checkout.use_short'))
            : null;
        return h('li', { class: `row${on ? ' active' : ''}`, part: 'reward', 'data-reward': r.id }, h('div', { class: 'main' }, h('span', { class: 'name' }, name), detail), button);
      });
    const creditLine = creditRow(p, view, t, app);
    if (creditLine) rows.push(creditLine);
    const totals = p.redeem.applied.length
      ? h('p', { class: 'totals', part: 'new-total' }, h('span', {}, t.t('checkout.new_total')), h('span', {}, t.money(p.totals.total_minor)))
      : null;
    return h('section', { id: 'checkout-rewards', part: 'rewards' }, h(this.hTag, {}, t.t('checkout.rewards')), rows.length ? h('ul', { class: 'list' }, rows) : h('p', { class: 'sub' }, t.t('checkout.no_rewards')), totals);
  }

  vouchers(view, t, app) {
    const rows = voucherGroups(view.state.vouchers, view.selection.vouchers).map((g) => voucherRow(g, t, app, { withButton: true, outcome: view.trials?.vouchers[g.reward], checkout: true }));
    return h('section', { id: 'checkout-vouchers' }, h(this.hTag, {}, t.t('section.vouchers')), h('ul', { class: 'list' }, rows));
  }
}
