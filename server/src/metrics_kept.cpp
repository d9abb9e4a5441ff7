#include "metrics_kept.hpp"

#include <limits>
#include <map>
#include <set>

#include "loyalty/time.hpp"

namespace srv {
namespace {

// The per-day keys (metrics_daily.key): one per figure of loyalty::MetricsEntry.
constexpr const char* kOrders = "orders";
constexpr const char* kRevenue = "revenue_minor";
constexpr const char* kIssued = "issued";
constexpr const char* kRedeemed = "redeemed";
constexpr const char* kExpired = "expired";
constexpr const char* kPoints = "points";  // the balance's net move
constexpr const char* kMembershipPayments = "membership_payments";
constexpr const char* kMembershipFees = "membership_fee_minor";
constexpr const char* kEnrolPrefix = "enrol:";  // + channel

std::int64_t sum_of(const std::map<std::string, std::int64_t>& sums, const std::string& key) {
  const auto it = sums.find(key);
  return it == sums.end() ? 0 : it->second;
}

// Members by the value of their latest mark (marks come ordered by member, then history).
std::map<std::string, std::int64_t> latest_by_member(
    const std::vector<std::pair<std::string, std::string>>& marks, std::int64_t& members) {
  std::map<std::string, std::int64_t> out;
  members = 0;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    if (i + 1 < marks.size() && marks[i + 1].first == marks[i].first) continue;
    out[marks[i].second] += 1;
    ++members;
  }
  return out;
}

// "2026-03-01" for a store-local day number.
std::string day_text(std::int64_t day) {
  return loyalty::format_rfc3339(day * 86'400'000, 0).substr(0, 10);
}

}  // namespace

MetricsWrite metrics_write(const loyalty::Engine& engine, const std::vector<std::string>& history) {
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> daily;  // sorted: lock order
  std::map<std::int64_t, MemberDayDelta> days;
  MetricsWrite out;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto e = loyalty::metrics_entry(engine, history[i]);
    if (!e) continue;
    auto add = [&](const std::string& key, std::int64_t v) {
      if (v != 0) daily[{e->day, key}] += v;
    };
    add(kOrders, e->order ? 1 : 0);
    add(kRevenue, e->revenue_minor);
    add(kIssued, e->issued);
    add(kRedeemed, e->redeemed);
    add(kExpired, e->expired);
    add(kPoints, e->points);
    if (e->membership_fee_minor > 0) {
      add(kMembershipPayments, 1);
      add(kMembershipFees, e->membership_fee_minor);
    }
    if (e->enrol && (!out.enrolled || e->at_ms < out.enrolled->first)) {
      if (!out.enrolled) add(kEnrolPrefix + e->channel, 1);
      out.enrolled.emplace(e->at_ms, e->channel);
    }
    if (e->order || e->points != 0) {
      MemberDayDelta& d = days[e->day];
      d.day = e->day;
      d.points += e->points;
      if (e->order) {
        d.orders += 1;
        if (!d.last_order_ms || e->at_ms > *d.last_order_ms) d.last_order_ms = e->at_ms;
      }
    }
    if (e->tier_after) out.marks.push_back({i, 0, e->at_ms, "tier", *e->tier_after});
    if (e->membership) out.marks.push_back({i, 0, e->at_ms, "membership", history[i]});
  }
  for (const auto& [at, value] : daily) out.daily.push_back({at.first, at.second, value});
  for (auto& [day, d] : days) out.member_days.push_back(d);
  return out;
}

std::string kept_metrics(Store& store, const loyalty::Engine& engine,
                         const loyalty::MetricsQuery& q) {
  std::map<std::string, std::int64_t> sums;
  for (auto& [key, value] : store.metrics_sums(q.from_day, q.until_day)) sums[key] = value;
  loyalty::MetricsTotals t;
  t.orders = sum_of(sums, kOrders);
  t.revenue_minor = sum_of(sums, kRevenue);
  t.issued = sum_of(sums, kIssued);
  t.redeemed = sum_of(sums, kRedeemed);
  t.expired = sum_of(sums, kExpired);
  t.membership_payments = sum_of(sums, kMembershipPayments);
  t.membership_fee_minor = sum_of(sums, kMembershipFees);
  const std::string prefix = kEnrolPrefix;
  for (const auto& [key, value] : sums)
    if (key.starts_with(prefix) && value != 0) t.by_channel[key.substr(prefix.size())] = value;

  MetricsWindow w;
  w.from_day = q.from_day;
  w.until_day = q.until_day;
  w.from_ms = q.from_ms;
  w.until_ms = q.until_ms;
  w.cutoff_day = q.churn_cutoff_day;
  w.cutoff_ms = q.churn_cutoff_ms;
  w.heavy_min = q.heavy_min;
  w.medium_min = q.medium_min;
  const MemberFigures f = store.member_figures(w);
  t.at_start = f.at_start;
  t.enrolled_in_period = f.enrolled_in_period;
  t.churned = f.enrolled_before_cutoff - f.kept_since_cutoff;
  t.buyers = f.buyers;
  t.heavy = f.heavy;
  t.medium = f.medium;
  t.outstanding_points = f.outstanding_points;
  const std::int64_t enrolled = f.at_start + f.enrolled_in_period;

  std::int64_t moved = 0;
  t.tiers = latest_by_member(store.metrics_marks("tier", q.until_ms), moved);
  t.tier_unmoved = enrolled - moved;

  // The membership status needs the member's membership entries replayed (few per member).
  const auto entries = store.metrics_marks("membership", q.until_ms);
  std::int64_t touched = 0;
  for (std::size_t i = 0; i < entries.size();) {
    std::vector<std::string> of_member;
    std::size_t j = i;
    for (; j < entries.size() && entries[j].first == entries[i].first; ++j)
      of_member.push_back(entries[j].second);
    const std::string status = loyalty::membership_status_at(engine, of_member, q.until_ms);
    if (!status.empty()) t.membership_by_status[status] += 1;
    ++touched;
    i = j;
  }
  t.membership_untouched = enrolled - touched;
  return loyalty::metrics_response(engine, q, t);
}

std::string points_ledger_csv(Store& store, const loyalty::MetricsQuery& q) {
  std::int64_t balance = 0;
  for (const auto& [key, value] :
       store.metrics_sums(std::numeric_limits<std::int64_t>::min(), q.from_day))
    if (key == kPoints) balance = value;
  std::map<std::int64_t, std::map<std::string, std::int64_t>> by_day;
  for (auto& d :
       store.metrics_days(q.from_day, q.until_day, {kIssued, kRedeemed, kExpired, kPoints}))
    by_day[d.day][d.key] = d.value;
  std::string out = "day,earned,redeemed,reversed,expired,balance_end\n";
  for (std::int64_t day = q.from_day; day < q.until_day; ++day) {
    const auto it = by_day.find(day);
    const std::map<std::string, std::int64_t> none;
    const auto& v = it == by_day.end() ? none : it->second;
    const std::int64_t earned = sum_of(v, kIssued), redeemed = sum_of(v, kRedeemed),
                       expired = sum_of(v, kExpired), net = sum_of(v, kPoints);
    const std::int64_t reversed = earned - redeemed - expired - net;
    balance += net;
    out += day_text(day) + ',' + std::to_string(earned) + ',' + std::to_string(redeemed) + ',' +
           std::to_string(reversed) + ',' + std::to_string(expired) + ',' +
           std::to_string(balance) + '\n';
  }
  return out;
}

}  // namespace srv
