// metrics: program figures over [from, until) from the members' events (spec/engine.md).
#include <algorithm>

#include "metrics_membership.hpp"
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

namespace {

// What metrics count for one member: the history entries (the outcomes), when they enrolled, by
// which channel, and their tier just before `until`.
struct MemberOutcomes {
  std::vector<HistoryEntry> history;
  std::optional<Timestamp> enrolled;
  std::string channel = "unknown";
  std::string tier;
};

// The events form: the member's events replayed under this program.
MemberOutcomes outcomes_from_events(const Program& p, const In& member, Timestamp until) {
  const In events_in = member.at("events");
  std::vector<Event> events;
  for (std::size_t i = 0; i < events_in.array().size(); ++i) {
    Event e = parse_event(events_in.at(i));
    if (e.at < until) events.push_back(std::move(e));
  }
  sort_events(events);
  MemberOutcomes out;
  MemberState s;
  s.ledger.member_id = member.string("member_id", "");
  for (const auto& e : events) {
    apply_event(p, s, e);
    if (e.type == "enroll" && !out.enrolled && s.ledger.enrolled_at) {
      out.enrolled = e.at;
      out.channel = e.in().string("channel", "unknown");
    }
  }
  advance(p, s, Timestamp{until.ms - 1});
  out.tier = tier_id(tier_at(p, s.ledger, Timestamp{until.ms - 1}));
  out.history = std::move(s.history);
  return out;
}

// The history form: the entries as the engine wrote them when each event was accepted, read as
// they are, so a later program version changes none of these figures. The tier is the one the
// latest entry before `until` moved the member to (the lowest level when none did).
MemberOutcomes outcomes_from_history(const Program& p, const In& history, Timestamp until) {
  MemberOutcomes out;
  if (p.tiers) out.tier = p.tiers->levels.front().id;
  for (std::size_t i = 0; i < history.array().size(); ++i) {
    HistoryEntry h = history_from(history.at(i));
    if (h.at >= until) continue;
    if (h.kind == "enroll" && !out.enrolled) {
      out.enrolled = h.at;
      if (h.extra.contains("channel") && h.extra["channel"].is_string())
        out.channel = h.extra["channel"].get<std::string>();
    }
    if (h.extra.contains("tier") && h.extra["tier"].is_object() &&
        h.extra["tier"].contains("after") && h.extra["tier"]["after"].is_string())
      out.tier = h.extra["tier"]["after"].get<std::string>();
    out.history.push_back(std::move(h));
  }
  return out;
}

}  // namespace

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
  std::optional<MembershipTally> membership;
  if (p.membership) membership.emplace(p, from, until);

  const In members = request.at("members");
  for (std::size_t m = 0; m < members.array().size(); ++m) {
    const In member = members.at(m);
    member.object({"member_id", "events", "history"});
    const MemberOutcomes outcome = member.has("history")
                                       ? outcomes_from_history(p, member.at("history"), until)
                                       : outcomes_from_events(p, member, until);
    if (outcome.enrolled && within(*outcome.enrolled)) by_channel[outcome.channel] += 1;
    const std::optional<Timestamp> enrolled = outcome.enrolled;
    const std::vector<HistoryEntry>& history = outcome.history;
    i64 member_orders = 0;
    std::optional<Timestamp> last_order;
    for (const auto& h : history) {
      if (h.at >= until) continue;
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
               h.kind == "referral" || h.kind == "enroll" || h.kind == "prize" ||
               h.kind == "challenge" || (h.kind == "adjust" && h.points > 0))
        issued = add(issued, std::max<i64>(0, h.points));
    }
    orders += member_orders;
    buyers += member_orders > 0;
    if (!enrolled) continue;
    if (membership) membership->add_member(history);
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
    if (p.tiers) tiers[outcome.tier] += 1;
  }
  const i64 enrolled_total = start_members + new_members;
  const json aov = decimal4(revenue, orders);
  const json frequency = decimal4(orders, buyers);
  // customer value = AOV × frequency = revenue / buyers, computed exactly.
  json out =
      Obj()("members", Obj()("enrolled_total", enrolled_total)("enrolled_in_period", new_members)(
                           "at_start", start_members)("at_end", end_members)("churned", churned)(
                           "by_channel", by_channel))(
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
  if (membership) out["membership"] = membership->to_json();
  return out;
}

}  // namespace loyalty
