// The member state (spec/engine.md, "Member state"): what the rules need to go on, and the
// history people read. `Ledger` is the part an order is evaluated against; preview copies it
// and runs the very code that apply runs, which is how the preview promise holds.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "cart.hpp"
#include "explain.hpp"
#include "policy.hpp"

namespace loyalty {

struct Lot {
  i64 points = 0;
  Timestamp earned_at;
  std::optional<Timestamp> expires_at;
};

struct PendingPoints {  // an order's points, and its cashback, waiting for pending_days
  i64 points = 0;
  Timestamp available_at;
  std::string event_id;
  i64 credit_minor = 0;  // store credit from cashback rules
};

struct Voucher {
  std::string id, reward, source;
  Timestamp issued_at;
  std::optional<Timestamp> expires_at;
};

struct Contribution {  // to the tier's qualifying value, dated for its period
  Timestamp at;
  i64 amount = 0;
};

struct Counter {  // uses of something within one calendar period
  i64 period_start = 0;
  i64 count = 0;
};

struct HeldBonus {  // a signup bonus waiting for an order
  std::string rule;
  i64 points = 0;
};

struct MembershipState {    // the paid membership (spec/engagement.md); status follows from time
  bool started = false;     // a membership_start was accepted
  bool trial_used = false;  // a member has one trial, ever
  bool paid = false;        // until ends a paid period (not a trial)
  bool cancelled = false;   // no renewal: benefits last until `until`
  std::optional<Timestamp> until;
  i64 anchor_day = 0;     // store-local day of the first paid day of this run of periods
  int anchor_second = 0;  // and its time of day
  i64 periods = 0;        // periods paid since the anchor
};

struct ChallengeProgress {
  std::vector<std::string> done;  // step ids, in the order they were done
  i64 completed = 0;
};

struct Ledger {
  std::string member_id;
  i64 program_version = 0;
  Timestamp clock{INT64_MIN / 2};  // the latest instant the state has been brought to
  std::optional<Timestamp> enrolled_at;
  i64 balance = 0;        // available points; negative only after a refund reversal
  std::vector<Lot> lots;  // Σ points == balance when balance >= 0
  std::vector<PendingPoints> pending;
  std::vector<Voucher> vouchers;
  std::map<std::string, i64> punches;
  std::map<std::string, i64> threshold_progress;
  i64 store_credit_minor = 0;
  i64 donations_minor = 0;
  std::vector<Contribution> qualifying;
  std::map<std::string, Counter> counters;  // "action:<rule>", "reward:<id>"
  std::vector<HeldBonus> held;
  std::string birthday;   // "MM-DD"
  int birthday_year = 0;  // last year the birthday rule granted
  std::string referred_by;
  std::set<std::string> referees;
  std::optional<Timestamp> last_activity;
  MembershipState membership;
  // Orders not fully refunded, oldest first, for frequency and win-back audiences: those of the
  // last kMaxOrderWindowDays and always the latest.
  std::vector<Timestamp> order_times;
  struct SegmentMark {
    i64 orders = 0;                  // orders standing with a line the segment matches
    std::optional<Timestamp> since;  // when a `bought` segment was first met
  };
  std::map<std::string, SegmentMark> segments;
  std::map<std::string, ChallengeProgress> challenges;
  struct Lifetime {
    i64 earned = 0, redeemed = 0, expired = 0, adjusted = 0, spend_minor = 0, orders = 0;
  } lifetime;
};

struct RedeemItem {
  std::string reward;
  std::optional<i64> points;        // pay-with-points
  i64 cost = 0;                     // points it cost when the order was posted (0 in a request)
  std::optional<i64> credit_minor;  // store credit to spend (default: all that is held)
};

struct OrderRecord {  // what a later refund needs to recompute the order in its context
  std::string order_id, event_id;
  Timestamp at;
  std::string tier;
  Facts facts;  // the audience facts the order was evaluated with
  Cart cart;    // the units not refunded yet
  std::vector<RedeemItem> redeem;
  std::vector<Voucher> vouchers;     // used in the order, returned by a full refund
  std::vector<std::string> coupons;  // codes claimed in the order (keys); a full refund undoes them
  i64 points = 0;                    // purchase points still standing
  i64 spent = 0;                     // points paid for rewards
  i64 credit_spent = 0;              // store credit paid, returned by a full refund
  i64 cashback = 0;                  // store credit the order earned and still stands
  i64 spend = 0;                     // qualifying spend still standing
  std::map<std::string, i64> threshold_spend;
  std::map<std::string, i64> punches;
  std::vector<HeldBonus> released;  // signup bonuses the order released, held again on full refund
  bool refunded = false;
  i64 program_version = 0;  // the version the order was evaluated under (refunds recompute there)
};

struct HistoryLine {
  std::string rule;
  i64 points = 0;
  Explain explain;
};

struct HistoryEntry {
  std::string event_id, kind, event_type;
  Timestamp at;
  i64 points = 0;
  i64 program_version = 0;
  std::vector<HistoryLine> lines;
  json extra;  // kind-specific members (error, reward, vouchers, ...)
};

struct MemberState {
  Ledger ledger;
  std::map<std::string, OrderRecord> orders;  // by order id
  std::map<std::string, Timestamp> seen;      // applied event ids, with their times
  std::vector<HistoryEntry> history;          // the latest entries (bounds.hpp)
  i64 history_total = 0;                      // entries ever written, trimmed ones included
};

class Program;
// The state JSON of docs/engine-json.md, tier and expiry figures computed for `now`.
json state_to_json(const MemberState& state, const Program& program);
// `ledger_only` skips the history and the stored orders (previews and the catalog need neither).
MemberState state_from_json(const In& in, const Program& program, bool ledger_only = false);
// One history entry as the engine wrote it (metrics read stored outcomes with it).
HistoryEntry history_from(const In& in);

}  // namespace loyalty
