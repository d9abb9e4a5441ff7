// A seeded synthetic population for shops without history: members who enrol, visit at their own
// rate and buy baskets from the shop's catalogue, and now and then try to redeem a reward.
// Every member is generated from (seed, index) alone, so any slice of the population can be made
// on its own (each worker makes its own share) and the same seed always gives the same events.
//
// The model (docs/decisions.md, "What-if simulator"):
//   - each member enrols at a uniform instant in the first month of the window;
//   - visits follow a Poisson process at visitsPerMonth × the member's own appetite, a log-normal
//     factor (σ = 0.6) normalised to mean 1: a few heavy regulars, many occasional buyers;
//   - a basket holds max(1, round(normal(basketMean, basketSpread))) items drawn uniformly from
//     the catalogue (quantities add up when a product comes twice);
//   - before a visit, with probability redeemChance, the member asks for the cheapest points
//     reward that is not pay-with-points (a `redeem` event; the engine refuses it when the balance
//     is short, as a real shop would);
//   - `eventsPerMember` (benchmarks) replaces the Poisson count by exactly that many events.

const DAY_MS = 86_400_000;
const MONTH_MS = 30 * DAY_MS;

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One independent stream per member: the population seed and the index mixed (a 32-bit hash).
function memberSeed(seed, index) {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

function normal(rand) {
  // Box–Muller; 1 − rand() keeps the logarithm away from 0.
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const APPETITE_SIGMA = 0.6;
const APPETITE_MEAN_FIX = Math.exp(-(APPETITE_SIGMA ** 2) / 2); // E[lognormal] = 1 after this

export const DEFAULTS = Object.freeze({
  members: 1000, visitsPerMonth: 2, basketMean: 2, basketSpread: 1, months: 12,
  redeemChance: 0.15, seed: 42, eventsPerMember: 0,
});

const pad2 = (n) => (n < 10 ? `0${n}` : String(n));

/**
 * RFC 3339 in UTC without milliseconds ("2026-03-01T09:05:00Z"): what the engine reads. Written
 * by hand (days to civil date, H. Hinnant's algorithm) because a population is half a million
 * timestamps and Date#toISOString was a fifth of the generator's time.
 */
export function isoSeconds(ms) {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const inDay = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(inDay / 3600); const mm = Math.floor((inDay % 3600) / 60); const ss = inDay % 60;
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}Z`;
}

// The rewards a member may ask for with a plain `redeem` event, cheapest first.
function redeemableRewards(program) {
  return (program?.rewards ?? [])
    .filter((r) => (r.cost ?? 0) > 0 && r.type !== 'points_discount' && r.type !== 'choice' && !r.audience)
    .sort((a, b) => a.cost - b.cost || (a.id < b.id ? -1 : 1));
}

function basket(rand, products, mean, spread) {
  const items = Math.max(1, Math.round(mean + spread * normal(rand)));
  const qty = new Array(products.length).fill(0);
  for (let k = 0; k < items; k++) qty[Math.floor(rand() * products.length)]++;
  // Catalogue order, so the same basket is always written the same way.
  const lines = [];
  for (let i = 0; i < products.length; i++) {
    if (qty[i]) lines.push({ sku: products[i].sku, category: products[i].category, unit_price_minor: products[i].price, quantity: qty[i] });
  }
  return lines;
}

// Visit instants after enrolment, oldest first: Poisson arrivals, or exactly `count` uniform ones.
function visitTimes(rand, from, until, ratePerMs, count) {
  const times = [];
  if (count > 0) {
    for (let k = 0; k < count; k++) times.push(from + Math.floor(rand() * (until - from)));
    return times.sort((a, b) => a - b);
  }
  for (let t = from - Math.log(1 - rand()) / ratePerMs; t < until; t -= Math.log(1 - rand()) / ratePerMs) times.push(Math.floor(t));
  return times;
}

/**
 * Member `index` of the population: {id, events}. `end` (ms) is the instant the history stops;
 * it starts `months` earlier. Products: [{sku, category, price}].
 */
export function syntheticMember(index, { program, products, end, ...options }) {
  const o = { ...DEFAULTS, ...options };
  const rand = mulberry32(memberSeed(o.seed, index));
  const id = `syn-${String(index + 1).padStart(6, '0')}`;
  const start = end - o.months * MONTH_MS;
  const enrolAt = start + Math.floor(rand() * Math.min(MONTH_MS, end - start));
  const appetite = Math.exp(APPETITE_SIGMA * normal(rand)) * APPETITE_MEAN_FIX;
  const rate = (o.visitsPerMonth * appetite) / MONTH_MS;
  const rewards = redeemableRewards(program);
  const events = [{ id: `${id}-e0`, at: isoSeconds(enrolAt), type: 'enroll', member_id: id, channel: 'web' }];
  // With a fixed count, one event of it is the enrolment; a redemption takes a visit's place.
  const times = visitTimes(rand, enrolAt + 60_000, end, rate, o.eventsPerMember > 0 ? o.eventsPerMember - 1 : 0);
  let n = 0;
  for (const t of times) {
    n++;
    if (rewards.length && rand() < o.redeemChance) {
      events.push({ id: `${id}-e${n}`, at: isoSeconds(t), type: 'redeem', reward: rewards[0].id });
      continue;
    }
    const lines = basket(rand, products, o.basketMean, o.basketSpread);
    events.push({ id: `${id}-e${n}`, at: isoSeconds(t), type: 'order', order_id: `${id}-o${n}`, cart: { currency: program.currency, lines } });
  }
  return { id, events };
}

/** Members [from, to) of the population. */
export function syntheticMembers(from, to, options) {
  const out = [];
  for (let i = from; i < to; i++) out.push(syntheticMember(i, options));
  return out;
}
