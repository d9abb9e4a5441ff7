// The time sweep (spec/sync.md, "Webhooks"): points expiring and expired, a member lapsed, a
// membership status moved by time. Every write leaves the member's next due instant in
// member_sweep; a periodic job takes the members due, the longest waiting first, and for each,
// under the member's lock, re-reads the row (another instance may have swept them meanwhile),
// brings the state to now, adds the events to the outbox and stores the next due instant — all
// in one transaction. Event ids are keyed by (member, kind, instant), so a sweep that runs twice
// adds no second delivery. A sweep stores no event and no snapshot: the ledger is unchanged.
#include <loyalty/member.hpp>
#include <loyalty/time.hpp>

#include "clock.hpp"
#include "service.hpp"
#include "webhook_events.hpp"

namespace srv {

using nlohmann::json;

SweepRow Service::sweep_after_write(WriteTxn& txn, const Program& p, const std::string& member_id,
                                    const json& event, const std::string& view,
                                    std::optional<std::int64_t> until_ms,
                                    std::optional<std::int64_t> clock_ms) {
  SweepRow row;
  if (auto before = txn.sweep_row(member_id)) row.last_order_ms = before->last_order_ms;
  if (event.value("type", "") == "order" && event.contains("at") && event["at"].is_string())
    if (auto at = loyalty::parse_rfc3339(event["at"].get<std::string>()))
      if (!row.last_order_ms || *at > *row.last_order_ms) row.last_order_ms = *at;
  const json parsed = json::parse(view, nullptr, false);
  row.due_ms = next_sweep_ms({&parsed, until_ms, clock_ms.value_or(now_ms()), notice_days(),
                              p.lapsed_days, row.last_order_ms, true});
  return row;
}

int Service::sweep_due(std::int64_t now, int limit) {
  int swept = 0;
  for (const auto& member_id : store_.members_due(now, limit))
    if (sweep_member(member_id, now)) ++swept;
  return swept;
}

bool Service::sweep_member(const std::string& member_id, std::int64_t now) {
  auto txn = store_.begin_write(member_id);
  const auto row = txn->sweep_row(member_id);
  if (!row || !row->due_ms || *row->due_ms > now) return false;  // swept by another instance
  const auto snapshot = txn->member_snapshot(member_id);
  const Program p = program_for_write(*txn);
  WriteSet w;
  w.member_id = member_id;
  w.sweep = SweepRow{std::nullopt, row->last_order_ms};
  const std::string advanced = snapshot ? p.engine->advance(snapshot->state, now) : "";
  const auto doc = loyalty::MemberDocument::parse(advanced);
  if (doc) {  // a state the core cannot advance is left alone (not swept again and again)
    const json state = json::parse(snapshot->state, nullptr, false);
    const json view = json::parse(doc->view(), nullptr, false);
    const SweepFacts facts{member_id,
                           &state,
                           &view,
                           now,
                           notice_days(),
                           p.lapsed_days,
                           row->last_order_ms.value_or(-1)};
    if (webhooks_) w.webhooks = webhooks_->rows_of(sweep_events(facts), now);
    const auto dated = p.engine->dated_view(advanced);
    w.sweep->due_ms = next_sweep_ms({&view, dated ? dated->until_ms : std::nullopt, now,
                                     notice_days(), p.lapsed_days, row->last_order_ms, false});
  }
  std::string error;
  return txn->commit(w, error) == CommitResult::ok;
}

}  // namespace srv
