// What the simulator keeps of one member's replay: a few numbers and the points per rule, small
// enough to post from a worker for 10 000 members. Computed from the member state the core
// answers (docs/engine-json.md), the same way for the WebAssembly core in a worker and for the
// native CLI in the tests, so the two can be compared number for number.

// The value of `points` points at `pointValue` (a decimal string, ≤ 4 decimals), in minor units,
// rounded down as metrics do; exact (integers scaled by 10 000, no floating point).
export function pointsValueMinor(points, pointValue) {
  if (pointValue == null || pointValue === '') return null;
  const [whole, frac = ''] = String(pointValue).split('.');
  const scaled = BigInt(whole || '0') * 10000n + BigInt((frac + '0000').slice(0, 4));
  const product = BigInt(points) * scaled;
  const q = product / 10000n;
  return Number(product < 0n && product % 10000n !== 0n ? q - 1n : q);
}

// The cost to the merchant of one redemption line: the discount a cart reward gave, the amount a
// reward carries, else (a physical reward, a voucher for later) its points at the point value.
function redemptionCost(line, rewards, pointValue) {
  const args = line.explain?.args ?? {};
  if (line.explain?.key === 'redeem.cart') return args.discount_minor ?? 0;
  if (args.amount_minor > 0) return args.amount_minor;
  const reward = rewards.get(args.reward ?? line.rule);
  if (reward?.amount_minor > 0) return reward.amount_minor;
  return pointsValueMinor(-line.points, pointValue) ?? 0;
}

/**
 * One member's outcome under one program: balance, pending, lifetime points, tier, reward cost,
 * points per rule (for explanations), refused events.
 */
export function memberOutcome(state, program) {
  const rewards = new Map((program.rewards ?? []).map((r) => [r.id, r]));
  const byRule = {};
  let rewardCostMinor = 0;
  let redemptions = 0;
  let rejected = 0;
  for (const entry of state.history ?? []) {
    if (entry.kind === 'rejected') { rejected++; continue; }
    for (const line of entry.lines ?? []) {
      const key = line.explain?.key ?? '';
      if (key === 'redeem.cart' || key === 'redeem.reward') {
        rewardCostMinor += redemptionCost(line, rewards, program.point_value_minor);
        redemptions++;
      } else if (key.startsWith('earn.') || key === 'refund.earn') {
        // Earned points per rule; caps and refund reversals count against their rule.
        byRule[line.rule] = (byRule[line.rule] ?? 0) + line.points;
      }
    }
  }
  const lifetime = state.lifetime ?? {};
  return {
    id: state.member_id,
    balance: state.balance ?? 0,
    pending: (state.pending ?? []).reduce((a, p) => a + p.points, 0),
    earned: lifetime.earned ?? 0,
    redeemed: lifetime.redeemed ?? 0,
    expired: lifetime.expired ?? 0,
    adjusted: lifetime.adjusted ?? 0,
    spendMinor: lifetime.spend_minor ?? 0,
    orders: lifetime.orders ?? 0,
    tier: state.tier?.id ?? null,
    rewardCostMinor,
    redemptions,
    rejected,
    byRule,
  };
}
