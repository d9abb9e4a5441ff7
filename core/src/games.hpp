// Prize wheels and coupon codes (spec/engagement.md): their events, and the statuses the catalog
// and the order path share.
#pragma once

#include "ledger.hpp"

namespace loyalty {

// The prize whose cumulative weight range holds draw mod Σweights, prizes in document order.
const Prize& draw_prize(const Wheel& wheel, i64 draw);
// weight / total as a ratio with 4 decimals, ties to even ("0.2778").
std::string chance(i64 weight, i64 total);
// available, tier_locked, audience_locked, not_in_window or limit_reached: a literal.
std::string_view wheel_status(const Program& program, const Ledger& ledger, const Wheel& wheel,
                              Timestamp at, const Who& who);
// available, not_eligible or limit_exceeded (`claimed_in_order`: claims of this code earlier in
// the same order).
std::string_view coupon_status(const Program& program, const Ledger& ledger, const Coupon& coupon,
                               Timestamp at, const Who& who, i64 claimed_in_order);
// Counts the claim and issues the coupon's voucher under `voucher_id`.
const Voucher& claim_coupon(const Program& program, Ledger& ledger, const Coupon& coupon,
                            const std::string& voucher_id, Timestamp at);
// Points from a prize or a challenge: available at once, earned, never capped.
void credit_prize_points(const Program& program, Ledger& ledger, i64 points, Timestamp at);

void spin_event(const Program& program, MemberState& state, const Event& event);
void claim_event(const Program& program, MemberState& state, const Event& event);

}  // namespace loyalty
