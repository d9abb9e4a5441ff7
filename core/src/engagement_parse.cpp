// Reading the engagement parts of a program (spec/engagement.md): wheels, coupons, challenges,
// the membership, each checked where it is written so an error names its field.
#include <algorithm>
#include <cctype>
#include <set>

#include "program_parse.hpp"

namespace loyalty {

std::string coupon_key(std::string_view code) {
  std::size_t b = 0, e = code.size();
  while (b < e && std::isspace(static_cast<unsigned char>(code[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(code[e - 1]))) --e;
  std::string key(code.substr(b, e - b));
  for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return key;
}

namespace {

constexpr i64 kMaxTotalWeight = 1'000'000'000;

void check_reward(const In& owner, const char* field, const std::string& id, const Program& p) {
  if (!p.reward(id)) owner.fail_at(field, "no reward with id \"" + id + "\"");
}

Prize parse_prize(const In& in, const Program& p) {
  in.object({"id", "name", "weight", "points", "reward"});
  Prize z;
  z.id = in.at("id").string();
  if (auto n = in.find("name")) z.name = parse_text(*n, p.default_language, nullptr);
  z.weight = in.at("weight").integer(1, kMaxTotalWeight);
  z.points = in.integer("points", 0, 0, kMaxPoints);
  z.reward = in.string("reward", "");
  if (!z.reward.empty()) check_reward(in, "reward", z.reward, p);
  return z;
}

Wheel parse_wheel(const In& in, Program& p) {
  in.object({"id", "name", "when", "audience", "limit", "prizes"});
  Wheel w;
  w.id = in.at("id").string();
  w.name = parse_text(in, "name", w.id, p.default_language, &p.warnings);
  parse_conditions(in, w.cond);
  if (auto l = in.find("limit")) w.limit = parse_limit(*l);
  const In prizes = in.at("prizes");
  if (prizes.array().empty()) prizes.fail("a wheel needs at least one prize");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < prizes.array().size(); ++i) {
    const In z = prizes.at(i);
    w.prizes.push_back(parse_prize(z, p));
    if (!ids.insert(w.prizes.back().id).second)
      z.fail_at("id", "duplicate prize id \"" + w.prizes.back().id + "\"");
    w.total_weight += w.prizes.back().weight;
    if (w.total_weight > kMaxTotalWeight)
      z.fail_at("weight", "the weights of a wheel must add up to at most 1000000000");
  }
  return w;
}

Coupon parse_coupon(const In& in, const Program& p) {
  in.object({"code", "reward", "when", "audience", "min_order_minor", "per_member", "voucher_days",
             "voucher_expires"});
  Coupon c;
  c.code = in.at("code").string();
  c.key = coupon_key(c.code);
  if (c.key.empty()) in.fail_at("code", "a code must not be only white space");
  c.reward = in.at("reward").string();
  check_reward(in, "reward", c.reward, p);
  parse_conditions(in, c.cond);
  c.per_member = in.integer("per_member", 1, 1, 1'000'000);
  c.voucher = parse_voucher_expiry(in);
  return c;
}

ChallengeStep parse_step(const In& in, const Program& p) {
  in.object({"id", "name", "action", "order"});
  ChallengeStep s;
  s.id = in.at("id").string();
  if (auto n = in.find("name")) s.name = parse_text(*n, p.default_language, nullptr);
  const auto action = in.find("action");
  const auto order = in.find("order");
  if (!action == !order) in.fail("a step is done by an \"action\" or by an \"order\", one of them");
  if (action) {
    s.action = action->string();
  } else {
    order->object({"match", "min_order_minor"});
    if (auto m = order->find("match")) s.match = parse_match(*m);
    s.min_order_minor = order->integer("min_order_minor", 0, 0, kMaxMoney);
  }
  return s;
}

Challenge parse_challenge(const In& in, Program& p) {
  in.object({"id", "name", "when", "audience", "ordered", "steps", "reward", "points", "repeat"});
  Challenge c;
  c.id = in.at("id").string();
  c.name = parse_text(in, "name", c.id, p.default_language, &p.warnings);
  parse_conditions(in, c.cond);
  c.ordered = in.boolean("ordered", false);
  c.repeat = in.boolean("repeat", false);
  c.points = in.integer("points", 0, 0, kMaxPoints);
  c.reward = in.string("reward", "");
  if (!c.reward.empty()) check_reward(in, "reward", c.reward, p);
  const In steps = in.at("steps");
  if (steps.array().empty()) steps.fail("a challenge needs at least one step");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < steps.array().size(); ++i) {
    const In s = steps.at(i);
    c.steps.push_back(parse_step(s, p));
    if (!ids.insert(c.steps.back().id).second)
      s.fail_at("id", "duplicate step id \"" + c.steps.back().id + "\"");
  }
  return c;
}

Segment parse_segment(const In& in, Program& p) {
  in.object({"id", "name", "bought", "not_bought"});
  Segment s;
  s.id = in.at("id").string();
  s.name = parse_text(in, "name", s.id, p.default_language, &p.warnings);
  const auto bought = in.find("bought"), not_bought = in.find("not_bought");
  if (!bought == !not_bought) in.fail("a segment is \"bought\" or \"not_bought\", one of them");
  s.bought = bought.has_value();
  s.match = parse_match(s.bought ? *bought : *not_bought);
  return s;
}

// Every segment an audience names exists; a segment both required and excluded never holds.
template <typename T>
void check_segments(const In& in, const char* field, const std::vector<T>& items,
                    const Program& p) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const AudienceExtra& x = items[i].cond.extra;
    for (const auto* list : {&x.segments, &x.not_segments})
      for (std::size_t k = 0; k < list->size(); ++k) {
        const std::string& id = (*list)[k];
        const bool known = std::any_of(p.segments.begin(), p.segments.end(),
                                       [&](const Segment& s) { return s.id == id; });
        const char* name = list == &x.segments ? "segments" : "not_segments";
        const In items_in = in.at(field);
        const std::string path = pointer_append(items_in.at(i).path(), "audience") + "/" + name +
                                 "/" + std::to_string(k);
        if (!known) fail("invalid_program", path, "no segment with id \"" + id + "\"");
        if (list == &x.not_segments &&
            std::find(x.segments.begin(), x.segments.end(), id) != x.segments.end())
          fail("invalid_program", path,
               "can never hold: \"" + id + "\" is both required and excluded");
      }
  }
}

Membership parse_membership(const In& in, Program& p) {
  in.object({"id", "name", "fee_minor", "period", "trial_days", "grace_days", "benefits"});
  Membership m;
  m.id = in.at("id").string();
  m.name = parse_text(in, "name", m.id, p.default_language, &p.warnings);
  m.fee_minor = in.at("fee_minor").integer(1, kMaxMoney);
  if (auto per = in.find("period"))
    m.period = pick<MembershipPeriod>(
        *per, {{"month", MembershipPeriod::month}, {"year", MembershipPeriod::year}});
  m.trial_days = in.integer("trial_days", 0, 0, 3650);
  m.grace_days = in.integer("grace_days", 0, 0, 365);
  m.benefits = parse_texts(in, "benefits", p.default_language, &p.warnings);
  return m;
}

template <typename T, typename Parse>
void parse_each(const In& in, const char* field, std::vector<T>& out, Parse parse) {
  const auto list = in.find(field);
  if (!list) return;
  for (std::size_t i = 0; i < list->array().size(); ++i) out.push_back(parse(list->at(i)));
}

template <typename T, typename Key>
void check_unique(const In& in, const char* field, const std::vector<T>& items, Key key,
                  const char* what) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const In list = in.at(field);  // outlives item, which refers to it
    const In item = list.at(i);
    if (!seen.insert(key(items[i])).second)
      item.fail_at(what, std::string("duplicate ") + what + " \"" + key(items[i]) + "\"" +
                             (std::string_view(what) == "code" ? " (codes ignore case)" : ""));
  }
}

}  // namespace

void parse_engagement(const In& in, Program& p) {
  parse_each(in, "segments", p.segments, [&](const In& s) { return parse_segment(s, p); });
  check_unique(
      in, "segments", p.segments, [](const Segment& s) { return s.id; }, "id");
  parse_each(in, "wheels", p.wheels, [&](const In& w) { return parse_wheel(w, p); });
  parse_each(in, "coupons", p.coupons, [&](const In& c) { return parse_coupon(c, p); });
  parse_each(in, "challenges", p.challenges, [&](const In& c) { return parse_challenge(c, p); });
  if (auto m = in.find("membership")) p.membership = parse_membership(*m, p);
  check_unique(
      in, "wheels", p.wheels, [](const Wheel& w) { return w.id; }, "id");
  check_unique(
      in, "challenges", p.challenges, [](const Challenge& c) { return c.id; }, "id");
  check_unique(
      in, "coupons", p.coupons, [](const Coupon& c) { return c.key; }, "code");
  if (in.has("earn")) check_segments(in, "earn", p.earn, p);
  if (in.has("rewards")) check_segments(in, "rewards", p.rewards, p);
  if (in.has("wheels")) check_segments(in, "wheels", p.wheels, p);
  if (in.has("coupons")) check_segments(in, "coupons", p.coupons, p);
  if (in.has("challenges")) check_segments(in, "challenges", p.challenges, p);
}

const Wheel* Program::wheel(const std::string& id) const {
  for (const auto& w : wheels)
    if (w.id == id) return &w;
  return nullptr;
}

const Coupon* Program::coupon(const std::string& code) const {
  const std::string key = coupon_key(code);
  for (const auto& c : coupons)
    if (c.key == key) return &c;
  return nullptr;
}

}  // namespace loyalty
