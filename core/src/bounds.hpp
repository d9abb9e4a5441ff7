// What keeps a member's state the same size however long their past (spec/sync.md, "Cost that
// does not grow with a member's past"): orders, event ids and late events reach back
// `limits.refund_days` from the state's clock; tier contributions are kept while a period they
// fall in can still decide a tier; the history keeps its latest entries (the server pages the
// rest). Nothing trimmed here can change a later answer.
#pragma once

#include "program.hpp"
#include "state.hpp"

namespace loyalty {

constexpr std::size_t kHistoryKept = 50;

// The oldest instant an event, a refunded order or a remembered id may have: the state's clock
// minus refund_days. A state that has seen no event has no window (the epoch's far past).
Timestamp window_start(const Program& program, const Ledger& ledger);
bool before_window(const Program& program, const Ledger& ledger, Timestamp at);

// Counts the `appended` history entries this call wrote, then drops what the window no longer
// reaches. The history keeps the latest kHistoryKept entries, or `keep_at_least` when more: apply
// keeps every entry its event wrote, so each reaches the caller (the server stores them) once.
void bound_state(const Program& program, MemberState& state, std::size_t appended,
                 std::size_t keep_at_least = 0);

}  // namespace loyalty
