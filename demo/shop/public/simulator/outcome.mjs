// What the simulator keeps of one member's replay: a few numbers and the points per rule, small
// enough to post from a worker for 10 000 members. Read either from the compact answer of the
// core's `simulate` operation (what the worker asks for: much less to write than a whole state)
// or from the full member state `replay` answers (what the tests ask the native CLI), the same
// way, so the two can be compared number for number.

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
  if (line.key === 'redeem.cart' || line.money > 0) return line.money;
  const reward = rewards.get(line.rule);
  if (reward?.amount_minor > 0) return reward.amount_minor;
  return pointsValueMinor(-line.points, pointValue) ?? 0;
}

// Points released from pending were already counted on the order that earned them.
const isEarning = (key) => (key.startsWith('earn.') && key !== 'earn.pending_released') || key === 'refund.earn';

// The outcome from a member's figures and history lines ({key, rule, points, money}).
function outcomeOf(m, program) {
  const rewards = new Map((program.rewards ?? []).map((r) => [r.id, r]));
  const byRule = {};
  let rewardCostMinor = 0;
  let redemptions = 0;
  for (const line of m.lines) {
    if (line.key === 'redeem.cart' || line.key === 'redeem.reward') {
      rewardCostMinor += redemptionCost(line, rewards, program.point_value_minor);
      redemptions++;
    } else if (isEarning(line.key)) {
      // Caps and refund reversals count against their rule.
      byRule[line.rule] = (byRule[line.rule] ?? 0) + line.points;
    }
  }
  const lifetime = m.lifetime ?? {};
  return {
    id: m.id,
    balance: m.balance ?? 0,
    pending: m.pending,
    earned: lifetime.earned ?? 0,
    redeemed: lifetime.redeemed ?? 0,
    expired: lifetime.expired ?? 0,
    adjusted: lifetime.adjusted ?? 0,
    spendMinor: lifetime.spend_minor ?? 0,
    orders: lifetime.orders ?? 0,
    tier: m.tier,
    rewardCostMinor,
    redemptions,
    rejected: m.rejected,
    byRule,
  };
}

// A history line's money: the discount a cart reward gave, else the amount a reward carries.
const moneyOf = (args = {}) => args.discount_minor ?? args.amount_minor ?? 0;

/** One member's outcome from the full member state `replay` answers. */
export function memberOutcome(state, program) {
  const lines = [];
  let rejected = 0;
  for (const entry of state.history ?? []) {
    if (entry.kind === 'rejected') rejected++;
    for (const line of entry.lines ?? []) {
      lines.push({ key: line.explain?.key ?? '', rule: line.rule, points: line.points, money: moneyOf(line.explain?.args) });
    }
  }
  return outcomeOf({
    id: state.member_id, balance: state.balance, lifetime: state.lifetime, tier: state.tier?.id ?? null, rejected, lines,
    pending: (state.pending ?? []).reduce((a, p) => a + p.points, 0),
  }, program);
}

/** One member's outcome from its entry in a `simulate` answer (docs/engine-json.md). */
export function summaryOutcome(summary, program) {
  return outcomeOf({
    id: summary.member_id, balance: summary.balance, lifetime: summary.lifetime, tier: summary.tier, rejected: summary.rejected,
    pending: summary.pending, lines: summary.lines.map(([explain, rule, points]) => ({ key: explain.key, rule, points, money: moneyOf(explain.args) })),
  }, program);
}
