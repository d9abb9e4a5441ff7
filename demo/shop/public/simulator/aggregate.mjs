// The simulator's figures, from every member's outcome under the live and the draft program
// (outcome.mjs): totals side by side, breakage expected from past redemption behaviour, tier
// distribution, and the members who gain and lose most with the rules that make the difference.
// Pure: no DOM, no core; the definitions are in docs/decisions.md ("What-if simulator").
import { pointsValueMinor } from './outcome.mjs';

const TOP = 5;

function emptyTotals() {
  return {
    members: 0, issued: 0, redeemed: 0, expired: 0, adjusted: 0, outstanding: 0, pending: 0,
    rewardCostMinor: 0, redemptions: 0, rejected: 0, spendMinor: 0, orders: 0, tiers: {},
  };
}

function addOutcome(t, o) {
  t.members++;
  t.issued += o.earned;
  t.redeemed += o.redeemed;
  t.expired += o.expired;
  t.adjusted += o.adjusted;
  // Outstanding as metrics count it: what members can spend (never below zero) plus pending.
  t.outstanding += Math.max(o.balance, 0) + o.pending;
  t.pending += o.pending;
  t.rewardCostMinor += o.rewardCostMinor;
  t.redemptions += o.redemptions;
  t.rejected += o.rejected;
  t.spendMinor += o.spendMinor;
  t.orders += o.orders;
  const tier = o.tier ?? '';
  t.tiers[tier] = (t.tiers[tier] ?? 0) + 1;
  return t;
}

/** Sums of outcomes (a property the tests check: nothing but sums). */
export function totalsOf(outcomes) {
  return outcomes.reduce(addOutcome, emptyTotals());
}

// Rules whose points differ for a member, largest difference first (ties by rule id).
function ruleDifferences(live, draft) {
  const rules = new Set([...Object.keys(live.byRule), ...Object.keys(draft.byRule)]);
  return [...rules]
    .map((rule) => ({ rule, live: live.byRule[rule] ?? 0, draft: draft.byRule[rule] ?? 0 }))
    .map((d) => ({ ...d, difference: d.draft - d.live }))
    .filter((d) => d.difference !== 0)
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || (a.rule < b.rule ? -1 : 1))
    .slice(0, 3);
}

/** Why a member's points moved: the rules behind it, a tier change, redemptions that now pass or fail. */
export function explainMember(live, draft) {
  return {
    rules: ruleDifferences(live, draft),
    tier: live.tier !== draft.tier ? { live: live.tier, draft: draft.tier } : null,
    redemptions: draft.redemptions - live.redemptions,
  };
}

// Gain = points issued under the draft − under the live program (docs/decisions.md).
function movers(pairs) {
  const moved = pairs.map(({ live, draft }) => ({
    id: live.id, live: live.earned, draft: draft.earned, difference: draft.earned - live.earned,
    balanceLive: live.balance, balanceDraft: draft.balance, why: explainMember(live, draft),
  }));
  const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const gainers = moved.filter((m) => m.difference > 0).sort((a, b) => b.difference - a.difference || byId(a, b)).slice(0, TOP);
  const losers = moved.filter((m) => m.difference < 0).sort((a, b) => a.difference - b.difference || byId(a, b)).slice(0, TOP);
  return { gainers, losers };
}

const ratio = (part, whole) => (whole > 0 ? part / whole : null);

// Money figures that need the program's point value (null without it, as in metrics).
function withMoney(t, program, redemptionRatio) {
  const liabilityMinor = pointsValueMinor(t.outstanding, program?.point_value_minor);
  return {
    ...t,
    liabilityMinor,
    // The part of the liability past behaviour says will be redeemed.
    expectedLiabilityMinor: liabilityMinor == null || redemptionRatio == null ? null : Math.floor(liabilityMinor * redemptionRatio),
    redemptionRatio: ratio(t.redeemed, t.issued),
    // Points expected never to be redeemed: issued × (1 − the observed redemption ratio).
    expectedBreakage: redemptionRatio == null ? null : Math.round(t.issued * (1 - redemptionRatio)),
  };
}

/**
 * pairs: [{live, draft}] outcomes per member; programs: {live, draft}.
 * Breakage uses the live program's observed ratio: that is what members actually did.
 */
export function aggregate(pairs, programs) {
  const live = totalsOf(pairs.map((p) => p.live));
  const draft = totalsOf(pairs.map((p) => p.draft));
  const observed = ratio(live.redeemed, live.issued);
  return {
    members: pairs.length,
    breakageRate: observed == null ? null : 1 - observed,
    observedRedemptionRatio: observed,
    live: withMoney(live, programs.live, observed),
    draft: withMoney(draft, programs.draft, observed),
    ...movers(pairs),
  };
}
