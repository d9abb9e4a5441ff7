#include "order.hpp"

#include <algorithm>

#include "audience.hpp"
#include "earning.hpp"
#include "games.hpp"
#include "policy.hpp"
#include "scratch.hpp"

namespace loyalty {

// Statuses compared as views: a C string compared to a view is an out-of-line strlen in wasm.
using namespace std::string_view_literals;

// ---------------------------------------------------------------------------------------------
// Points in and out of the ledger.

void credit_points(const Program& program, Ledger& ledger, i64 points, Timestamp at) {
  if (points <= 0) return;
  if (ledger.balance < 0) {
    const i64 pay = std::min(points, -ledger.balance);
    ledger.balance += pay;
    points -= pay;
  }
  if (points == 0) return;
  ledger.balance = add(ledger.balance, points);
  if (program.expiry == ExpiryPolicy::rolling) {
    const Lot lot{points, at, Timestamp{at.ms + program.expiry_days * kDayMs}};
    auto pos =
        std::upper_bound(ledger.lots.begin(), ledger.lots.end(), lot,
                         [](const Lot& a, const Lot& b) { return a.expires_at < b.expires_at; });
    ledger.lots.insert(pos, lot);
  } else if (!ledger.lots.empty()) {
    // Without per-lot expiry one lot carries the whole balance, keeping the state small.
    ledger.lots.front().points = add(ledger.lots.front().points, points);
  } else {
    ledger.lots.push_back(Lot{points, at, std::nullopt});
  }
}

void debit_points(Ledger& ledger, i64 points, bool allow_debt) {
  if (points <= 0) return;
  i64 left = points;
  auto it = ledger.lots.begin();
  for (; it != ledger.lots.end() && left > 0; ++it) {
    const i64 take = std::min(left, it->points);
    it->points -= take;
    left -= take;
  }
  ledger.lots.erase(std::remove_if(ledger.lots.begin(), ledger.lots.end(),
                                   [](const Lot& l) { return l.points == 0; }),
                    ledger.lots.end());
  if (left > 0 && !allow_debt) fail("insufficient_points", "", "not enough points");
  ledger.balance = sub(ledger.balance, points);
}

Timestamp next_midnight(Timestamp at, const Zone& zone) {
  return Timestamp{zone.instant_of((local_time(at, zone).day + 1) * 86'400) * 1000};
}

std::optional<Timestamp> voucher_expiry(const Program& program, const std::string& reward,
                                        Timestamp at, const VoucherExpiry* issuer) {
  const Reward* r = program.reward(reward);
  if (!r) return std::nullopt;
  VoucherExpiry e = issuer && issuer->given() ? *issuer : r->voucher;
  if (r->use_now) e = VoucherExpiry{std::nullopt, true};
  if (e.days) return Timestamp{at.ms + *e.days * kDayMs};
  if (e.end_of_day) return next_midnight(at, program.zone);
  return std::nullopt;
}

void issue_vouchers(const Program& program, Ledger& ledger, const std::string& reward,
                    const std::string& source, const std::string& event_id, Timestamp at, int index,
                    i64 count, const VoucherExpiry* issuer) {
  if (count <= 0) return;
  Voucher v;
  v.reward = reward;
  v.source = source;
  v.issued_at = at;
  v.expires_at = voucher_expiry(program, reward, at, issuer);
  // Room for all of them at once, still growing geometrically when vouchers come one by one.
  auto& list = ledger.vouchers;
  const std::size_t need = list.size() + static_cast<std::size_t>(count);
  if (need > list.capacity()) list.reserve(std::max(need, 2 * list.size()));
  const std::string prefix = event_id.empty() ? "" : "v-" + event_id + "-";
  const auto number = [&](i64 k) {
    if (!event_id.empty()) v.id = prefix + std::to_string(index + k);
  };
  for (i64 k = 1; k < count; ++k) {
    number(k);
    list.push_back(v);
  }
  number(count);
  list.push_back(std::move(v));  // the last one takes the template itself
}

const Voucher& issue_voucher(const Program& program, Ledger& ledger, const std::string& reward,
                             const std::string& source, const std::string& event_id, Timestamp at,
                             int index, const VoucherExpiry* issuer) {
  issue_vouchers(program, ledger, reward, source, event_id, at, index - 1, 1, issuer);
  return ledger.vouchers.back();
}

i64 counter_value(const Ledger& ledger, const std::string& key, const Limit& limit, Timestamp at,
                  const Zone& zone) {
  auto it = ledger.counters.find(key);
  if (it == ledger.counters.end()) return 0;
  return it->second.period_start == period_start(at, limit.per, zone).ms ? it->second.count : 0;
}

void counter_bump(Ledger& ledger, const std::string& key, const Limit& limit, Timestamp at,
                  const Zone& zone, i64 by) {
  const i64 start = period_start(at, limit.per, zone).ms;
  Counter& c = ledger.counters[key];
  if (c.period_start != start) c = Counter{start, 0};
  c.count += by;
}

// ---------------------------------------------------------------------------------------------
// Rewards on a cart.

i64 reward_discount(const Program& program, const Reward& reward, const Cart& cart, i64 left,
                    i64 shipping_left, std::optional<i64> points, i64& cost) {
  cost = reward.cost;
  i64 d = 0;
  switch (reward.type) {
    case RewardType::fixed_discount: {
      i64 eligible = 0;
      for (const auto& l : cart.lines)
        if (matches(reward.cond.match, l)) eligible += l.net;
      d = std::min(reward.amount_minor, eligible);
      break;
    }
    case RewardType::percent_discount: {
      i128 base = 0;
      for (const auto& l : cart.lines)
        if (matches(reward.cond.match, l)) base += l.net;
      d = narrow(base * reward.percent.raw / (i128{100} * Fixed::kScale));
      if (reward.max_minor) d = std::min(d, *reward.max_minor);
      break;
    }
    case RewardType::free_item:
      for (const auto& l : cart.lines)
        if (matches(reward.cond.match, l)) d = std::max(d, std::min(l.unit_price_minor, l.net));
      if (reward.max_value_minor) d = std::min(d, *reward.max_value_minor);
      break;
    case RewardType::free_shipping:
      return shipping_left;
    case RewardType::points_discount: {
      const i64 chosen = points.value_or(0);
      if (chosen < std::max<i64>(reward.min_points, 1)) return 0;
      i64 cap = left;
      if (reward.max_order_percent) {
        const i64 merchandise = cart.lines_net - cart.order_discount_minor;
        cap = std::min(cap, narrow(static_cast<i128>(merchandise) * reward.max_order_percent->raw /
                                   (i128{100} * Fixed::kScale)));
      }
      const i64 steps = std::min(chosen / reward.step_points, cap / reward.step_minor);
      cost = steps * reward.step_points;
      return steps * reward.step_minor;
    }
    default:
      return 0;
  }
  (void)program;
  return std::min(d, left);
}

namespace {

const char* code_for(std::string_view status) {
  if (status == "insufficient_points"sv) return "insufficient_points";
  if (status == "limit_reached"sv) return "limit_exceeded";
  return "not_eligible";
}

// The line whose unit a free item takes: the most expensive matching unit not yet counted toward
// a requirement or freed (`counted`, per line, may be null or empty), the first of equals; or -1.
std::ptrdiff_t freed_line(const Reward& r, const Cart& cart, const std::vector<i64>* counted) {
  if (r.type != RewardType::free_item) return -1;
  std::ptrdiff_t best = -1;
  i64 value = 0;
  for (std::size_t i = 0; i < cart.lines.size(); ++i) {
    const CartLine& l = cart.lines[i];
    const i64 v = std::min(l.unit_price_minor, l.net);
    const i64 left = l.quantity - (counted && !counted->empty() ? (*counted)[i] : 0);
    if (matches(r.cond.match, l) && left > 0 && (best < 0 || v > value)) {
      best = static_cast<std::ptrdiff_t>(i);
      value = v;
    }
  }
  return best;
}

// What a free item takes off once earlier rewards have counted or freed some units.
i64 freed_value(const Reward& r, const Cart& cart, const std::vector<i64>& counted, i64 left) {
  const std::ptrdiff_t line = freed_line(r, cart, &counted);
  if (line < 0) return 0;
  const CartLine& l = cart.lines[static_cast<std::size_t>(line)];
  i64 d = std::min(l.unit_price_minor, l.net);
  if (r.max_value_minor) d = std::min(d, *r.max_value_minor);
  return std::min(d, left);
}

// Buy X, get Y: whether the cart holds `requires` units, not counting units already `counted`
// toward earlier rewards (per line; may be null) nor the unit the reward itself frees. With
// `take`, the units it counts are added to it, line by line in cart order.
bool requirement_met(const Reward& r, const Cart& cart, const std::vector<i64>* counted,
                     std::vector<i64>* take) {
  if (r.requires_quantity <= 0) return true;
  const std::ptrdiff_t own = freed_line(r, cart, counted);
  i64 need = r.requires_quantity;
  for (std::size_t i = 0; i < cart.lines.size() && need > 0; ++i) {
    const CartLine& l = cart.lines[i];
    if (!matches(*r.requires_match, l)) continue;
    i64 units = l.quantity - (counted && !counted->empty() ? (*counted)[i] : 0) -
                (static_cast<std::ptrdiff_t>(i) == own ? 1 : 0);
    units = std::min(std::max<i64>(units, 0), need);
    need -= units;
    if (take) (*take)[i] += units;
  }
  return need == 0;
}

// Marks the units an applied reward counted toward its requirement and the unit it freed.
void count_units(const Reward& r, const Cart& cart, std::vector<i64>& counted) {
  if (r.requires_quantity <= 0 && r.type != RewardType::free_item) return;
  const std::ptrdiff_t own = freed_line(r, cart, &counted);
  counted.resize(cart.lines.size());
  requirement_met(r, cart, &counted, &counted);
  if (own >= 0) ++counted[static_cast<std::size_t>(own)];
}

// Checks, in the order a shopper would want to hear them, whether `reward` can be used now.
struct Check {
  const Program& program;
  const Ledger& ledger;
  const Cart* cart;
  Timestamp at;
  const Who& who;
  const std::vector<i64>* counted = nullptr;  // cart units already counted toward requirements
};

// The statuses are literals: a string_view to them costs no allocation (several are too long
// for a std::string's inline buffer).
std::string_view check_reward(const Check& c, const Reward& r, bool via_voucher, i64 used_in_order,
                              i64 cart_rewards, i64 available, i64 discount, i64 cost) {
  const bool spends_credit = r.type == RewardType::store_credit_spend;
  if (!acts_on_cart(r.type) && !spends_credit && c.cart) return "not_applicable";
  if (r.cost == 0 && !via_voucher && r.type != RewardType::points_discount && !spends_credit)
    return "not_applicable";
  if (const char* locked = locked_status(r.cond, c.who)) return locked;
  if (!in_window(r.cond.when, c.at, c.program.zone)) return "not_in_window";
  if (!via_voucher && r.limit &&
      counter_value(c.ledger, "reward:" + r.id, *r.limit, c.at, c.program.zone) + used_in_order >=
          r.limit->count)
    return "limit_reached";
  if (spends_credit) return c.ledger.store_credit_minor > 0 ? "available" : "insufficient_credit";
  if (c.cart && acts_on_cart(r.type) && cart_rewards >= c.program.max_rewards_per_order)
    return "limit_reached";
  if (c.cart) {
    if (c.cart->lines_net - c.cart->order_discount_minor < r.cond.min_order_minor)
      return "min_order_not_met";
    if (!requirement_met(r, *c.cart, c.counted, nullptr)) return "requirement_not_met";
    // Pay-with-points takes nothing off when the member holds less than it needs: that is
    // insufficient_points (as the catalog says), not not_applicable.
    const bool short_of_points = r.type == RewardType::points_discount && !via_voucher &&
                                 available < std::max<i64>(r.min_points, r.step_points);
    if (discount <= 0 && !short_of_points) return "not_applicable";
  }
  if (!via_voucher && cost > available) return "insufficient_points";
  if (!via_voucher && r.type == RewardType::points_discount &&
      available < std::max<i64>(r.min_points, r.step_points))
    return "insufficient_points";
  return "available";
}

struct Redemptions {
  std::vector<AppliedReward> applied;
  std::vector<RejectedReward> rejected;
  std::vector<Voucher> used_vouchers;
  i64 merchandise_discount = 0, shipping_discount = 0, cost = 0;
  i64 store_credit = 0;
};

// Store credit is payment, not a reward: outside max_rewards_per_order, after every discount, for
// merchandise only, capped silently at what is held and what is left to pay.
void pay_with_credit(const Check& check, const OrderRequest& o, i64 left, Redemptions& out) {
  for (std::size_t i = 0; i < o.redeem.size(); ++i) {
    const Reward* r = check.program.reward(o.redeem[i].reward);
    if (!r || r->type != RewardType::store_credit_spend) continue;
    const std::string_view status = check_reward(check, *r, false, 0, 0, 0, 0, 0);
    const i64 held = check.ledger.store_credit_minor - out.store_credit;
    if (status != "available"sv || held <= 0) {
      out.rejected.push_back({r->id, "", "not_eligible",
                              status == "available"sv ? "insufficient_credit" : std::string(status),
                              "/redeem/" + std::to_string(i), ""});
      continue;
    }
    const i64 paid =
        std::max<i64>(0, std::min({o.redeem[i].credit_minor.value_or(held), held, left}));
    left -= paid;
    out.store_credit += paid;
    out.applied.push_back({r->id, "", 0, 0, false, "", paid});
  }
}

Redemptions evaluate_redemptions(const Program& p, const Ledger& ledger, const OrderRequest& o,
                                 const Who& who) {
  const Cart& cart = *o.cart;
  Redemptions out;
  std::vector<i64> counted;  // per line, once a reward counts or frees units
  const Check check{p, ledger, &cart, o.at, who, &counted};
  i64 left = cart.lines_net - cart.order_discount_minor;
  i64 shipping_left = cart.shipping_minor;
  // The JSON pointer of a request item, which only a rejection reports: built then.
  const auto path = [](const char* list, std::size_t i) { return list + std::to_string(i); };
  auto try_apply = [&](const Reward& r, const std::string& voucher, std::optional<i64> points,
                       const char* list, std::size_t i) {
    i64 cost = 0;
    i64 d = reward_discount(p, r, cart, left, shipping_left, points, cost);
    if (r.type == RewardType::free_item && !counted.empty())
      d = freed_value(r, cart, counted, left);
    // Uses of the reward paid in points so far in this order, for its limit. A count over the
    // few applied rewards, where a map keyed by reward id allocated a node per redemption.
    i64 used = 0;
    for (const auto& a : out.applied) used += a.voucher.empty() && a.reward == r.id;
    const std::string_view status =
        check_reward(check, r, !voucher.empty(), used, static_cast<i64>(out.applied.size()),
                     ledger.balance - out.cost, d, cost);
    if (status != "available"sv) {
      out.rejected.push_back(
          {r.id, voucher, code_for(status), std::string(status), path(list, i), ""});
      return false;
    }
    const bool shipping = r.type == RewardType::free_shipping;
    (shipping ? shipping_left : left) -= d;
    (shipping ? out.shipping_discount : out.merchandise_discount) += d;
    if (voucher.empty()) {
      out.cost += cost;
    } else {
      cost = 0;
    }
    out.applied.push_back({r.id, voucher, d, cost, shipping, "", 0});
    count_units(r, cart, counted);
    return true;
  };
  for (std::size_t i = 0; i < o.redeem.size(); ++i) {
    const Reward* r = p.reward(o.redeem[i].reward);
    if (!r) {
      out.rejected.push_back(
          {o.redeem[i].reward, "", "unknown_reward", "not_applicable", path("/redeem/", i), ""});
      continue;
    }
    if (r->type == RewardType::store_credit_spend) continue;  // payment: after every reward
    try_apply(*r, "", o.redeem[i].points, "/redeem/", i);
  }
  for (std::size_t i = 0; i < o.vouchers.size(); ++i) {
    const std::string& id = o.vouchers[i];
    auto v = std::find_if(ledger.vouchers.begin(), ledger.vouchers.end(),
                          [&](const Voucher& x) { return x.id == id; });
    const bool already = std::any_of(out.used_vouchers.begin(), out.used_vouchers.end(),
                                     [&](const Voucher& x) { return x.id == id; });
    if (v == ledger.vouchers.end() || already) {
      out.rejected.push_back(
          {"", id, "unknown_reward", "not_applicable", path("/vouchers/", i), ""});
      continue;
    }
    if (v->expires_at && o.at >= *v->expires_at) {
      out.rejected.push_back(
          {v->reward, id, "not_eligible", "not_applicable", path("/vouchers/", i), ""});
      continue;
    }
    if (const Reward* r = p.reward(v->reward);
        r && try_apply(*r, id, std::nullopt, "/vouchers/", i))
      out.used_vouchers.push_back(*v);
  }
  for (std::size_t i = 0; i < o.coupons.size(); ++i) {
    const Coupon* c = p.coupon(o.coupons[i]);
    if (!c) {
      out.rejected.push_back(
          {"", "", "unknown_reward", "not_applicable", path("/coupons/", i), o.coupons[i]});
      continue;
    }
    i64 earlier = 0;
    for (const auto& a : out.applied) earlier += a.coupon == c->code;
    const Reward& r = *p.reward(c->reward);
    std::string_view status = coupon_status(p, ledger, *c, o.at, who, earlier);
    // A coupon in an order is used in it: it must name a cart reward, and never one used "now"
    // (a reward the order itself issues never applies to it).
    if (status == "available"sv && (!acts_on_cart(r.type) || r.use_now)) status = "not_eligible";
    if (status != "available"sv) {
      out.rejected.push_back(
          {r.id, "", std::string(status), "not_applicable", path("/coupons/", i), c->code});
      continue;
    }
    const bool applied = try_apply(r, "coupon:" + c->key, std::nullopt, "/coupons/", i);
    auto& item = applied ? out.applied.back().voucher : out.rejected.back().voucher;
    item.clear();
    (applied ? out.applied.back().coupon : out.rejected.back().coupon) = c->code;
  }
  pay_with_credit(check, o, left, out);
  return out;
}

namespace {

// The lines' nets with the order's discounts spread over them (program.md, "Cart").
std::vector<i64> spread_nets(const Cart& cart, i64 merchandise_discount, bool spread) {
  std::vector<i64> nets(cart.lines.size());
  for (std::size_t i = 0; i < nets.size(); ++i) nets[i] = cart.lines[i].net;
  if (!spread) return nets;
  Scratch<i64, 32> parts(nets.size());
  spread_into(cart.order_discount_minor + merchandise_discount, nets.data(), nets.size(),
              parts.data());
  for (std::size_t i = 0; i < nets.size(); ++i) nets[i] -= parts[i];
  return nets;
}

}  // namespace

std::vector<i64> earning_nets(const Program& p, const Cart& cart, i64 merchandise_discount) {
  return spread_nets(cart, merchandise_discount, p.earn_on_discounted);
}

std::map<std::string, i64> threshold_spend(const Program& p, const Cart& cart, Timestamp at,
                                           const Who& who, const std::vector<i64>& nets,
                                           i64 merchandise) {
  std::map<std::string, i64> out;
  for (const auto& r : p.earn) {
    if (r.type != EarnType::spend_threshold || !conditions_hold(r.cond, p, at, who, merchandise))
      continue;
    i64 s = 0;
    for (std::size_t i = 0; i < nets.size(); ++i)
      if (matches(r.cond.match, cart.lines[i])) s = add(s, nets[i]);
    if (s > 0) out[r.id] = s;
  }
  return out;
}

i64 basis_amount(const Program& p, i64 spend, i64 points) {
  if (!p.tiers) return 0;
  switch (p.tiers->basis) {
    case TierBasis::spend:
      return spend;
    case TierBasis::points:
      return points;
    case TierBasis::orders:
      return 1;
  }
  return 0;
}

}  // namespace

std::string_view reward_status(const Program& program, const Ledger& ledger, const Reward& reward,
                               const Cart* cart, Timestamp at, const Who& who, i64 available_points,
                               i64 discount) {
  const Check check{program, ledger, cart, at, who};
  i64 cost = reward.cost;
  if (reward.type == RewardType::points_discount) cost = 0;
  return check_reward(check, reward, false, 0, 0, available_points, discount, cost);
}

namespace {

// Store credit from cashback rules: percent of the matching nets after the discount spread
// (whatever earn_on_discounted says), rounded once per rule and order.
i64 cashback_of(const Program& p, const Cart& cart, i64 merchandise_discount, Timestamp at,
                const Who& who, i64 merchandise, std::vector<HistoryLine>* lines) {
  bool any = false;
  for (const auto& r : p.earn) any = any || r.type == EarnType::cashback;
  if (!any) return 0;
  const std::vector<i64> nets = spread_nets(cart, merchandise_discount, true);
  i64 total = 0;
  for (const auto& r : p.earn) {
    if (r.type != EarnType::cashback || !conditions_hold(r.cond, p, at, who, merchandise)) continue;
    i128 base = 0;
    for (std::size_t i = 0; i < nets.size(); ++i)
      if (matches(r.cond.match, cart.lines[i])) base += nets[i];
    const i64 credit = narrow(divide(base * r.percent.raw, i128{100} * Fixed::kScale, r.rounding));
    if (credit <= 0) continue;
    total = add(total, credit);
    if (lines)
      lines->push_back({r.id, 0,
                        Explain::of("cashback.earned")
                            .arg("rule", r.id)
                            .arg("credit_minor", credit)
                            .arg("percent", r.percent)});
  }
  return total;
}

}  // namespace

Recomputed recompute_order(const Program& p, const OrderRecord& rec) {
  Recomputed out;
  const Cart& cart = rec.cart;
  const i64 merchandise = cart.lines_net - cart.order_discount_minor;
  i64 left = merchandise, shipping_left = cart.shipping_minor, merch_discount = 0,
      ship_discount = 0;
  std::vector<i64> counted;  // as evaluate_redemptions counts them
  auto apply_one = [&](const std::string& reward, std::optional<i64> points) {
    const Reward* r = p.reward(reward);
    if (!r) return;
    i64 cost = 0;
    i64 d = reward_discount(p, *r, cart, left, shipping_left, points, cost);
    if (r->type == RewardType::free_item && !counted.empty())
      d = freed_value(*r, cart, counted, left);
    count_units(*r, cart, counted);
    if (r->type == RewardType::free_shipping) {
      shipping_left -= d;
      ship_discount += d;
    } else {
      left -= d;
      merch_discount += d;
    }
  };
  for (const auto& item : rec.redeem) apply_one(item.reward, item.points);
  for (const auto& v : rec.vouchers) apply_one(v.reward, std::nullopt);
  for (const auto& code : rec.coupons)
    if (const Coupon* c = p.coupon(code)) apply_one(c->reward, std::nullopt);
  const auto nets = earning_nets(p, cart, merch_discount);
  const Who who{rec.tier, rec.facts};
  Earning earning =
      compute_earning(p, cart, rec.at, who, nets, cart.shipping_minor - ship_discount, merchandise);
  out.points = earning.points;
  out.lines = std::move(earning.lines);
  out.spend = merchandise - merch_discount;
  out.threshold_spend = threshold_spend(p, cart, rec.at, who, nets, merchandise);
  out.cashback = cashback_of(p, cart, merch_discount, rec.at, who, merchandise, nullptr);
  return out;
}

namespace {

// The steps of process_order, always inlined: they compile to what the one function was (it is
// on the preview's path), and each reads at once.

// What the order earns, at the tier it starts in or, when the program says so, at the tier it
// reaches; the threshold spend with it.
[[gnu::always_inline]] inline void earn(const Program& p, const Ledger& ledger,
                                        const OrderRequest& o, const TierPeriods& periods,
                                        const TierStatus& before, const Redemptions& rd,
                                        const Who& who, OrderOutcome& out) {
  const Cart& cart = *o.cart;
  const auto nets = earning_nets(p, cart, rd.merchandise_discount);
  const i64 shipping_net = cart.shipping_minor - rd.shipping_discount;
  Earning e = compute_earning(p, cart, o.at, who, nets, shipping_net, out.merchandise);
  out.spend = out.merchandise - rd.merchandise_discount;
  Who earn_who = who;
  TierStatus after = tier_at(p, ledger, periods, basis_amount(p, out.spend, e.points));
  if (p.tiers && p.tiers->upgrade_applies_to_crossing_order && after.level != before.level &&
      after.level->min > before.level->min) {
    earn_who.tier = tier_id(after);
    e = compute_earning(p, cart, o.at, earn_who, nets, shipping_net, out.merchandise);
  }
  out.earn_tier = earn_who.tier;
  out.lines = std::move(e.lines);
  out.purchase_points = e.points;
  out.points = e.points;
  out.threshold_spend = threshold_spend(p, cart, o.at, earn_who, nets, out.merchandise);
  out.cashback =
      cashback_of(p, cart, rd.merchandise_discount, o.at, who, out.merchandise, &out.lines);
}

// Signup bonuses held for an order.
[[gnu::always_inline]] inline void release_held(const Program& p, Ledger& ledger,
                                                OrderOutcome& out) {
  for (auto it = ledger.held.begin(); it != ledger.held.end();) {
    const EarnRule* r = p.rule(it->rule);
    const bool release =
        !r || r->mode == SignupMode::next_order ||
        (r->mode == SignupMode::after_spend && out.merchandise >= r->cond.min_order_minor);
    if (!release) {
      ++it;
      continue;
    }
    out.lines.push_back(
        {it->rule, it->points, Explain::of("earn.signup").arg("points", it->points)});
    out.points = add(out.points, it->points);
    out.released.push_back(*it);
    it = ledger.held.erase(it);
  }
}

// Commit: pay for the rewards, then credit what the order earns.
[[gnu::always_inline]] inline void commit_points(const Program& p, Ledger& ledger,
                                                 const OrderRequest& o, const Redemptions& rd,
                                                 OrderOutcome& out) {
  debit_points(ledger, rd.cost, false);
  ledger.lifetime.redeemed = add(ledger.lifetime.redeemed, rd.cost);
  ledger.store_credit_minor = sub(ledger.store_credit_minor, rd.store_credit);
  for (const auto& a : out.applied) {
    const Reward* r = p.reward(a.reward);
    if (a.voucher.empty() && r && r->limit)
      counter_bump(ledger, "reward:" + r->id, *r->limit, o.at, p.zone);
  }
  for (const auto& v : rd.used_vouchers)
    std::erase_if(ledger.vouchers, [&](const Voucher& x) { return x.id == v.id; });
  for (const auto& a : out.applied)
    if (!a.coupon.empty())
      counter_bump(ledger, "coupon:" + coupon_key(a.coupon), Limit{1, Period::lifetime}, o.at,
                   p.zone);
  // Cashback waits with the order's points (spec/engagement.md, "Edge cases").
  if (p.pending_days > 0 && (out.points > 0 || out.cashback > 0)) {
    out.pending = true;
    out.available_at = Timestamp{o.at.ms + p.pending_days * kDayMs};
    ledger.pending.push_back(
        {std::max<i64>(out.points, 0), out.available_at, o.event_id, out.cashback});
  } else {
    ledger.store_credit_minor = add(ledger.store_credit_minor, out.cashback);
    if (out.points > 0) credit_points(p, ledger, out.points, o.at);
  }
  if (out.points < 0) {
    debit_points(ledger, -out.points, true);
  }
  ledger.lifetime.earned = add(ledger.lifetime.earned, out.points);
}

// The vouchers the order's punch cards and spend thresholds complete. A big order can cross a
// spend threshold hundreds of times: the outcome records each batch once, and issue_vouchers
// builds the batch's voucher once and copies it.
[[gnu::always_inline]] inline void punch_and_issue(const Program& p, Ledger& ledger,
                                                   const OrderRequest& o, OrderOutcome& out) {
  int voucher_index = 0;
  auto issue = [&](const std::string& reward, const char* kind, const std::string& id, i64 count,
                   const VoucherExpiry& issuer) {
    if (count <= 0) return;
    out.issued.push_back({reward, kind + id, count});
    issue_vouchers(p, ledger, reward, out.issued.back().source, o.event_id, o.at, voucher_index,
                   count, &issuer);
    voucher_index += static_cast<int>(count);
  };
  for (const auto& card : p.punch_cards) {
    i64 punches = 0;
    for (const auto& l : o.cart->lines)
      if (matches(card.match, l)) punches = card.per_item ? add(punches, l.quantity) : 1;
    if (punches == 0) continue;
    if (card.max_punches_per_day) {
      const Limit daily{*card.max_punches_per_day, Period::day};
      const i64 today = counter_value(ledger, "punch:" + card.id, daily, o.at, p.zone);
      punches = std::min(punches, std::max<i64>(0, *card.max_punches_per_day - today));
      if (punches == 0) continue;
      counter_bump(ledger, "punch:" + card.id, daily, o.at, p.zone, punches);
    }
    i64& count = ledger.punches[card.id];
    count = add(count, punches);
    CardProgress progress{card.id, punches, 0, count / card.required};
    count %= card.required;
    progress.after = count;
    issue(card.reward, "punch_card:", card.id, progress.completes, card.voucher);
    out.cards.push_back(progress);
  }
  for (const auto& [rule_id, spend] : out.threshold_spend) {
    const EarnRule* r = p.rule(rule_id);
    i64& progress = ledger.threshold_progress[rule_id];
    progress = add(progress, spend);
    issue(r->reward, "rule:", r->id, progress / r->every_minor, r->voucher);
    progress %= r->every_minor;
  }
}

// Keeps the order's time for frequency and win-back audiences: the last 366 days, and the latest.
void note_order_time(Ledger& ledger, Timestamp at) {
  auto& times = ledger.order_times;
  times.insert(std::upper_bound(times.begin(), times.end(), at), at);
  const i64 horizon = times.back().ms - 366 * kDayMs;
  const auto keep = std::lower_bound(times.begin(), times.end() - 1, Timestamp{horizon});
  times.erase(times.begin(), keep);
}

// The challenge steps the order does. A completed challenge's points are available at once and
// uncapped (never pending, never a purchase point a refund takes back); its voucher follows the
// cards' and thresholds' vouchers.
[[gnu::always_inline]] inline void order_challenges(const Program& p, Ledger& ledger,
                                                    const OrderRequest& o, const Who& who,
                                                    OrderOutcome& out) {
  if (p.challenges.empty()) return;
  out.challenges = challenge_steps_by_order(p, ledger, *o.cart, o.at, who);
  i64 issued = 0;
  for (const auto& b : out.issued) issued += b.count;
  for (const auto& s : out.challenges) {
    out.lines.push_back(step_line(s));
    if (!s.completes) continue;
    const Challenge& c = *s.challenge;
    out.lines.push_back(done_line(s));
    credit_prize_points(p, ledger, c.points, o.at);
    out.points = add(out.points, c.points);
    if (c.reward.empty()) continue;
    out.issued.push_back({c.reward, "challenge:" + c.id, 1});
    issue_vouchers(p, ledger, c.reward, out.issued.back().source, o.event_id, o.at,
                   static_cast<int>(issued++), 1);
  }
}

}  // namespace

OrderOutcome process_order(const Program& p, Ledger& ledger, const OrderRequest& o,
                           bool whole_or_nothing) {
  OrderOutcome out;
  const Cart& cart = *o.cart;
  // The tier is asked three times at the order's instant: its calendar periods are worked out once.
  const TierPeriods periods = tier_periods(p, o.at);
  const TierStatus before = tier_at(p, ledger, periods);
  out.tier_before = tier_id(before);
  out.merchandise = cart.lines_net - cart.order_discount_minor;
  const Who who{out.tier_before, facts_at(p, ledger, o.at)};
  out.facts = who.facts;
  Redemptions rd = evaluate_redemptions(p, ledger, o, who);
  out.applied = std::move(rd.applied);  // read from `out` from here on
  out.rejected = std::move(rd.rejected);
  out.discount = rd.merchandise_discount + rd.shipping_discount;
  out.shipping = cart.shipping_minor;
  out.store_credit = rd.store_credit;
  out.total = out.merchandise - out.discount + cart.shipping_minor - rd.store_credit;
  out.cost = rd.cost;
  if (whole_or_nothing && !out.rejected.empty()) return out;

  earn(p, ledger, o, periods, before, rd, who, out);
  release_held(p, ledger, out);
  commit_points(p, ledger, o, rd, out);
  punch_and_issue(p, ledger, o, out);

  // Points basis: purchase points and the signup bonuses this order released.
  add_contribution(p, ledger, periods, basis_amount(p, out.spend, out.points));
  ledger.lifetime.spend_minor = add(ledger.lifetime.spend_minor, out.spend);
  ledger.lifetime.orders += 1;
  if (p.uses_audience) note_order_time(ledger, o.at);
  count_segments(p, ledger, cart, o.at, 1, &out.lines);
  order_challenges(p, ledger, o, who, out);
  // Inactivity is "no earning or redemption" (program.md): an order that only buys (a gift card
  // that earns nothing) does not restart the clock, and pending points restart it on release.
  if ((out.points > 0 && !out.pending) || !out.applied.empty()) ledger.last_activity = o.at;
  const TierStatus final_status = tier_at(p, ledger, periods);
  out.tier_after = tier_id(final_status);
  out.qualifying_after = final_status.qualifying;
  return out;
}

}  // namespace loyalty
