// The JSON Schema of the program document (schema/loyalty-program.schema.json, issue 21) against
// the core, which is the truth about what is accepted: the core's `validate` of {program} decides.
// - the schema compiles in Ajv's strict mode (draft 2020-12, formats asserted);
// - every program the core accepts is valid under the schema: the programs of tests/vectors,
//   bench/program.json and generated programs (test-support/generate.mjs, seeded);
// - every program the core rejects is invalid under the schema, unless the reason is one of
//   NOT_EXPRESSIBLE below (each says why a schema cannot say it), over the invalid vectors,
//   generated mutations, one change at a time at every place of the accepted programs, and a
//   hand-written list of each cross-field rule;
// - the comparison has teeth: a schema loosened or tightened in one place fails it;
// - the one difference on purpose: `$schema` (for editors) is allowed by the schema, refused by the core.
// LOYALTY_SCHEMA_CASES (default 2000) and LOYALTY_SCHEMA_SEED choose the generated set.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { VARIANTS, WASM_ROOT, core, vectors } from '../test-support/doors.mjs';
import { mutate, program, rng } from '../test-support/generate.mjs';

const SCHEMA = JSON.parse(fs.readFileSync(path.join(WASM_ROOT, 'schema/loyalty-program.schema.json'), 'utf8'));
const BENCH = JSON.parse(fs.readFileSync(path.join(WASM_ROOT, 'bench/program.json'), 'utf8'));
const CASES = Number(process.env.LOYALTY_SCHEMA_CASES ?? 2000);
const SEED = Number(process.env.LOYALTY_SCHEMA_SEED ?? 20261202);
// An emptied or moved vector folder must fail, not pass on nothing.
const MIN_ACCEPTED_VECTORS = 80;
const MIN_REJECTED_VECTORS = 6; // of the 14 invalid programs there, 8 are refused by the schema (2026-12)

function compile(schema = SCHEMA) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

function valueAt(doc, pointer) {
  let v = doc;
  for (const raw of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

// What the core rejects and a JSON Schema cannot say. Each kind: why, how the core's error is
// recognised, and a program (`example`, or its JSON `text`) the core rejects for that reason
// while the schema accepts it.
const BASE = { schema: 'loyalty-program/1', id: 'p', currency: 'PEN' };
const REWARD = { id: 'r', name: 'R', type: 'free_shipping', cost: 0 };
export const NOT_EXPRESSIBLE = [
  {
    kind: 'duplicate ids (rules, rewards, cards, tiers, wheels, prizes, steps, options, segments; coupon codes ignoring case)',
    why: 'uniqueItems compares whole items; a schema cannot ask for one member to be unique across items',
    is: (e) => /^duplicate /.test(e.message),
    example: { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1 }, { id: 'a', type: 'per_order', points: 2 }] },
  },
  {
    kind: 'references: a reward, tier or segment named must exist',
    why: 'a schema cannot compare a value with ids found elsewhere in the document',
    is: (e) => /^no (reward|tier|segment) with id /.test(e.message),
    example: { ...BASE, earn: [{ id: 'a', type: 'birthday', reward: 'nope' }] },
  },
  {
    kind: 'audiences that can never hold (a segment both required and excluded; max_member_days <= min_member_days)',
    why: 'comparing two values of the document',
    is: (e) => /can never hold/.test(e.message),
    example: { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, audience: { min_member_days: 30, max_member_days: 10 } }] },
  },
  {
    kind: 'time zone names',
    why: 'the core reads them from its own tz table or as a POSIX TZ rule; the schema only asks for a non-empty string',
    is: (e) => /^unknown time zone /.test(e.message),
    example: { ...BASE, time_zone: 'Mars/Olympus' },
  },
  {
    kind: 'when.until later than when.from',
    why: 'comparing two values of the document',
    is: (e) => /must be later than from/.test(e.message),
    example: { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, when: { from: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' } }] },
  },
  {
    kind: 'when.hours start and end differ',
    why: 'comparing two values ("12:00" and "12:00:00" are the same time)',
    is: (e) => /start and end must differ/.test(e.message),
    example: { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, when: { hours: ['12:00', '12:00'] } }] },
  },
  {
    kind: 'two tier levels with the same min',
    why: 'uniqueness of one member across items',
    is: (e) => /two levels share the minimum/.test(e.message),
    example: { ...BASE, tiers: { levels: [{ id: 'a', min: 0 }, { id: 'b', min: 0 }] } },
  },
  {
    kind: 'limits.refund_days >= pending_days',
    why: 'comparing two values of the document',
    is: (e) => /refund_days must be at least pending_days/.test(e.message),
    example: { ...BASE, pending_days: 30, limits: { refund_days: 10 } },
  },
  {
    kind: 'the weights of a wheel add up to at most 10^9',
    why: 'a sum over items',
    is: (e) => /weights of a wheel must add up/.test(e.message),
    example: { ...BASE, wheels: [{ id: 'w', prizes: [{ id: 'a', weight: 600000000 }, { id: 'b', weight: 600000000 }] }] },
  },
  {
    kind: 'requires.match that no line can meet (everything it includes it also excludes)',
    why: 'comparing lists of the document',
    is: (e) => /no cart line can match/.test(e.message),
    example: { ...BASE, rewards: [{ ...REWARD, requires: { match: { skus: ['a'], exclude_skus: ['a'] } } }] },
  },
  {
    kind: 'a JSON number with more than 4 decimals (or a fractional one above 10^14), and decimal strings above 922337203685477',
    why: 'multipleOf 0.0001 is unreliable in binary floating point (validators reject 1.1), and the schema keeps the string pattern readable',
    is: (e, doc) => /must be a number with at most 4 decimals/.test(e.message) &&
      (typeof valueAt(doc, e.path) === 'number' || /^0*[0-9]{15}(\.|$)/.test(String(valueAt(doc, e.path)))),
    example: { ...BASE, earn: [{ id: 'a', type: 'multiplier', factor: 1.23456 }] },
  },
  {
    kind: 'integers beyond 2^53 (only `version` allows them)',
    why: 'a JavaScript validator reads them rounded: 2^63 reads as 9223372036854775807, the maximum',
    is: (e, doc) => e.code === 'overflow' && Math.abs(valueAt(doc, e.path)) > 2 ** 53,
    example: { ...BASE, version: 2 ** 63 },
  },
  {
    kind: 'whole numbers written with a fraction or an exponent (`1.0`, `1e2`)',
    why: 'JSON Schema sees numbers, not their text: 1.0 is the integer 1 to it, while the core reads such text as a fractional number',
    is: (e) => /must be a whole number, got a fractional number/.test(e.message),
    text: '{"schema": "loyalty-program/1", "id": "p", "currency": "PEN", "version": 1.0}',
  },
  {
    kind: 'strings holding a lone UTF-16 surrogate (text that is not Unicode)',
    why: 'JSON Schema sees strings as code points and has no way to refuse an unpaired surrogate',
    is: (e) => e.code === 'invalid_json',
    example: { ...BASE, id: '\ud800' },
  },
];

// Rules the schema does express beyond one value's type and range — across fields (if/then, not,
// contains), list lengths, closed objects, key names: the core rejects each example and so must
// the schema.
const EXPRESSED = {
  'time_zone and utc_offset': { ...BASE, time_zone: 'Europe/Warsaw', utc_offset: '+01:00' },
  'voucher_days and voucher_expires': { ...BASE, rewards: [{ ...REWARD, voucher_days: 3, voucher_expires: 'end_of_day' }] },
  'a birthday rule with points and reward': { ...BASE, rewards: [REWARD], earn: [{ id: 'b', type: 'birthday', points: 5, reward: 'r' }] },
  'a birthday rule with neither': { ...BASE, earn: [{ id: 'b', type: 'birthday' }] },
  'an action rule without points or reward': { ...BASE, earn: [{ id: 'a', type: 'action', action: 'review' }] },
  'a step with action and order': { ...BASE, challenges: [{ id: 'c', steps: [{ id: 's', action: 'x', order: {} }] }] },
  'a step with neither': { ...BASE, challenges: [{ id: 'c', steps: [{ id: 's' }] }] },
  'a segment bought and not_bought': { ...BASE, segments: [{ id: 's', bought: {}, not_bought: {} }] },
  'expiry none with days': { ...BASE, expiry: { policy: 'none', days: 3 } },
  'expiry rolling without days': { ...BASE, expiry: { policy: 'rolling' } },
  'upgrade_applies_to_crossing_order without tiers': { ...BASE, upgrade_applies_to_crossing_order: true },
  'the lowest tier above 0': { ...BASE, tiers: { levels: [{ id: 'a', min: 5 }] } },
  'store_credit_spend with a cost': { ...BASE, rewards: [{ id: 'c', type: 'store_credit_spend', cost: 5 }] },
  'a field of another earning type': { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, factor: 2 }] },
  'a field of another reward type': { ...BASE, rewards: [{ ...REWARD, amount_minor: 5 }] },
  'an unknown field in a match': { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, match: { sku: ['x'] } }] },
  'audience on a punch card': { ...BASE, rewards: [REWARD], punch_cards: [{ id: 'c', reward: 'r', audience: {} }] },
  'a factor of 0': { ...BASE, earn: [{ id: 'a', type: 'multiplier', factor: '0.0000' }] },
  'a factor above 1000': { ...BASE, earn: [{ id: 'a', type: 'multiplier', factor: '1000.0001' }] },
  'a percent_discount of 0.5': { ...BASE, rewards: [{ id: 'd', type: 'percent_discount', percent: 0.5 }] },
  'a decimal string with a comma': { ...BASE, point_value_minor: '0,5' },
  'a timestamp on 30 February': { ...BASE, wheels: [{ id: 'w', when: { from: '2026-02-30T00:00:00Z' }, prizes: [{ id: 'a', weight: 1 }] }] },
  'an hour 24:30': { ...BASE, wheels: [{ id: 'w', when: { hours: ['10:00', '24:30'] }, prizes: [{ id: 'a', weight: 1 }] }] },
  'a coupon code of white space': { ...BASE, rewards: [REWARD], coupons: [{ code: ' \t', reward: 'r' }] },
  'points_label mixing forms and languages': { ...BASE, points_label: { en: { one: 'point', other: 'points' }, one: 'x' } },
  'points_label with a "two" form': { ...BASE, points_label: { one: 'point', two: 'points', other: 'points' } },
  'a name object with an empty text': { ...BASE, name: { en: '' } },
  'hours with one time': { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, when: { hours: ['10:00'] } }] },
  'hours with three times': { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, when: { hours: ['10:00', '11:00', '12:00'] } }] },
  'no days': { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, when: { days: [] } }] },
  'a wheel without prizes': { ...BASE, wheels: [{ id: 'w', prizes: [] }] },
  'a challenge without steps': { ...BASE, challenges: [{ id: 'c', steps: [] }] },
  'a choice without options': { ...BASE, rewards: [{ id: 'c', type: 'choice', options: [] }] },
  'tiers without levels': { ...BASE, tiers: { levels: [] } },
  'a name object without languages': { ...BASE, name: {} },
  'an empty points_label': { ...BASE, points_label: {} },
  'a rule that is not an object': { ...BASE, earn: ['per_order'] },
  'min_orders.days above 366': { ...BASE, earn: [{ id: 'a', type: 'per_order', points: 1, audience: { min_orders: { count: 1, days: 367 } } }] },
};

// Edges the core accepts and so must the schema: null as absent, "24:00", lower-case t and z,
// decimal strings with leading zeros, labels by language, `use: any_time`, details of any type.
const ACCEPTED = {
  'null for optional fields': {
    ...BASE, name: null, version: null, tiers: null, expiry: null, time_zone: null, utc_offset: '-05:00',
    limits: { max_points_per_order: null, max_rewards_per_order: null },
    earn: [{ id: 'a', type: 'per_spend', points: 1, per_minor: null, match: null, when: { from: null, days: null } }],
    rewards: [{ ...REWARD, voucher_days: null, voucher_expires: 'end_of_day', audience: null, description: null }],
  },
  'store-local edges': {
    ...BASE, utc_offset: 'z',
    wheels: [{ id: 'w', when: { from: '2026-02-28t10:00:00.123456789z', hours: ['22:00', '24:00'] }, prizes: [{ id: 'a', weight: 1000000000 }] }],
  },
  'decimals as numbers and strings': {
    ...BASE, point_value_minor: '0000.8333',
    tiers: { levels: [{ id: 'a', min: 0, earn_multiplier: '0.0001' }, { id: 'b', min: 1, earn_multiplier: 1.5 }] },
    earn: [{ id: 'm', type: 'multiplier', factor: '1000.0000' }, { id: 'c', type: 'cashback', percent: '0.01' }],
    rewards: [{ id: 'd', type: 'percent_discount', percent: '100' }, { id: 'p', type: 'points_discount', step_points: 1, step_minor: 1, max_order_percent: 1 }],
  },
  'texts and labels in several languages': {
    ...BASE, default_language: 'es-PE', name: { 'es-PE': 'Café', EN: 'Cafe' },
    points_label: { pl: { one: 'punkt', few: 'punkty', many: 'punktów', other: 'punktu' }, en: { one: 'point', other: 'points', few: null } },
    membership: { id: 'plus', fee_minor: 1, benefits: ['x', { en: 'y' }] },
  },
  'fulfilment rewards and use': {
    ...BASE, rewards: [{ id: 'g', type: 'gift_card', details: ['any', 1], description: '' }, { id: 'e', type: 'experience', details: 'a day out', use: 'any_time' },
      { id: 'n', type: 'free_item', use: 'now', requires: { match: {} } }, { id: 's', type: 'store_credit_spend', cost: null }],
  },
  // Members in places no vector or generated program puts them (the perturbation test then
  // changes each of them too).
  'every member in every place': {
    ...BASE, time_zone: 'America/Lima', version: 3, upgrade_applies_to_crossing_order: true,
    tiers: { basis: 'orders', period: 'calendar_year', retain: 'none', upgrade_applies_to_crossing_order: false, levels: [{ id: 'm', name: 'M', min: 0, benefits: ['x'] }] },
    segments: [{ id: 's', name: 'S', bought: { skus: ['a'] } }],
    rewards: [
      { id: 'r', name: 'R', description: 'd', type: 'percent_discount', percent: 10, max_minor: 500, cost: 10, match: { categories: ['c'] }, use: 'now', limit: { count: 2 }, voucher_expires: 'end_of_day' },
      { id: 'f', type: 'free_item', match: { skus: ['a'] }, max_value_minor: 300, requires: { match: { skus: ['b'] }, min_quantity: 2 }, voucher_days: 7, audience: { segments: ['s'] } },
    ],
    earn: [
      { id: 'e1', name: 'E1', type: 'per_item', points: 1, rounding: 'ceil', max_points: 10 },
      { id: 'e2', name: 'E2', type: 'birthday', reward: 'r', voucher_expires: 'end_of_day', max_points: 0 },
      { id: 'e3', type: 'spend_threshold', every_minor: 1000, reward: 'f', voucher_days: 30, when: { days: ['mon'] } },
      { id: 'e4', type: 'action', action: 'survey', reward: 'r', voucher_days: 1, limit: { count: 1, per: 'day' } },
      { id: 'e5', type: 'referral', name: { en: 'Refer' }, audience: { tiers: ['m'] } },
      { id: 'e6', type: 'signup', points: 5, max_points: 5 },
    ],
    punch_cards: [{ id: 'p', reward: 'f', voucher_expires: 'end_of_day', required: 1000000 }],
    wheels: [{ id: 'w', audience: { membership: true }, when: { days: ['sat'] }, limit: { count: 1, per: 'week' }, prizes: [{ id: 'z', name: 'Z', weight: 1, points: 5, reward: 'r' }] }],
    coupons: [{ code: 'Hi', reward: 'r', audience: { lapsed_days: 30 }, min_order_minor: 1000, when: { until: '2027-01-01T00:00:00Z' }, voucher_days: 2 }],
    challenges: [{ id: 'c', audience: { min_orders: { count: 2, days: 30 } }, when: { from: '2026-01-01T00:00:00Z' }, steps: [{ id: 's1', name: 'S1', order: { min_order_minor: 100 } }] }],
    membership: { id: 'plus', name: 'Plus', fee_minor: 1990, period: 'year', trial_days: 3650, grace_days: 365 },
  },
  'maxima': {
    ...BASE, pending_days: 3650, point_value_minor: 922337203685477, expiry: { policy: 'inactivity', days: 36500 },
    limits: { max_points_per_order: 1e15, max_rewards_per_order: 1000, refund_days: 36500 },
    tiers: { period: { rolling_days: 36500 }, levels: [{ id: 'a', min: 0, earn_multiplier: 922337203685477 }, { id: 'b', min: 1e15 }] },
    earn: [
      { id: 'a', type: 'per_spend', points: 1e15, per_minor: 1e15, max_points: 1e15, min_order_minor: 1e15 },
      { id: 'b', type: 'bonus', points: 1e15, min_quantity: 1e15, audience: { min_member_days: 36499, max_member_days: 36500, lapsed_days: 36500, min_orders: { count: 1000000, days: 366 } } },
      { id: 'c', type: 'multiplier', factor: 1000 }, { id: 'd', type: 'cashback', percent: 100 },
      { id: 'e', type: 'spend_threshold', every_minor: 1e15, reward: 'f', voucher_days: 36500 },
      { id: 'g', type: 'action', action: 'x', points: 1e15, limit: { count: 1e15 } },
      { id: 'h', type: 'referral', referrer_points: 1e15, referee_points: 1e15 },
    ],
    rewards: [
      { id: 'f', type: 'fixed_discount', amount_minor: 1e15, cost: 1e15, min_order_minor: 1e15 },
      { id: 'p', type: 'percent_discount', percent: 100, max_minor: 1e15 },
      { id: 'i', type: 'free_item', max_value_minor: 1e15, requires: { match: {}, min_quantity: 1000000 } },
      { id: 'd', type: 'points_discount', step_points: 1e15, step_minor: 1e15, min_points: 1e15, max_order_percent: 100 },
    ],
    punch_cards: [{ id: 'c', reward: 'f', required: 1000000, max_punches_per_day: 1000000 }],
    wheels: [{ id: 'w', prizes: [{ id: 'a', weight: 1e9, points: 1e15 }] }],
    coupons: [{ code: 'X', reward: 'f', per_member: 1000000, min_order_minor: 1e15 }],
    challenges: [{ id: 'c', points: 1e15, steps: [{ id: 's', order: { min_order_minor: 1e15 } }] }],
    membership: { id: 'm', fee_minor: 1e15, trial_days: 3650, grace_days: 365 },
  },
  'minima': {
    ...BASE, version: 1, pending_days: 0, point_value_minor: 0, expiry: { policy: 'rolling', days: 1 },
    limits: { max_points_per_order: 0, max_rewards_per_order: 0, refund_days: 1 },
    tiers: { period: { rolling_days: 1 }, levels: [{ id: 'a', min: 0, earn_multiplier: 0.0001 }] },
    earn: [
      { id: 'a', type: 'per_spend', points: 0, per_minor: 1, max_points: 0, min_order_minor: 0 },
      { id: 'b', type: 'bonus', points: 0, min_quantity: 1, audience: { min_member_days: 0, max_member_days: 1, lapsed_days: 1, min_orders: { count: 1, days: 1 } } },
      { id: 'c', type: 'multiplier', factor: 0.0001 }, { id: 'd', type: 'cashback', percent: 0.0001 },
      { id: 'e', type: 'spend_threshold', every_minor: 1, reward: 'f', voucher_days: 1 },
      { id: 'g', type: 'action', action: 'x', points: 0, limit: { count: 1 } },
      { id: 'h', type: 'referral', referrer_points: 0, referee_points: 0 },
    ],
    rewards: [
      { id: 'f', type: 'fixed_discount', amount_minor: 1, cost: 0, min_order_minor: 0 },
      { id: 'p', type: 'percent_discount', percent: 1, max_minor: 1 },
      { id: 'i', type: 'free_item', max_value_minor: 1, requires: { match: {}, min_quantity: 1 } },
      { id: 'd', type: 'points_discount', step_points: 1, step_minor: 1, min_points: 0, max_order_percent: 1 },
    ],
    punch_cards: [{ id: 'c', reward: 'f', required: 1, max_punches_per_day: 1 }],
    wheels: [{ id: 'w', prizes: [{ id: 'a', weight: 1, points: 0 }] }],
    coupons: [{ code: 'X', reward: 'f', per_member: 1, min_order_minor: 0 }],
    challenges: [{ id: 'c', points: 0, steps: [{ id: 's', order: { min_order_minor: 0 } }] }],
    membership: { id: 'm', fee_minor: 1, trial_days: 0, grace_days: 0 },
  },
  'empty lists': { ...BASE, earn: [], rewards: [], punch_cards: [], wheels: [], coupons: [], challenges: [], segments: [],
    tiers: { levels: [{ id: 'a', min: 0, benefits: [] }] }, membership: { id: 'm', fee_minor: 1, benefits: [] } },
  'audiences': {
    ...BASE, tiers: { period: { rolling_days: 365 }, levels: [{ id: 'gold', min: 0 }] }, segments: [{ id: 's', not_bought: { categories: ['meat'] } }],
    earn: [{ id: 'a', type: 'per_order', points: 0, audience: { tiers: ['gold'], membership: false, min_member_days: 0, max_member_days: 1, min_orders: { count: 1, days: 366 }, lapsed_days: 36500, segments: ['s'], not_segments: [] } }],
  },
};

// The core's error for a program (an object, or its JSON text), or null when it accepts it.
function engineError(c, prog) {
  const text = typeof prog === 'string' ? prog : JSON.stringify(prog);
  const out = JSON.parse(c.callJson('validate', `{"program": ${text}}`));
  return out.error ?? null;
}

function explained(error, prog) {
  return NOT_EXPRESSIBLE.find((k) => k.is(error, prog)) ?? null;
}

// Compares the schema with the core over programs: {accepted, rejectedBySchema, notExpressible,
// failures} where failures are programs the core accepts and the schema refuses, or the core
// refuses for a reason the schema can express and the schema accepts.
function compare(c, validate, programs) {
  const out = { accepted: 0, rejectedBySchema: 0, notExpressible: new Map(), failures: [] };
  for (const { name, prog } of programs) {
    const error = engineError(c, prog);
    const valid = validate(prog);
    if (!error) {
      out.accepted++;
      if (!valid) out.failures.push(`${name}: the core accepts it, the schema refuses: ${JSON.stringify(validate.errors.slice(0, 3))}`);
    } else if (!valid) {
      out.rejectedBySchema++;
    } else {
      const kind = explained(error, prog);
      if (kind) out.notExpressible.set(kind.kind, (out.notExpressible.get(kind.kind) ?? 0) + 1);
      else out.failures.push(`${name}: the core refuses it (${error.path}: ${error.message}), the schema accepts it`);
    }
  }
  return out;
}

function vectorPrograms() {
  const programs = [];
  for (const v of vectors()) {
    let req;
    try {
      req = JSON.parse(v.request);
    } catch {
      continue; // invalid-json: not a program
    }
    if (req && typeof req === 'object' && req.program && typeof req.program === 'object') programs.push({ name: `${v.operation}/${v.name}`, prog: req.program });
  }
  return programs;
}

function generatedPrograms(n, seed) {
  const r = rng(seed);
  const list = [];
  for (let i = 0; i < n; i++) {
    const prog = program(r);
    list.push({ name: `generated #${i}`, prog });
    list.push({ name: `generated #${i}, mutated`, prog: mutate(r, prog) });
  }
  return list;
}

// One change at a time to an accepted program, at every place in it: each string gets a letter
// more, each number turns negative, fractional, one more and one less (at the bounds of the
// 'minima' and 'maxima' programs: just outside), each boolean a string, each object an unknown
// member, and each member is left out and set to null in turn. Nearly every enum, pattern, range,
// type, required member and closed object of the schema is met this way.
function perturbed(name, prog) {
  const out = [];
  const walk = (value, set, at) => {
    const add = (what, v) => {
      const copy = structuredClone(prog);
      set(copy, v);
      out.push({ name: `${name} with ${at || '/'} ${what}`, prog: copy });
    };
    if (typeof value === 'string') {
      add('+"x"', `${value}x`);
    } else if (typeof value === 'number') {
      add('negative', -value - 1);
      add('+0.5', value + 0.5);
      add('+1', value + 1);
      add('-1', value - 1);
    } else if (typeof value === 'boolean') {
      add('as a string', String(value));
    } else if (value && typeof value === 'object') {
      if (!Array.isArray(value)) add('+ an unknown member', { ...value, zz_unknown: 1 });
      for (const k of Object.keys(value)) {
        const child = Array.isArray(value) ? Number(k) : k;
        const parentIn = (doc) => {
          let parent = doc;
          for (const step of at.split('/').slice(1)) parent = parent[Array.isArray(parent) ? Number(step) : step];
          return parent;
        };
        if (!Array.isArray(value)) {
          add(`without ${k}`, (() => { const { [k]: _, ...rest } = value; return rest; })());
          if (value[k] !== null) add(`with ${k} null`, { ...value, [k]: null });
        }
        walk(value[child], (doc, v) => { parentIn(doc)[child] = v; }, `${at}/${k}`);
      }
    }
  };
  walk(prog, (doc, v) => {
    for (const k of Object.keys(doc)) delete doc[k];
    Object.assign(doc, v);
  }, '');
  return out;
}

function report(t, what, result) {
  const kinds = [...result.notExpressible].map(([k, n]) => `${n}× ${k}`).join('; ') || 'none';
  t.diagnostic(`${what}: ${result.accepted} accepted by core and schema, ${result.rejectedBySchema} rejected by both, not expressible: ${kinds}`);
}

describe('JSON Schema of the program (schema/loyalty-program.schema.json)', () => {
  const c = core(VARIANTS[0]);

  test('compiles in Ajv strict mode as draft 2020-12', () => {
    assert.equal(SCHEMA.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.ok(SCHEMA.$id && SCHEMA.title && SCHEMA.description);
    assert.equal(typeof compile(), 'function');
  });

  test('every program of tests/vectors and bench/: accepted ⇔ valid, unless not expressible', async (t) => {
    const programs = [...vectorPrograms(), { name: 'bench/program.json', prog: BENCH }];
    const result = compare(await c, compile(), programs);
    report(t, 'vectors', result);
    assert.deepEqual(result.failures, []);
    assert.ok(result.accepted >= MIN_ACCEPTED_VECTORS, `only ${result.accepted} accepted programs in the vectors`);
    assert.ok(result.rejectedBySchema >= MIN_REJECTED_VECTORS, `only ${result.rejectedBySchema} rejections expressed`);
  });

  test(`${CASES} generated programs and as many mutations (seed ${SEED}): accepted ⇔ valid, unless not expressible`, async (t) => {
    const result = compare(await c, compile(), generatedPrograms(CASES, SEED));
    report(t, 'generated', result);
    assert.deepEqual(result.failures.slice(0, 20), []);
    assert.ok(result.accepted >= CASES / 2, `only ${result.accepted} generated programs accepted`);
    assert.ok(result.rejectedBySchema >= CASES / 4, `only ${result.rejectedBySchema} generated rejections expressed`);
  });

  test('one change at a time at every place of the accepted vector programs, the edges below and 100 generated ones: accepted ⇔ valid, unless not expressible', async (t) => {
    const core_ = await c;
    const edges = Object.entries(ACCEPTED).map(([name, prog]) => ({ name, prog }));
    const accepted = [...vectorPrograms(), ...edges, ...generatedPrograms(100, SEED + 2).filter((p) => !p.name.endsWith('mutated'))]
      .filter((p) => engineError(core_, p.prog) === null);
    const result = compare(core_, compile(), accepted.flatMap((p) => perturbed(p.name, p.prog)));
    report(t, 'perturbed', result);
    assert.deepEqual(result.failures.slice(0, 20), []);
    assert.ok(result.rejectedBySchema >= 5000, `only ${result.rejectedBySchema} perturbations refused by both`);
  });

  test('each kind the schema cannot express: the core rejects its example for that reason, the schema accepts it', async () => {
    const validate = compile();
    for (const k of NOT_EXPRESSIBLE) {
      const example = k.example ?? JSON.parse(k.text);
      const error = engineError(await c, k.text ?? k.example);
      assert.ok(error, `${k.kind}: the core accepts the example`);
      assert.ok(k.is(error, example), `${k.kind}: the core rejects it for another reason: ${error.message}`);
      assert.ok(validate(example), `${k.kind}: the schema now rejects it: move it out of NOT_EXPRESSIBLE (${JSON.stringify(validate.errors)})`);
    }
  });

  test('rules across fields, list lengths, closed objects, key names: the core and the schema reject each', async () => {
    const validate = compile();
    for (const [name, prog] of Object.entries(EXPRESSED)) {
      assert.ok(engineError(await c, prog), `${name}: the core accepts it`);
      assert.equal(validate(prog), false, `${name}: the schema accepts it`);
    }
  });

  test('edges the core accepts (null as absent, 24:00, lower-case t/z, decimals, languages, bounds, empty lists): the schema accepts each', async () => {
    const validate = compile();
    for (const [name, prog] of Object.entries(ACCEPTED)) {
      assert.equal(engineError(await c, prog), null, `${name}: the core refuses it`);
      assert.ok(validate(prog), `${name}: ${JSON.stringify(validate.errors)}`);
    }
  });

  // The one place the schema is wider than the core on purpose: editors read `$schema` in a
  // program file; the core refuses it like any unknown field (README: strip it before sending).
  test('"$schema" in a program: the schema allows it for editors, the core refuses it', async () => {
    const prog = { $schema: './node_modules/@loyalty/core-wasm/schema/loyalty-program.schema.json', ...BASE };
    assert.ok(compile()(prog));
    assert.match(engineError(await c, prog)?.message ?? 'accepted', /unknown field "\$schema"/, 'the core accepts $schema now: say so in the schema\'s description and the README');
  });

  test('the comparison has teeth: a schema loosened or tightened in one place fails it', async () => {
    const programs = [...vectorPrograms(), ...generatedPrograms(300, SEED + 1)];
    const loose = structuredClone(SCHEMA);
    delete loose.$defs.match.additionalProperties; // unknown fields of a match now pass
    const tight = structuredClone(SCHEMA);
    tight.$defs.earn_multiplier.properties.factor.anyOf[0].maximum = 1.4; // factors of 1.5 now fail
    for (const [name, schema] of [['loosened', loose], ['tightened', tight]]) {
      const result = compare(await c, compile(schema), programs);
      assert.ok(result.failures.length > 0, `the ${name} schema went unnoticed`);
    }
  });
});
