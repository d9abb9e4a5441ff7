// One order, evaluated against a member's ledger: the rewards it redeems (discounts and their
// eligibility), the points it earns with their explanations, and its consequences (punches,
// vouchers, tier). `apply` commits the outcome to the real state; `preview` to a copy. Both run
// this code, so a preview always equals what the order then posts.
#pragma once

#include "challenges.hpp"
#include "policy.hpp"
#include "program.hpp"
#include "state.hpp"
#include "tiers.hpp"

namespace loyalty {

struct OrderRequest {
  const Cart* cart = nullptr;
  Timestamp at;
  std::vector<RedeemItem> redeem;
  std::vector<std::string> vouchers;
  std::vector<std::string> coupons;  // codes claimed and used at once, applied after vouchers
  std::string event_id;              // empty in a preview
};

struct AppliedReward {
  std::string reward, voucher;
  i64 discount_minor = 0;
  i64 cost = 0;
  bool shipping = false;
  std::string coupon;    // the code as the program writes it, when a coupon brought the reward
  i64 credit_minor = 0;  // store credit paid (a store_credit_spend reward)
};

struct RejectedReward {
  std::string reward, voucher, code, status, path;
  std::string coupon;
};

struct CardProgress {
  std::string card;
  i64 added = 0, after = 0, completes = 0;
};

// Vouchers of one reward from one source, issued together: a big order can cross a spend
// threshold hundreds of times, and one entry per voucher would cost two strings each.
struct IssuedVouchers {
  std::string reward, source;
  i64 count = 0;
};

struct OrderOutcome {
  std::vector<AppliedReward> applied;
  std::vector<RejectedReward> rejected;
  i64 merchandise = 0, discount = 0, shipping = 0, total = 0;
  i64 store_credit = 0;            // paid with store credit (in total: what is left to pay)
  i64 cashback = 0;                // store credit the order earns
  std::vector<HistoryLine> lines;  // points earned, with explanations
  i64 purchase_points = 0;         // earning rules only (what a refund may reverse)
  i64 points = 0;                  // all points the order credits
  i64 cost = 0;                    // points spent on rewards
  i64 spend = 0;                   // qualifying spend (merchandise actually paid)
  std::map<std::string, i64> threshold_spend;
  std::string tier_before, tier_after;
  std::string earn_tier;  // the tier the order earned at (a refund recomputes at it)
  Facts facts;            // what audiences asked of the member (a refund asks the same)
  i64 qualifying_after = 0;
  std::vector<CardProgress> cards;
  std::vector<IssuedVouchers> issued;         // in the order they were issued
  std::vector<HeldBonus> released;            // signup bonuses this order released
  std::vector<ChallengeStepDone> challenges;  // steps the order does
  bool pending = false;
  Timestamp available_at;
};

// The discount a cart reward gives on `cart` with `left` merchandise still discountable; 0 when
// it does not apply. For pay-with-points `points` is the shopper's choice and `cost` the points
// actually used.
i64 reward_discount(const Program& program, const Reward& reward, const Cart& cart, i64 left,
                    i64 shipping_left, std::optional<i64> points, i64& cost);

// The status a reward has for this member at `at` (cart may be null in the catalog): a literal.
std::string_view reward_status(const Program& program, const Ledger& ledger, const Reward& reward,
                               const Cart* cart, Timestamp at, const Who& who, i64 available_points,
                               i64 discount);

// Evaluates the order and commits it to `ledger` (a copy, in a preview). When a redemption is
// rejected and `whole_or_nothing` is set, the ledger is left untouched and the outcome's
// `rejected` says why.
OrderOutcome process_order(const Program& program, Ledger& ledger, const OrderRequest& order,
                           bool whole_or_nothing);

// Purchase points and qualifying spend of an order recomputed in its original context, with the
// rewards it applied taken as given (refunds).
struct Recomputed {
  i64 points = 0, spend = 0;
  std::vector<HistoryLine> lines;  // the purchase points by rule
  std::map<std::string, i64> threshold_spend;
  i64 cashback = 0;
};
Recomputed recompute_order(const Program& program, const OrderRecord& record);

// Credits points to the ledger: pays off a negative balance first, then a new lot (or pending).
void credit_points(const Program& program, Ledger& ledger, i64 points, Timestamp at);
// Takes points from the lots that expire first; the balance may go negative only if `allow_debt`.
void debit_points(Ledger& ledger, i64 points, bool allow_debt);
// Issues `count` vouchers of `reward` at `at`, numbered index+1, index+2, ... in their ids (which
// only events have).
// The voucher lasts as its issuer says (a rule, card or coupon), else as its reward says; a
// reward used "now" always ends at the next store-local midnight.
void issue_vouchers(const Program& program, Ledger& ledger, const std::string& reward,
                    const std::string& source, const std::string& event_id, Timestamp at, int index,
                    i64 count, const VoucherExpiry* issuer = nullptr);
// Issues a voucher of `reward` at `at`; the reference is to the ledger's copy.
const Voucher& issue_voucher(const Program& program, Ledger& ledger, const std::string& reward,
                             const std::string& source, const std::string& event_id, Timestamp at,
                             int index, const VoucherExpiry* issuer = nullptr);
// The first instant of the next store-local day.
Timestamp next_midnight(Timestamp at, const Zone& zone);
// Counter for a per-period limit; resets when the period changes.
i64 counter_value(const Ledger& ledger, const std::string& key, const Limit& limit, Timestamp at,
                  const Zone& zone);
void counter_bump(Ledger& ledger, const std::string& key, const Limit& limit, Timestamp at,
                  const Zone& zone, i64 by = 1);

}  // namespace loyalty
