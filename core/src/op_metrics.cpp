// metrics: program figures over [from, until) from the members' events (spec/engine.md).
#include <algorithm>

#include "metrics_membership.hpp"
#include "metrics_parts.hpp"
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

i128 floor_div_i128(i128 a, i128 b) {
  const i128 q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

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
// latest entry before `until` moved the member to (none: the lowest level, metrics_json).
MemberOutcomes outcomes_from_history(const Program& p, const In& history, Timestamp until) {
  MemberOutcomes out;
  for (std::size_t i = 0; i < history.array().size(); ++i) {
    HistoryEntry h = history_from(history.at(i));
    if (h.at >= until) continue;
    const MetricsEntry m = classify_for_metrics(p, h);
    if (m.enrol && !out.enrolled) {
      out.enrolled = h.at;
      out.channel = m.channel;
    }
    if (m.tier_after) out.tier = *m.tier_after;
    out.history.push_back(std::move(h));
  }
  return out;
}

}  // namespace

MetricsEntry classify_for_metrics(const Program& p, const HistoryEntry& h) {
  MetricsEntry m;
  m.at_ms = h.at.ms;
  m.day = local_time(h.at, p.zone).day;
  m.points = h.points;
  const bool has_extra = h.extra.is_object();
  if (h.kind == "earn" && has_extra && h.extra.contains("order_id")) {
    m.order = true;
    m.revenue_minor = h.extra.value("spend_minor", i64{0});
  }
  if (h.kind == "redeem")
    m.redeemed = -h.points;
  else if (h.kind == "expire")
    m.expired = -h.points;
  else if (h.kind == "earn" || h.kind == "action" || h.kind == "birthday" || h.kind == "referral" ||
           h.kind == "enroll" || h.kind == "prize" || h.kind == "challenge" ||
           (h.kind == "adjust" && h.points > 0))
    m.issued = std::max<i64>(0, h.points);
  if (h.kind == "enroll") {
    m.enrol = true;
    m.channel = "unknown";
    if (has_extra && h.extra.contains("channel") && h.extra["channel"].is_string())
      m.channel = h.extra["channel"].get<std::string>();
  }
  if (has_extra && h.extra.contains("tier") && h.extra["tier"].is_object() &&
      h.extra["tier"].contains("after") && h.extra["tier"]["after"].is_string())
    m.tier_after = h.extra["tier"]["after"].get<std::string>();
  if (h.kind == "membership") {
    m.membership = true;
    const i64 fee = has_extra ? h.extra.value("amount_minor", i64{0}) : 0;
    m.membership_fee_minor = std::max<i64>(0, fee);
  }
  return m;
}

MetricsQuery read_metrics_query(const Program& p, const In& request) {
  request.object(
      {"program", "members", "from", "until", "total_customers", "churn_days", "segments"});
  MetricsQuery q;
  q.from_ms = read_timestamp(request.at("from")).ms;
  q.until_ms = read_timestamp(request.at("until")).ms;
  if (q.until_ms <= q.from_ms) request.fail_at("until", "must be later than from");
  q.total_customers = request.integer("total_customers", 0, 0);
  q.churn_days = request.integer("churn_days", 90, 1, 36500);
  if (auto seg = request.find("segments")) {
    seg->object({"heavy", "medium"});
    q.heavy_min = seg->integer("heavy", q.heavy_min, 1);
    q.medium_min = seg->integer("medium", q.medium_min, 1);
    if (q.medium_min > q.heavy_min) seg->fail_at("medium", "must not exceed heavy");
  }
  q.churn_cutoff_ms = q.until_ms - q.churn_days * kDayMs;
  const LocalTime from = local_time(Timestamp{q.from_ms}, p.zone);
  const LocalTime until = local_time(Timestamp{q.until_ms}, p.zone);
  q.from_day = from.day;
  q.until_day = until.day;
  q.churn_cutoff_day = local_time(Timestamp{q.churn_cutoff_ms}, p.zone).day;
  auto midnight = [](const LocalTime& t, i64 ms) {
    return t.second_of_day == 0 && floor_div(ms, 1000) * 1000 == ms;
  };
  q.whole_days = midnight(from, q.from_ms) && midnight(until, q.until_ms);
  return q;
}

json metrics_json(const Program& p, const MetricsQuery& q, const MetricsTotals& t) {
  const i64 enrolled_total = add(t.at_start, t.enrolled_in_period);
  const i64 end_members = enrolled_total - t.churned;
  const i64 low = enrolled_total - t.heavy - t.medium;
  std::map<std::string, i64> tiers;
  if (p.tiers) {
    for (const auto& l : p.tiers->levels) tiers[l.id] = 0;
    for (const auto& [tier, n] : t.tiers) tiers[tier] += n;
    tiers[p.tiers->levels.front().id] += t.tier_unmoved;
  }
  // customer value = AOV × frequency = revenue / buyers, computed exactly.
  json out = Obj()("members",
                   Obj()("enrolled_total", enrolled_total)(
                       "enrolled_in_period", t.enrolled_in_period)("at_start", t.at_start)(
                       "at_end", end_members)("churned", t.churned)("by_channel", t.by_channel))(
      "adoption_rate", decimal4(enrolled_total, q.total_customers))("orders", t.orders)(
      "buyers", t.buyers)("revenue_minor", t.revenue_minor)("average_order_value_minor",
                                                            decimal4(t.revenue_minor, t.orders))(
      "purchase_frequency", decimal4(t.orders, t.buyers))("customer_value_minor",
                                                          decimal4(t.revenue_minor, t.buyers))(
      "points", Obj()("issued", t.issued)("redeemed", t.redeemed)("expired", t.expired))(
      "redemption_rate", decimal4(t.redeemed, t.issued))("churn_days", q.churn_days)(
      "customer_retention_rate",
      decimal4(static_cast<i128>(end_members - t.enrolled_in_period) * 100, t.at_start))(
      "tier_distribution", tiers)(
      "segments", Obj()("heavy", t.heavy)("medium", t.medium)("low", low)(
                      "cutoffs", Obj()("heavy", q.heavy_min)("medium", q.medium_min)))(
      "currency", p.currency.code)("from", format_timestamp(Timestamp{q.from_ms}, p.zone))(
      "until", format_timestamp(Timestamp{q.until_ms}, p.zone));
  if (t.outstanding_points) {
    json liability = Obj()("points", *t.outstanding_points);
    if (p.point_value_minor)
      liability["value_minor"] = static_cast<i64>(floor_div_i128(
          static_cast<i128>(*t.outstanding_points) * p.point_value_minor->raw, Fixed::kScale));
    out["liability"] = std::move(liability);
  }
  if (p.membership) {
    std::map<std::string, i64> by_status;
    for (const char* s : {"none", "trial", "active", "grace", "lapsed", "cancelled"})
      by_status[s] = 0;
    for (const auto& [status, n] : t.membership_by_status) by_status[status] += n;
    if (t.membership_untouched > 0)
      by_status[membership_status_from(p, {}, Timestamp{q.until_ms})] += t.membership_untouched;
    out["membership"] = Obj()("id", p.membership->id)("by_status", by_status)(
        "payments", t.membership_payments)("fee_revenue_minor", t.membership_fee_minor);
  }
  return out;
}

namespace {

// One member's outcomes added to the totals, each entry classified as the kept totals are.
void tally_member(const Program& p, const MetricsQuery& q, const MemberOutcomes& outcome,
                  MetricsTotals& t) {
  auto within = [&](i64 ms) { return ms >= q.from_ms && ms < q.until_ms; };
  if (outcome.enrolled && within(outcome.enrolled->ms)) t.by_channel[outcome.channel] += 1;
  i64 member_orders = 0;
  std::optional<i64> last_order;
  for (const auto& h : outcome.history) {
    if (h.at.ms >= q.until_ms) continue;
    const MetricsEntry m = classify_for_metrics(p, h);
    if (m.order) last_order = m.at_ms;
    if (!within(m.at_ms)) continue;
    if (m.order) {
      ++member_orders;
      t.revenue_minor = add(t.revenue_minor, m.revenue_minor);
    }
    t.issued = add(t.issued, m.issued);
    t.redeemed = add(t.redeemed, m.redeemed);
    t.expired = add(t.expired, m.expired);
  }
  t.orders += member_orders;
  t.buyers += member_orders > 0;
  if (!outcome.enrolled) return;
  if (p.membership) {
    for (const auto& h : outcome.history) {
      if (h.kind != "membership" || h.at.ms >= q.until_ms || h.at.ms < q.from_ms) continue;
      const i64 fee = classify_for_metrics(p, h).membership_fee_minor;
      if (fee > 0) {
        ++t.membership_payments;
        t.membership_fee_minor = add(t.membership_fee_minor, fee);
      }
    }
    t.membership_by_status[membership_status_from(p, outcome.history, Timestamp{q.until_ms})] += 1;
  }
  if (outcome.enrolled->ms < q.from_ms)
    ++t.at_start;
  else
    ++t.enrolled_in_period;
  const bool is_churned = !last_order || *last_order < q.churn_cutoff_ms;
  if (is_churned && outcome.enrolled->ms < q.churn_cutoff_ms) ++t.churned;
  if (member_orders >= q.heavy_min)
    ++t.heavy;
  else if (member_orders >= q.medium_min)
    ++t.medium;
  if (p.tiers) {
    if (outcome.tier.empty())
      ++t.tier_unmoved;
    else
      t.tiers[outcome.tier] += 1;
  }
}

}  // namespace

json op_metrics(const Program& p, const In& request) {
  const MetricsQuery q = read_metrics_query(p, request);
  const Timestamp until{q.until_ms};
  MetricsTotals t;
  const In members = request.at("members");
  for (std::size_t m = 0; m < members.array().size(); ++m) {
    const In member = members.at(m);
    member.object({"member_id", "events", "history"});
    const MemberOutcomes outcome = member.has("history")
                                       ? outcomes_from_history(p, member.at("history"), until)
                                       : outcomes_from_events(p, member, until);
    tally_member(p, q, outcome, t);
  }
  return metrics_json(p, q, t);
}

}  // namespace loyalty
