// metrics: program figures over [from, until) from the members' events (spec/engine.md).
#include <algorithm>

#include "operations.hpp"

namespace loyalty {

json decimal4(i128 num, i128 den) {
  if (den == 0) return nullptr;
  const bool negative = (num < 0) != (den < 0);
  if (num < 0) num = -num;
  if (den < 0) den = -den;
  const i128 scaled = (num * 10000 * 2 + den) / (2 * den);  // rounded half up
  std::string frac = std::to_string(static_cast<long long>(scaled % 10000));
  frac.insert(0, 4 - frac.size(), '0');
  std::string whole;
  i128 w = scaled / 10000;
  do {
    whole.insert(whole.begin(), static_cast<char>('0' + static_cast<int>(w % 10)));
    w /= 10;
  } while (w > 0);
  return (negative && scaled != 0 ? "-" : "") + whole + "." + frac;
}

json op_metrics(const Program& p, const In& request) {
  request.object(
      {"program", "members", "from", "until", "total_customers", "churn_days", "segments"});
  const Timestamp from = read_timestamp(request.at("from"));
  const Timestamp until = read_timestamp(request.at("until"));
  if (until <= from) request.fail_at("until", "must be later than from");
  const i64 total_customers = request.integer("total_customers", 0, 0);
  const i64 churn_days = request.integer("churn_days", 90, 1, 36500);
  i64 heavy_min = 10, medium_min = 3;
  if (auto seg = request.find("segments")) {
    seg->object({"heavy", "medium"});
    heavy_min = seg->integer("heavy", heavy_min, 1);
    medium_min = seg->integer("medium", medium_min, 1);
    if (medium_min > heavy_min) seg->fail_at("medium", "must not exceed heavy");
  }
  const Timestamp churn_cutoff{until.ms - churn_days * kDayMs};
  auto within = [&](Timestamp t) { return t >= from && t < until; };

  i64 start_members = 0, new_members = 0, end_members = 0, churned = 0;
  i64 orders = 0, buyers = 0, revenue = 0, issued = 0, redeemed = 0, expired = 0;
  i64 heavy = 0, medium = 0, low = 0;
  std::map<std::string, i64> tiers;
  std::map<std::string, i64> by_channel;
  if (p.tiers)
    for (const auto& l : p.tiers->levels) tiers[l.id] = 0;

  const In members = request.at("members");
  for (std::size_t m = 0; m < members.array().size(); ++m) {
    const In member = members.at(m);
    member.object({"member_id", "events"});
    const In events_in = member.at("events");
    std::vector<Event> events;
    for (std::size_t i = 0; i < events_in.array().size(); ++i) {
      Event e = parse_event(events_in.at(i));
      if (e.at < until) events.push_back(std::move(e));
    }
    sort_events(events);
    MemberState s;
    s.ledger.member_id = member.string("member_id", "");
    std::optional<Timestamp> enrolled;
    for (const auto& e : events) {
      apply_event(p, s, e);
      if (e.type == "enroll" && !enrolled && s.ledger.enrolled_at) {
        enrolled = e.at;
        if (within(e.at)) {
          const std::string channel = e.in().string("channel", "unknown");
          by_channel[channel] += 1;
        }
      }
    }
    advance(p, s, Timestamp{until.ms - 1});
    i64 member_orders = 0;
    std::optional<Timestamp> last_order;
    for (const auto& h : s.history) {
      if (h.kind == "earn" && h.extra.contains("order_id")) {
        last_order = h.at;
        if (within(h.at)) {
          ++member_orders;
          revenue = add(revenue, h.extra.value("spend_minor", i64{0}));
        }
      }
      if (!within(h.at)) continue;
      if (h.kind == "redeem")
        redeemed = add(redeemed, -h.points);
      else if (h.kind == "expire")
        expired = add(expired, -h.points);
      else if (h.kind == "earn" || h.kind == "action" || h.kind == "birthday" ||
               h.kind == "referral" || h.kind == "enroll" || (h.kind == "adjust" && h.points > 0))
        issued = add(issued, std::max<i64>(0, h.points));
    }
    orders += member_orders;
    buyers += member_orders > 0;
    if (!enrolled) continue;
    if (*enrolled < from)
      ++start_members;
    else
      ++new_members;
    const bool is_churned = !last_order || *last_order < churn_cutoff;
    if (is_churned && *enrolled < churn_cutoff)
      ++churned;
    else
      ++end_members;
    (member_orders >= heavy_min ? heavy : member_orders >= medium_min ? medium : low) += 1;
    if (p.tiers) tiers[tier_id(tier_at(p, s.ledger, Timestamp{until.ms - 1}))] += 1;
  }
  const i64 enrolled_total = start_members + new_members;
  const json aov = decimal4(revenue, orders);
  const json frequency = decimal4(orders, buyers);
  // customer value = AOV × frequency = revenue / buyers, computed exactly.
  return Obj()("members", Obj()("enrolled_total", enrolled_total)(
                              "enrolled_in_period", new_members)("at_start", start_members)(
                              "at_end", end_members)("churned", churned)("by_channel", by_channel))(
      "adoption_rate", decimal4(enrolled_total, total_customers))("orders", orders)(
      "buyers", buyers)("revenue_minor", revenue)("average_order_value_minor", aov)(
      "purchase_frequency", frequency)("customer_value_minor", decimal4(revenue, buyers))(
      "points", Obj()("issued", issued)("redeemed", redeemed)("expired", expired))(
      "redemption_rate", decimal4(redeemed, issued))("churn_days", churn_days)(
      "customer_retention_rate", decimal4(static_cast<i128>(end_members - new_members) * 100,
                                          start_members))("tier_distribution", tiers)(
      "segments", Obj()("heavy", heavy)("medium", medium)("low", low)(
                      "cutoffs", Obj()("heavy", heavy_min)("medium", medium_min)))(
      "currency", p.currency.code)("from", format_timestamp(from, p.zone))(
      "until", format_timestamp(until, p.zone));
}

}  // namespace loyalty
