// Seeded generator of engine requests for the parity tests: random programs, carts, events and
// members for every operation, and malformed variants of them (wrong types, unknown members,
// missing members, huge numbers, truncated or garbled text). Same seed, same requests.

export function rng(seed) {
  // mulberry32
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    some: (xs, max = xs.length) => xs.filter(() => next() < 0.5).slice(0, max),
  };
  return r;
}

export const OPERATIONS = ['validate', 'replay', 'apply', 'preview', 'catalog', 'metrics'];
const CURRENCIES = ['PEN', 'USD', 'EUR', 'JPY', 'KWD', 'PLN', 'RON'];
const OFFSETS = ['-05:00', '+00:00', '+02:00', '+09:00', '-03:30'];
// Store time zones: daylight saving north and south, none, a POSIX rule written out, an unknown
// name (an invalid program).
const ZONES = ['America/New_York', 'Europe/Warsaw', 'Europe/Bucharest', 'Australia/Sydney',
  'America/Lima', 'America/Santiago', 'EST5EDT,M3.2.0,M11.1.0', '<-03>3<-02>,M3.2.0,M11.1.0', 'Mars/Olympus'];
const CATEGORIES = ['drinks', 'pastries', 'shoes', 'gifts', 'books'];
const SKUS = ['latte', 'espresso', 'croissant', 'muffin', 'sneaker', 'boot', 'card', 'novel'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const PERIODS = ['day', 'week', 'month', 'year', 'lifetime'];
const TIER_IDS = ['member', 'silver', 'gold', 'platinum'];

function pad(n, w = 2) {
  return String(n).padStart(w, '0');
}

function timestamp(r, offset = r.pick(OFFSETS), year = r.pick([2025, 2026, 2026, 2027])) {
  return `${year}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}T${pad(r.int(0, 23))}:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}${offset}`;
}

function match(r) {
  if (r.chance(0.5)) return undefined;
  const m = {};
  if (r.chance(0.5)) m.skus = r.some(SKUS, 3);
  if (r.chance(0.5)) m.categories = r.some(CATEGORIES, 2);
  if (r.chance(0.2)) m.exclude_skus = r.some(SKUS, 2);
  if (r.chance(0.2)) m.exclude_categories = r.some(CATEGORIES, 1);
  return m;
}

function when(r) {
  if (r.chance(0.6)) return undefined;
  const w = {};
  if (r.chance(0.3)) w.from = timestamp(r);
  if (r.chance(0.3)) w.until = timestamp(r);
  if (r.chance(0.5)) w.days = r.some(DAYS, 3);
  if (r.chance(0.4)) {
    const a = r.int(0, 22);
    w.hours = [`${pad(a)}:00`, `${pad(r.int(a + 1, 23))}:${r.pick(['00', '30'])}`];
  }
  return w;
}

function factor(r) {
  return r.pick([1, 2, 3, '1.5', '1.25', 1.5, '2.0001', '0.5']);
}

function limit(r) {
  return r.chance(0.5) ? { count: r.int(1, 5), per: r.pick(PERIODS) } : undefined;
}

function common(r, rule, tiers) {
  const m = match(r);
  if (m) rule.match = m;
  const w = when(r);
  if (w) rule.when = w;
  if (tiers.length && r.chance(0.2)) rule.audience = { tiers: r.some(tiers, 2) };
  if (r.chance(0.2)) rule.min_order_minor = r.int(0, 20000);
  return rule;
}

function earnRule(r, i, rewards, tiers) {
  const type = r.pick(['per_spend', 'per_spend', 'per_item', 'per_order', 'bonus', 'multiplier',
    'spend_threshold', 'signup', 'birthday', 'action', 'referral']);
  const rule = { id: `r${i}-${type}`, type };
  switch (type) {
    case 'per_spend':
      rule.points = r.int(1, 10);
      rule.per_minor = r.pick([1, 10, 100, 250, 1000]);
      if (r.chance(0.5)) rule.rounding = r.pick(['floor', 'nearest', 'ceil']);
      if (r.chance(0.2)) rule.max_points = r.int(10, 1000);
      if (r.chance(0.1)) rule.include_shipping = true;
      return common(r, rule, tiers);
    case 'per_item':
    case 'per_order':
      rule.points = r.int(1, 50);
      return common(r, rule, tiers);
    case 'bonus':
      rule.points = r.int(1, 200);
      if (r.chance(0.6)) rule.min_quantity = r.int(1, 5);
      return common(r, rule, tiers);
    case 'multiplier':
      rule.factor = factor(r);
      return common(r, rule, tiers);
    case 'spend_threshold':
      rule.every_minor = r.pick([1000, 2000, 5000]);
      rule.reward = rewards.length ? r.pick(rewards).id : 'missing';
      return rule;
    case 'signup':
      rule.points = r.int(10, 200);
      rule.mode = r.pick(['immediate', 'next_order', 'after_spend']);
      if (rule.mode === 'after_spend') rule.min_order_minor = r.int(500, 5000);
      return rule;
    case 'birthday':
      if (r.chance(0.5) || !rewards.length) rule.points = r.int(10, 500);
      else rule.reward = r.pick(rewards).id;
      return rule;
    case 'action':
      rule.action = r.pick(['review', 'survey', 'social_share', 'newsletter']);
      rule.points = r.int(5, 100);
      if (r.chance(0.7)) rule.limit = limit(r) ?? { count: 1, per: 'lifetime' };
      return rule;
    default:
      rule.referrer_points = r.int(0, 500);
      rule.referee_points = r.int(0, 500);
      return rule;
  }
}

function reward(r, i, tiers) {
  const type = r.pick(['fixed_discount', 'percent_discount', 'free_item', 'free_shipping',
    'points_discount', 'store_credit', 'choice', 'charity', 'gift_card', 'experience']);
  const rw = { id: `w${i}-${type}`, name: `Reward ${i}`, type, cost: r.pick([0, 100, 250, 500, 1000]) };
  switch (type) {
    case 'fixed_discount':
      rw.amount_minor = r.int(100, 5000);
      break;
    case 'percent_discount':
      rw.percent = r.int(1, 100);
      if (r.chance(0.5)) rw.max_minor = r.int(100, 5000);
      break;
    case 'free_item':
      rw.match = match(r) ?? { categories: [r.pick(CATEGORIES)] };
      if (r.chance(0.5)) rw.max_value_minor = r.int(100, 3000);
      break;
    case 'points_discount':
      rw.cost = 0;
      rw.step_points = r.pick([1, 10, 100]);
      rw.step_minor = r.pick([1, 10, 100]);
      if (r.chance(0.5)) rw.min_points = r.int(0, 500);
      if (r.chance(0.5)) rw.max_order_percent = r.int(1, 100);
      break;
    case 'store_credit':
    case 'charity':
      rw.amount_minor = r.int(100, 2000);
      if (type === 'charity') rw.cause = 'trees';
      break;
    case 'choice':
      rw.options = [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }];
      break;
    case 'gift_card':
    case 'experience':
      rw.details = { note: 'fulfilled by the merchant' };
      break;
    default:
      break;
  }
  if (tiers.length && r.chance(0.15)) rw.audience = { tiers: r.some(tiers, 2) };
  if (r.chance(0.15)) rw.min_order_minor = r.int(0, 10000);
  if (r.chance(0.1)) rw.when = when(r) ?? { days: ['fri'] };
  const l = r.chance(0.2) ? limit(r) : undefined;
  if (l) rw.limit = l;
  if (r.chance(0.1)) rw.voucher_days = r.int(1, 60);
  return rw;
}

export function program(r) {
  const p = { schema: 'loyalty-program/1', id: `p-${r.int(1, 999)}`, currency: r.pick(CURRENCIES) };
  if (r.chance(0.5)) p.utc_offset = r.pick(OFFSETS);
  else if (r.chance(0.6)) p.time_zone = r.pick(ZONES);
  if (p.utc_offset && r.chance(0.02)) p.time_zone = r.pick(ZONES);  // both: invalid
  if (r.chance(0.5)) p.version = r.int(1, 20);
  if (r.chance(0.3)) p.name = 'Generated';
  let tierIds = [];
  if (r.chance(0.6)) {
    const n = r.int(1, 4);
    tierIds = TIER_IDS.slice(0, n);
    p.tiers = {
      basis: r.pick(['spend', 'points', 'orders']),
      period: r.pick(['lifetime', 'calendar_year', { rolling_days: r.int(30, 365) }]),
      levels: tierIds.map((id, k) => {
        const l = { id, name: id, min: k === 0 ? 0 : k * r.pick([1, 5, 1000, 50000]) };
        if (k > 0 && r.chance(0.6)) l.earn_multiplier = factor(r);
        return l;
      }),
    };
    if (r.chance(0.5)) p.tiers.retain = r.pick(['next_period', 'none']);
    if (r.chance(0.2)) p.tiers.upgrade_applies_to_crossing_order = r.chance(0.5);
  }
  const rewards = Array.from({ length: r.int(0, 6) }, (_, i) => reward(r, i, tierIds));
  p.rewards = rewards;
  p.earn = Array.from({ length: r.int(0, 8) }, (_, i) => earnRule(r, i, rewards, tierIds));
  const freeItems = rewards.filter((w) => w.cost === 0);
  if (freeItems.length && r.chance(0.4)) {
    p.punch_cards = [{ id: 'card', name: 'Card', match: match(r) ?? { categories: ['drinks'] },
      punch: r.pick(['per_item', 'per_order']), required: r.int(2, 10), reward: r.pick(freeItems).id }];
    if (r.chance(0.3)) p.punch_cards[0].max_punches_per_day = r.int(1, 5);
  }
  if (r.chance(0.5)) {
    p.expiry = r.pick([{ policy: 'none' }, { policy: 'rolling', days: r.int(1, 400) },
      { policy: 'inactivity', days: r.int(1, 400) }]);
  }
  if (r.chance(0.3)) p.limits = { max_points_per_order: r.pick([null, r.int(1, 500)]), max_rewards_per_order: r.int(0, 3) };
  if (r.chance(0.3)) p.multiplier_stacking = r.pick(['highest', 'multiply', 'add']);
  if (r.chance(0.2)) p.earn_on_discounted = r.chance(0.5);
  if (r.chance(0.2)) p.pending_days = r.int(0, 30);
  if (r.chance(0.4)) engagement(r, p, rewards);
  return p;
}

// Issue 16's parts: wheels, coupons, challenges, membership, segments, cashback, store credit,
// buy X get Y, vouchers that end today, names in several languages, audiences beyond tiers.
function engagement(r, p, rewards) {
  const name = (en) => (r.chance(0.5) ? en : { en, es: `${en} (es)` });
  const cartRewards = rewards.filter((w) => ['fixed_discount', 'percent_discount', 'free_item', 'free_shipping'].includes(w.type));
  if (r.chance(0.3)) p.default_language = r.pick(['en', 'es']);
  const audience = () => r.pick([{ membership: r.chance(0.7) }, { min_member_days: r.int(0, 60) },
    { max_member_days: r.int(1, 60) }, { min_orders: { count: r.int(1, 3), days: r.int(1, 60) } },
    { lapsed_days: r.int(1, 90) }, { segments: ['bought-coffee'] }, { not_segments: ['bought-coffee'] }]);
  p.segments = [{ id: 'bought-coffee', name: name('Coffee lovers'), bought: { categories: ['coffee'] } }];
  if (r.chance(0.6)) p.membership = { id: 'plus', name: name('Plus'), fee_minor: 1990, period: r.pick(['month', 'year']),
    trial_days: r.pick([0, 7, 30]), grace_days: r.int(0, 5), benefits: [name('Double points')] };
  p.wheels = [{ id: 'wheel', name: name('Wheel'), limit: { count: r.int(1, 2), per: r.pick(['day', 'week']) },
    prizes: [{ id: 'pts', weight: r.int(1, 10), points: r.int(1, 100) }, { id: 'none', weight: r.int(1, 20) }] }];
  if (cartRewards.length) p.wheels[0].prizes.push({ id: 'voucher', weight: r.int(1, 5), reward: r.pick(cartRewards).id });
  if (r.chance(0.5)) p.wheels[0].when = { days: [r.pick(['mon', 'sat', 'sun'])] };
  if (cartRewards.length) {
    p.coupons = [{ code: 'NEWS10', reward: r.pick(cartRewards).id, per_member: r.int(1, 2) }];
    if (r.chance(0.5)) p.coupons[0].voucher_expires = 'end_of_day';
  }
  p.challenges = [{ id: 'hunt', name: name('Hunt'), ordered: r.chance(0.5), repeat: r.chance(0.5), points: r.int(0, 100),
    steps: [{ id: 'visit', action: 'review' }, { id: 'buy', order: { match: { categories: ['coffee'] } } }] }];
  if (cartRewards.length && r.chance(0.5)) p.challenges[0].reward = r.pick(cartRewards).id;
  p.earn.push({ id: 'cb', type: 'cashback', percent: r.pick(['5', 2, '1.5']) });
  p.rewards.push({ id: 'credit', name: name('Store credit'), type: 'store_credit_spend', cost: 0 });
  for (const w of rewards) {
    if (r.chance(0.2)) w.audience = { ...(w.audience ?? {}), ...audience() };
    if (w.type === 'free_item' && r.chance(0.3)) w.requires = { match: { categories: ['pastry'] }, min_quantity: r.int(1, 2) };
    if (w.cost === 0 && r.chance(0.3)) { delete w.voucher_days; w.voucher_expires = 'end_of_day'; }
    if (r.chance(0.3)) w.name = name(w.name ?? w.id);
  }
  for (const e of p.earn) if (e.type === 'multiplier' && r.chance(0.4)) e.audience = { ...(e.audience ?? {}), ...audience() };
}

export function cart(r, currency, at) {
  const c = {
    currency,
    lines: Array.from({ length: r.int(0, 10) }, () => {
      const k = r.int(0, SKUS.length - 1);
      const line = { sku: SKUS[k], category: CATEGORIES[k % CATEGORIES.length],
        unit_price_minor: r.int(0, 20000), quantity: r.int(1, 5) };
      if (r.chance(0.3)) line.discount_minor = r.int(0, line.unit_price_minor);
      return line;
    }),
  };
  if (at) c.at = at;
  if (r.chance(0.5)) c.shipping_minor = r.int(0, 1500);
  if (r.chance(0.2)) c.order_discount_minor = r.int(0, 3000);
  return c;
}

function event(r, i, p, rewards) {
  const at = timestamp(r, p.utc_offset ?? '+00:00');
  const extra = [];
  if (p.wheels) extra.push('spin', 'claim', 'order');
  if (p.membership) extra.push('membership_start', 'membership_payment', 'membership_cancel');
  const type = r.pick(['order', 'order', 'order', 'refund', 'action', 'redeem', 'adjust',
    'referral_completed', 'tick', 'profile', ...extra]);
  const e = { id: `evt-${i}`, at, type };
  switch (type) {
    case 'order':
      e.order_id = `o-${i}`;
      e.cart = cart(r, p.currency);
      if (rewards.length && r.chance(0.3)) e.redeem = [{ reward: r.pick(rewards).id }];
      if (p.coupons && r.chance(0.2)) e.coupons = [r.pick(['news10', 'NEWS10', 'nope'])];
      if (p.wheels && r.chance(0.2)) (e.redeem ??= []).push({ reward: 'credit', credit_minor: r.int(1, 5000) });
      break;
    case 'spin':
      e.wheel = r.chance(0.9) ? 'wheel' : 'nope';
      e.draw = r.int(0, 2 ** 31);
      break;
    case 'claim':
      e.code = r.pick([' news10', 'NEWS10', 'nope']);
      break;
    case 'membership_payment':
      e.amount_minor = r.pick([1990, 1990, 1000]);
      break;
    case 'refund':
      e.order_id = `o-${r.int(1, i)}`;
      e.lines = [{ sku: r.pick(SKUS), quantity: r.int(1, 2) }];
      break;
    case 'action':
      e.action = r.pick(['review', 'survey', 'social_share', 'newsletter']);
      break;
    case 'redeem':
      e.reward = rewards.length ? r.pick(rewards).id : 'nothing';
      break;
    case 'adjust':
      e.points = r.int(-100, 500);
      e.reason = 'generated';
      break;
    case 'referral_completed':
      e.referee = `m-${r.int(2, 99)}`;
      break;
    case 'profile':
      e.birthday = r.chance(0.2) ? null : `${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;
      if (r.chance(0.3)) e.name = 'Generated Name';
      break;
    default:
      break;
  }
  return e;
}

export function events(r, p, member = 'm-1', n = r.int(0, 12)) {
  const list = [{ id: 'evt-0', at: `2025-01-02T10:00:00${p.utc_offset ?? '+00:00'}`, type: 'enroll',
    member_id: member, channel: r.pick(['pos', 'web', 'app']) }];
  if (r.chance(0.5)) list[0].birthday = `${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;
  if (r.chance(0.2)) list[0].referred_by = 'm-7';
  for (let i = 1; i <= n; i++) list.push(event(r, i, p, p.rewards ?? []));
  return list;
}

// A request for `operation` carrying `prog` inline. `state` is a member state (or null).
export function request(r, operation, prog, state = null) {
  const now = timestamp(r, prog.utc_offset ?? '+00:00', 2027);
  const rewards = prog.rewards ?? [];
  switch (operation) {
    case 'validate':
      return { program: prog };
    case 'replay':
      return { program: prog, events: events(r, prog), now };
    case 'apply':
      return { program: prog, state, event: event(r, 100 + r.int(0, 50), prog, rewards), now };
    case 'preview': {
      const q = { program: prog, state, cart: cart(r, prog.currency, r.chance(0.5) ? now : undefined), now };
      if (rewards.length && r.chance(0.5)) {
        q.redeem = r.some(rewards, 2).map((w) => (w.type === 'points_discount' ? { reward: w.id, points: r.int(0, 2000) } : { reward: w.id }));
      }
      if (r.chance(0.2)) q.vouchers = ['v-evt-1-1'];
      if (prog.coupons && r.chance(0.3)) q.coupons = [r.pick(['news10', 'nope'])];
      return q;
    }
    case 'catalog':
      return { program: prog, state, now };
    default:
      return {
        program: prog,
        members: Array.from({ length: r.int(0, 4) }, (_, k) => ({ member_id: `m-${k}`, events: events(r, prog, `m-${k}`) })),
        from: '2025-01-01T00:00:00+00:00', until: '2028-01-01T00:00:00+00:00',
        total_customers: r.int(0, 1000), churn_days: r.int(1, 365),
        segments: { heavy: r.int(5, 10), medium: r.int(2, 4) },
      };
  }
}

const WRONG = () => [null, true, false, 0, -1, 1.5, 1e300, -9223372036854775808, 9223372036854775807,
  18446744073709551616, '', 'x', '2026-02-30T25:61:00Z', [], [1, 'a'], {}, { a: { b: [] } }, '\u0000', '\ud800', 'é€😀'];

function paths(value, prefix = [], out = []) {
  out.push(prefix);
  if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) paths(value[k], [...prefix, k], out);
  }
  return out;
}

// One random structural change (or several) somewhere in the request object.
export function mutate(r, req) {
  const doc = structuredClone(req);
  const count = r.int(1, 3);
  for (let i = 0; i < count; i++) {
    const all = paths(doc).filter((p) => p.length > 0);
    if (!all.length) break;
    const path = r.pick(all);
    let parent = doc;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const key = path[path.length - 1];
    const what = r.int(0, 3);
    if (what === 0 && !Array.isArray(parent)) delete parent[key];
    else if (what === 1) parent[key] = r.pick(WRONG());
    else if (what === 2 && parent[key] && typeof parent[key] === 'object' && !Array.isArray(parent[key])) parent[key][`zz_unknown_${i}`] = 1;
    else if (typeof parent[key] === 'number') parent[key] = r.pick([parent[key] * 1e12, -parent[key], parent[key] + 0.5, 2 ** 63, 2 ** 53 + 1]);
    else parent[key] = r.pick(WRONG());
  }
  return doc;
}

// Damage the JSON text itself.
export function garble(r, text) {
  switch (r.int(0, 4)) {
    case 0:
      return text.slice(0, r.int(0, text.length));
    case 1: {
      const at = r.int(0, text.length);
      return text.slice(0, at) + r.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'nul', '1e999', '-', '\ud83d']) + text.slice(at);
    }
    case 2:
      return '['.repeat(r.int(60, 70)) + text + ']'.repeat(r.int(60, 70));
    case 3:
      return text.replace(/"/g, "'");
    default:
      return `  ${text}  \n`;
  }
}

// The n-th generated case of a seed: {operation, text} (the text may be invalid JSON).
export function* cases(seed, n, stateFor) {
  const r = rng(seed);
  for (let i = 0; i < n; i++) {
    const operation = r.pick(OPERATIONS);
    const prog = program(r);
    const state = stateFor && r.chance(0.5) ? stateFor(prog, r) : null;
    let req = request(r, operation, prog, state);
    const kind = r.next();
    if (kind < 0.25) req = mutate(r, req);
    let text = JSON.stringify(req);
    if (kind > 0.9) text = garble(r, text);
    yield { index: i, operation, text };
  }
}
