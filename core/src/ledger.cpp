#include "ledger.hpp"

#include <algorithm>

#include "audience.hpp"
#include "bounds.hpp"
#include "games.hpp"
#include "membership.hpp"
#include "policy.hpp"
#include "profile.hpp"
#include "stable_order.hpp"

namespace loyalty {

std::vector<RedeemItem> parse_redeem(const std::optional<In>& in) {
  std::vector<RedeemItem> out;
  if (!in) return out;
  const auto& arr = in->array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const In item = in->at(i);
    item.object({"reward", "points", "credit_minor"});
    RedeemItem r;
    r.reward = item.at("reward").string();
    r.points = item.optional_integer("points", 1, INT64_MAX / 4);
    r.credit_minor = item.optional_integer("credit_minor", 1, INT64_MAX / 4);
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

const char* const kEventCommon[] = {"id", "at", "type", "member_id"};

void check_fields(const In& in, std::initializer_list<std::string_view> extra) {
  for (const auto& [key, value] : in.v.members()) {
    bool known =
        std::find(std::begin(kEventCommon), std::end(kEventCommon), key) != std::end(kEventCommon);
    for (auto e : extra) known = known || e == key;
    if (!known) in.fail_at(key, "unknown field \"" + std::string(key) + "\" for this event type");
  }
}

HistoryEntry entry(const Program& p, const std::string& event_id, const std::string& kind,
                   Timestamp at) {
  HistoryEntry h;
  h.event_id = event_id;
  h.kind = kind;
  h.at = at;
  h.program_version = p.version;
  return h;
}

void reject(const Program& p, MemberState& s, const Event& e, const std::string& code,
            const std::string& message, const std::string& path = "") {
  HistoryEntry h = entry(p, e.id, "rejected", e.at);
  h.event_type = e.type;
  h.extra["error"] = Obj()("code", code)("message", message)("path", path);
  s.history.push_back(std::move(h));
}

bool conditions_hold(const Conditions& c, const Program& p, Timestamp at, const Who& who) {
  return in_audience(c, who) && in_window(c.when, at, p.zone);
}

void enroll(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_fields(in, {"channel", "birthday", "referred_by", "phone", "email", "name"});
  Ledger& l = s.ledger;
  std::string birthday;
  if (auto b = in.find("birthday")) birthday = read_birthday(*b);
  for (const char* f : {"channel", "phone", "email", "name"})
    if (auto x = in.find(f)) x->string_or_empty();
  const std::string referred_by = in.string("referred_by", "");
  if (l.enrolled_at) return reject(p, s, e, "not_eligible", "the member is already enrolled");
  l.enrolled_at = e.at;
  l.birthday = birthday;
  l.referred_by = referred_by;
  if (l.member_id.empty()) l.member_id = e.member_id;
  HistoryEntry h = entry(p, e.id, "enroll", e.at);
  // Metrics read enrolments by channel from the stored entries (engine.md, "Metrics").
  if (auto c = in.find("channel"); c && !c->string_or_empty().empty())
    h.extra["channel"] = c->string_or_empty();
  const Who who = who_at(p, l, e.at);
  for (const auto& r : p.earn) {
    if (!conditions_hold(r.cond, p, e.at, who)) continue;
    if (r.type == EarnType::signup) {
      if (r.mode == SignupMode::immediate) {
        credit_points(p, l, r.points, e.at);
        l.lifetime.earned = add(l.lifetime.earned, r.points);
        add_contribution(p, l, e.at, p.tiers && p.tiers->basis == TierBasis::points ? r.points : 0);
        h.lines.push_back({r.id, r.points, Explain::of("earn.signup").arg("points", r.points)});
        h.points += r.points;
      } else {
        l.held.push_back({r.id, r.points});
        h.lines.push_back(
            {r.id, 0,
             Explain::of("earn.signup_held")
                 .arg("points", r.points)
                 .arg("mode", r.mode == SignupMode::next_order ? "next_order" : "after_spend")
                 .arg("min_order_minor", r.cond.min_order_minor)});
      }
    } else if (r.type == EarnType::referral && !referred_by.empty() && r.referee_points > 0) {
      credit_points(p, l, r.referee_points, e.at);
      l.lifetime.earned = add(l.lifetime.earned, r.referee_points);
      add_contribution(p, l, e.at,
                       p.tiers && p.tiers->basis == TierBasis::points ? r.referee_points : 0);
      h.lines.push_back({r.id, r.referee_points,
                         Explain::of("earn.referral_referee")
                             .arg("points", r.referee_points)
                             .arg("referrer", referred_by)});
      h.points += r.referee_points;
    }
  }
  if (h.points > 0) l.last_activity = e.at;
  s.history.push_back(std::move(h));
  // Enrolling is the member's first activity: in the birthday month it brings this year's gift.
  on_activity(p, l, e.at, e.id, &s.history);
}

void order(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_fields(in, {"order_id", "cart", "redeem", "vouchers", "coupons"});
  const std::string order_id = in.at("order_id").string();
  Cart cart = parse_cart(in.at("cart"), p);
  OrderRequest req;
  req.cart = &cart;
  req.at = e.at;
  req.redeem = parse_redeem(in.find("redeem"));
  req.vouchers = in.strings("vouchers");
  req.coupons = in.strings("coupons");
  req.event_id = e.id;
  if (s.orders.count(order_id))
    return reject(p, s, e, "invalid_event", "order " + order_id + " was posted before",
                  "/order_id");
  std::vector<Voucher> held_vouchers;
  for (const auto& id : req.vouchers)
    for (const auto& v : s.ledger.vouchers)
      if (v.id == id) held_vouchers.push_back(v);
  const OrderOutcome o = process_order(p, s.ledger, req, true);
  if (!o.rejected.empty()) {
    const auto& r = o.rejected.front();
    return reject(p, s, e, r.code,
                  !r.coupon.empty()
                      ? "the coupon " + r.coupon + " cannot be used in this order"
                      : "reward " + (r.reward.empty() ? r.voucher : r.reward) + " is " + r.status,
                  r.path);
  }
  OrderRecord rec;
  rec.order_id = order_id;
  rec.event_id = e.id;
  rec.at = e.at;
  rec.tier = o.earn_tier;
  rec.facts = o.facts;
  rec.cart = cart;
  rec.redeem = req.redeem;
  // Whole or nothing: the rewards paid in points were applied one per request item, in order.
  std::size_t item = 0;
  auto spends_credit = [&](const RedeemItem& r) {
    const Reward* reward = p.reward(r.reward);
    return reward && reward->type == RewardType::store_credit_spend;
  };
  for (const auto& a : o.applied) {
    if (!a.voucher.empty() || !a.coupon.empty() || a.credit_minor) continue;
    while (item < rec.redeem.size() && spends_credit(rec.redeem[item])) ++item;
    if (item < rec.redeem.size()) rec.redeem[item++].cost = a.cost;
  }
  rec.released = o.released;
  rec.vouchers = held_vouchers;
  for (const auto& a : o.applied)
    if (!a.coupon.empty()) rec.coupons.push_back(coupon_key(a.coupon));
  rec.points = o.purchase_points;
  rec.spent = o.cost;
  rec.credit_spent = o.store_credit;
  rec.cashback = o.cashback;
  rec.spend = o.spend;
  rec.threshold_spend = o.threshold_spend;
  for (const auto& c : o.cards) rec.punches[c.card] = c.added;
  rec.program_version = p.version;
  s.orders.emplace(order_id, std::move(rec));

  if (!o.applied.empty()) {
    HistoryEntry h = entry(p, e.id, "redeem", e.at);
    for (const auto& a : o.applied) {
      Explain why = a.credit_minor > 0 ? Explain::of("store_credit.spent")
                                             .arg("reward", a.reward)
                                             .arg("credit_minor", a.credit_minor)
                                       : Explain::of("redeem.cart")
                                             .arg("reward", a.reward)
                                             .arg("discount_minor", a.discount_minor);
      if (!a.coupon.empty()) why.arg("coupon", a.coupon);
      h.lines.push_back({a.reward, -a.cost, std::move(why)});
      h.points -= a.cost;
    }
    h.extra["order_id"] = order_id;
    s.history.push_back(std::move(h));
  }
  HistoryEntry h = entry(p, e.id, "earn", e.at);
  h.lines = o.lines;
  h.points = o.points;
  h.extra["order_id"] = order_id;
  h.extra["spend_minor"] = o.spend;
  if (o.pending) h.extra["available_at"] = format_timestamp(o.available_at, p.zone);
  json issued = json::array();
  std::size_t number = 0;
  for (const auto& batch : o.issued)
    for (i64 k = 0; k < batch.count; ++k)
      issued.push_back(Obj()("reward", batch.reward)("source", batch.source)(
          "id", "v-" + e.id + "-" + std::to_string(++number)));
  if (!o.issued.empty()) h.extra["vouchers_issued"] = issued;
  if (o.tier_after != o.tier_before)
    h.extra["tier"] = Obj()("before", o.tier_before)("after", o.tier_after);
  s.history.push_back(std::move(h));
}

// The prizes of the challenges an action completed: one `challenge` entry each, points at once,
// a voucher of the challenge's reward (numbered after the action's own voucher).
void challenge_prizes(const Program& p, MemberState& s, const Event& e,
                      const std::vector<ChallengeStepDone>& steps) {
  int index = 1;
  for (const auto& step : steps) {
    if (!step.completes) continue;
    const Challenge& c = *step.challenge;
    HistoryEntry h = entry(p, e.id, "challenge", e.at);
    h.lines.push_back(done_line(step));
    h.points = c.points;
    credit_prize_points(p, s.ledger, c.points, e.at);
    if (!c.reward.empty()) {
      const Voucher& v =
          issue_voucher(p, s.ledger, c.reward, "challenge:" + c.id, e.id, e.at, ++index);
      h.extra["vouchers_issued"] =
          json::array({json(Obj()("id", v.id)("reward", c.reward)("source", "challenge:" + c.id))});
    }
    s.history.push_back(std::move(h));
  }
}

void action(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_fields(in, {"action", "details"});
  const std::string name = in.at("action").string();
  Ledger& l = s.ledger;
  const Who who = who_at(p, l, e.at);
  const EarnRule* rule = nullptr;
  for (const auto& r : p.earn)
    if (r.type == EarnType::action && r.action == name && conditions_hold(r.cond, p, e.at, who)) {
      rule = &r;
      break;
    }
  const bool over_limit =
      rule && rule->limit &&
      counter_value(l, "action:" + rule->id, *rule->limit, e.at, p.zone) >= rule->limit->count;
  // An open challenge step takes the action even without a rule, or past the rule's limit.
  const auto steps = challenge_steps_by_action(p, l, name, e.at, who);
  if (!rule && steps.empty())
    return reject(p, s, e, "not_eligible", "no rule rewards the action " + name);
  if (over_limit && steps.empty())
    return reject(p, s, e, "limit_exceeded", "the action " + name + " reached its limit");
  HistoryEntry h = entry(p, e.id, "action", e.at);
  for (const auto& step : steps) h.lines.push_back(step_line(step));
  if (over_limit || !rule) {
    s.history.push_back(std::move(h));
    return challenge_prizes(p, s, e, steps);
  }
  if (rule->limit) counter_bump(l, "action:" + rule->id, *rule->limit, e.at, p.zone);
  if (rule->points > 0 || rule->reward.empty()) {
    credit_points(p, l, rule->points, e.at);
    l.lifetime.earned = add(l.lifetime.earned, rule->points);
    if (p.tiers && p.tiers->basis == TierBasis::points) add_contribution(p, l, e.at, rule->points);
    h.lines.push_back({rule->id, rule->points,
                       Explain::of("earn.action").arg("action", name).arg("points", rule->points)});
    h.points = rule->points;
  }
  l.last_activity = e.at;
  if (!rule->reward.empty()) {
    const Voucher& v =
        issue_voucher(p, l, rule->reward, "rule:" + rule->id, e.id, e.at, 1, &rule->voucher);
    h.lines.push_back({rule->id, 0,
                       Explain::of("earn.action_reward")
                           .arg("action", name)
                           .arg("reward", rule->reward)
                           .arg("voucher", v.id)});
    h.extra["vouchers_issued"] = json::array(
        {json(Obj()("id", v.id)("reward", rule->reward)("source", "rule:" + rule->id))});
  }
  s.history.push_back(std::move(h));
  challenge_prizes(p, s, e, steps);
}

void redeem(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_fields(in, {"reward", "option"});
  const std::string reward_id = in.at("reward").string();
  const std::string option = in.string("option", "");
  Ledger& l = s.ledger;
  const Reward* r = p.reward(reward_id);
  if (!r) return reject(p, s, e, "unknown_reward", "no reward " + reward_id, "/reward");
  const Who who = who_at(p, l, e.at);
  std::string_view status = reward_status(p, l, *r, nullptr, e.at, who, l.balance, 0);
  if (r->type == RewardType::points_discount) status = "not_applicable";
  if (status != "available")
    return reject(p, s, e,
                  status == "insufficient_points" ? "insufficient_points"
                  : status == "limit_reached"     ? "limit_exceeded"
                                                  : "not_eligible",
                  "reward " + reward_id + " is " + std::string(status));
  if (r->type == RewardType::choice) {
    const bool valid = std::any_of(r->options.begin(), r->options.end(),
                                   [&](const RewardOption& o) { return o.id == option; });
    if (!valid)
      return reject(p, s, e, "not_eligible", "choose one of the reward's options", "/option");
  }
  debit_points(l, r->cost, false);
  l.lifetime.redeemed = add(l.lifetime.redeemed, r->cost);
  if (r->limit) counter_bump(l, "reward:" + r->id, *r->limit, e.at, p.zone);
  l.last_activity = e.at;
  HistoryEntry h = entry(p, e.id, "redeem", e.at);
  Explain why = Explain::of("redeem.reward").arg("reward", r->id);
  if (!option.empty()) why.arg("option", option);
  if (r->type == RewardType::store_credit) {
    l.store_credit_minor = add(l.store_credit_minor, r->amount_minor);
    why.arg("amount_minor", r->amount_minor);
  } else if (r->type == RewardType::charity) {
    l.donations_minor = add(l.donations_minor, r->amount_minor);
    why.arg("amount_minor", r->amount_minor);
  } else if (acts_on_cart(r->type)) {
    const Voucher v = issue_voucher(p, l, r->id, "redeem", e.id, e.at, 1);
    h.extra["vouchers_issued"] =
        json::array({json(Obj()("id", v.id)("reward", r->id)("source", "redeem"))});
  }
  h.lines.push_back({r->id, -r->cost, std::move(why)});
  h.points = -r->cost;
  s.history.push_back(std::move(h));
}

void adjust(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_fields(in, {"points", "reason"});
  const i64 points = in.at("points").integer(-1'000'000'000'000, 1'000'000'000'000);
  const std::string reason = in.string("reason", "");
  if (points == 0) in.fail_at("points", "an adjustment must not be 0");
  Ledger& l = s.ledger;
  if (points < 0 && -points > l.balance)
    return reject(p, s, e, "insufficient_points",
                  "the adjustment would take the balance below zero");
  if (points > 0) {
    credit_points(p, l, points, e.at);
  } else {
    debit_points(l, -points, false);
  }
  l.lifetime.adjusted = add(l.lifetime.adjusted, points);
  HistoryEntry h = entry(p, e.id, "adjust", e.at);
  h.lines.push_back(
      {"adjust", points, Explain::of("adjust.manual").arg("reason", reason).arg("points", points)});
  h.points = points;
  s.history.push_back(std::move(h));
}

void referral(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_fields(in, {"referee"});
  const std::string referee = in.at("referee").string();
  Ledger& l = s.ledger;
  if (l.referees.count(referee))
    return reject(p, s, e, "limit_exceeded", "referee " + referee + " was credited before");
  const Who who = who_at(p, l, e.at);
  const EarnRule* rule = nullptr;
  for (const auto& r : p.earn)
    if (r.type == EarnType::referral && conditions_hold(r.cond, p, e.at, who)) {
      rule = &r;
      break;
    }
  if (!rule) return reject(p, s, e, "not_eligible", "no referral rule applies");
  l.referees.insert(referee);
  credit_points(p, l, rule->referrer_points, e.at);
  l.lifetime.earned = add(l.lifetime.earned, rule->referrer_points);
  if (p.tiers && p.tiers->basis == TierBasis::points)
    add_contribution(p, l, e.at, rule->referrer_points);
  if (rule->referrer_points > 0) l.last_activity = e.at;
  HistoryEntry h = entry(p, e.id, "referral", e.at);
  h.lines.push_back({rule->id, rule->referrer_points,
                     Explain::of("earn.referral_referrer")
                         .arg("points", rule->referrer_points)
                         .arg("referee", referee)});
  h.points = rule->referrer_points;
  s.history.push_back(std::move(h));
}

}  // namespace

void check_event_fields(const In& in, std::initializer_list<std::string_view> extra) {
  check_fields(in, extra);
}

HistoryEntry history_entry(const Program& p, const std::string& event_id, const std::string& kind,
                           Timestamp at) {
  return entry(p, event_id, kind, at);
}

void reject_event(const Program& p, MemberState& s, const Event& e, const std::string& code,
                  const std::string& message, const std::string& path) {
  reject(p, s, e, code, message, path);
}

Event parse_event(const In& outer) {
  const In in(outer, "invalid_event");
  if (!in.v.is_object()) in.fail("expected an event object, got " + type_name(in.v));
  Event e;
  e.id = in.at("id").string();
  e.at = read_timestamp(in.at("at"));
  const In type = in.at("type");
  e.type = type.string();
  static const char* kTypes[] = {"enroll",
                                 "order",
                                 "refund",
                                 "action",
                                 "redeem",
                                 "adjust",
                                 "referral_completed",
                                 "tick",
                                 "spin",
                                 "claim",
                                 "membership_start",
                                 "membership_payment",
                                 "membership_cancel",
                                 "profile"};
  if (std::find(std::begin(kTypes), std::end(kTypes), e.type) == std::end(kTypes))
    type.fail("unknown event type \"" + e.type + "\"");
  e.member_id = in.string("member_id", "");
  e.doc = &in.v;
  e.path = in.path();
  return e;
}

void sort_events(std::vector<Event>& events) {
  rearrange(events,
            stable_order(events.size(), &events, [](const void* e, std::size_t a, std::size_t b) {
              const auto& list = *static_cast<const std::vector<Event>*>(e);
              return list[a].at != list[b].at ? list[a].at < list[b].at : list[a].id < list[b].id;
            }));
}

std::optional<Timestamp> next_expiry(const Program& p, const Ledger& l) {
  if (p.expiry == ExpiryPolicy::rolling && !l.lots.empty()) return l.lots.front().expires_at;
  if (p.expiry == ExpiryPolicy::inactivity && l.balance > 0 && l.last_activity)
    return Timestamp{l.last_activity->ms + p.expiry_days * kDayMs};
  return std::nullopt;
}

namespace {

void release_pending(const Program& p, Ledger& l, const PendingPoints& pend,
                     std::vector<HistoryEntry>* history) {
  if (pend.points > 0) {
    credit_points(p, l, pend.points, pend.available_at);
    // Released points start their expiry clock now (program.md, "Pending points").
    if (p.expiry == ExpiryPolicy::inactivity &&
        (!l.last_activity || *l.last_activity < pend.available_at))
      l.last_activity = pend.available_at;
  }
  l.store_credit_minor = add(l.store_credit_minor, pend.credit_minor);
  if (!history) return;
  HistoryEntry h = entry(p, pend.event_id, "pending_released", pend.available_at);
  h.points = pend.points;
  if (pend.points > 0)
    h.lines.push_back(
        {"pending", pend.points, Explain::of("earn.pending_released").arg("points", pend.points)});
  if (pend.credit_minor > 0)
    h.lines.push_back(
        {"cashback", 0, Explain::of("cashback.released").arg("credit_minor", pend.credit_minor)});
  history->push_back(std::move(h));
}

}  // namespace

void advance(const Program& p, Ledger& l, Timestamp t, std::vector<HistoryEntry>* history) {
  // At the clock itself only what a late event left due (settle_late_event) is still to do.
  if (t < l.clock) return;
  // A membership that lapses in (clock, t] says so once, in its place among the rest.
  const std::optional<Timestamp> lapse_at = membership_lapse_at(p, l.membership);
  bool lapse_due = lapse_at && *lapse_at > l.clock && *lapse_at <= t;
  const Timestamp lapse = lapse_at.value_or(Timestamp{});
  for (;;) {
    // The next thing due: a pending release or an expiry, whichever comes first.
    std::optional<Timestamp> release;
    for (const auto& pend : l.pending)
      if (!release || pend.available_at < *release) release = pend.available_at;
    const std::optional<Timestamp> expiry = next_expiry(p, l);
    if (lapse_due && (!release || *release > t || lapse <= *release) &&
        (!expiry || *expiry > t || lapse <= *expiry)) {
      if (history) history->push_back(membership_lapsed_entry(p, lapse));
      lapse_due = false;
      continue;
    }
    const bool do_release = release && *release <= t && (!expiry || *release <= *expiry);
    if (do_release) {
      auto it = std::min_element(l.pending.begin(), l.pending.end(),
                                 [](const PendingPoints& a, const PendingPoints& b) {
                                   return a.available_at < b.available_at;
                                 });
      const PendingPoints pend = *it;
      l.pending.erase(it);
      release_pending(p, l, pend, history);
      continue;
    }
    if (expiry && *expiry <= t) {
      i64 gone = 0;
      if (p.expiry == ExpiryPolicy::rolling) {
        gone = l.lots.front().points;
        l.lots.erase(l.lots.begin());
      } else {
        gone = l.balance;
        l.lots.clear();
      }
      l.balance -= gone;
      l.lifetime.expired = add(l.lifetime.expired, gone);
      if (history) {
        HistoryEntry h = entry(p, "", "expire", *expiry);
        h.points = -gone;
        h.lines.push_back(
            {"expiry", -gone,
             Explain::of(p.expiry == ExpiryPolicy::rolling ? "expire.lot" : "expire.inactivity")
                 .arg("points", gone)
                 .arg("days", p.expiry_days)});
        history->push_back(std::move(h));
      }
      continue;
    }
    break;
  }
  std::erase_if(l.vouchers, [&](const Voucher& v) { return v.expires_at && *v.expires_at <= t; });
  if (p.tiers && p.tiers->period == TierPeriodKind::rolling_days) {
    const Timestamp cutoff{t.ms - p.tiers->rolling_days * kDayMs};
    std::erase_if(l.qualifying, [&](const Contribution& c) { return c.at <= cutoff; });
  }
  l.clock = t;
}

void advance(const Program& p, MemberState& s, Timestamp t) {
  advance(p, s.ledger, t, &s.history);
}

std::optional<BirthdayGrant> on_activity(const Program& p, Ledger& l, Timestamp t,
                                         const std::string& event_id,
                                         std::vector<HistoryEntry>* history) {
  if (l.birthday.empty()) return std::nullopt;
  const LocalTime lt = local_time(t, p.zone);
  if (std::stoi(l.birthday.substr(0, 2)) != lt.month || l.birthday_year == lt.year)
    return std::nullopt;
  const Who who = who_at(p, l, t);
  for (const auto& r : p.earn) {
    if (r.type != EarnType::birthday || !conditions_hold(r.cond, p, t, who)) continue;
    l.birthday_year = lt.year;
    HistoryEntry h = entry(p, event_id, "birthday", t);
    if (r.reward.empty()) {
      credit_points(p, l, r.points, t);
      l.lifetime.earned = add(l.lifetime.earned, r.points);
      if (p.tiers && p.tiers->basis == TierBasis::points) add_contribution(p, l, t, r.points);
      h.points = r.points;
      if (r.points > 0) l.last_activity = t;  // earning: restarts the inactivity clock
      h.lines.push_back({r.id, r.points, Explain::of("earn.birthday").arg("points", r.points)});
    } else {
      const Voucher v =
          issue_voucher(p, l, r.reward, "rule:" + r.id,
                        event_id.empty() ? "" : event_id + "-birthday", t, 1, &r.voucher);
      h.lines.push_back({r.id, 0, Explain::of("earn.birthday_reward").arg("reward", r.reward)});
      h.extra["vouchers_issued"] =
          json::array({json(Obj()("id", v.id)("reward", r.reward)("source", "rule:" + r.id))});
    }
    if (history) history->push_back(std::move(h));
    return BirthdayGrant{r.id, r.reward, r.reward.empty() ? r.points : 0};
  }
  return std::nullopt;
}

void add_birthday(OrderOutcome& o, const BirthdayGrant& birthday) {
  // Apply posts the birthday before the order: its line and voucher come first here too.
  if (birthday.reward.empty()) {
    o.lines.insert(o.lines.begin(), {birthday.rule, birthday.points,
                                     Explain::of("earn.birthday").arg("points", birthday.points)});
    o.points = add(o.points, birthday.points);
  } else {
    o.lines.insert(
        o.lines.begin(),
        {birthday.rule, 0, Explain::of("earn.birthday_reward").arg("reward", birthday.reward)});
    o.issued.insert(o.issued.begin(), {birthday.reward, "rule:" + birthday.rule, 1});
  }
}

OrderOutcome preview_order(const Program& p, Ledger& ledger, const OrderRequest& order) {
  advance(p, ledger, order.at, nullptr);
  const auto birthday = on_activity(p, ledger, order.at, "", nullptr);
  OrderOutcome o = process_order(p, ledger, order, false);
  if (birthday) add_birthday(o, *birthday);
  return o;
}

// A late event (dated before the state's clock) may leave something due before the clock: points
// pending until a day already past, a lot already expired. Done now, so a state never holds
// anything due before its clock and a read at the clock changes nothing.
static void settle_late_event(const Program& p, MemberState& s, const Event& e) {
  if (e.at < s.ledger.clock) advance(p, s.ledger, s.ledger.clock, &s.history);
}

void apply_event(const Program& p, MemberState& s, const Event& e, const Program* order_program) {
  if (!s.seen.emplace(e.id, e.at).second) return;  // idempotent: an id counts once
  if (s.ledger.member_id.empty()) s.ledger.member_id = e.member_id;
  advance(p, s, e.at);
  on_activity(p, s.ledger, e.at, e.id, &s.history);
  s.ledger.program_version = p.version;
  if (e.type == "enroll")
    enroll(p, s, e);
  else if (e.type == "order")
    order(p, s, e);
  else if (e.type == "refund")
    refund_event(p, s, e, order_program ? *order_program : p);
  else if (e.type == "action")
    action(p, s, e);
  else if (e.type == "redeem")
    redeem(p, s, e);
  else if (e.type == "adjust")
    adjust(p, s, e);
  else if (e.type == "referral_completed")
    referral(p, s, e);
  else if (e.type == "spin")
    spin_event(p, s, e);
  else if (e.type == "claim")
    claim_event(p, s, e);
  else if (e.type.starts_with("membership_"))
    membership_event(p, s, e);
  else if (e.type == "profile")
    profile_event(p, s, e);
  else
    check_fields(e.in(), {});  // tick: the time and the birthday check are all it brings
  settle_late_event(p, s, e);
}

}  // namespace loyalty
