// Metrics from totals kept at write time (docs/decisions.md, "Metrics from aggregates (issue
// 21)"): what a write's new history entries add to them, classified by the core, and the answers
// read back from them — the metrics response and the points ledger per day — so a metrics read
// costs the days and members of the shop, not every entry of its ledger.
#pragma once

#include <string>
#include <vector>

#include "loyalty/loyalty.hpp"
#include "loyalty/metrics.hpp"
#include "store.hpp"

namespace srv {

// The kept totals' delta for one write's new history entries (oldest first). An entry the core
// cannot read adds nothing (the core wrote it, so that does not happen).
MetricsWrite metrics_write(const loyalty::Engine& engine, const std::vector<std::string>& history);

// The `metrics` response for a window of whole store-local days (query.whole_days), read from
// the kept totals: the bytes the core's `metrics` gives from every member's history, with
// `liability` added.
std::string kept_metrics(Store& store, const loyalty::Engine& engine,
                         const loyalty::MetricsQuery& query);

// The points ledger per store-local day of a whole-day window, as CSV with a header:
// day,earned,redeemed,reversed,expired,balance_end. Each day's balance_end is the day before's
// plus earned − redeemed − reversed − expired; `reversed` is every other move of the balance
// (refunds, negative adjustments, points released or given back), so the columns add up.
std::string points_ledger_csv(Store& store, const loyalty::MetricsQuery& query);

}  // namespace srv
