// Who a member is at an event, as audiences ask (spec/engagement.md, "Audiences and segments").
#pragma once

#include "policy.hpp"
#include "state.hpp"

namespace loyalty {

// The member's facts at `at`: guest (no member id), membership on, days since enrolment.
Facts facts_at(const Program& program, const Ledger& ledger, Timestamp at);
// The tier at `at` and the facts, together.
Who who_at(const Program& program, const Ledger& ledger, Timestamp at);

}  // namespace loyalty
