// One place for each shared policy: which lines a rule concerns, whether a time window holds,
// the order-discount spread, multiplier stacking. Earning, rewards and punch cards all call these.
#pragma once

#include <map>
#include <vector>

#include "cart.hpp"

namespace loyalty {

bool matches(const Match& match, const CartLine& line);
// Most rules have no match at all: that answer is inline, asked per rule and line.
inline bool matches(const std::optional<Match>& match, const CartLine& line) {
  return !match || matches(*match, line);
}
// `until` and the end hour are exclusive; an end hour before the start wraps past midnight.
bool in_window(const std::optional<Window>& when, Timestamp t, const Zone& zone);
bool in_audience(const std::vector<std::string>& audience, const std::string& tier_id);

// What audiences ask about a member at an event (audience.cpp computes them from the ledger; an
// order keeps them, so its refund is judged as the order was).
struct Facts {
  bool guest = false;
  bool membership_on = false;
  i64 member_days = 0;           // store-local days since enrolment
  std::map<i64, i64> orders_in;  // by `min_orders` window (days): orders in it before the event
  std::optional<i64> days_since_order;  // whole days since the last order standing; none: never
  std::vector<std::string> segments;    // the segments the member is in
};
struct Who {
  std::string tier;
  Facts facts;
};
// The first audience field that fails ("tiers", "membership", "min_member_days", ...), or null.
// A guest fails every audience field beyond tiers.
const char* audience_failure(const Conditions& c, const Who& who);
// tier_locked when the tiers fail (or a guest meets a tiers-only audience), audience_locked when
// another audience field does, null when the audience holds: the status every item shares.
const char* locked_status(const Conditions& c, const Who& who);
inline bool in_audience(const Conditions& c, const Who& who) {
  if (!in_audience(c.audience, who.tier)) return false;
  return !c.extra.any() || !audience_failure(c, who);
}

// Splits `total` over `weights` in proportion, largest remainder first, ties to the earlier
// entry, so the parts add up exactly. All-zero weights give all-zero parts (total must be 0).
std::vector<i64> spread(i64 total, const std::vector<i64>& weights);
// The same into `parts[0..n)`, for callers that keep their weights and parts in scratch arrays.
void spread_into(i64 total, const i64* weights, std::size_t n, i64* parts);

// F(line) from the factors that hold for it (tier multiplier first, then multiplier rules in
// document order). Empty = 1.
Fixed stack(Stacking mode, const std::vector<Fixed>& factors);

}  // namespace loyalty
