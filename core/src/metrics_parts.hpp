// The pieces the `metrics` operation and the kept-totals door (loyalty/metrics.hpp) share: how a
// history entry counts, how a request is read, how totals become the response. One copy of each
// rule, so the figures a server keeps at write time are the figures a replay gives.
#pragma once

#include "ledger.hpp"
#include "loyalty/metrics.hpp"

namespace loyalty {

MetricsEntry classify_for_metrics(const Program& p, const HistoryEntry& h);
// Reads the request's parameters (`members` is allowed and left to the caller).
MetricsQuery read_metrics_query(const Program& p, const In& request);
json metrics_json(const Program& p, const MetricsQuery& q, const MetricsTotals& t);

}  // namespace loyalty
