// Who a member is at an event, as audiences ask (spec/engagement.md, "Audiences and segments").
#pragma once

#include "policy.hpp"
#include "state.hpp"

namespace loyalty {

// The member's facts at `at`: guest (no member id), membership on, days since enrolment.
Facts facts_at(const Program& program, const Ledger& ledger, Timestamp at);
// The tier at `at` and the facts, together.
Who who_at(const Program& program, const Ledger& ledger, Timestamp at);
// Counts the order toward the segments its lines match (`by` 1), or takes it off (`by` -1); a
// `bought` segment met for the first time records `at`. With `lines`, each `bought` segment the
// order puts the member into gets a 0-point `audience.segment` line.
void count_segments(const Program& program, Ledger& ledger, const Cart& cart, Timestamp at, i64 by,
                    std::vector<HistoryLine>* lines = nullptr);

}  // namespace loyalty
