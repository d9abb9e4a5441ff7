// The paid membership in metrics (spec/engine.md, "Added for merchants"): the status a member is
// in at the end of the window, read from the membership entries the engine wrote (the fees paid
// are counted per entry, classify_for_metrics).
#pragma once

#include "ledger.hpp"

namespace loyalty {

// The status at `until` of a member with these history entries (only membership ones count).
const char* membership_status_from(const Program& p, const std::vector<HistoryEntry>& history,
                                   Timestamp until);

}  // namespace loyalty
