// Tier lookup and the qualifying value over time (spec/program.md, "Tiers"): which level a
// value reaches, what remains to the next, and which level holds at an instant given the
// dated contributions of orders and refunds.
#pragma once

#include "program.hpp"
#include "state.hpp"

namespace loyalty {

struct TierStatus {
  const TierLevel* level = nullptr;  // null when the program has no tiers
  i64 qualifying = 0;                // in the current period
  std::optional<Timestamp> period_start, period_end;
  const TierLevel* next = nullptr;
  i64 remaining = 0;
};

const TierLevel& level_for(const Tiers& tiers, i64 value);

// Which contributions count at an instant: calendar arithmetic that depends on the instant only,
// worked out once when an order asks for its tier several times.
struct TierPeriods {
  Timestamp from, until;  // contributions dated in [from, until) qualify
  std::optional<Timestamp> start, end;
  std::optional<Timestamp> held_from;  // [held_from, from) may hold the level (retained tiers)
  Timestamp key;                       // what a contribution made at the instant is filed under
};
TierPeriods tier_periods(const Program& program, Timestamp t);

// The status at `t`, optionally counting `extra` more qualifying value dated at `t`.
TierStatus tier_at(const Program& program, const Ledger& ledger, Timestamp t, i64 extra = 0);
TierStatus tier_at(const Program& program, const Ledger& ledger, const TierPeriods& periods,
                   i64 extra = 0);
std::string tier_id(const TierStatus& status);
// The instant the level held at `t` stops being guaranteed if nothing more qualifies
// (docs/decisions.md, "How long a tier holds"); none for the lowest level and lifetime periods.
std::optional<Timestamp> tier_holds_until(const Program& program, const Ledger& ledger,
                                          Timestamp t);
// Records a contribution (negative for refunds), merged by period to keep the state small.
void add_contribution(const Program& program, Ledger& ledger, Timestamp at, i64 amount);
// The same at the instant `periods` were worked out for.
void add_contribution(const Program& program, Ledger& ledger, const TierPeriods& periods,
                      i64 amount);

}  // namespace loyalty
