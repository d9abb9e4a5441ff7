#include "metrics_membership.hpp"

#include "membership.hpp"

namespace loyalty {
namespace {

// Follows one `membership` history entry: the state it left, as membership.cpp set it.
void follow(const HistoryEntry& h, MembershipState& m) {
  if (h.lines.empty()) return;
  const nlohmann::json why = h.lines.front().explain.to_json();
  const std::string key = why.value("key", "");
  std::optional<Timestamp> until;
  if (const auto args = why.find("args"); args != why.end() && args->contains("until")) {
    Timestamp t;
    if ((*args)["until"].is_string() && parse_timestamp((*args)["until"].get<std::string>(), t))
      until = t;
  }
  if (key == "membership.lapsed") return;  // time alone did it: the status follows from `until`
  if (key == "membership.cancelled") {
    m.cancelled = true;
    return;
  }
  m.started = true;
  m.cancelled = false;
  m.paid = key == "membership.paid";
  m.until = key == "membership.waiting" ? std::nullopt : until;
}

}  // namespace

const char* membership_status_from(const Program& p, const std::vector<HistoryEntry>& history,
                                   Timestamp until) {
  MembershipState m;
  for (const auto& h : history)
    if (h.kind == "membership" && h.at < until) follow(h, m);
  return membership_status(p, m, Timestamp{until.ms - 1});
}

}  // namespace loyalty
