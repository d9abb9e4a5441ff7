// What a member reads of a state as time passes with no event (the `advance` a read runs), known
// ahead: the first instant time alone changes it, and the view itself written once with the
// places that only restate the instant it was read at marked, so a door can answer reads
// before that instant by copying bytes (loyalty::DatedView, include/loyalty/loyalty.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "program.hpp"
#include "state.hpp"

namespace loyalty {

// The first instant after the ledger's clock at which `advance` to it changes what the member
// reads beyond restating the instant (internal.clock, and a rolling tier's period bounds):
//  - a pending release (the earliest available_at);
//  - a lot expiry (rolling: the first lot's expires_at) or the inactivity expiry (last activity
//    + expiry days, while the balance is positive);
//  - a voucher expiry (the earliest expires_at);
//  - rolling tiers: a contribution leaving the window (its date + rolling_days);
//  - calendar tiers: the period's end, and the instant the refund window's start enters a year
//    that lets bound_state drop a contribution (internal.qualifying).
// Nothing else in advance, bound_state or state_to_json reads the clock. Nullopt: never. The
// ledger must be settled at its clock (advance to the clock done), as every stored state is.
std::optional<Timestamp> next_change(const Program& program, const Ledger& ledger);

// The member view of `state` brought to its clock (advance and bound_state as op_advance runs
// them, then MemberDocument::view's members), with `marks` saying where it restates the clock;
// `until` is next_change of the settled ledger. Throws the reader's error for a state without a
// clock.
struct ReadyView {
  std::string view, marks;
  std::optional<Timestamp> until;
};
ReadyView ready_view(const Program& program, MemberState state);

// The view at `now` from a ReadyView's `view` and `marks` (clock <= now < until): the marked
// instants restated for `now`. Nullopt when the marks do not fit the view or `now` is before the
// clock.
std::optional<std::string> view_at(const Program& program, std::string_view view,
                                   std::string_view marks, Timestamp now);

}  // namespace loyalty
