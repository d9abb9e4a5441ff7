// Prize wheels and coupon claims (spec/engagement.md): events that give a member something
// without an order. The wheel's randomness is the event's `draw`, chosen by the server.
#include <algorithm>

#include "games.hpp"

#include "audience.hpp"
#include "policy.hpp"
#include "tiers.hpp"

namespace loyalty {

const Prize& draw_prize(const Wheel& wheel, i64 draw) {
  i64 r = draw % wheel.total_weight;
  for (const auto& prize : wheel.prizes) {
    if (r < prize.weight) return prize;
    r -= prize.weight;
  }
  return wheel.prizes.back();  // unreachable: the weights add up to total_weight
}

std::string chance(i64 weight, i64 total) {
  // weight / total to 4 decimals, ties to even: exact in 128 bits.
  const i128 scaled = static_cast<i128>(weight) * 10'000;
  i64 q = static_cast<i64>(scaled / total);
  const i128 rem2 = (scaled % total) * 2;
  if (rem2 > total || (rem2 == total && q % 2 == 1)) ++q;
  std::string frac = std::to_string(q % 10'000);
  return std::to_string(q / 10'000) + "." + std::string(4 - frac.size(), '0') + frac;
}

std::string_view wheel_status(const Program& p, const Ledger& l, const Wheel& w, Timestamp at,
                              const Who& who) {
  if (const char* locked = locked_status(w.cond, who)) return locked;
  if (!in_window(w.cond.when, at, p.zone)) return "not_in_window";
  if (w.limit && counter_value(l, "wheel:" + w.id, *w.limit, at, p.zone) >= w.limit->count)
    return "limit_reached";
  return "available";
}

void credit_prize_points(const Program& p, Ledger& l, i64 points, Timestamp at) {
  if (points <= 0) return;
  credit_points(p, l, points, at);
  l.lifetime.earned = add(l.lifetime.earned, points);
  if (p.tiers && p.tiers->basis == TierBasis::points) add_contribution(p, l, at, points);
  l.last_activity = at;
}

void spin_event(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_event_fields(in, {"wheel", "draw"});
  const std::string wheel_id = in.at("wheel").string();
  const i64 draw = in.at("draw").integer(0, INT64_MAX);
  const Wheel* w = p.wheel(wheel_id);
  if (!w) return reject_event(p, s, e, "unknown_reward", "no wheel " + wheel_id, "/wheel");
  Ledger& l = s.ledger;
  const std::string_view status = wheel_status(p, l, *w, e.at, who_at(p, l, e.at));
  if (status != "available")
    return reject_event(p, s, e, status == "limit_reached" ? "limit_exceeded" : "not_eligible",
                        status == "limit_reached"
                            ? "the wheel " + wheel_id + " was spun as often as its limit allows"
                            : "the wheel " + wheel_id + " is not open to this member now");
  if (w->limit) counter_bump(l, "wheel:" + w->id, *w->limit, e.at, p.zone);
  const Prize& prize = draw_prize(*w, draw);
  HistoryEntry h = history_entry(p, e.id, "prize", e.at);
  h.extra["prize"] = Obj()("wheel", w->id)("id", prize.id);
  if (prize.points > 0) {
    credit_prize_points(p, l, prize.points, e.at);
    h.points = prize.points;
    h.lines.push_back({w->id, prize.points,
                       Explain::of("prize.points")
                           .arg("wheel", w->id)
                           .arg("prize", prize.id)
                           .arg("points", prize.points)});
  }
  if (!prize.reward.empty()) {
    const Voucher& v = issue_voucher(p, l, prize.reward, "wheel:" + w->id, e.id, e.at, 1);
    h.lines.push_back({w->id, 0,
                       Explain::of("prize.voucher")
                           .arg("wheel", w->id)
                           .arg("prize", prize.id)
                           .arg("reward", prize.reward)
                           .arg("voucher", v.id)});
    h.extra["vouchers_issued"] =
        json::array({json(Obj()("id", v.id)("reward", prize.reward)("source", "wheel:" + w->id))});
  }
  if (h.lines.empty())
    h.lines.push_back(
        {w->id, 0, Explain::of("prize.none").arg("wheel", w->id).arg("prize", prize.id)});
  s.history.push_back(std::move(h));
}

std::string_view coupon_status(const Program& p, const Ledger& l, const Coupon& c, Timestamp at,
                               const Who& who, i64 claimed_in_order) {
  if (!in_audience(c.cond, who) || !in_window(c.cond.when, at, p.zone)) return "not_eligible";
  const Limit lifetime{c.per_member, Period::lifetime};
  if (counter_value(l, "coupon:" + c.key, lifetime, at, p.zone) + claimed_in_order >= c.per_member)
    return "limit_exceeded";
  return "available";
}

const Voucher& claim_coupon(const Program& p, Ledger& l, const Coupon& c,
                            const std::string& voucher_id, Timestamp at) {
  counter_bump(l, "coupon:" + c.key, Limit{c.per_member, Period::lifetime}, at, p.zone);
  issue_voucher(p, l, c.reward, "coupon:" + c.key, "", at, 1, &c.voucher);
  l.vouchers.back().id = voucher_id;
  return l.vouchers.back();
}

void claim_event(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_event_fields(in, {"code"});
  const std::string code = in.at("code").string();
  const Coupon* c = p.coupon(code);
  if (!c) return reject_event(p, s, e, "unknown_reward", "no coupon " + code, "/code");
  Ledger& l = s.ledger;
  const std::string_view status = coupon_status(p, l, *c, e.at, who_at(p, l, e.at), 0);
  if (status != "available")
    return reject_event(p, s, e, std::string(status),
                        status == "limit_exceeded"
                            ? "the coupon " + c->code + " was already claimed"
                            : "the coupon " + c->code + " is not valid now",
                        "/code");
  const Voucher& v = claim_coupon(p, l, *c, "v-" + e.id + "-1", e.at);
  HistoryEntry h = history_entry(p, e.id, "claim", e.at);
  h.lines.push_back({c->key, 0,
                     Explain::of("coupon.claimed")
                         .arg("code", c->code)
                         .arg("reward", c->reward)
                         .arg("voucher", v.id)});
  h.extra["vouchers_issued"] =
      json::array({json(Obj()("id", v.id)("reward", c->reward)("source", "coupon:" + c->key))});
  s.history.push_back(std::move(h));
}

}  // namespace loyalty
