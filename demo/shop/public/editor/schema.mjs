// What a program can say, as the form shows it: every section, field and choice of
// loyalty-program/1 (spec/program.md, spec/engagement.md) with a plain-language label. Labels
// are English text, translated through the merchant page's messages (English is the key).
// Field kinds are drawn by fields.mjs; `types` picks the fields of an item by its `type`.

const int = (key, label, extra = {}) => ({ kind: 'int', key, label, ...extra });
const money = (key, label, extra = {}) => ({ kind: 'money', key, label, ...extra });
const decimal = (key, label, extra = {}) => ({ kind: 'decimal', key, label, ...extra });
const text = (key, label, extra = {}) => ({ kind: 'text', key, label, ...extra });
const names = (key = 'name', label = 'Name') => ({ kind: 'names', key, label });
const choice = (key, label, options, extra = {}) => ({ kind: 'enum', key, label, options, ...extra });
const bool = (key, label, extra = {}) => ({ kind: 'bool', key, label, ...extra });
const list = (key, label, extra = {}) => ({ kind: 'tags', key, label, hint: 'Separate with commas.', ...extra });
const ref = (key, label, to) => ({ kind: 'ref', key, label, to });
const group = (key, label, fields, extra = {}) => ({ kind: 'group', key, label, fields, ...extra });
const id = (label = 'Id (letters, digits, - and _)') => ({ kind: 'text', key: 'id', label, required: true, hint: 'Used by other parts of the program and in the history; keep it once published.' });

const PERIODS = [['day', 'per day'], ['week', 'per week'], ['month', 'per month'], ['year', 'per year'], ['lifetime', 'ever']];

export const MATCH = group('match', 'Which products', [
  list('categories', 'Only these categories'), list('skus', 'Only these products (SKUs)'),
  list('exclude_categories', 'Except these categories'), list('exclude_skus', 'Except these products (SKUs)'),
], { hint: 'Leave empty for every product in the cart.' });

export const WHEN = group('when', 'When', [
  { kind: 'days', key: 'days', label: 'Days of the week' },
  { kind: 'hours', key: 'hours', label: 'Hours (store time)', hint: 'The end is not included: 16:00–18:00 ends at 17:59:59.' },
  text('from', 'From (date and time with offset, e.g. 2026-12-01T00:00:00-05:00)'),
  text('until', 'Until (not included)'),
], { hint: 'Leave empty for any time.' });

export const AUDIENCE = group('audience', 'Who', [
  list('tiers', 'Only members in these tiers'),
  choice('membership', 'Paid membership', [[true, 'members with an active membership'], [false, 'members without one']], { anyLabel: 'anyone' }),
  int('min_member_days', 'Member for at least (days)'),
  int('max_member_days', 'Member for less than (days)'),
  group('min_orders', 'Frequent buyers', [int('count', 'At least this many orders'), int('days', 'In the last (days)')]),
  int('lapsed_days', 'No order in the last (days)'),
  list('segments', 'In all these segments'),
  list('not_segments', 'In none of these segments'),
], { hint: 'Leave empty for every shopper.' });

const LIMIT = group('limit', 'How often', [int('count', 'At most (times)'), choice('per', 'Per', PERIODS)]);
const MIN_ORDER = money('min_order_minor', 'Minimum order');
const VOUCHER = [
  int('voucher_days', 'Voucher valid for (days)'),
  choice('voucher_expires', 'Voucher expires', [['end_of_day', 'at the end of the day it is issued']], { anyLabel: 'after the days above (or never)' }),
];
const ROUNDING = choice('rounding', 'Rounding', [['floor', 'down'], ['nearest', 'to the nearest'], ['ceil', 'up']], { anyLabel: 'default (down)' });

const EARN_TYPES = {
  per_spend: { label: 'Points for every amount spent', fields: [int('points', 'Points', { required: true }), money('per_minor', 'For every', { required: true }), ROUNDING, bool('include_shipping', 'Shipping earns too')], defaults: { points: 1, per_minor: 100 } },
  per_item: { label: 'Points for every item', fields: [int('points', 'Points', { required: true })], defaults: { points: 1 } },
  per_order: { label: 'Points for every order (a visit)', fields: [int('points', 'Points', { required: true })], defaults: { points: 10 } },
  bonus: { label: 'Bonus points for buying products', fields: [int('points', 'Points', { required: true }), int('min_quantity', 'At least (items)')], defaults: { points: 50 } },
  multiplier: { label: 'Multiply points (e.g. double points)', fields: [decimal('factor', 'Multiply by', { required: true })], defaults: { factor: 2 } },
  spend_threshold: { label: 'A reward for every amount spent over time', fields: [money('every_minor', 'For every', { required: true }), ref('reward', 'Reward', 'rewards')], defaults: { every_minor: 1000 } },
  signup: { label: 'Welcome bonus on joining', fields: [int('points', 'Points', { required: true }), choice('mode', 'Given', [['immediate', 'at once'], ['next_order', 'with the first order'], ['after_spend', 'once an order reaches the minimum']], { anyLabel: 'default (at once)' })], defaults: { points: 25 } },
  birthday: { label: 'Birthday gift', fields: [int('points', 'Points'), ref('reward', 'Reward', 'rewards')], defaults: {} },
  action: { label: 'Points for an action (review, survey…)', fields: [text('action', 'Action (e.g. review, survey, social_share, newsletter)', { required: true }), int('points', 'Points'), ref('reward', 'Reward', 'rewards'), LIMIT, ...VOUCHER], defaults: { action: 'review', points: 10 } },
  referral: { label: 'Refer a friend', fields: [int('referrer_points', 'Points for the member who refers'), int('referee_points', 'Points for the friend who joins')], defaults: { referrer_points: 500, referee_points: 250 } },
  cashback: { label: 'Cashback as store credit', fields: [decimal('percent', 'Percent of the order', { required: true }), ROUNDING], defaults: { percent: 5 } },
};

const REWARD_TYPES = {
  fixed_discount: { label: 'Amount off', fields: [money('amount_minor', 'Amount off', { required: true })], defaults: { amount_minor: 500 } },
  percent_discount: { label: 'Percent off', fields: [int('percent', 'Percent off (1–100)', { required: true }), money('max_minor', 'At most')], defaults: { percent: 10 } },
  free_item: { label: 'A free item', fields: [money('max_value_minor', 'Worth at most')], defaults: {} },
  free_shipping: { label: 'Free shipping', fields: [], defaults: {} },
  points_discount: { label: 'Pay with points', fields: [int('step_points', 'Every (points)', { required: true }), money('step_minor', 'Takes off', { required: true }), int('min_points', 'Smallest use (points)'), int('max_order_percent', 'At most (percent of the order)')], defaults: { step_points: 100, step_minor: 100 } },
  store_credit: { label: 'Store credit', fields: [money('amount_minor', 'Credit', { required: true })], defaults: { amount_minor: 500 } },
  store_credit_spend: { label: 'Spend store credit at checkout', fields: [], defaults: { cost: 0 } },
  choice: { label: 'Member picks one option', fields: [{ kind: 'list', key: 'options', label: 'Options', itemLabel: 'Option', fields: [id(), names()], newItem: (n) => ({ id: `option-${n}` }) }], defaults: {} },
  charity: { label: 'A donation', fields: [money('amount_minor', 'Amount donated', { required: true }), text('cause', 'Cause')], defaults: { amount_minor: 100 } },
  gift_card: { label: 'Gift card', fields: [{ kind: 'json', key: 'details', label: 'Details for fulfilment (JSON)' }], defaults: {} },
  experience: { label: 'An experience', fields: [{ kind: 'json', key: 'details', label: 'Details for fulfilment (JSON)' }], defaults: {} },
  physical: { label: 'A physical gift', fields: [{ kind: 'json', key: 'details', label: 'Details for fulfilment (JSON)' }], defaults: {} },
  digital: { label: 'A digital gift', fields: [{ kind: 'json', key: 'details', label: 'Details for fulfilment (JSON)' }], defaults: {} },
};

const EARN = {
  kind: 'list', key: 'earn', label: 'Ways to earn', itemLabel: 'Earning rule', add: 'Add earning rule',
  common: [id(), names()],
  typeLabel: 'Kind of rule', types: EARN_TYPES,
  after: [int('max_points', 'At most (points per order)'), MIN_ORDER, MATCH, WHEN, AUDIENCE],
  newItem: (n) => ({ id: `rule-${n}`, type: 'per_spend', ...EARN_TYPES.per_spend.defaults }),
};

const REWARDS = {
  kind: 'list', key: 'rewards', label: 'Rewards', itemLabel: 'Reward', add: 'Add reward',
  common: [id(), names(), int('cost', 'Cost (points; 0 for vouchers only)', { required: true })],
  typeLabel: 'Kind of reward', types: REWARD_TYPES,
  after: [
    MIN_ORDER, ...VOUCHER, choice('use', 'Use', [['now', 'only the same day (cannot be kept)']], { anyLabel: 'any time' }), LIMIT, MATCH,
    group('requires', 'Buy X, get Y', [int('min_quantity', 'At least (items)'), MATCH]), WHEN, AUDIENCE,
  ],
  newItem: (n) => ({ id: `reward-${n}`, type: 'fixed_discount', cost: 100, ...REWARD_TYPES.fixed_discount.defaults }),
};

const PUNCH_CARDS = {
  kind: 'list', key: 'punch_cards', label: 'Punch cards', itemLabel: 'Punch card', add: 'Add punch card',
  fields: [
    id(), names(), MATCH,
    choice('punch', 'A punch for', [['per_item', 'every matching item'], ['per_order', 'every order with a matching item']], { anyLabel: 'default (every item)' }),
    int('required', 'Punches to fill the card', { required: true }), ref('reward', 'Reward for a full card', 'rewards'),
    int('max_punches_per_day', 'At most (punches per day)'), ...VOUCHER, WHEN, // the parser refuses `audience` on a card
  ],
  newItem: (n) => ({ id: `card-${n}`, required: 10 }),
};

const TIERS = {
  kind: 'optional', key: 'tiers', label: 'Tiers', toggle: 'This program has tiers',
  create: () => ({ basis: 'spend', period: 'calendar_year', retain: 'next_period', levels: [{ id: 'member', name: 'Member', min: 0 }] }),
  fields: [
    choice('basis', 'Tiers are reached by', [['spend', 'amount spent'], ['points', 'points earned'], ['orders', 'number of orders']], { required: true }),
    { kind: 'period', key: 'period', label: 'Counted over' },
    choice('retain', 'A tier reached is kept', [['next_period', 'through the next year too'], ['none', 'only while the current period qualifies']], { anyLabel: 'default (through the next year)' }),
    bool('upgrade_applies_to_crossing_order', 'The order that reaches a tier already earns at it'),
    {
      kind: 'list', key: 'levels', label: 'Levels (lowest first; the first starts at 0)', itemLabel: 'Level', add: 'Add level',
      fields: [id(), names(), { kind: 'threshold', key: 'min', label: 'Reached at', required: true }, decimal('earn_multiplier', 'Points multiplier (e.g. 1.25)'), { kind: 'texts', key: 'benefits', label: 'Benefits', itemLabel: 'Benefit', add: 'Add benefit' }],
      newItem: (n, items) => ({ id: `level-${n}`, name: '', min: (items.at(-1)?.min ?? 0) + 1 }),
    },
  ],
};

const EXPIRY = group('expiry', 'Expiry of points', [
  choice('policy', 'Points expire', [['none', 'never'], ['rolling', 'a set number of days after they are earned'], ['inactivity', 'after a time without activity']], { required: true }),
  int('days', 'Days', { showIf: (v) => v?.policy && v.policy !== 'none' }),
], { always: true });

const LIMITS = group('limits', 'Limits', [
  int('max_points_per_order', 'At most (points per order)', { nullable: true, hint: 'Empty: no limit.' }),
  int('max_rewards_per_order', 'At most (rewards per order)'),
  int('refund_days', 'Refunds accepted for (days)'),
], { always: true });

const WHEELS = {
  kind: 'list', key: 'wheels', label: 'Prize wheels', itemLabel: 'Prize wheel', add: 'Add prize wheel',
  fields: [
    id(), names(), WHEN, LIMIT, AUDIENCE,
    {
      kind: 'list', key: 'prizes', label: 'Prizes', itemLabel: 'Prize', add: 'Add prize',
      fields: [id(), names(), int('weight', 'Weight (chance relative to the others)', { required: true }), int('points', 'Points'), ref('reward', 'Reward', 'rewards')],
      newItem: (n) => ({ id: `prize-${n}`, weight: 1 }),
    },
  ],
  newItem: (n) => ({ id: `wheel-${n}`, prizes: [{ id: 'prize-1', weight: 1 }] }),
};

const CHALLENGES = {
  kind: 'list', key: 'challenges', label: 'Challenges', itemLabel: 'Challenge', add: 'Add challenge',
  fields: [
    id(), names(), bool('ordered', 'Steps must be done in order'), bool('repeat', 'Can be done again'),
    {
      kind: 'list', key: 'steps', label: 'Steps', itemLabel: 'Step', add: 'Add step',
      fields: [id(), names(), { kind: 'step', key: 'action', label: 'Done by' }],
      newItem: (n) => ({ id: `step-${n}`, action: 'store_visit' }),
    },
    int('points', 'Points when done'), ref('reward', 'Reward when done', 'rewards'), WHEN, AUDIENCE,
  ],
  newItem: (n) => ({ id: `challenge-${n}`, steps: [{ id: 'step-1', action: 'store_visit' }] }),
};

const COUPONS = {
  kind: 'list', key: 'coupons', label: 'Coupon codes', itemLabel: 'Coupon code', add: 'Add coupon code',
  fields: [text('code', 'Code (not case-sensitive)', { required: true }), ref('reward', 'Reward', 'rewards'), int('per_member', 'Uses per member'), ...VOUCHER, WHEN, AUDIENCE],
  newItem: (n) => ({ code: `CODE${n}`, reward: '' }),
};

const SEGMENTS = {
  kind: 'list', key: 'segments', label: 'Segments', itemLabel: 'Segment', add: 'Add segment',
  fields: [id(), names(), { kind: 'segment', key: 'bought', label: 'Members who' }],
  newItem: (n) => ({ id: `segment-${n}`, bought: {} }),
};

const MEMBERSHIP = {
  kind: 'optional', key: 'membership', label: 'Paid membership', toggle: 'Offer a paid membership',
  create: () => ({ id: 'plus', name: 'Plus', fee_minor: 999, period: 'month' }),
  fields: [
    id(), names(), money('fee_minor', 'Fee', { required: true }),
    choice('period', 'Paid every', [['month', 'month'], ['year', 'year']], { required: true }),
    int('trial_days', 'Free trial (days)'), int('grace_days', 'Grace after a missed payment (days)'),
    { kind: 'texts', key: 'benefits', label: 'Benefits', itemLabel: 'Benefit', add: 'Add benefit' },
  ],
};

const ABOUT = {
  kind: 'section', label: 'About the program',
  fields: [
    text('id', 'Program id', { required: true }), names('name', 'Program name'), int('version', 'Version', { hint: 'Publishing numbers it: the version after the live one.' }),
    { kind: 'currency', key: 'currency', label: 'Currency', required: true },
    { kind: 'zone', key: 'time_zone', label: 'Store time zone (e.g. America/Lima)' },
    text('utc_offset', 'Or a fixed UTC offset (e.g. -05:00)'),
    choice('default_language', 'Default language of names', [['en', 'English'], ['es', 'Español'], ['pl', 'Polski'], ['ro', 'Română']], { anyLabel: 'default (English)' }),
    group('points_label', 'What points are called', [text('one', 'One (e.g. point)'), text('few', 'A few (Polish, e.g. punkty)'), text('many', 'Many (Polish, e.g. punktów)'), text('other', 'Other (e.g. points)')]),
    text('point_value_minor', 'What one point costs you (minor units, e.g. 0.8333)'),
  ],
};

const EARNING_SETTINGS = {
  kind: 'section', label: 'Earning settings',
  fields: [
    int('pending_days', 'Points wait before they can be spent (days)'),
    choice('multiplier_stacking', 'When several multipliers apply', [['highest', 'use the highest'], ['multiply', 'multiply them'], ['add', 'add them up']], { anyLabel: 'default (the highest)' }),
    bool('earn_on_discounted', 'Points on the price after discounts', { default: true }),
  ],
};

/** The form's sections in the order a merchant reads a program. */
export const SECTIONS = [ABOUT, EARN, REWARDS, PUNCH_CARDS, TIERS, EARNING_SETTINGS, EXPIRY, LIMITS, WHEELS, CHALLENGES, COUPONS, SEGMENTS, MEMBERSHIP];

/** A new program: what an empty form starts from (every default written out, as a merchant reads it). */
export function emptyProgram() {
  return {
    schema: 'loyalty-program/1', id: 'my-program', version: 1, currency: 'USD',
    points_label: { one: 'point', other: 'points' }, pending_days: 0,
    expiry: { policy: 'none' }, limits: { max_points_per_order: null, max_rewards_per_order: 1 },
    multiplier_stacking: 'highest', earn_on_discounted: true, default_language: 'en',
  };
}
