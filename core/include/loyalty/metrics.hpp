// Metrics from kept totals (docs/decisions.md, "Metrics from aggregates (issue 21)"): a door that
// keeps per-day and per-member totals at write time reads here what one stored history entry adds
// to them, reads a metrics request once, and turns its totals into the very response the
// `metrics` operation gives from the members' full histories. Both paths classify an entry with
// the same code, so they cannot drift apart.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty {

class Engine;

// What one history entry counts for in metrics, read as the `metrics` operation reads it.
struct MetricsEntry {
  std::int64_t at_ms = 0;
  std::int64_t day = 0;     // store-local day of at_ms (days since 1970-01-01, program's zone)
  std::int64_t points = 0;  // how it moved the member's balance
  bool order = false;       // an order's earn entry: counts as an order with its revenue
  std::int64_t revenue_minor = 0;
  std::int64_t issued = 0, redeemed = 0, expired = 0;  // the `points` figures
  bool enrol = false;                                  // an enroll entry, by `channel`
  std::string channel;
  std::optional<std::string> tier_after;  // the tier it moved the member to
  bool membership = false;                // a membership entry (membership_status_at reads it)
  std::int64_t membership_fee_minor = 0;  // a fee paid
};
// Nullopt (and the error object in `error` when given) when the text is not a history entry.
std::optional<MetricsEntry> metrics_entry(const Engine& engine, std::string_view entry_json,
                                          std::string* error = nullptr);

// A metrics request read once: the window and the parameters, validated as `metrics` does.
struct MetricsQuery {
  std::int64_t from_ms = 0, until_ms = 0;
  std::int64_t total_customers = 0, churn_days = 90, heavy_min = 10, medium_min = 3;
  std::int64_t churn_cutoff_ms = 0;  // until − churn_days: a member with no order since churned
  // Store-local days of from, until and the cutoff; whole_days when from and until are both
  // store-local midnights (a window made of whole days, which per-day totals answer exactly).
  std::int64_t from_day = 0, until_day = 0, churn_cutoff_day = 0;
  bool whole_days = false;
};
// The request without `members`. Nullopt with the error object in `error` when it is invalid.
std::optional<MetricsQuery> metrics_query(const Engine& engine, std::string_view request_json,
                                          std::string& error);

// Everything the response is made of, counted over the window as `metrics` counts it.
struct MetricsTotals {
  std::int64_t at_start = 0, enrolled_in_period = 0, churned = 0;  // enrolled members
  std::map<std::string, std::int64_t> by_channel;                  // enrolments in the window
  std::int64_t orders = 0, buyers = 0, revenue_minor = 0;
  std::int64_t issued = 0, redeemed = 0, expired = 0;
  std::int64_t heavy = 0, medium = 0;  // enrolled members by orders in the window; the rest low
  // Enrolled members by the tier the latest entry before `until` moved them to; those no entry
  // moved are on the program's lowest level.
  std::map<std::string, std::int64_t> tiers;
  std::int64_t tier_unmoved = 0;
  // Enrolled members by membership status at `until` (membership_status_at); those with no
  // membership entry are in the status an untouched membership has then.
  std::map<std::string, std::int64_t> membership_by_status;
  std::int64_t membership_untouched = 0;
  std::int64_t membership_payments = 0, membership_fee_minor = 0;  // paid in the window
  // Σ max(balance at until, 0) over members: given, the response has `liability` with it and,
  // when the program prices a point (point_value_minor), floor(points × value) in minor units.
  std::optional<std::int64_t> outstanding_points;
};
// The `metrics` response, byte for byte as the operation writes it (an error object if the totals
// overflow).
std::string metrics_response(const Engine& engine, const MetricsQuery& query,
                             const MetricsTotals& totals);

// A member's membership status at `until_ms` from their membership entries (oldest first, all
// before until_ms); "" when the program has no membership or an entry is unreadable.
std::string membership_status_at(const Engine& engine, const std::vector<std::string>& entries,
                                 std::int64_t until_ms);

}  // namespace loyalty
