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

MembershipTally::MembershipTally(const Program& p, Timestamp from, Timestamp until)
    : p_(p), from_(from), until_(until) {
  for (const char* s : {"none", "trial", "active", "grace", "lapsed", "cancelled"})
    by_status_[s] = 0;
}

void MembershipTally::add_member(const std::vector<HistoryEntry>& history) {
  MembershipState m;
  for (const auto& h : history) {
    if (h.kind != "membership" || h.at >= until_) continue;
    follow(h, m);
    const i64 fee = h.extra.is_object() ? h.extra.value("amount_minor", i64{0}) : 0;
    if (fee > 0 && h.at >= from_) {
      ++payments_;
      revenue_ = add(revenue_, fee);
    }
  }
  by_status_[membership_status(p_, m, Timestamp{until_.ms - 1})] += 1;
}

nlohmann::json MembershipTally::to_json() const {
  return Obj()("id", p_.membership->id)("by_status", by_status_)("payments", payments_)(
      "fee_revenue_minor", revenue_);
}

}  // namespace loyalty
