// <loyalty-portal [compact]>: the member's balance, tier and progress, punch cards, vouchers,
// points about to expire, the rewards catalog with a redeem action, the ways to earn written from
// the program's rules, the tiers and the explained activity history. Guests get a join invitation
// with what the current cart would earn. Sections carry ids (rewards, earn, history, tiers) for
// deep links. `compact` keeps the summary and links to the rest.
import { h } from '../dom.js';
import { LoyaltyElement, getApp } from './base.js';
import { challengesSection, claimField, membershipCard, wheelsSection } from './engage.js';
import { notices, pendingRedemptions, punchCard, signedOutBlock, tierProgress, voucherGroups, voucherRow } from './parts.js';

// Rewards the portal does not list: store credit is spent at checkout (its balance is in the
// header), and a coupon-only reward is reached through its code.
const hidden = (r, t) => r.coupon_only || (t.rewards.get(r.id)?.type ?? r.type) === 'store_credit_spend';

const SOON_MS = 60 * 86_400_000;
const HISTORY_SHOWN = 12;

/** What waits for the return window in `field` (points, or cashback's credit_minor): its sum, with the first release date. */
function waiting(pending, field, text) {
  const entries = (pending ?? []).filter((p) => p[field] > 0);
  if (!entries.length) return null;
  const sum = entries.reduce((n, p) => n + p[field], 0);
  return h('p', { class: 'sub' }, text(sum, entries.map((p) => p.available_at).sort()[0]));
}

export class LoyaltyPortal extends LoyaltyElement {
  static get observedAttributes() {
    return ['compact'];
  }

  attributeChangedCallback() {
    this.invalidate();
  }

  dependencies(v) {
    // The cart matters only to a guest's invitation ("this cart would earn you …").
    return [v.phase, v.core, v.program, v.state, v.catalog, v.selection, v.signedOut, v.offline, v.queueSize, v.queued, v.notice, v.guest ? v.preview : null, v.trials, this.engineReady()];
  }

  engineReady() {
    return !!getApp()?.engine;
  }

  attach() {
    super.attach();
    this.onBalance = (e) => this.say(getApp().i18n.t('live.balance', { points: getApp().i18n.points(e.detail.after) }));
    getApp().addEventListener('balance', this.onBalance);
  }

  disconnectedCallback() {
    if (this.onBalance) getApp()?.removeEventListener('balance', this.onBalance);
    super.disconnectedCallback();
  }

  build(view, t, app) {
    const compact = this.hasAttribute('compact');
    const panel = h('div', { class: `panel${compact ? ' compact' : ''}`, part: 'panel' });
    if (view.phase === 'unavailable') {
      panel.append(h('p', { class: 'note warn', role: 'alert' }, t.t('error.unavailable')));
      return panel;
    }
    if (view.signedOut) {
      panel.append(signedOutBlock(view, t));
      return panel;
    }
    if (view.guest || !view.state) {
      panel.append(this.invitation(view, t, app));
      if (!compact && view.catalog) panel.append(this.ways(view, t), this.rewards(view, t, app, false));
      return panel;
    }
    panel.append(...notices(view, t), this.header(view, t));
    const progress = tierProgress(view, t);
    if (progress) panel.append(progress);
    const expiring = this.expiring(view, t);
    if (expiring) panel.append(expiring);
    const cards = app.punchCards().map((c) => punchCard(c, t));
    // A heading, not a labelled region: two portals on a page (the page's and the launcher's)
    // would make two landmarks of the same name.
    if (cards.length) panel.append(h('section', { id: 'cards' }, h(this.hTag, {}, t.t('section.cards')), h('div', { class: 'cards' }, cards)));
    if (view.state.vouchers?.length) panel.append(this.vouchers(view, t, app, compact));
    const c = view.catalog;
    if (!compact && c) panel.append(...[membershipCard(c.membership, t, app, this), wheelsSection(c.wheels, t, app, this), challengesSection(c.challenges, t, this)].filter(Boolean));
    if (!compact && view.program?.coupons?.length) panel.append(claimField(t, app, this));
    if (compact) {
      panel.append(h('p', {}, h('button', { class: 'secondary', 'data-key': 'see-all', onclick: () => app.dispatchEvent(new CustomEvent('open', { detail: 'rewards' })) }, t.t('portal.see_all'))));
      return panel;
    }
    if (view.catalog) panel.append(this.rewards(view, t, app, true), this.ways(view, t));
    if (view.catalog?.tiers) panel.append(this.tiers(view, t));
    panel.append(this.history(view, t));
    return panel;
  }

  header(view, t) {
    const s = view.state;
    const tier = s.tier?.id ? h('span', { class: 'badge', part: 'tier' }, t.tierName(s.tier.id)) : null;
    return h(
      'div',
      { class: 'head', part: 'header' },
      h(
        'div',
        {},
        h('p', { class: 'eyebrow' }, t.t('portal.available')),
        h('p', { class: 'balance', part: 'balance' }, t.number(s.balance), h('small', {}, t.unit(s.balance))),
        waiting(s.pending, 'points', (points, date) => t.t('portal.pending', { points: t.points(points), date: t.date(date) })),
        pendingRedemptions(view, t, getApp()),
        s.store_credit_minor ? h('p', { class: 'sub' }, t.t('portal.store_credit', { amount: t.money(s.store_credit_minor) })) : null,
        waiting(s.pending, 'credit_minor', (amount, date) => t.t('portal.store_credit_pending', { amount: t.money(amount), date: t.date(date) })),
      ),
      tier,
    );
  }

  expiring(view, t) {
    const e = view.state.next_expiry;
    if (!e || !e.points || Date.parse(e.at) - Date.now() > SOON_MS) return null;
    return h('p', { class: 'note warn', part: 'expiry' }, t.t('expiry.soon', { points: t.points(e.points), date: t.date(e.at) }));
  }

  vouchers(view, t, app, compact) {
    const rows = voucherGroups(view.state.vouchers, view.selection.vouchers).map((g) => voucherRow(g, t, app, { withButton: !compact, outcome: view.trials?.vouchers[g.reward] }));
    return h('section', { id: 'vouchers' }, h(this.hTag, {}, t.t('section.vouchers')), h('ul', { class: 'list' }, rows));
  }

  rewards(view, t, app, member) {
    const items = view.catalog.rewards.filter((r) => !hidden(r, t)).map((r) => this.reward(r, view, t, app, member));
    return h('section', { id: 'rewards', part: 'rewards' }, h(this.hTag, {}, t.t('section.rewards')), h('ul', { class: 'list' }, items));
  }

  reward(r, view, t, app, member) {
    const name = t.text(r.name) || t.rewardName(r.id);
    const ok = r.status === 'available';
    const cost = r.cost ? t.points(r.cost) : t.t('reward.free');
    const meta = [t.rewardKind(r), t.details(r.details ?? t.rewards.get(r.id)?.details), ...t.conditions(r.conditions)].filter(Boolean).join(' · ');
    // With a cart on the page, a cart reward is offered only if it takes something off it.
    const onCart = view.preview?.rewards.find((x) => x.id === r.id);
    const cartStatus = member && ok && app.isCartReward(r.id) && onCart && onCart.status !== 'available' ? onCart.status : null;
    let action = null;
    if (cartStatus) {
      action = null;
    } else if (member && ok && app.isCartReward(r.id)) {
      action = h('button', { class: 'secondary', 'data-key': `use-${r.id}`, onclick: () => app.useReward(r.id) }, t.t('reward.use_at_checkout'));
    } else if (member && ok && app.queuedRedemptions(r.id).length) {
      // Already asked for, waiting for the connection: a second press would spend twice.
      action = h('button', { 'data-key': `redeem-${r.id}`, disabled: true, 'aria-label': t.t('reward.waiting_named', { reward: name }) }, t.t('reward.waiting'));
    } else if (member && ok && this.confirming !== r.id) {
      action = h('button', { 'data-key': `redeem-${r.id}`, 'aria-label': t.t('reward.redeem_named', { reward: name }), onclick: () => this.confirm(r.id) }, t.t('reward.redeem'));
    }
    const row = h(
      'li',
      { class: 'row', part: 'reward', 'data-reward': r.id },
      h(
        'div',
        { class: 'main' },
        h('span', { class: 'name' }, name),
        h('span', { class: 'meta' }, meta),
        ok ? null : h('span', { class: 'meta status-no' }, t.rewardStatus(r)),
        cartStatus ? h('span', { class: 'meta status-no' }, t.rewardStatusWhy({ ...onCart, conditions: r.conditions })) : null,
      ),
      h('div', { style: { display: 'flex', alignItems: 'center', gap: '10px' } }, h('span', { class: 'cost' }, cost), action),
    );
    if (this.confirming === r.id) row.append(this.confirmation(r, t, app));
    return row;
  }

  confirm(id) {
    this.confirming = id;
    this.invalidate();
    this.content.querySelector('[data-key="confirm"]')?.focus();
  }

  confirmation(r, t, app) {
    const options = r.options ?? app.i18n.rewards.get(r.id)?.options ?? [];
    const select = options.length
      ? h('select', { 'aria-label': t.t('reward.choose'), 'data-key': 'option' }, options.map((o) => h('option', { value: o.id }, t.text(o.name) || o.id)))
      : null;
    const done = () => {
      this.confirming = null;
      this.invalidate();
    };
    return h(
      'div',
      { style: { display: 'flex', gap: '8px', flexWrap: 'wrap', width: '100%' } },
      select,
      h('button', { 'data-key': 'confirm', onclick: () => { app.redeem(r.id, select?.value); done(); } }, t.t('reward.confirm', { points: t.points(r.cost) })),
      h('button', { class: 'secondary', 'data-key': 'cancel', onclick: done }, t.t('reward.cancel')),
    );
  }

  ways(view, t) {
    const rows = view.catalog.earn.map((w) => {
      const name = t.text(w.name);
      const bits = t.conditions(w.conditions);
      if (w.max_points) bits.push(t.t('way.cap', { points: t.points(w.max_points) }));
      return h(
        'li',
        { class: 'row', part: 'way' },
        h('div', { class: 'main' }, h('span', { class: 'name' }, name || t.way(w)), name ? h('span', { class: 'meta' }, t.way(w)) : null, bits.length ? h('span', { class: 'meta' }, bits.join(' · ')) : null),
        w.status === 'audience_locked' ? h('span', { class: 'meta status-no' }, t.audienceWhy(w.reason, w.audience)) : null,
        w.status === 'active' && w.conditions?.when ? h('span', { class: 'badge quiet' }, t.t('way.active_now')) : null,
      );
    });
    return h('section', { id: 'earn', part: 'earn' }, h(this.hTag, {}, t.t('section.earn')), h('ul', { class: 'list' }, rows));
  }

  tiers(view, t) {
    const basis = view.catalog.tier?.basis;
    const rows = view.catalog.tiers.map((l) => {
      const from = basis === 'spend' ? t.t('tier.from_spend', { amount: t.money(l.min) }) : basis === 'points' ? t.t('tier.from_points', { points: t.points(l.min) }) : t.t('tier.from_orders', { count: l.min });
      return h(
        'li',
        { class: l.current ? 'current' : '', 'aria-current': l.current ? 'true' : null },
        h('strong', {}, t.text(l.name) || t.tierName(l.id)),
        l.benefits?.length ? h('span', {}, t.list(l.benefits.map((b) => t.benefit(b)))) : null,
        h('span', {}, from),
        l.earn_multiplier ? h('span', {}, t.t('tier.multiplier', { factor: t.factor(l.earn_multiplier) })) : null,
        l.current ? h('span', { class: 'status-ok' }, t.t('tier.current')) : null,
      );
    });
    return h('section', { id: 'tiers', part: 'tiers' }, h(this.hTag, {}, t.t('section.tiers')), h('ul', { class: 'tiers' }, rows));
  }

  history(view, t) {
    // Newest first by time (imported past orders may have been applied after a later enrolment).
    const entries = [...(view.state.history ?? [])]
      .reverse()
      .filter((e) => e.kind !== 'tick')
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, HISTORY_SHOWN);
    const items = entries.map((e) => {
      const refund = e.kind === 'refund';
      const why = e.kind === 'rejected' ? [t.t('history.rejected', { reason: t.errorReason(e.error?.code) })] : refund ? [] : (e.lines ?? []).map((l) => t.explain(l.explain, l.rule));
      // Identical vouchers read once with their count ("Voucher: Free appetizer × 3").
      const issued = new Map();
      for (const v of e.vouchers_issued ?? []) issued.set(v.reward, (issued.get(v.reward) ?? 0) + 1);
      for (const [reward, count] of issued) why.push(t.t('history.vouchers', { reward: t.rewardName(reward), count, n: t.number(count) }));
      const sign = e.points > 0 ? 'points-plus' : 'points-minus';
      // A refund says which order (the shop's own number) and lists each effect walked back.
      const order = refund ? (e.order_id ?? e.lines?.find((l) => l.explain?.args?.order_id)?.explain.args.order_id) : null;
      const title = refund && order ? t.t('history.refund_title', { order }) : t.t(`history.kind.${e.kind}`);
      const walked = refund
        ? h(
            'ul',
            { class: 'walked', part: 'refund-lines' },
            (e.lines ?? []).map((l) => h('li', {}, h('span', {}, t.explain(l.explain, l.rule)), l.points ? h('span', { class: l.points > 0 ? 'points-plus' : 'points-minus' }, t.signed(l.points)) : null)),
          )
        : null;
      return h(
        'li',
        {},
        h('span', { class: 'name' }, title),
        e.points ? h('span', { class: sign }, t.signed(e.points)) : h('span', {}),
        h('span', { class: 'when' }, t.date(e.at)),
        why.length ? h('span', { class: 'why' }, why.join(' · ')) : null,
        walked && e.lines?.length ? walked : null,
      );
    });
    return h('section', { id: 'history', part: 'history' }, h(this.hTag, {}, t.t('section.history')), items.length ? h('ul', { class: 'history' }, items) : h('p', { class: 'sub' }, t.t('history.empty')));
  }

  invitation(view, t, app) {
    const name = t.text(view.program?.name);
    const points = view.preview?.points?.total;
    return h(
      'div',
      { class: 'join', part: 'join', style: { display: 'grid', gap: '10px' } },
      h(this.hTag, { class: 'earns' }, t.t('join.title', { program: name })),
      h('p', { class: 'sub' }, t.t('join.text')),
      points ? h('p', { class: 'note' }, t.t('join.cart', { points: t.points(points) })) : null,
      h('p', {}, h('button', { 'data-key': 'join', onclick: () => app.announce('loyalty:join', {}) }, t.t('join.button'))),
    );
  }
}
