#include "audience.hpp"

#include "membership.hpp"
#include "tiers.hpp"

namespace loyalty {

const char* audience_failure(const Conditions& c, const Who& who) {
  const AudienceExtra& x = c.extra;
  if (who.facts.guest && x.any()) {
    if (x.membership) return "membership";
    if (x.min_member_days) return "min_member_days";
    if (x.max_member_days) return "max_member_days";
    return x.min_orders ? "min_orders" : "lapsed_days";
  }
  if (!in_audience(c.audience, who.tier)) return "tiers";
  if (x.membership && *x.membership != who.facts.membership_on) return "membership";
  if (x.min_member_days && who.facts.member_days < *x.min_member_days) return "min_member_days";
  if (x.max_member_days && who.facts.member_days >= *x.max_member_days) return "max_member_days";
  if (x.min_orders) {
    auto it = who.facts.orders_in.find(x.min_orders_days);
    if ((it == who.facts.orders_in.end() ? 0 : it->second) < x.min_orders) return "min_orders";
  }
  if (x.lapsed_days &&
      !(who.facts.days_since_order && *who.facts.days_since_order >= *x.lapsed_days))
    return "lapsed_days";
  return nullptr;
}

Facts facts_at(const Program& p, const Ledger& l, Timestamp at) {
  Facts f;
  f.guest = l.member_id.empty();
  if (!p.uses_audience) return f;  // only audiences ask the rest: the preview skips it
  f.membership_on = membership_on(p, l.membership, at);
  if (l.enrolled_at)
    f.member_days = local_time(at, p.zone).day - local_time(*l.enrolled_at, p.zone).day;
  if (!l.order_times.empty()) f.days_since_order = (at.ms - l.order_times.back().ms) / kDayMs;
  for (const auto& c : p.audience_windows) {
    i64 n = 0;
    for (const Timestamp t : l.order_times) n += t.ms < at.ms && t.ms >= at.ms - c * kDayMs;
    f.orders_in[c] = n;
  }
  return f;
}

Who who_at(const Program& p, const Ledger& l, Timestamp at) {
  return Who{tier_id(tier_at(p, l, at)), facts_at(p, l, at)};
}

}  // namespace loyalty
