// The member's profile as the rules see it (spec/sync.md, "Members' identifiers, profile and
// consent"): a `profile` event changes the birthday from its instant on; the name, phone, email
// and consent it may carry are the server's, and the rules ignore them (consent never changes
// points).
#pragma once

#include "ledger.hpp"

namespace loyalty {

// A birthday "MM-DD" (month 01–12, day 01–31); fails at the field otherwise.
std::string read_birthday(const In& field);

void profile_event(const Program& program, MemberState& state, const Event& event);

}  // namespace loyalty
