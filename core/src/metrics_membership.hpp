// The paid membership in metrics (spec/engine.md, "Added for merchants"): how many members are in
// each status at the end of the window, and the fees paid in it, apart from loyalty revenue. Read
// from the history entries the engine wrote, like every other figure.
#pragma once

#include "ledger.hpp"

namespace loyalty {

class MembershipTally {
 public:
  MembershipTally(const Program& p, Timestamp from, Timestamp until);
  // One member's history entries before `until`, oldest first.
  void add_member(const std::vector<HistoryEntry>& history);
  nlohmann::json to_json() const;

 private:
  const Program& p_;
  Timestamp from_, until_;
  std::map<std::string, i64> by_status_;
  i64 payments_ = 0, revenue_ = 0;
};

}  // namespace loyalty
