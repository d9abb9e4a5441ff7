// preview and catalog: what a cart earns and what each reward would do, for the member now.
#include <algorithm>

#include "json_write.hpp"
#include "operations.hpp"
#include "policy.hpp"

namespace loyalty {
namespace {

const char* type_name(EarnType t) {
  switch (t) {
    case EarnType::per_spend:
      return "per_spend";
    case EarnType::per_item:
      return "per_item";
    case EarnType::per_order:
      return "per_order";
    case EarnType::bonus:
      return "bonus";
    case EarnType::multiplier:
      return "multiplier";
    case EarnType::spend_threshold:
      return "spend_threshold";
    case EarnType::signup:
      return "signup";
    case EarnType::birthday:
      return "birthday";
    case EarnType::action:
      return "action";
    case EarnType::referral:
      return "referral";
  }
  return "";
}

const char* type_name(RewardType t) {
  switch (t) {
    case RewardType::fixed_discount:
      return "fixed_discount";
    case RewardType::percent_discount:
      return "percent_discount";
    case RewardType::free_item:
      return "free_item";
    case RewardType::free_shipping:
      return "free_shipping";
    case RewardType::points_discount:
      return "points_discount";
    case RewardType::store_credit:
      return "store_credit";
    case RewardType::choice:
      return "choice";
    case RewardType::charity:
      return "charity";
    case RewardType::gift_card:
      return "gift_card";
    case RewardType::experience:
      return "experience";
    case RewardType::physical:
      return "physical";
    case RewardType::digital:
      return "digital";
  }
  return "";
}

const char* period_name(Period p) {
  switch (p) {
    case Period::day:
      return "day";
    case Period::week:
      return "week";
    case Period::month:
      return "month";
    case Period::year:
      return "year";
    case Period::lifetime:
      return "lifetime";
  }
  return "";
}

json conditions_json(const Conditions& c, const Program& p) {
  json out = json::object();
  if (!c.audience.empty()) out["audience"] = c.audience;
  if (c.min_order_minor) out["min_order_minor"] = c.min_order_minor;
  if (c.match) {
    json m = json::object();
    if (!c.match->skus.empty()) m["skus"] = c.match->skus;
    if (!c.match->categories.empty()) m["categories"] = c.match->categories;
    if (!c.match->exclude_skus.empty()) m["exclude_skus"] = c.match->exclude_skus;
    if (!c.match->exclude_categories.empty()) m["exclude_categories"] = c.match->exclude_categories;
    out["match"] = std::move(m);
  }
  if (c.when) {
    json w = json::object();
    if (c.when->from) w["from"] = format_timestamp(*c.when->from, p.utc_offset);
    if (c.when->until) w["until"] = format_timestamp(*c.when->until, p.utc_offset);
    static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    json days = json::array();
    for (int d = 0; d < 7; ++d)
      if (c.when->days_mask & (1u << d)) days.push_back(kDays[d]);
    if (!days.empty()) w["days"] = std::move(days);
    if (c.when->hour_start) {
      auto clock = [](int s) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%02d:%02d", s / 3600, s / 60 % 60);
        return std::string(buf);
      };
      w["hours"] = {clock(*c.when->hour_start), clock(*c.when->hour_end)};
    }
    out["when"] = std::move(w);
  }
  return out;
}

json way_to_earn(const EarnRule& r) {
  json args = json::object();
  switch (r.type) {
    case EarnType::per_spend:
      args = Obj()("points", r.points)("per_minor", r.per_minor);
      break;
    case EarnType::per_item:
    case EarnType::per_order:
      args = Obj()("points", r.points);
      break;
    case EarnType::bonus:
      args = Obj()("points", r.points)("min_quantity", r.min_quantity);
      break;
    case EarnType::multiplier:
      args = Obj()("factor", to_string(r.factor));
      break;
    case EarnType::spend_threshold:
      args = Obj()("every_minor", r.every_minor)("reward", r.reward);
      break;
    case EarnType::signup:
      args = Obj()("points", r.points)("mode", r.mode == SignupMode::immediate    ? "immediate"
                                               : r.mode == SignupMode::next_order ? "next_order"
                                                                                  : "after_spend");
      break;
    case EarnType::birthday:
      args = r.reward.empty() ? json(Obj()("points", r.points)) : json(Obj()("reward", r.reward));
      break;
    case EarnType::action:
      args = Obj()("action", r.action)("points", r.points);
      if (r.limit) args["limit"] = Obj()("count", r.limit->count)("per", period_name(r.limit->per));
      break;
    case EarnType::referral:
      args = Obj()("referrer_points", r.referrer_points)("referee_points", r.referee_points);
      break;
  }
  return Obj()("key", std::string("way.") + type_name(r.type))("args", std::move(args));
}

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

// The member's ledger brought to `t`, as apply would find it just before an event at `t`.
Ledger ledger_at(const Program& p, const In& request, Timestamp t) {
  Ledger l;
  if (auto s = request.find("state")) l = state_from_json(*s, p, true).ledger;
  advance(p, l, t, nullptr);
  on_activity(p, l, t, "", nullptr);
  return l;
}

json reward_json(const Program& p, const Reward& r, std::string_view status, i64 balance) {
  json out = Obj()("id", r.id)("name", r.name)("type", type_name(r.type))("cost", r.cost)(
      "status", status)("points_needed",
                        status == "insufficient_points" ? std::max<i64>(0, r.cost - balance) : 0);
  if (r.amount_minor) out["amount_minor"] = r.amount_minor;
  if (r.type == RewardType::percent_discount) {
    out["percent"] = to_string(r.percent);
    if (r.max_minor) out["max_minor"] = *r.max_minor;
  }
  if (r.max_value_minor) out["max_value_minor"] = *r.max_value_minor;
  if (r.type == RewardType::points_discount) {
    out["step_points"] = r.step_points;
    out["step_minor"] = r.step_minor;
    out["min_points"] = r.min_points;
    if (r.max_order_percent) out["max_order_percent"] = to_string(*r.max_order_percent);
    if (status == "insufficient_points")
      out["points_needed"] = std::max<i64>(r.min_points, r.step_points) - balance;
  }
  if (!r.options.empty()) {
    json opts = json::array();
    for (const auto& o : r.options) opts.push_back(Obj()("id", o.id)("name", o.name));
    out["options"] = std::move(opts);
  }
  if (!r.cause.empty()) out["cause"] = r.cause;
  if (!r.details.is_null()) out["details"] = r.details;
  if (r.limit) out["limit"] = Obj()("count", r.limit->count)("per", period_name(r.limit->per));
  const json cond = conditions_json(r.cond, p);
  if (!cond.empty()) out["conditions"] = cond;
  return out;
}

}  // namespace

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
  std::string rewards_text, nudges_text;
  JsonWriter rewards(rewards_text), nudges(nudges_text);
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
    const bool usable = status == "available";
    const i64 needed = status == "insufficient_points"
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
    if (status == "min_order_not_met")
      nudges.begin_object()
          .member("kind", "spend_for_reward")
          .member("remaining_minor", r.cond.min_order_minor - merchandise)
          .member("reward", r.id)
          .end_object();
  }
  rewards.end_array();

  const OrderOutcome o = preview_order(p, ledger, in.order);

  std::string cards_text;
  JsonWriter cards(cards_text);
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

  std::string out;
  out.reserve(512 + rewards_text.size() + nudges_text.size() + cards_text.size() +
              96 * o.lines.size());
  JsonWriter w(out);
  w.begin_object().member("balance_after", ledger.balance).key("nudges").raw(nudges_text);
  w.key("points").begin_object();
  if (o.pending) w.member("available_at", format_timestamp(o.available_at, p.utc_offset));
  w.key("lines").begin_array();
  for (const auto& l : o.lines) {
    w.begin_object().key("explain");
    l.explain.write(w);
    w.member("points", l.points).member("rule", l.rule).end_object();
  }
  w.end_array().member("total", o.points).end_object();
  w.key("punch_cards").raw(cards_text);
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
  w.key("rewards").raw(rewards_text);
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
  return out;
}

json op_catalog(const Program& p, const In& request) {
  request.object({"program", "state", "now"});
  const Timestamp now = read_timestamp(request.at("now"));
  const Ledger ledger = ledger_at(p, request, now);
  const TierStatus status = tier_at(p, ledger, now);
  const std::string tier = tier_id(status);
  json earn = json::array();
  for (const auto& r : p.earn) {
    std::string st = "active";
    if (!in_audience(r.cond.audience, tier))
      st = "tier_locked";
    else if (!in_window(r.cond.when, now, p.utc_offset))
      st = "not_in_window";
    else if (r.limit &&
             counter_value(ledger, "action:" + r.id, *r.limit, now, p.utc_offset) >= r.limit->count)
      st = "limit_reached";
    json item =
        Obj()("id", r.id)("type", type_name(r.type))("status", st)("explain", way_to_earn(r));
    if (!r.name.empty()) item["name"] = r.name;
    const json cond = conditions_json(r.cond, p);
    if (!cond.empty()) item["conditions"] = cond;
    if (r.max_points) item["max_points"] = *r.max_points;
    earn.push_back(std::move(item));
  }
  json rewards = json::array();
  for (const auto& r : p.rewards)
    rewards.push_back(reward_json(
        p, r, reward_status(p, ledger, r, nullptr, now, tier, ledger.balance, 0), ledger.balance));
  json cards = json::array();
  for (const auto& c : p.punch_cards) {
    auto it = ledger.punches.find(c.id);
    cards.push_back(Obj()("id", c.id)("name", c.name)("required", c.required)("reward", c.reward)(
        "punches", it == ledger.punches.end() ? 0 : it->second)(
        "punch", c.per_item ? "per_item" : "per_order"));
  }
  json tiers = nullptr;
  if (p.tiers) {
    tiers = json::array();
    for (const auto& l : p.tiers->levels) {
      json level = Obj()("id", l.id)("name", l.name)("min", l.min)("benefits", l.benefits)(
          "current", l.id == tier);
      if (l.earn_multiplier) level["earn_multiplier"] = to_string(*l.earn_multiplier);
      tiers.push_back(std::move(level));
    }
  }
  static const char* kBasis[] = {"spend", "points", "orders"};
  json tier_json = nullptr;
  if (p.tiers)
    tier_json = Obj()("id", tier)("qualifying", status.qualifying)(
        "basis", kBasis[static_cast<int>(p.tiers->basis)])(
        "next", status.next ? json(Obj()("id", status.next->id)("remaining", status.remaining))
                            : json(nullptr));
  return Obj()("balance", ledger.balance)("currency", p.currency.code)(
      "points_label", Obj()("one", p.label_one)("other", p.label_other))(
      "tier", std::move(tier_json))("tiers", std::move(tiers))("earn", std::move(earn))(
      "rewards", std::move(rewards))("punch_cards", std::move(cards));
}

}  // namespace loyalty
