// The paid membership (spec/engagement.md, "Paid membership"): its events and its status at an
// instant. Months and years are store-local calendar periods anchored on the first paid day.
#pragma once

#include "ledger.hpp"

namespace loyalty {

// none, trial, active, grace, lapsed or cancelled at `at`: a literal.
const char* membership_status(const Program& program, const MembershipState& m, Timestamp at);
// Whether `membership: true` audiences hold at `at` (trial, active, grace, cancelled before until).
bool membership_on(const Program& program, const MembershipState& m, Timestamp at);
// Store-local days left in a trial, today included; 0 outside a trial.
i64 trial_days_left(const Program& program, const MembershipState& m, Timestamp at);

// The next instant after `after` at which the status changes by time alone (the end of a period,
// then of its grace), if any.
std::optional<Timestamp> membership_next_change(const Program& program, const MembershipState& m,
                                                Timestamp after);

// The instant the status becomes `lapsed` (the end of a trial or of a cancelled period, the end of
// grace after a paid one), if the membership runs.
std::optional<Timestamp> membership_lapse_at(const Program& program, const MembershipState& m);
// The `membership` history entry that says so.
HistoryEntry membership_lapsed_entry(const Program& program, Timestamp at);

void membership_event(const Program& program, MemberState& state, const Event& event);

}  // namespace loyalty
