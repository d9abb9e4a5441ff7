// The realistic program of bench/program.json (10 earn rules, 3 tiers, 6 rewards, a punch card),
// a member with some history, and a 10-line cart: shared by the memory test and the benchmark.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PROGRAM_TEXT = fs.readFileSync(path.join(here, '../bench/program.json'), 'utf8');
export const PROGRAM = JSON.parse(PROGRAM_TEXT);
export const NOW = '2026-11-20T17:30:00-05:00';

const CATEGORIES = ['drinks', 'pastries', 'shoes', 'gifts'];
export function lines(n) {
  return Array.from({ length: n }, (_, i) => ({
    sku: `sku-${i}`, category: CATEGORIES[i % 4], unit_price_minor: 500 + 137 * i, quantity: 1 + (i % 3), discount_minor: 0,
  }));
}

export function historyEvents() {
  const events = [{ id: 'e1', at: '2026-01-05T10:00:00-05:00', type: 'enroll', member_id: 'm-1', channel: 'pos', birthday: '03-15', referred_by: null }];
  for (let k = 0; k < 8; k++) {
    events.push({ id: `o${k}`, at: `2026-${String(k + 2).padStart(2, '0')}-10T12:00:00-05:00`, type: 'order', order_id: `ord-${k}`,
      cart: { currency: 'PEN', lines: lines(6), shipping_minor: 500, order_discount_minor: 0 } });
  }
  events.push({ id: 'a1', at: '2026-10-01T10:00:00-05:00', type: 'action', action: 'review' });
  return events;
}

/** The member state, computed by the given core (one-shot replay). */
export function memberState(core) {
  return core.call('replay', { program: PROGRAM, events: historyEvents(), now: NOW });
}

/** A preview request (without "program") for a 10-line cart, redeeming 5-off. */
export function previewRequest(state) {
  return {
    state,
    cart: { currency: 'PEN', at: NOW, lines: lines(10), shipping_minor: 500, order_discount_minor: 0 },
    redeem: [{ reward: '5-off' }],
    now: NOW,
  };
}
