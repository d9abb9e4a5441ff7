// catalog: the program as a member sees it now (ways to earn with their status, rewards with
// theirs, punch cards, tiers). Not on the preview's path: in the WebAssembly build this file is
// compiled for size, op_preview.cpp for speed.
#include <algorithm>

#include "audience.hpp"
#include "challenges.hpp"
#include "games.hpp"
#include "membership.hpp"
#include "operations.hpp"
#include "padded.hpp"
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
    case EarnType::cashback:
      return "cashback";
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
    case RewardType::store_credit_spend:
      return "store_credit_spend";
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

// A locked item says which audience field failed, and the audience as written, for the wording.
void add_audience(json& out, const Conditions& c, std::string_view status, const Who& who) {
  if (!c.extra.doc.is_null()) out["audience"] = c.extra.doc;
  if (status == "audience_locked") out["reason"] = audience_failure(c, who);
}

json match_json(const Match& match) {
  json m = json::object();
  if (!match.skus.empty()) m["skus"] = match.skus;
  if (!match.categories.empty()) m["categories"] = match.categories;
  if (!match.exclude_skus.empty()) m["exclude_skus"] = match.exclude_skus;
  if (!match.exclude_categories.empty()) m["exclude_categories"] = match.exclude_categories;
  return m;
}

json conditions_json(const Conditions& c, const Program& p) {
  json out = json::object();
  if (!c.audience.empty()) out["audience"] = c.audience;
  if (c.min_order_minor) out["min_order_minor"] = c.min_order_minor;
  if (c.match) out["match"] = match_json(*c.match);
  if (c.when) {
    json w = json::object();
    if (c.when->from) w["from"] = format_timestamp(*c.when->from, p.zone);
    if (c.when->until) w["until"] = format_timestamp(*c.when->until, p.zone);
    static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    json days = json::array();
    for (int d = 0; d < 7; ++d)
      if (c.when->days_mask & (1u << d)) days.push_back(kDays[d]);
    if (!days.empty()) w["days"] = std::move(days);
    if (c.when->hour_start) {
      auto clock = [](int s) { return padded(s / 3600, 2) + ":" + padded(s / 60 % 60, 2); };
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
    case EarnType::cashback:
      args = Obj()("percent", to_string(r.percent));
      break;
  }
  return Obj()("key", std::string("way.") + type_name(r.type))("args", std::move(args));
}

json reward_json(const Program& p, const Reward& r, std::string_view status, i64 balance,
                 const Who& who) {
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
  if (r.use_now) out["use"] = "now";
  if (r.requires_quantity > 0)
    out["requires"] =
        Obj()("match", match_json(*r.requires_match))("min_quantity", r.requires_quantity);
  const bool by_coupon = std::any_of(p.coupons.begin(), p.coupons.end(),
                                     [&](const Coupon& c) { return c.reward == r.id; });
  if (by_coupon && r.cost == 0) out["coupon_only"] = true;
  add_audience(out, r.cond, status, who);
  return out;
}

json membership_json(const Program& p, const Ledger& ledger, Timestamp now) {
  if (!p.membership) return nullptr;
  const Membership& m = *p.membership;
  const MembershipState& s = ledger.membership;
  return Obj()("id", m.id)("name", m.name)("fee_minor", m.fee_minor)(
      "period", m.period == MembershipPeriod::year ? "year" : "month")("trial_days", m.trial_days)(
      "grace_days", m.grace_days)("benefits", m.benefits)("status", membership_status(p, s, now))(
      "until", s.until ? json(format_timestamp(*s.until, p.zone)) : json(nullptr))(
      "benefits_on", membership_on(p, s, now))("trial_days_left", trial_days_left(p, s, now))(
      "can_start_trial", m.trial_days > 0 && !s.trial_used);
}

json challenges_json(const Program& p, const Ledger& ledger, Timestamp now, const Who& who) {
  json out = json::array();
  for (const auto& c : p.challenges) {
    auto it = ledger.challenges.find(c.id);
    const ChallengeProgress none;
    const ChallengeProgress& g = it == ledger.challenges.end() ? none : it->second;
    json steps = json::array();
    for (const auto& s : c.steps) {
      json step =
          Obj()("id", s.id)("done", std::find(g.done.begin(), g.done.end(), s.id) != g.done.end());
      if (!s.name.is_null()) step["name"] = s.name;
      if (!s.action.empty()) {
        step["action"] = s.action;
      } else {
        json order = json::object();
        if (s.match) order["match"] = match_json(*s.match);
        if (s.min_order_minor) order["min_order_minor"] = s.min_order_minor;
        step["order"] = std::move(order);
      }
      steps.push_back(std::move(step));
    }
    const char* status = challenge_status(p, ledger, c, now, who);
    json item = Obj()("id", c.id)("name", c.name)("status", status)("ordered", c.ordered)(
        "repeat", c.repeat)("points", c.points)("reward", c.reward)("completed", g.completed)(
        "steps", std::move(steps));
    const json cond = conditions_json(c.cond, p);
    if (!cond.empty()) item["conditions"] = cond;
    add_audience(item, c.cond, status, who);
    out.push_back(std::move(item));
  }
  return out;
}

json wheels_json(const Program& p, const Ledger& ledger, Timestamp now, const Who& who) {
  json out = json::array();
  for (const auto& w : p.wheels) {
    json prizes = json::array();
    for (const auto& z : w.prizes) {
      json prize = Obj()("id", z.id)("chance", chance(z.weight, w.total_weight));
      if (!z.name.is_null()) prize["name"] = z.name;
      if (z.points) prize["points"] = z.points;
      if (!z.reward.empty()) prize["reward"] = z.reward;
      prizes.push_back(std::move(prize));
    }
    const std::string_view status = wheel_status(p, ledger, w, now, who);
    json wheel = Obj()("id", w.id)("name", w.name)("status", status)(
        "can_spin", status == "available")("prizes", std::move(prizes));
    if (w.limit) wheel["limit"] = Obj()("count", w.limit->count)("per", period_name(w.limit->per));
    const json cond = conditions_json(w.cond, p);
    if (!cond.empty()) wheel["conditions"] = cond;
    add_audience(wheel, w.cond, status, who);
    out.push_back(std::move(wheel));
  }
  return out;
}

}  // namespace

json op_catalog(const Program& p, const In& request) {
  request.object({"program", "state", "now"});
  const Timestamp now = read_timestamp(request.at("now"));
  const Ledger ledger = ledger_at(p, request, now);
  const TierStatus status = tier_at(p, ledger, now);
  const Who who{tier_id(status), facts_at(p, ledger, now)};
  const std::string& tier = who.tier;
  json earn = json::array();
  for (const auto& r : p.earn) {
    std::string st = "active";
    if (const char* locked = locked_status(r.cond, who))
      st = locked;
    else if (!in_window(r.cond.when, now, p.zone))
      st = "not_in_window";
    else if (r.limit &&
             counter_value(ledger, "action:" + r.id, *r.limit, now, p.zone) >= r.limit->count)
      st = "limit_reached";
    json item =
        Obj()("id", r.id)("type", type_name(r.type))("status", st)("explain", way_to_earn(r));
    if (!(r.name.is_string() && r.name.get_ref<const std::string&>().empty()))
      item["name"] = r.name;
    const json cond = conditions_json(r.cond, p);
    if (!cond.empty()) item["conditions"] = cond;
    add_audience(item, r.cond, st, who);
    if (r.max_points) item["max_points"] = *r.max_points;
    earn.push_back(std::move(item));
  }
  json rewards = json::array();
  for (const auto& r : p.rewards)
    rewards.push_back(reward_json(p, r,
                                  reward_status(p, ledger, r, nullptr, now, who, ledger.balance, 0),
                                  ledger.balance, who));
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
      "points_label", p.points_label.is_null()
                          ? json(Obj()("one", "point")("other", "points"))
                          : p.points_label)("default_language", p.default_language)(
      "tier", std::move(tier_json))("tiers", std::move(tiers))("earn", std::move(earn))(
      "rewards", std::move(rewards))("punch_cards", std::move(cards))(
      "wheels", wheels_json(p, ledger, now, who))("store_credit_minor", ledger.store_credit_minor)(
      "membership", membership_json(p, ledger, now))("challenges",
                                                     challenges_json(p, ledger, now, who));
}

}  // namespace loyalty
