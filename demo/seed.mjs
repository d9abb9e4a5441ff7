// Seeds both loyalty servers through the admin API, as a merchant importing history would:
// enrols the demo shoppers and posts their past orders (with `at` in the past) so each is in the
// situation the shop's shopper menu describes, plus a few dozen background members so the
// merchant page's metrics have something to draw. Deterministic (a seeded PRNG, dates relative
// to today) and idempotent (every write carries a fixed Idempotency-Key).
//
//   node demo/seed.mjs --cafe-api http://127.0.0.1:8181 --fashion-api http://127.0.0.1:8182 --admin-key K
import { buildCart } from './shop/catalog.mjs';
import { SHOPPERS } from './shop/shoppers.mjs';
import { LoyaltyAdmin } from './shop/loyalty-client.mjs';

const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : (process.env[`DEMO_${n.replace(/-/g, '_').toUpperCase()}`] ?? d); };
const ADMIN = arg('admin-key', 'demo-admin-key');
const SECRET = arg('token-secret', 'demo-token-secret');
const api = {
  cafe: new LoyaltyAdmin(arg('cafe-api', 'http://127.0.0.1:8181'), ADMIN, SECRET),
  fashion: new LoyaltyAdmin(arg('fashion-api', 'http://127.0.0.1:8182'), ADMIN, SECRET),
};
const quiet = process.argv.includes('--quiet');
const log = (...a) => { if (!quiet) console.log(...a); };

const DAY = 86_400_000;
const NOW = Date.now();
// Store-local (-05:00) RFC 3339 for "d days ago at hh:mm".
function ago(days, hh = 10, mm = 0) {
  const local = new Date(NOW - days * DAY - 5 * 3600_000);
  local.setUTCHours(hh, mm, 0, 0);
  if (local.getTime() + 5 * 3600_000 > NOW - 60_000) local.setTime(NOW - 5 * 3600_000 - 3600_000);
  return local.toISOString().slice(0, 19) + '-05:00';
}
// A fixed calendar date in store-local time (for calendar-year tier history).
const onDate = (y, m, d, hh = 12) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(hh).padStart(2, '0')}:00:00-05:00`;

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let writes = 0;
async function must(label, promise) {
  const r = await promise;
  writes++;
  if (!r.ok) throw new Error(`${label}: HTTP ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}

let enrolAtRefused = false;
async function enroll(shop, member, at, extra = {}) {
  const body = { member_id: member, email: `${member}@example.com`, channel: 'pos', ...extra };
  if (!enrolAtRefused) {
    // Importing members with their original join date needs `at` on POST /v1/members; a server
    // that refuses it gets today's date instead (the metrics then show every join this month).
    const r = await api[shop].enroll({ ...body, at }, { idempotencyKey: `seed-enroll-${shop}-${member}` });
    writes++;
    if (r.ok) return r.data;
    if (!(r.status === 400 && r.data?.error?.path === '/at')) throw new Error(`enrol ${member}: HTTP ${r.status} ${JSON.stringify(r.data)}`);
    enrolAtRefused = true;
    console.warn('  note: the server does not take `at` on POST /v1/members; members are enrolled today');
  }
  return must(`enrol ${member}`, api[shop].enroll(body, { idempotencyKey: `seed-enroll-now-${shop}-${member}` }));
}

async function order(shop, member, n, at, items, redeem = []) {
  const cart = buildCart(shop, items, at);
  for (const it of items) if (it.discount) cart.lines.find((l) => l.sku === it.sku).discount_minor = it.discount;
  const orderId = `seed-${member}-${n}`;
  const body = { member_id: member, order_id: orderId, cart, redeem, at };
  let r = await api[shop].postOrder(body, { idempotencyKey: `seed-order-${shop}-${orderId}` });
  writes++;
  if (!r.ok && redeem.length && r.status === 422) {
    // The reward did not fit this cart after all: pay it in full instead.
    r = await api[shop].postOrder({ ...body, redeem: [] }, { idempotencyKey: `seed-order-${shop}-${orderId}-plain` });
    writes++;
  }
  if (!r.ok) throw new Error(`order ${orderId}: HTTP ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}

const who = (id) => SHOPPERS.find((s) => s.member === id);
const profile = (id) => ({ name: who(id).name, email: who(id).email, birthday: who(id).birthday });

async function seedCafe() {
  const shop = 'cafe';
  // Lucía: nine coffees on the card, so the next one completes it.
  await enroll(shop, 'lucia', ago(45, 8), profile('lucia'));
  await order(shop, 'lucia', 1, ago(30, 8, 40), [{ sku: 'latte', quantity: 1 }, { sku: 'croissant', quantity: 1 }]);
  await order(shop, 'lucia', 2, ago(12, 9, 5), [{ sku: 'espresso', quantity: 2 }, { sku: 'latte', quantity: 1 }]);
  await order(shop, 'lucia', 3, ago(6, 16, 20), [{ sku: 'flat-white', quantity: 2 }, { sku: 'alfajor', quantity: 1 }]);
  const lucia = await order(shop, 'lucia', 4, ago(2, 8, 15), [{ sku: 'latte', quantity: 2 }, { sku: 'cold-brew', quantity: 1 }]);
  log(`  lucia: ${lucia.balance} points, coffee card ${JSON.stringify(lucia.punch_cards)}`);

  // Mateo: a regular with points to spend.
  await enroll(shop, 'mateo', ago(150, 9), profile('mateo'));
  const mateoDays = [140, 120, 101, 88, 75, 60, 44, 30, 21, 9];
  let mateo;
  for (const [i, d] of mateoDays.entries()) {
    mateo = await order(shop, 'mateo', i + 1, ago(d, 13, 10), [{ sku: i % 2 ? 'flat-white' : 'cold-brew', quantity: 2 }, { sku: i % 3 ? 'cheesecake' : 'beans-250', quantity: 1 }],
      i === 6 ? [{ reward: 'free-coffee' }] : []);
  }
  log(`  mateo: ${mateo.balance} points`);

  // Grace: birthday this month, so her first visit this month brought a birthday treat.
  await enroll(shop, 'grace', ago(210, 10), profile('grace'));
  await order(shop, 'grace', 1, ago(180, 10, 30), [{ sku: 'latte', quantity: 1 }, { sku: 'cheesecake', quantity: 1 }]);
  await order(shop, 'grace', 2, ago(95, 10, 30), [{ sku: 'beans-250', quantity: 1 }]);
  const grace = await order(shop, 'grace', 3, ago(4, 11, 0), [{ sku: 'espresso', quantity: 1 }, { sku: 'empanadita', quantity: 2 }]);
  log(`  grace: ${grace.balance} points, vouchers ${grace.vouchers?.map((v) => v.reward).join(', ')}`);

  // Background regulars for the metrics.
  const rnd = mulberry32(7);
  const menu = ['espresso', 'latte', 'flat-white', 'cold-brew', 'croissant', 'alfajor', 'cheesecake', 'empanadita', 'yuca-bites', 'beans-250'];
  for (let m = 1; m <= 28; m++) {
    const id = `cafe-regular-${String(m).padStart(2, '0')}`;
    const since = Math.floor(20 + rnd() * 340);
    await enroll(shop, id, ago(since, 9), { channel: rnd() < 0.5 ? 'pos' : 'web' });
    const visits = Math.floor(1 + rnd() * rnd() * 16);
    let balance = 0;
    for (let v = 0; v < visits; v++) {
      const d = Math.max(1, Math.floor(since - ((v + 1) * since) / (visits + 1)));
      const items = [{ sku: menu[Math.floor(rnd() * 4)], quantity: 1 + Math.floor(rnd() * 2) }, { sku: menu[4 + Math.floor(rnd() * 6)], quantity: 1 }];
      const redeem = balance >= 150 && rnd() < 0.6 ? [{ reward: 'free-coffee' }] : [];
      balance = (await order(shop, id, v + 1, ago(d, 8 + Math.floor(rnd() * 10), Math.floor(rnd() * 60)), items, redeem)).balance;
    }
  }
}

async function seedFashion() {
  const shop = 'fashion';
  const year = Number(ago(0).slice(0, 4));
  // Lucía: a new member with two orders.
  await enroll(shop, 'lucia', ago(70, 12), profile('lucia'));
  await order(shop, 'lucia', 1, ago(60, 18), [{ sku: 'sneaker-white', quantity: 1 }]);
  const lucia = await order(shop, 'lucia', 2, ago(20, 19), [{ sku: 'socks', quantity: 1 }]);
  log(`  lucia: ${lucia.balance} points, tier ${lucia.tier?.id}`);
  // Lucía tries Plus: a 30-day trial from today (the merchant's backend reports the start).
  const plus = await must('lucia starts Plus', api[shop].membership('lucia', { type: 'membership_start' }, { idempotencyKey: 'seed-plus-lucia' }));
  log(`  lucia: Plus ${plus.membership?.status} until ${plus.membership?.until}`);

  // Mateo: Silver this year, exactly $60.00 of spend away from Gold.
  await enroll(shop, 'mateo', onDate(year, 2, 10, 12), profile('mateo'));
  const mateoOrders = [
    [onDate(year, 3, 14), [{ sku: 'trench', quantity: 1 }]],
    [onDate(year, 5, 2), [{ sku: 'wool-coat', quantity: 1 }]],
    [onDate(year, 7, 19), [{ sku: 'chelsea-boot', quantity: 1 }]],
    [onDate(year, 9, 6), [{ sku: 'loafer', quantity: 1 }, { sku: 'socks', quantity: 3 }]],
    [onDate(year, 10, 11), [{ sku: 'puffer', quantity: 1 }, { sku: 'sneaker-white', quantity: 1, discount: 2999 }]],
  ];
  let mateo;
  for (const [i, [at, items]] of mateoOrders.entries()) mateo = await order(shop, 'mateo', i + 1, at, items);
  // Mateo pays for Plus (no trial left to give: the start waits for the payment).
  await must('mateo starts Plus', api[shop].membership('mateo', { type: 'membership_start' }, { idempotencyKey: 'seed-plus-mateo-start' }));
  await must('mateo pays Plus', api[shop].membership('mateo', { type: 'membership_payment', amount_minor: 1990 }, { idempotencyKey: 'seed-plus-mateo-pay' }));
  log(`  mateo: ${mateo.balance} points, tier ${mateo.tier?.id}, next ${JSON.stringify(mateo.tier?.next)}`);

  // Grace: Gold since last December (kept this year), and the points from that December order
  // expire in about two weeks under the 365-day rolling expiry.
  await enroll(shop, 'grace', ago(560, 12), profile('grace'));
  // (All her history is inside the 365-day window, so nothing has expired yet at seeding.)
  await order(shop, 'grace', 1, ago(358, 15), [{ sku: 'trench', quantity: 1 }, { sku: 'wool-coat', quantity: 1 }]);
  await order(shop, 'grace', 2, ago(351, 16), [{ sku: 'chelsea-boot', quantity: 1 }, { sku: 'puffer', quantity: 1 }, { sku: 'loafer', quantity: 1 }, { sku: 'wool-coat', quantity: 1 }]);
  const grace = await order(shop, 'grace', 3, ago(40, 17), [{ sku: 'sneaker-white', quantity: 1 }, { sku: 'gift-card-100', quantity: 1 }]);
  log(`  grace: ${grace.balance} points, tier ${grace.tier?.id}, next expiry ${JSON.stringify(grace.next_expiry)}`);

  // Background members: most stay Member, some reach Silver, a few Gold.
  const rnd = mulberry32(11);
  const racks = ['sneaker-white', 'chelsea-boot', 'loafer', 'trench', 'wool-coat', 'puffer', 'socks', 'gift-card-100'];
  for (let m = 1; m <= 26; m++) {
    const id = `style-member-${String(m).padStart(2, '0')}`;
    const since = Math.floor(15 + rnd() * 330);
    await enroll(shop, id, ago(since, 12), { channel: rnd() < 0.7 ? 'web' : 'pos', ...(m > 1 && rnd() < 0.2 ? { referred_by: `style-member-${String(m - 1).padStart(2, '0')}` } : {}) });
    const n = Math.floor(1 + rnd() * rnd() * 7);
    let balance = 0;
    for (let v = 0; v < n; v++) {
      const d = Math.max(1, Math.floor(since - ((v + 1) * since) / (n + 1)));
      const items = [{ sku: racks[Math.floor(rnd() * racks.length)], quantity: 1 }];
      if (rnd() < 0.4) items.push({ sku: 'socks', quantity: 1 });
      const redeem = balance >= 1000 && rnd() < 0.7 ? [{ reward: '10-off' }] : [];
      balance = (await order(shop, id, v + 1, ago(d, 11 + Math.floor(rnd() * 8)), items, redeem)).balance;
    }
  }
}

const which = process.argv.includes('--only') ? [arg('only')] : ['cafe', 'fashion'];
const started = Date.now();
for (const shop of which) {
  log(`seeding ${shop}…`);
  if (shop === 'cafe') await seedCafe();
  else await seedFashion();
}
log(`seeded with ${writes} admin calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
