#include "audience.hpp"

#include <algorithm>

#include "membership.hpp"
#include "tiers.hpp"

namespace loyalty {

const char* audience_failure(const Conditions& c, const Who& who) {
  const AudienceExtra& x = c.extra;
  if (who.facts.guest && x.any()) {
    if (x.membership) return "membership";
    if (x.min_member_days) return "min_member_days";
    if (x.max_member_days) return "max_member_days";
    if (x.min_orders) return "min_orders";
    if (x.lapsed_days) return "lapsed_days";
    return x.segments.empty() ? "not_segments" : "segments";
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
  const auto in = [&](const std::string& id) {
    return std::find(who.facts.segments.begin(), who.facts.segments.end(), id) !=
           who.facts.segments.end();
  };
  if (!std::all_of(x.segments.begin(), x.segments.end(), in)) return "segments";
  if (std::any_of(x.not_segments.begin(), x.not_segments.end(), in)) return "not_segments";
  return nullptr;
}

const char* locked_status(const Conditions& c, const Who& who) {
  if (in_audience(c, who)) return nullptr;
  return std::string_view(audience_failure(c, who)) == "tiers" ? "tier_locked" : "audience_locked";
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
  for (const auto& s : p.segments) {
    auto it = l.segments.find(s.id);
    const i64 n = it == l.segments.end() ? 0 : it->second.orders;
    if (s.bought ? n > 0 : n == 0) f.segments.push_back(s.id);
  }
  return f;
}

void count_segments(const Program& p, Ledger& l, const Cart& cart, Timestamp at, i64 by,
                    std::vector<HistoryLine>* lines) {
  for (const auto& s : p.segments) {
    const bool matched = std::any_of(cart.lines.begin(), cart.lines.end(), [&](const CartLine& x) {
      return x.quantity > 0 && matches(s.match, x);
    });
    if (!matched) continue;
    Ledger::SegmentMark& mark = l.segments[s.id];
    if (lines && s.bought && mark.orders == 0 && by > 0)
      lines->push_back({s.id, 0, Explain::of("audience.segment").arg("segment", s.id)});
    mark.orders = std::max<i64>(0, mark.orders + by);
    if (by > 0 && s.bought && !mark.since) mark.since = at;
  }
}

Who who_at(const Program& p, const Ledger& l, Timestamp at) {
  return Who{tier_id(tier_at(p, l, at)), facts_at(p, l, at)};
}

}  // namespace loyalty
