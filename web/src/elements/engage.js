// Issue 16 in the widget (spec/widget.md "Games and membership"): the prize wheel, challenges,
// the membership card and the coupon claim field of the portal; the coupon field, store credit
// and challenge steps of the checkout. The server draws every prize; the wheel only shows it.
import { h, svg } from '../dom.js';

const SPIN_MS = 3200; // styles.css .wheel-disc transition
const reducedMotion = () => globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/** Why a wheel, challenge or earning rule cannot be used now; '' when it can. */
function lockedWhy(item, t, kind) {
  switch (item.status) {
    case 'audience_locked':
      return t.audienceWhy(item.reason, item.audience);
    case 'not_in_window':
      return t.t(`${kind}.status.not_in_window`);
    case 'limit_reached': {
      const l = item.limit;
      return l?.count && l.per ? t.t('wheel.status.limit_reached', { count: l.count, period: t.t(`period.${l.per}`) }) : t.t('wheel.status.limit_reached_plain');
    }
    case 'tier_locked':
      return t.audienceWhy('tiers', item.audience ?? { tiers: item.conditions?.audience ?? [] });
    default:
      return '';
  }
}

// --- the prize wheel ---------------------------------------------------------------------------

/** Slices of the wheel: [{prize, from, to}] in degrees clockwise from the top, by chance. */
function slices(prizes) {
  const total = prizes.reduce((n, p) => n + Number(p.chance || 0), 0) || 1;
  let at = 0;
  return prizes.map((prize) => {
    const from = at;
    at += (Number(prize.chance || 0) / total) * 360;
    return { prize, from, to: at };
  });
}

function point(deg, r = 100) {
  const a = (deg * Math.PI) / 180;
  return `${(r * Math.sin(a)).toFixed(2)} ${(-r * Math.cos(a)).toFixed(2)}`;
}

const upright = (turn) => `transform: rotate(${-turn}deg)`;

function disc(parts, turn) {
  const paths = parts.map((s, i) =>
    s.to - s.from >= 359.99
      ? svg('circle', { r: 100, class: `seg${i % 3}` })
      : svg('path', { d: `M0 0L${point(s.from)}A100 100 0 ${s.to - s.from > 180 ? 1 : 0} 1 ${point(s.to)}Z`, class: `seg${i % 3}` }),
  );
  const labels = parts.map((s, i) => {
    const [x, y] = point((s.from + s.to) / 2, 66).split(' ');
    // Each number turns back as much as the disc turns, so it stays upright wherever the disc stops.
    return s.to - s.from >= 14 ? svg('text', { x, y, class: 'seg-no', style: upright(turn) }, document.createTextNode(String(i + 1))) : null;
  });
  return svg('g', { class: 'wheel-disc', style: `transform: rotate(${turn}deg)` }, ...paths, ...labels);
}

/** The rotation that brings the middle of `slice` under the pointer, after whole turns. */
function landing(current, slice) {
  const middle = (slice.from + slice.to) / 2;
  const wanted = (360 - middle) % 360;
  const now = ((current % 360) + 360) % 360;
  return current + 5 * 360 + ((wanted - now + 360) % 360);
}

/**
 * One wheel: the disc (SVG, numbered slices), the pointer, the prizes with their chances, and a
 * Spin button — disabled with the reason beside it when the catalog says it cannot spin. The
 * element keeps each wheel's rotation and last result (`memo`) across re-renders.
 */
export function wheelCard(w, t, app, el) {
  const memo = (el.wheels ??= {})[w.id] ??= { turn: 0, result: '', busy: false };
  const parts = slices(w.prizes ?? []);
  const name = t.text(w.name) || t.wheelName(w.id);
  const why = w.can_spin ? '' : lockedWhy(w, t, 'wheel');
  const whyId = `wheel-why-${w.id}`;
  const wheelSvg = svg(
    'svg',
    { viewBox: '-104 -112 208 216', class: 'wheel', 'aria-hidden': 'true', focusable: 'false' },
    disc(parts, memo.turn),
    svg('circle', { r: 100, class: 'wheel-rim' }),
    svg('path', { d: 'M-9 -110L9 -110L0 -88Z', class: 'wheel-pointer' }),
    svg('circle', { r: 10, class: 'wheel-hub' }),
  );
  const result = h('p', { class: 'wheel-result', part: 'wheel-result' }, memo.result);
  const press = async () => {
    if (memo.busy) return;
    memo.busy = true;
    button.disabled = true;
    button.textContent = t.t('wheel.spinning');
    const answer = await app.spin(w.id);
    const done = (text, state) => {
      memo.busy = false;
      memo.result = text;
      // The new state first: its balance announcement is then replaced by the prize, which says more.
      if (state) app.setServerState(state);
      el.say(text);
      el.invalidate();
    };
    if (answer.error) {
      done(answer.error === 'offline' ? t.t('wheel.offline') : t.t('wheel.refused', { reason: t.errorReason(answer.error) }));
      return;
    }
    const p = answer.prize;
    const text = p.points ? t.t('wheel.won_points', { points: t.points(p.points) }) : p.reward ? t.t('wheel.won_reward', { reward: t.prizeName(w.id, p) }) : t.t('wheel.won_none');
    const slice = parts.find((s) => s.prize.id === p.id);
    if (!slice || reducedMotion()) {
      if (slice) memo.turn = landing(memo.turn, slice);
      done(text, answer.state);
      return;
    }
    memo.turn = landing(memo.turn, slice);
    const g = wheelSvg.querySelector('.wheel-disc');
    g.getBoundingClientRect(); // the start position is laid out before the transition starts
    g.style.transform = `rotate(${memo.turn}deg)`;
    for (const label of g.querySelectorAll('.seg-no')) label.setAttribute('style', upright(memo.turn));
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      done(text, answer.state);
    };
    g.addEventListener('transitionend', finish, { once: true });
    setTimeout(finish, SPIN_MS + 400); // no transitionend when the element left the page
  };
  const button = h(
    'button',
    { 'data-key': `spin-${w.id}`, disabled: !w.can_spin || memo.busy, 'aria-describedby': why ? whyId : null, onclick: press },
    memo.busy ? t.t('wheel.spinning') : t.t('wheel.spin_named', { wheel: name }),
  );
  const legend = parts.map((s, i) =>
    h('li', {}, h('span', { class: `swatch seg${i % 3}`, 'aria-hidden': 'true' }, String(i + 1)), h('span', { class: 'name' }, t.prizeName(w.id, s.prize)), h('span', { class: 'meta' }, t.t('wheel.chance', { chance: t.chance(s.prize.chance) }))),
  );
  return h(
    'div',
    { class: 'wheel-card', part: 'wheel', 'data-wheel': w.id },
    h('div', { class: 'wheel-box' }, wheelSvg),
    h(
      'div',
      { class: 'wheel-side' },
      h('p', { class: 'name' }, name),
      h('ul', { class: 'legend', 'aria-label': t.t('wheel.prizes') }, legend),
      h('p', {}, button),
      why ? h('p', { class: 'meta status-no', id: whyId }, why) : null,
      result,
    ),
  );
}

export function wheelsSection(wheels, t, app, el) {
  if (!wheels?.length) return null;
  return h('section', { id: 'wheels', part: 'wheels' }, h(el.hTag, {}, t.t('section.wheels')), wheels.map((w) => wheelCard(w, t, app, el)));
}

// --- challenges --------------------------------------------------------------------------------

export function challengesSection(challenges, t, el) {
  if (!challenges?.length) return null;
  const items = challenges.map((c) => {
    const steps = c.steps ?? [];
    const done = steps.filter((s) => s.done).length;
    const prize = [c.points ? t.points(c.points) : '', c.reward ? t.rewardName(c.reward) : ''].filter(Boolean);
    const why = lockedWhy(c, t, 'challenge');
    return h(
      'li',
      { class: 'row challenge', part: 'challenge', 'data-challenge': c.id },
      h(
        'div',
        { class: 'main' },
        h('span', { class: 'name' }, t.text(c.name) || t.challengeName(c.id)),
        h('span', { class: 'meta' }, c.status === 'completed' || c.completed ? t.t('challenge.completed', { count: c.completed || 1 }) : t.t('challenge.progress', { done, steps: steps.length })),
        why ? h('span', { class: 'meta status-no' }, why) : null,
        h(
          'ol',
          { class: 'steps' },
          steps.map((s) => h('li', { class: s.done ? 'done' : '' }, h('span', { class: 'tick', 'aria-hidden': 'true' }, s.done ? '✓' : ''), h('span', {}, t.stepName(c.id, s)), h('span', { class: 'sr-only' }, ` (${t.t(s.done ? 'challenge.step_done' : 'challenge.step_todo')})`))),
        ),
        prize.length ? h('span', { class: 'meta' }, t.t('challenge.gives', { prize: t.list(prize) })) : null,
        c.ordered && steps.length > 1 ? h('span', { class: 'meta' }, t.t('challenge.in_order')) : null,
      ),
    );
  });
  return h('section', { id: 'challenges', part: 'challenges' }, h(el.hTag, {}, t.t('section.challenges')), h('ul', { class: 'list' }, items));
}

// --- membership --------------------------------------------------------------------------------

const BENEFITS_ON = new Set(['trial', 'active', 'grace', 'cancelled']);

/**
 * The paid membership: status, trial days left, until when, the fee, the benefits, and what to do
 * next. Starting or renewing is the merchant's (it takes a payment): the button tells the shop
 * with a `loyalty:membership` event ({action: 'start_trial' | 'join' | 'renew'}).
 */
export function membershipCard(m, t, app, el) {
  if (!m) return null;
  const name = t.text(m.name) || t.membershipName();
  const status = m.status ?? 'none';
  const on = m.benefits_on ?? BENEFITS_ON.has(status);
  const lines = [];
  if (status === 'trial' && m.trial_days_left != null) lines.push(t.t('membership.trial_left', { count: m.trial_days_left }));
  if (m.until && status === 'active') lines.push(t.t('membership.renews', { date: t.shopDate(m.until) }));
  else if (m.until && on) lines.push(t.t('membership.until', { date: t.lastDay(m.until) }));
  if (m.fee_minor) lines.push(t.t(m.period === 'year' ? 'membership.fee.year' : 'membership.fee.month', { amount: t.money(m.fee_minor) }));
  let action = null;
  if (m.can_start_trial && m.trial_days > 0 && !on) action = ['start_trial', t.t('membership.start_trial', { count: m.trial_days })];
  else if (status === 'grace' || status === 'lapsed' || (status === 'cancelled' && !on)) action = ['renew', t.t('membership.renew')];
  else if (status === 'none') action = ['join', t.t('membership.join', { membership: name })];
  const benefits = (m.benefits ?? []).map((b) => t.benefit(b));
  return h(
    'section',
    { id: 'membership', part: 'membership' },
    h(el.hTag, {}, t.t('section.membership')),
    h(
      'div',
      { class: `membership${on ? ' on' : ''}`, 'data-status': status },
      h('div', { class: 'top' }, h('span', { class: 'name' }, name), h('span', { class: `badge${on ? '' : ' quiet'}` }, t.t(`membership.status.${status}`))),
      lines.map((l) => h('p', { class: 'sub' }, l)),
      benefits.length ? h('div', {}, h('p', { class: 'eyebrow' }, t.t('membership.benefits')), h('ul', { class: 'benefits' }, benefits.map((b) => h('li', {}, b)))) : null,
      action ? h('p', {}, h('button', { class: on ? 'secondary' : '', 'data-key': `membership-${action[0]}`, onclick: () => app.announce('loyalty:membership', { action: action[0], membership: m.id }) }, action[1])) : null,
    ),
  );
}

// --- code fields ---------------------------------------------------------------------------------

/** A labelled text field with a button; `submit(code, field)` runs on the button or Enter. */
export function codeField(id, label, button, submit, message, warn) {
  const input = h('input', { id, type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', 'data-key': id, 'aria-describedby': message ? `${id}-msg` : null });
  const go = (e) => {
    e.preventDefault();
    submit(input.value, input);
  };
  return h(
    'form',
    { class: 'code-field', part: id, onsubmit: go },
    h('label', { for: id }, label),
    h('div', { class: 'code-row' }, input, h('button', { type: 'submit', class: 'secondary', 'data-key': `${id}-go` }, button)),
    message ? h('p', { id: `${id}-msg`, class: `meta${warn ? ' status-no' : ' status-ok'}`, role: warn ? 'alert' : 'status' }, message) : null,
  );
}

/** The portal's "Have a code?" field: claims the code into the member's vouchers. */
export function claimField(t, app, el) {
  return codeField('claim-code', t.t('coupon.claim_label'), t.t('coupon.claim'), (code, input) => {
    if (!code.trim()) {
      el.claimMessage = t.t('coupon.empty');
      el.invalidate();
      return;
    }
    el.claimMessage = '';
    input.value = ''; // before the queue's re-render, which would carry a typed value over
    app.claim(code);
  }, el.claimMessage, true);
}

// --- checkout ----------------------------------------------------------------------------------

const COUPON_MESSAGE = { unknown_reward: 'coupon.unknown', limit_exceeded: 'coupon.limit' };

/** The coupon field and the codes in use on this order, each with what it takes off. */
export function couponBlock(p, view, t, app, el) {
  const applied = p.redeem.applied.filter((a) => a.coupon);
  const rows = view.selection.coupons.map((code) => {
    const same = (x) => x.coupon?.toLowerCase() === code.toLowerCase();
    const a = applied.find(same);
    const why = a ? '' : COUPON_MESSAGE[p.redeem.rejected?.find(same)?.code] ?? 'coupon.not_eligible';
    return h(
      'li',
      { class: 'row active', part: 'coupon', 'data-coupon': code },
      h('div', { class: 'main' }, h('span', { class: 'name' }, a ? t.rewardName(a.reward) : code), h('span', { class: a ? 'meta status-ok' : 'meta status-no' }, a ? t.t('coupon.applied', { code, amount: t.money(a.discount_minor ?? 0) }) : t.t(why, { code }))),
      h('button', { class: 'secondary', 'data-key': `coupon-remove-${code}`, 'aria-label': t.t('coupon.remove', { code }), onclick: () => app.removeCoupon(code) }, t.t('checkout.remove')),
    );
  });
  const field = codeField('coupon-code', t.t('coupon.label'), t.t('coupon.apply'), (code, input) => {
    input.value = ''; // emptied before the re-render, which would carry a typed value over
    const r = app.addCoupon(code);
    el.couponMessage = r.ok ? '' : t.t(r.code === 'empty' ? 'coupon.empty' : COUPON_MESSAGE[r.code] ?? 'coupon.not_eligible', { code: code.trim() });
    el.invalidate();
    const again = el.content.querySelector('#coupon-code');
    if (again && !r.ok) again.value = code; // a refused code stays, to be corrected
    again?.focus();
  }, el.couponMessage, true);
  return h('div', { class: 'coupons', part: 'coupons' }, field, rows.length ? h('ul', { class: 'list' }, rows) : null);
}

/** Store credit the member holds, with a button to pay with it on this order. */
export function creditRow(p, view, t, app) {
  const held = view.state?.store_credit_minor ?? 0;
  const reward = app.creditReward();
  if (!held || !reward) return null;
  const on = view.selection.redeem.some((x) => x.reward === reward);
  const a = p.redeem.applied.find((x) => x.reward === reward && x.credit_minor != null);
  const detail = on && a ? h('span', { class: 'meta status-ok' }, t.t('checkout.credit_applied', { amount: t.money(a.credit_minor) })) : h('span', { class: 'meta' }, t.t('checkout.credit', { amount: t.money(held) }));
  const label = on ? t.t('checkout.remove_reward', { reward: t.rewardName(reward) }) : t.t('checkout.credit_use', { amount: t.money(Math.min(held, p.totals?.total_minor ?? held)) });
  return h(
    'li',
    { class: `row${on ? ' active' : ''}`, part: 'store-credit', 'data-reward': reward },
    h('div', { class: 'main' }, h('span', { class: 'name' }, t.rewardName(reward)), detail),
    h('button', { class: on ? 'secondary' : '', 'data-key': 'store-credit', 'aria-pressed': String(on), 'aria-label': label, onclick: () => app.useCredit(!on) }, on ? t.t('checkout.remove') : t.t('checkout.use_short')),
  );
}

/** "This order completes step 2 of 3 of Treasure hunt", from the preview's `challenges`. */
export function challengeNotes(p, t) {
  return (p.challenges ?? [])
    .filter((c) => c.step)
    .map((c) =>
      h(
        'p',
        { class: 'note', part: 'challenge-step' },
        c.completes ? t.t('checkout.challenge_done', { challenge: t.challengeName(c.id) }) : t.t('checkout.challenge_step', { challenge: t.challengeName(c.id), done: c.done, steps: c.steps, step: t.stepName(c.id, c.step) }),
      ),
    );
}
