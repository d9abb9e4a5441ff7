// preview: what a cart earns and what each reward would do, for the member now.
#include <algorithm>

#include "json_write.hpp"
#include "operations.hpp"
#include "policy.hpp"

namespace loyalty {

// Statuses compared as views: a C string compared to a view is an out-of-line strlen in wasm.
using namespace std::string_view_literals;
namespace {

std::vector<RedeemItem> read_redeem(const In& request) {
  std::vector<RedeemItem> out;
  auto in = request.find("redeem");
  if (!in) return out;
  const auto& arr = in->array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const In item = in->at(i);
    item.object({"reward", "points"});
    out.push_back({item.at("reward").string(), item.optional_integer("points", 1, INT64_MAX / 4)});
  }
  return out;
}

}  // namespace

Ledger ledger_at(const Program& p, const In& request, Timestamp t) {
  Ledger l;
  if (auto s = request.find("state")) l = state_from_json(*s, p, true).ledger;
  advance(p, l, t, nullptr);
  on_activity(p, l, t, "", nullptr);
  return l;
}

void read_preview(const Program& p, const In& request, PreviewInput& out) {
  request.object({"program", "state", "cart", "redeem", "vouchers", "now"});
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
  out.order.redeem = read_redeem(request);
  out.order.vouchers = request.strings("vouchers");
  out.ledger = ledger_at(p, request, out.at);
}

// Members are written in ascending key order, the order of the tree this replaces
// (tests/support/preview_tree.cpp); sections that the computation fills out of that order (nudges
// come from the rewards, the punch cards, the thresholds and the tier) go to their own buffers
// first.
std::string op_preview(const Program& p, const In& request) {
  PreviewInput in;
  read_preview(p, request, in);
  const Cart& cart = in.cart;
  const Timestamp at = in.at;
  Ledger& ledger = in.ledger;
  const i64 balance_before = ledger.balance;
  const std::string tier_before = tier_id(tier_at(p, ledger, at));

  // Each cart reward on its own, for the list the shopper chooses from.
  const i64 merchandise = cart.lines_net - cart.order_discount_minor;
  // Room for every reward's entry and a few nudges up front: one allocation each, usually.
  std::string rewards_text, nudges_text;
  JsonWriter rewards(rewards_text, 112 * p.rewards.size() + 2), nudges(nudges_text, 320);
  rewards.begin_array();
  nudges.begin_array();
  for (const auto& r : p.rewards) {
    if (!acts_on_cart(r.type)) continue;
    i64 cost = 0;
    const std::optional<i64> points =
        r.type == RewardType::points_discount ? std::optional<i64>(balance_before) : std::nullopt;
    const i64 d = reward_discount(p, r, cart, merchandise, cart.shipping_minor, points, cost);
    const std::string_view status =
        reward_status(p, ledger, r, &cart, at, tier_before, balance_before, d);
    const bool usable = status == "available"sv;
    const i64 needed = status == "insufficient_points"sv
                           ? std::max<i64>(0, (r.type == RewardType::points_discount
                                                   ? std::max(r.min_points, r.step_points)
                                                   : r.cost) -
                                                  balance_before)
                           : 0;
    rewards.begin_object()
        .member("discount_minor", usable ? d : 0)
        .member("id", r.id)
        .member("points_needed", needed)
        .member("status", status)
        .member("total_minor", merchandise + cart.shipping_minor - (usable ? d : 0))
        .end_object();
    if (status == "min_order_not_met"sv)
      nudges.begin_object()
          .member("kind", "spend_for_reward")
          .member("remaining_minor", r.cond.min_order_minor - merchandise)
          .member("reward", r.id)
          .end_object();
  }
  rewards.end_array();

  const OrderOutcome o = preview_order(p, ledger, in.order);

  std::string cards_text;
  JsonWriter cards(cards_text, 80 * p.punch_cards.size() + 2);
  cards.begin_array();
  for (const auto& card : p.punch_cards) {
    const i64 punches = ledger.punches[card.id];
    i64 completes = 0;
    for (const auto& progress : o.cards)
      if (progress.card == card.id) completes = progress.completes;
    cards.begin_object()
        .member("completes", completes)
        .member("id", card.id)
        .member("punches_after", punches)
        .member("required", card.required)
        .end_object();
    const i64 missing = card.required - punches;
    if (punches > 0 && missing <= 2)
      nudges.begin_object()
          .member("card", card.id)
          .member("kind", "add_item_for_punch_card")
          .member("punches_missing", missing)
          .end_object();
  }
  cards.end_array();
  for (const auto& r : p.earn) {
    if (r.type != EarnType::spend_threshold) continue;
    const i64 progress = ledger.threshold_progress[r.id];
    if (progress > 0)
      nudges.begin_object()
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
      nudges.begin_object()
          .member("kind", kKinds[b])
          .member(kFields[b], now.remaining)
          .member("tier", now.next->id)
          .end_object();
    }
  }
  nudges.end_array();

  const std::string_view rewards_json = rewards.finish(), nudges_json = nudges.finish(),
                         cards_json = cards.finish();
  std::string out;
  JsonWriter w(out, 768 + rewards_json.size() + nudges_json.size() + cards_json.size() +
                        160 * o.lines.size() + 96 * (o.applied.size() + o.rejected.size()) +
                        64 * o.issued.size());
  w.begin_object().member("balance_after", ledger.balance).key("nudges").raw(nudges_json);
  w.key("points").begin_object();
  if (o.pending) w.member("available_at", format_timestamp(o.available_at, p.utc_offset));
  w.key("lines").begin_array();
  for (const auto& l : o.lines) {
    w.begin_object().key("explain");
    l.explain.write(w);
    w.member("points", l.points).member("rule", l.rule).end_object();
  }
  w.end_array().member("total", o.points).end_object();
  w.key("punch_cards").raw(cards_json);
  w.key("redeem").begin_object().key("applied").begin_array();
  for (const auto& a : o.applied) {
    w.begin_object()
        .member("cost", a.cost)
        .member("discount_minor", a.discount_minor)
        .member("reward", a.reward);
    if (!a.voucher.empty()) w.member("voucher", a.voucher);
    w.end_object();
  }
  w.end_array().key("rejected").begin_array();
  for (const auto& r : o.rejected) {
    w.begin_object().member("code", r.code).member("reward", r.reward).member("status", r.status);
    if (!r.voucher.empty()) w.member("voucher", r.voucher);
    w.end_object();
  }
  w.end_array().end_object();
  w.key("rewards").raw(rewards_json);
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
      .member("shipping_minor", o.shipping)
      .member("total_minor", o.total)
      .end_object();
  w.key("vouchers_issued").begin_array();
  for (const auto& batch : o.issued)
    for (i64 k = 0; k < batch.count; ++k)
      w.begin_object().member("reward", batch.reward).member("source", batch.source).end_object();
  w.end_array().end_object();
  w.finish();
  return out;
}

}  // namespace loyalty
