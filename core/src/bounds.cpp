#include "bounds.hpp"

#include <algorithm>

#include "tiers.hpp"

namespace loyalty {
namespace {

constexpr i64 kNoClock = INT64_MIN / 4;  // Ledger::clock starts below this

// The oldest contribution a tier question inside the window can read: the start of the period
// (or of the retained previous period) that holds the window's first instant.
Timestamp oldest_contribution_needed(const Program& p, Timestamp window) {
  const TierPeriods w = tier_periods(p, window);
  return w.held_from ? std::min(*w.held_from, w.from) : w.from;
}

}  // namespace

Timestamp window_start(const Program& p, const Ledger& l) {
  if (l.clock.ms < kNoClock) return Timestamp{INT64_MIN / 2};
  return Timestamp{l.clock.ms - p.refund_days * kDayMs};
}

bool before_window(const Program& p, const Ledger& l, Timestamp at) {
  return at < window_start(p, l);
}

void bound_state(const Program& p, MemberState& s, std::size_t appended,
                 std::size_t keep_at_least) {
  s.history_total = add(s.history_total, static_cast<i64>(appended));
  const std::size_t keep = std::max(kHistoryKept, keep_at_least);
  if (s.history.size() > keep)
    s.history.erase(s.history.begin(),
                    s.history.begin() + static_cast<std::ptrdiff_t>(s.history.size() - keep));
  if (s.ledger.clock.ms < kNoClock) return;
  const Timestamp window = window_start(p, s.ledger);
  std::erase_if(s.orders, [&](const auto& o) { return o.second.at < window; });
  std::erase_if(s.seen, [&](const auto& e) { return e.second < window; });
  if (p.tiers) {
    const Timestamp oldest = oldest_contribution_needed(p, window);
    std::erase_if(s.ledger.qualifying, [&](const Contribution& c) { return c.at < oldest; });
  }
}

}  // namespace loyalty
