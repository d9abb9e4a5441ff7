// The ledger replay (spec/engine.md, "Events"): events in (at, id) order turn into member state,
// the same way every time. `apply` of one event equals `replay` of the events plus this one.
#pragma once

#include "order.hpp"

namespace loyalty {

struct Event {
  std::string id, type, member_id;
  Timestamp at;
  const Node* doc = nullptr;  // the event document, for the type's own fields
  std::string path;
  In in() const { return In{*doc, path, "invalid_event"}; }
};

Event parse_event(const In& in);
// The `redeem` list of an order or a preview: rewards, pay-with-points choices, store credit.
std::vector<RedeemItem> parse_redeem(const std::optional<In>& in);

// When points next expire: the first lot's expiry (rolling), or the end of the inactivity period
// while the balance is positive; nullopt when nothing will.
std::optional<Timestamp> next_expiry(const Program& program, const Ledger& ledger);
// Brings the state to `t`: pending points released, lots expired, vouchers past their date
// dropped. Time never moves backwards.
void advance(const Program& program, MemberState& state, Timestamp t);
void advance(const Program& program, Ledger& ledger, Timestamp t,
             std::vector<HistoryEntry>* history);
// What the birthday rule granted on an activity: points, or a voucher of `reward`.
struct BirthdayGrant {
  std::string rule, reward;
  i64 points = 0;
};
// What any activity at `t` triggers before the event itself (the birthday rule).
std::optional<BirthdayGrant> on_activity(const Program& program, Ledger& ledger, Timestamp t,
                                         const std::string& event_id,
                                         std::vector<HistoryEntry>* history);

// Applies one event (ignored when its id was applied before). Rule rejections are recorded in
// the history; malformed events throw `invalid_event`. A refund recomputes its order under
// `order_program` (the version the order was evaluated under) when one is given.
void apply_event(const Program& program, MemberState& state, const Event& event,
                 const Program* order_program = nullptr);

// The typed preview: brings `ledger` (the caller's copy) to the order's time exactly as apply
// would, then evaluates and commits the order to it. Rejected rewards are skipped, not fatal.
// What the order's activity triggers (the birthday rule) is part of the outcome: its line leads
// the points, its voucher the vouchers issued, as apply posts them.
OrderOutcome preview_order(const Program& program, Ledger& ledger, const OrderRequest& order);
// Puts what the birthday rule granted into a previewed order's outcome.
void add_birthday(OrderOutcome& outcome, const BirthdayGrant& birthday);

// What every event handler shares: the event's own fields checked, a history entry begun, a
// rejection recorded (a rule said no; nothing else changes).
void check_event_fields(const In& in, std::initializer_list<std::string_view> extra);
HistoryEntry history_entry(const Program& program, const std::string& event_id,
                           const std::string& kind, Timestamp at);
void reject_event(const Program& program, MemberState& state, const Event& event,
                  const std::string& code, const std::string& message,
                  const std::string& path = "");

// A refund event (refund.cpp).
void refund_event(const Program& program, MemberState& state, const Event& event,
                  const Program& order_program);

// Sorts by (at, id), keeping the input order of exact duplicates.
void sort_events(std::vector<Event>& events);

}  // namespace loyalty
