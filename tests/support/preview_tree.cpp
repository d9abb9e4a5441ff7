// The preview response built as an nlohmann tree: what op_preview wrote before it wrote its
// response straight into a string (core/src/json_write.hpp). Kept with the tests as the
// reference tests/unit/preview_writer_test.cpp holds the writer to, byte for byte.
#include "preview_tree.hpp"

#include <algorithm>

#include "audience.hpp"
#include "policy.hpp"

namespace loyalty {

json op_preview_tree(const Program& p, const In& request) {
  PreviewInput in;
  read_preview(p, request, in);
  const Cart& cart = in.cart;
  const Timestamp at = in.at;
  const OrderRequest& req = in.order;
  Ledger& ledger = in.ledger;
  const i64 balance_before = ledger.balance;
  const Who who = who_at(p, ledger, at);

  // Each cart reward on its own, for the list the shopper chooses from.
  const i64 merchandise = cart.lines_net - cart.order_discount_minor;
  json rewards = json::array();
  json nudges = json::array();
  for (const auto& r : p.rewards) {
    if (!acts_on_cart(r.type)) continue;
    i64 cost = 0;
    const std::optional<i64> points =
        r.type == RewardType::points_discount ? std::optional<i64>(balance_before) : std::nullopt;
    const i64 d = reward_discount(p, r, cart, merchandise, cart.shipping_minor, points, cost);
    const std::string_view status = reward_status(p, ledger, r, &cart, at, who, balance_before, d);
    const bool usable = status == "available";
    rewards.push_back(Obj()("id", r.id)("status", status)(
        "points_needed", status == "insufficient_points"
                             ? std::max<i64>(0, (r.type == RewardType::points_discount
                                                     ? std::max(r.min_points, r.step_points)
                                                     : r.cost) -
                                                    balance_before)
                             : 0)("discount_minor", usable ? d : 0)(
        "total_minor", merchandise + cart.shipping_minor - (usable ? d : 0)));
    if (status == "min_order_not_met")
      nudges.push_back(Obj()("kind", "spend_for_reward")("reward", r.id)(
          "remaining_minor", r.cond.min_order_minor - merchandise));
  }

  OrderOutcome o = preview_order(p, ledger, req);
  if (in.birthday) add_birthday(o, *in.birthday);

  json lines = json::array();
  for (const auto& l : o.lines)
    lines.push_back(Obj()("rule", l.rule)("points", l.points)("explain", l.explain.to_json()));
  json points = Obj()("total", o.points)("lines", std::move(lines));
  if (o.pending) points["available_at"] = format_timestamp(o.available_at, p.zone);
  json applied = json::array(), rejected = json::array();
  for (const auto& a : o.applied) {
    json x = Obj()("reward", a.reward)("discount_minor", a.discount_minor)("cost", a.cost);
    if (!a.voucher.empty()) x["voucher"] = a.voucher;
    if (!a.coupon.empty()) x["coupon"] = a.coupon;
    if (a.credit_minor) x["credit_minor"] = a.credit_minor;
    applied.push_back(std::move(x));
  }
  for (const auto& r : o.rejected) {
    json x = Obj()("reward", r.reward)("code", r.code)("status", r.status);
    if (!r.voucher.empty()) x["voucher"] = r.voucher;
    if (!r.coupon.empty()) x["coupon"] = r.coupon;
    rejected.push_back(std::move(x));
  }
  json cards = json::array();
  for (const auto& card : p.punch_cards) {
    json c = Obj()("id", card.id)("required", card.required)(
        "punches_after", ledger.punches[card.id])("completes", 0);
    for (const auto& progress : o.cards)
      if (progress.card == card.id) c["completes"] = progress.completes;
    const i64 missing = card.required - ledger.punches[card.id];
    if (ledger.punches[card.id] > 0 && missing <= 2)
      nudges.push_back(
          Obj()("kind", "add_item_for_punch_card")("card", card.id)("punches_missing", missing));
    cards.push_back(std::move(c));
  }
  json issued = json::array();
  for (const auto& batch : o.issued)
    for (i64 k = 0; k < batch.count; ++k)
      issued.push_back(Obj()("reward", batch.reward)("source", batch.source));
  for (const auto& r : p.earn) {
    if (r.type != EarnType::spend_threshold) continue;
    const i64 progress = ledger.threshold_progress[r.id];
    if (progress > 0)
      nudges.push_back(Obj()("kind", "spend_for_threshold")("rule", r.id)("reward", r.reward)(
          "remaining_minor", r.every_minor - progress));
  }
  json tier = nullptr;
  if (p.tiers) {
    tier = Obj()("before", o.tier_before)("after", o.tier_after)("qualifying_after",
                                                                 o.qualifying_after);
    const TierStatus now = tier_at(p, ledger, at);
    if (now.next) {
      static const char* kKinds[] = {"spend_to_next_tier", "points_to_next_tier",
                                     "orders_to_next_tier"};
      static const char* kFields[] = {"remaining_minor", "remaining_points", "remaining_orders"};
      const int b = static_cast<int>(p.tiers->basis);
      nudges.push_back(Obj()("kind", kKinds[b])(kFields[b], now.remaining)("tier", now.next->id));
    }
  }
  json totals = Obj()("merchandise_minor", o.merchandise)("discount_minor", o.discount)(
      "shipping_minor", o.shipping)("total_minor", o.total);
  if (p.uses_store_credit) {
    totals["store_credit_minor"] = o.store_credit;
    totals["store_credit_earned_minor"] = o.cashback;
  }
  json out = Obj()("points", std::move(points))(
      "redeem", Obj()("applied", std::move(applied))("rejected", std::move(rejected)))(
      "totals", totals)("balance_after", ledger.balance)("tier", std::move(tier))(
      "punch_cards", std::move(cards))("vouchers_issued", std::move(issued))(
      "rewards", std::move(rewards))("nudges", std::move(nudges));
  if (!p.challenges.empty()) {
    json steps = json::array();
    for (const auto& s : o.challenges)
      steps.push_back(Obj()("id", s.challenge->id)("step", s.step)("done", s.done)(
          "steps", s.steps)("completes", s.completes));
    out["challenges"] = std::move(steps);
  }
  return out;
}

}  // namespace loyalty
