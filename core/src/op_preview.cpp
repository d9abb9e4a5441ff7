// preview: what a cart earns and what each reward would do, for the member now.
#include <algorithm>

#include "audience.hpp"
#include "json_write.hpp"
#include "operations.hpp"
#include "policy.hpp"
#include "scratch.hpp"

namespace loyalty {

// Statuses compared as views: a C string compared to a view is an out-of-line strlen in wasm.
using namespace std::string_view_literals;
namespace {}  // namespace

Ledger ledger_at(const Program& p, const In& request, Timestamp t) {
  Ledger l;
  if (auto s = request.find("state")) l = state_from_json(*s, p, true).ledger;
  advance(p, l, t, nullptr);
  on_activity(p, l, t, "", nullptr);
  return l;
}

void read_preview(const Program& p, const In& request, PreviewInput& out) {
  request.object({"program", "state", "cart", "redeem", "vouchers", "coupons", "now"});
  out.cart = parse_cart(request.at("cart"), p);
  if (out.cart.at) {
    out.at = *out.cart.at;
  } else if (auto now = request.find("now")) {
    out.at = read_timestamp(*now);
  } else {
    request.fail_at("now", "now is required when the cart has no \"at\"");
  }
  out.order.cart = &out.cart;
  out.order.at = out.at;
  out.order.redeem = parse_redeem(request.find("redeem"));
  out.order.vouchers = request.strings("vouchers");
  out.order.coupons = request.strings("coupons");
  if (auto s = request.find("state")) out.ledger = state_from_json(*s, p, true).ledger;
  advance(p, out.ledger, out.at, nullptr);
  out.birthday = on_activity(p, out.ledger, out.at, "", nullptr);
}

namespace {

// A cart reward as the shopper's list shows it, computed before the order changes the ledger.
struct RewardRow {
  const Reward* reward = nullptr;
  std::string_view status;
  i64 discount = 0;  // what it takes off, when usable
  i64 needed = 0;    // points missing, when the balance is short
};

void write_nudge_for_reward(JsonWriter& w, const RewardRow& row, i64 merchandise) {
  w.begin_object()
      .member("kind", "spend_for_reward")
      .member("remaining_minor", row.reward->cond.min_order_minor - merchandise)
      .member("reward", row.reward->id)
      .end_object();
}

// The steps of op_preview, always inlined: they compile to what the one function was (its speed
// is the preview's, docs/performance.md), and each reads at once.

// Each cart reward on its own, for the list the shopper chooses from: `rows` gets one per reward
// that acts on a cart; returns how many.
[[gnu::always_inline]] inline std::size_t reward_rows(const Program& p, const PreviewInput& in,
                                                      const Who& who, i64 merchandise,
                                                      RewardRow* rows) {
  const Cart& cart = in.cart;
  const i64 balance = in.ledger.balance;
  std::size_t count = 0;
  for (const auto& r : p.rewards) {
    if (!acts_on_cart(r.type)) continue;
    i64 cost = 0;
    const std::optional<i64> points =
        r.type == RewardType::points_discount ? std::optional<i64>(balance) : std::nullopt;
    const i64 d = reward_discount(p, r, cart, merchandise, cart.shipping_minor, points, cost);
    RewardRow& row = rows[count++];
    row.reward = &r;
    row.status = reward_status(p, in.ledger, r, &cart, in.at, who, balance, d);
    row.discount = row.status == "available"sv ? d : 0;
    row.needed = row.status == "insufficient_points"sv
                     ? std::max<i64>(0, (r.type == RewardType::points_discount
                                             ? std::max(r.min_points, r.step_points)
                                             : r.cost) -
                                            balance)
                     : 0;
  }
  return count;
}

// Nudges: rewards a little more spend unlocks, punch cards one or two punches short, thresholds
// under way, the next tier.
[[gnu::always_inline]] inline void write_nudges(JsonWriter& w, const Program& p, Ledger& ledger,
                                                Timestamp at, const RewardRow* rows,
                                                std::size_t row_count, i64 merchandise) {
  w.key("nudges").begin_array();
  for (std::size_t i = 0; i < row_count; ++i)
    if (rows[i].status == "min_order_not_met"sv) write_nudge_for_reward(w, rows[i], merchandise);
  for (const auto& card : p.punch_cards) {
    const i64 punches = ledger.punches[card.id];
    const i64 missing = card.required - punches;
    if (punches > 0 && missing <= 2)
      w.begin_object()
          .member("card", card.id)
          .member("kind", "add_item_for_punch_card")
          .member("punches_missing", missing)
          .end_object();
  }
  for (const auto& r : p.earn) {
    if (r.type != EarnType::spend_threshold) continue;
    const i64 progress = ledger.threshold_progress[r.id];
    if (progress > 0)
      w.begin_object()
          .member("kind", "spend_for_threshold")
          .member("remaining_minor", r.every_minor - progress)
          .member("reward", r.reward)
          .member("rule", r.id)
          .end_object();
  }
  if (p.tiers) {
    const TierStatus now = tier_at(p, ledger, at);
    if (now.next) {
      static const char* kKinds[] = {"spend_to_next_tier", "points_to_next_tier",
                                     "orders_to_next_tier"};
      static const char* kFields[] = {"remaining_minor", "remaining_points", "remaining_orders"};
      const int b = static_cast<int>(p.tiers->basis);
      w.begin_object()
          .member("kind", kKinds[b])
          .member(kFields[b], now.remaining)
          .member("tier", now.next->id)
          .end_object();
    }
  }
  w.end_array();
}

[[gnu::always_inline]] inline void write_points(JsonWriter& w, const Program& p,
                                                const OrderOutcome& o) {
  w.key("points").begin_object();
  if (o.pending) w.member("available_at", format_timestamp(o.available_at, p.zone));
  w.key("lines").begin_array();
  for (const auto& l : o.lines) {
    w.begin_object().key("explain");
    l.explain.write(w);
    w.member("points", l.points).member("rule", l.rule).end_object();
  }
  w.end_array().member("total", o.points).end_object();
}

[[gnu::always_inline]] inline void write_punch_cards(JsonWriter& w, const Program& p,
                                                     Ledger& ledger, const OrderOutcome& o) {
  w.key("punch_cards").begin_array();
  for (const auto& card : p.punch_cards) {
    i64 completes = 0;
    for (const auto& progress : o.cards)
      if (progress.card == card.id) completes = progress.completes;
    w.begin_object()
        .member("completes", completes)
        .member("id", card.id)
        .member("punches_after", ledger.punches[card.id])
        .member("required", card.required)
        .end_object();
  }
  w.end_array();
}

// The challenge steps the cart would do: which, how far it brings the challenge, and whether it
// completes it.
void write_challenges(JsonWriter& w, const OrderOutcome& o) {
  w.key("challenges").begin_array();
  for (const auto& s : o.challenges)
    w.begin_object()
        .member("completes", s.completes)
        .member("done", s.done)
        .member("id", s.challenge->id)
        .member("step", s.step)
        .member("steps", s.steps)
        .end_object();
  w.end_array();
}

[[gnu::always_inline]] inline void write_redeem(JsonWriter& w, const OrderOutcome& o) {
  w.key("redeem").begin_object().key("applied").begin_array();
  for (const auto& a : o.applied) {
    w.begin_object().member("cost", a.cost);
    if (!a.coupon.empty()) w.member("coupon", a.coupon);
    if (a.credit_minor) w.member("credit_minor", a.credit_minor);
    w.member("discount_minor", a.discount_minor).member("reward", a.reward);
    if (!a.voucher.empty()) w.member("voucher", a.voucher);
    w.end_object();
  }
  w.end_array().key("rejected").begin_array();
  for (const auto& r : o.rejected) {
    w.begin_object().member("code", r.code);
    if (!r.coupon.empty()) w.member("coupon", r.coupon);
    w.member("reward", r.reward).member("status", r.status);
    if (!r.voucher.empty()) w.member("voucher", r.voucher);
    w.end_object();
  }
  w.end_array().end_object();
}

[[gnu::always_inline]] inline void write_rewards(JsonWriter& w, const RewardRow* rows,
                                                 std::size_t row_count, i64 merchandise,
                                                 i64 shipping) {
  w.key("rewards").begin_array();
  for (std::size_t i = 0; i < row_count; ++i)
    w.begin_object()
        .member("discount_minor", rows[i].discount)
        .member("id", rows[i].reward->id)
        .member("points_needed", rows[i].needed)
        .member("status", rows[i].status)
        .member("total_minor", merchandise + shipping - rows[i].discount)
        .end_object();
  w.end_array();
}

// "tier", "totals" and "vouchers_issued", the answer's last members.
[[gnu::always_inline]] inline void write_outcome(JsonWriter& w, const Program& p,
                                                 const OrderOutcome& o) {
  w.key("tier");
  if (p.tiers)
    w.begin_object()
        .member("after", o.tier_after)
        .member("before", o.tier_before)
        .member("qualifying_after", o.qualifying_after)
        .end_object();
  else
    w.null();
  w.key("totals")
      .begin_object()
      .member("discount_minor", o.discount)
      .member("merchandise_minor", o.merchandise)
      .member("shipping_minor", o.shipping);
  if (p.uses_store_credit)
    w.member("store_credit_earned_minor", o.cashback).member("store_credit_minor", o.store_credit);
  w.member("total_minor", o.total).end_object();
  w.key("vouchers_issued").begin_array();
  for (const auto& batch : o.issued)
    for (i64 k = 0; k < batch.count; ++k)
      w.begin_object().member("reward", batch.reward).member("source", batch.source).end_object();
  w.end_array();
}

}  // namespace

// One writer, members in ascending key order, the order of the tree this replaces
// (tests/support/preview_tree.cpp). What the order changes comes after the rewards' rows, which
// are computed against the ledger before it.
std::string op_preview(const Program& p, const In& request) {
  PreviewInput in;
  read_preview(p, request, in);
  Ledger& ledger = in.ledger;
  const Who who = who_at(p, ledger, in.at);
  const i64 merchandise = in.cart.lines_net - in.cart.order_discount_minor;
  Scratch<RewardRow, 16> rows(p.rewards.size());
  const std::size_t row_count = reward_rows(p, in, who, merchandise, rows.data());

  OrderOutcome o = preview_order(p, ledger, in.order);
  if (in.birthday) add_birthday(o, *in.birthday);

  std::string out;
  JsonWriter w(out, 1024 + 160 * (row_count + o.lines.size() + p.punch_cards.size()) +
                        96 * (o.applied.size() + o.rejected.size() + o.issued.size()));
  w.begin_object().member("balance_after", ledger.balance);
  if (!p.challenges.empty()) write_challenges(w, o);
  write_nudges(w, p, ledger, in.at, rows.data(), row_count, merchandise);
  write_points(w, p, o);
  write_punch_cards(w, p, ledger, o);
  write_redeem(w, o);
  write_rewards(w, rows.data(), row_count, merchandise, in.cart.shipping_minor);
  write_outcome(w, p, o);
  w.end_object();
  w.finish();
  return out;
}

}  // namespace loyalty
