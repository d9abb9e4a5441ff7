#include "order.hpp"

#include <algorithm>

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

void issue_vouchers(const Program& program, Ledger& ledger, const std::string& reward,
                    const std::string& source, const std::string& event_id, Timestamp at, int index,
                    i64 count) {
  if (count <= 0) return;
  Voucher v;
  v.reward = reward;
  v.source = source;
  v.issued_at = at;
  if (const Reward* r = program.reward(reward); r && r->voucher_days)
    v.expires_at = Timestamp{at.ms + *r->voucher_days * kDayMs};
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
                             int index) {
  issue_vouchers(program, ledger, reward, source, event_id, at, index - 1, 1);
  return ledger.vouchers.back();
}

i64 counter_value(const Ledger& ledger, const std::string& key, const Limit& limit, Timestamp at,
                  int utc_offset) {
  auto it = ledger.counters.find(key);
  if (it == ledger.counters.end()) return 0;
  return it->second.period_start == period_start(at, limit.per, utc_offset).ms ? it->second.count
                                                                               : 0;
}

void counter_bump(Ledger& ledger, const std::string& key, const Limit& limit, Timestamp at,
                  int utc_offset, i64 by) {
  const i64 start = period_start(at, limit.per, utc_offset).ms;
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

bool conditions_hold(const Conditions& c, const Program& p, Timestamp at, const std::string& tier,
                     i64 merchandise) {
  return in_audience(c.audience, tier) && in_window(c.when, at, p.utc_offset) &&
         merchandise >= c.min_order_minor;
}

const char* code_for(std::string_view status) {
  if (status == "insufficient_points"sv) return "insufficient_points";
  if (status == "limit_reached"sv) return "limit_exceeded";
  return "not_eligible";
}

// Checks, in the order a shopper would want to hear them, whether `reward` can be used now.
struct Check {
  const Program& program;
  const Ledger& ledger;
  const Cart* cart;
  Timestamp at;
  const std::string& tier;
};

// The statuses are literals: a string_view to them costs no allocation (several are too long
// for a std::string's inline buffer).
std::string_view check_reward(const Check& c, const Reward& r, bool via_voucher, i64 used_in_order,
                              i64 cart_rewards, i64 available, i64 discount, i64 cost) {
  if (!acts_on_cart(r.type) && c.cart) return "not_applicable";
  if (r.cost == 0 && !via_voucher && r.type != RewardType::points_discount) return "not_applicable";
  if (!in_audience(r.cond.audience, c.tier)) return "tier_locked";
  if (!in_window(r.cond.when, c.at, c.program.utc_offset)) return "not_in_window";
  if (!via_voucher && r.limit &&
      counter_value(c.ledger, "reward:" + r.id, *r.limit, c.at, c.program.utc_offset) +
              used_in_order >=
          r.limit->count)
    return "limit_reached";
  if (c.cart && acts_on_cart(r.type) && cart_rewards >= c.program.max_rewards_per_order)
    return "limit_reached";
  if (c.cart) {
    if (c.cart->lines_net - c.cart->order_discount_minor < r.cond.min_order_minor)
      return "min_order_not_met";
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
};

Redemptions evaluate_redemptions(const Program& p, const Ledger& ledger, const OrderRequest& o,
                                 const std::string& tier) {
  const Cart& cart = *o.cart;
  Redemptions out;
  const Check check{p, ledger, &cart, o.at, tier};
  i64 left = cart.lines_net - cart.order_discount_minor;
  i64 shipping_left = cart.shipping_minor;
  // The JSON pointer of a request item, which only a rejection reports: built then.
  const auto path = [](const char* list, std::size_t i) { return list + std::to_string(i); };
  auto try_apply = [&](const Reward& r, const std::string& voucher, std::optional<i64> points,
                       const char* list, std::size_t i) {
    i64 cost = 0;
    const i64 d = reward_discount(p, r, cart, left, shipping_left, points, cost);
    // Uses of the reward paid in points so far in this order, for its limit. A count over the
    // few applied rewards, where a map keyed by reward id allocated a node per redemption.
    i64 used = 0;
    for (const auto& a : out.applied) used += a.voucher.empty() && a.reward == r.id;
    const std::string_view status =
        check_reward(check, r, !voucher.empty(), used, static_cast<i64>(out.applied.size()),
                     ledger.balance - out.cost, d, cost);
    if (status != "available"sv) {
      out.rejected.push_back({r.id, voucher, code_for(status), std::string(status), path(list, i)});
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
    out.applied.push_back({r.id, voucher, d, cost, shipping});
    return true;
  };
  for (std::size_t i = 0; i < o.redeem.size(); ++i) {
    const Reward* r = p.reward(o.redeem[i].reward);
    if (!r) {
      out.rejected.push_back(
          {o.redeem[i].reward, "", "unknown_reward", "not_applicable", path("/redeem/", i)});
      continue;
    }
    try_apply(*r, "", o.redeem[i].points, "/redeem/", i);
  }
  for (std::size_t i = 0; i < o.vouchers.size(); ++i) {
    const std::string& id = o.vouchers[i];
    auto v = std::find_if(ledger.vouchers.begin(), ledger.vouchers.end(),
                          [&](const Voucher& x) { return x.id == id; });
    const bool already = std::any_of(out.used_vouchers.begin(), out.used_vouchers.end(),
                                     [&](const Voucher& x) { return x.id == id; });
    if (v == ledger.vouchers.end() || already) {
      out.rejected.push_back({"", id, "unknown_reward", "not_applicable", path("/vouchers/", i)});
      continue;
    }
    if (v->expires_at && o.at >= *v->expires_at) {
      out.rejected.push_back(
          {v->reward, id, "not_eligible", "not_applicable", path("/vouchers/", i)});
      continue;
    }
    if (const Reward* r = p.reward(v->reward);
        r && try_apply(*r, id, std::nullopt, "/vouchers/", i))
      out.used_vouchers.push_back(*v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Earning.

struct Earning {
  std::vector<HistoryLine> lines;
  i64 points = 0;
};

struct Source {           // views into the program, which outlives the computation
  std::string_view rule;  // "tier" or the multiplier rule's id
  Fixed factor;
  const EarnRule* multiplier = nullptr;
  std::string_view tier;
};

// Whether a source applies to a cart line; `line` null is the shipping row, which only sources
// without a match reach.
bool active(const Source& s, const CartLine* line) {
  const EarnRule* m = s.multiplier;
  return !m || (line ? matches(m->cond.match, *line) : !m->cond.match);
}

// Per-unit factor contributions of each source to F(line) − 1, summing exactly to it, into
// c[0..S) (one row of a flat table: a vector per cart line cost a malloc each).
// Each mode asks whether a source is active once per source.
void contributions(Stacking mode, const Source* sources, std::size_t S, const CartLine* line,
                   i64* c) {
  std::fill(c, c + S, i64{0});
  switch (mode) {
    case Stacking::highest: {
      int best = -1;
      for (std::size_t s = 0; s < S; ++s)
        if (active(sources[s], line) && (best < 0 || sources[s].factor > sources[best].factor))
          best = static_cast<int>(s);
      if (best >= 0) c[best] = sources[best].factor.raw - Fixed::kScale;
      break;
    }
    case Stacking::add: {
      i64 f = Fixed::kScale;
      for (std::size_t s = 0; s < S; ++s)
        if (active(sources[s], line)) f = add(f, c[s] = sources[s].factor.raw - Fixed::kScale);
      // F never goes below 0 (as stack() says): factors below 1 cannot make an order take points.
      for (std::size_t s = S; s-- > 0 && f < 0;) {
        if (c[s] >= 0) continue;
        const i64 back = std::min(-f, -c[s]);
        c[s] += back;
        f += back;
      }
      break;
    }
    case Stacking::multiply: {
      i128 running = Fixed::kScale;
      for (std::size_t s = 0; s < S; ++s) {
        if (!active(sources[s], line)) continue;
        const i128 next = running * sources[s].factor.raw / Fixed::kScale;
        c[s] = narrow(next - running);
        running = next;
      }
      break;
    }
  }
}

Earning compute_earning(const Program& p, const Cart& cart, Timestamp at, const std::string& tier,
                        const std::vector<i64>& nets, i64 shipping_net, i64 merchandise) {
  Earning out;
  out.lines.reserve(p.earn.size() + 2);  // a line per rule at most, and the caps
  // Scratch space sized for the few sources and the usual cart: no allocation per order.
  std::size_t most_sources = p.tiers ? 1 : 0;
  for (const auto& r : p.earn) most_sources += r.type == EarnType::multiplier;
  constexpr std::size_t kSources = 8;
  Scratch<Source, kSources> sources(most_sources);
  std::size_t S = 0;
  if (p.tiers) {
    for (const auto& l : p.tiers->levels)
      if (l.id == tier && l.earn_multiplier) {
        sources[S++] = {"tier", *l.earn_multiplier, nullptr, l.id};
        break;  // tier ids are unique (parse_program)
      }
  }
  for (const auto& r : p.earn)
    if (r.type == EarnType::multiplier && conditions_hold(r.cond, p, at, tier, merchandise))
      sources[S++] = {r.id, r.factor, &r, ""};
  const std::size_t n = cart.lines.size();
  // contrib(i, s) for each line, and one more row for shipping (rules without a match only).
  Scratch<i64, 32 * kSources> contrib_table((n + 1) * S);
  const auto contrib = [&](std::size_t row, std::size_t s) { return contrib_table[row * S + s]; };
  if (S > 0) {
    for (std::size_t i = 0; i <= n; ++i)
      contributions(p.stacking, sources.data(), S, i < n ? &cart.lines[i] : nullptr,
                    &contrib_table[i * S]);
  }

  std::vector<HistoryLine> caps;
  Scratch<i64, kSources> points_by_source(S), weights(S), parts(S);
  Scratch<i128, kSources> source_exact(S);  // per rule, zeroed for each
  for (const auto& r : p.earn) {
    if (r.type != EarnType::per_spend && r.type != EarnType::per_item &&
        r.type != EarnType::per_order && r.type != EarnType::bonus)
      continue;
    if (!conditions_hold(r.cond, p, at, tier, merchandise)) continue;
    // Each branch writes its line itself: an explanation built in place is moved once less
    // (three strings and a tree each time) than one kept aside for a shared push.
    i64 base = 0, total = 0;
    std::fill(source_exact.begin(), source_exact.end(), i128{0});
    if (r.type == EarnType::per_spend || r.type == EarnType::per_item) {
      i128 w_sum = 0, wf_sum = 0;
      i64 measure = 0;
      auto weigh = [&](i64 amount, std::size_t row) {
        const i128 w = mul128(amount, r.points);
        i128 c_sum = 0;
        for (std::size_t s = 0; s < S; ++s) {
          source_exact[s] = add128(source_exact[s], mul128(w, contrib(row, s)));
          c_sum += contrib(row, s);
        }
        w_sum = add128(w_sum, w);
        wf_sum = add128(wf_sum, mul128(w, Fixed::kScale + c_sum));
      };
      for (std::size_t i = 0; i < n; ++i) {
        if (!matches(r.cond.match, cart.lines[i])) continue;
        const i64 amount = r.type == EarnType::per_spend ? nets[i] : cart.lines[i].quantity;
        measure = add(measure, amount);
        weigh(amount, i);
      }
      if (r.type == EarnType::per_spend && r.include_shipping && shipping_net > 0) {
        measure = add(measure, shipping_net);
        weigh(shipping_net, n);
      }
      const i64 den = r.type == EarnType::per_spend ? r.per_minor : 1;
      base = narrow(divide(w_sum, den, r.rounding));
      total = narrow(divide(wf_sum, mul128(den, Fixed::kScale), r.rounding));
      if (base != 0)
        out.lines.push_back(
            {r.id, base,
             r.type == EarnType::per_spend
                 ? Explain::of("earn.per_spend")
                       .arg("points", r.points)
                       .arg("per_minor", r.per_minor)
                       .arg("spend_minor", measure)
                 : Explain::of("earn.per_item").arg("points", r.points).arg("quantity", measure)});
    } else {
      i64 quantity = 0;
      bool any = false;
      for (const auto& l : cart.lines) {
        if (!matches(r.cond.match, l)) continue;
        any = true;
        quantity = add(quantity, l.quantity);
      }
      const bool earns = r.type == EarnType::per_order
                             ? (any || !r.cond.match) && !cart.lines.empty()
                             : quantity >= r.min_quantity;
      if (!earns) continue;
      base = total = r.points;
      if (base != 0)
        out.lines.push_back({r.id, base,
                             r.type == EarnType::per_order
                                 ? Explain::of("earn.per_order").arg("points", r.points)
                                 : Explain::of("earn.bonus")
                                       .arg("points", r.points)
                                       .arg("min_quantity", r.min_quantity)
                                       .arg("quantity", quantity)});
    }
    // The multipliers' extra points go to their own lines, split exactly by their share.
    const i64 extra = total - base;
    bool raises = false, lowers = false;
    for (std::size_t s = 0; s < S; ++s) {
      raises = raises || source_exact[s] > 0;
      lowers = lowers || source_exact[s] < 0;
    }
    if (extra != 0 && S > 0) {
      // Each source's share goes by the size of its exact extra points.
      for (std::size_t s = 0; s < S; ++s) {
        const i128 e = source_exact[s] < 0 ? -source_exact[s] : source_exact[s];
        weights[s] = narrow(std::min<i128>(e, INT64_MAX / 2));
      }
      if (raises && lowers) {
        // A factor below 1 next to one above: each source keeps its sign. The raising sources
        // share their exact sum (rounded), the lowering ones the rest, so the lines still add up.
        Scratch<i64, kSources> up(S), down(S), ups(S), downs(S);
        i128 up_exact = 0;
        for (std::size_t s = 0; s < S; ++s) {
          (source_exact[s] > 0 ? up : down)[s] = weights[s];
          if (source_exact[s] > 0) up_exact = add128(up_exact, source_exact[s]);
        }
        const i64 unit = r.type == EarnType::per_spend ? r.per_minor : 1;
        i64 up_total = narrow(divide(up_exact, mul128(unit, Fixed::kScale), Rounding::nearest));
        i64 down_total = sub(up_total, extra);
        if (down_total < 0) {
          down_total = 0;
          up_total = extra;
        }
        spread_into(up_total, up.data(), S, ups.data());
        spread_into(down_total, down.data(), S, downs.data());
        for (std::size_t s = 0; s < S; ++s) points_by_source[s] += ups[s] - downs[s];
      } else {
        spread_into(extra < 0 ? -extra : extra, weights.data(), S, parts.data());
        for (std::size_t s = 0; s < S; ++s) points_by_source[s] += extra < 0 ? -parts[s] : parts[s];
      }
    }
    if (r.max_points && total > *r.max_points)
      caps.push_back({r.id, *r.max_points - total,
                      Explain::of("earn.rule_cap").arg("max_points", *r.max_points)});
    out.points = add(out.points, r.max_points ? std::min(total, *r.max_points) : total);
  }
  for (std::size_t s = 0; s < S; ++s) {
    if (points_by_source[s] == 0) continue;
    const Source& src = sources[s];
    out.lines.push_back({std::string(src.rule), points_by_source[s],
                         src.multiplier ? Explain::of("earn.multiplier").arg("factor", src.factor)
                                        : Explain::of("earn.tier_multiplier")
                                              .arg("factor", src.factor)
                                              .arg("tier", src.tier)});
  }
  for (auto& c : caps) out.lines.push_back(std::move(c));
  if (p.max_points_per_order && out.points > *p.max_points_per_order) {
    out.lines.push_back({"max_points_per_order", *p.max_points_per_order - out.points,
                         Explain::of("earn.order_cap").arg("max_points", *p.max_points_per_order)});
    out.points = *p.max_points_per_order;
  }
  return out;
}

std::vector<i64> earning_nets(const Program& p, const Cart& cart, i64 merchandise_discount) {
  std::vector<i64> nets(cart.lines.size());
  for (std::size_t i = 0; i < nets.size(); ++i) nets[i] = cart.lines[i].net;
  if (!p.earn_on_discounted) return nets;
  Scratch<i64, 32> parts(nets.size());
  spread_into(cart.order_discount_minor + merchandise_discount, nets.data(), nets.size(),
              parts.data());
  for (std::size_t i = 0; i < nets.size(); ++i) nets[i] -= parts[i];
  return nets;
}

std::map<std::string, i64> threshold_spend(const Program& p, const Cart& cart, Timestamp at,
                                           const std::string& tier, const std::vector<i64>& nets,
                                           i64 merchandise) {
  std::map<std::string, i64> out;
  for (const auto& r : p.earn) {
    if (r.type != EarnType::spend_threshold || !conditions_hold(r.cond, p, at, tier, merchandise))
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
                               const Cart* cart, Timestamp at, const std::string& tier,
                               i64 available_points, i64 discount) {
  const Check check{program, ledger, cart, at, tier};
  i64 cost = reward.cost;
  if (reward.type == RewardType::points_discount) cost = 0;
  return check_reward(check, reward, false, 0, 0, available_points, discount, cost);
}

Recomputed recompute_order(const Program& p, const OrderRecord& rec) {
  Recomputed out;
  const Cart& cart = rec.cart;
  const i64 merchandise = cart.lines_net - cart.order_discount_minor;
  i64 left = merchandise, shipping_left = cart.shipping_minor, merch_discount = 0,
      ship_discount = 0;
  auto apply_one = [&](const std::string& reward, std::optional<i64> points) {
    const Reward* r = p.reward(reward);
    if (!r) return;
    i64 cost = 0;
    const i64 d = reward_discount(p, *r, cart, left, shipping_left, points, cost);
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
  const auto nets = earning_nets(p, cart, merch_discount);
  out.points = compute_earning(p, cart, rec.at, rec.tier, nets, cart.shipping_minor - ship_discount,
                               merchandise)
                   .points;
  out.spend = merchandise - merch_discount;
  out.threshold_spend = threshold_spend(p, cart, rec.at, rec.tier, nets, merchandise);
  return out;
}

OrderOutcome process_order(const Program& p, Ledger& ledger, const OrderRequest& o,
                           bool whole_or_nothing) {
  OrderOutcome out;
  const Cart& cart = *o.cart;
  // The tier is asked three times at the order's instant: its calendar periods are worked out once.
  const TierPeriods periods = tier_periods(p, o.at);
  const TierStatus before = tier_at(p, ledger, periods);
  const std::string tier = tier_id(before);
  out.tier_before = tier;
  const i64 merchandise = cart.lines_net - cart.order_discount_minor;
  Redemptions rd = evaluate_redemptions(p, ledger, o, tier);
  out.applied = std::move(rd.applied);  // read from `out` from here on
  out.rejected = std::move(rd.rejected);
  out.merchandise = merchandise;
  out.discount = rd.merchandise_discount + rd.shipping_discount;
  out.shipping = cart.shipping_minor;
  out.total = merchandise - out.discount + cart.shipping_minor;
  out.cost = rd.cost;
  if (whole_or_nothing && !out.rejected.empty()) return out;

  const auto nets = earning_nets(p, cart, rd.merchandise_discount);
  const i64 shipping_net = cart.shipping_minor - rd.shipping_discount;
  Earning e = compute_earning(p, cart, o.at, tier, nets, shipping_net, merchandise);
  out.spend = merchandise - rd.merchandise_discount;
  std::string earn_tier = tier;
  TierStatus after = tier_at(p, ledger, periods, basis_amount(p, out.spend, e.points));
  if (p.tiers && p.tiers->upgrade_applies_to_crossing_order && after.level != before.level &&
      after.level->min > before.level->min) {
    earn_tier = tier_id(after);
    e = compute_earning(p, cart, o.at, earn_tier, nets, shipping_net, merchandise);
  }
  out.earn_tier = earn_tier;
  out.lines = std::move(e.lines);
  out.purchase_points = e.points;
  out.points = e.points;
  out.threshold_spend = threshold_spend(p, cart, o.at, earn_tier, nets, merchandise);

  // Signup bonuses held for an order.
  for (auto it = ledger.held.begin(); it != ledger.held.end();) {
    const EarnRule* r = p.rule(it->rule);
    const bool release =
        !r || r->mode == SignupMode::next_order ||
        (r->mode == SignupMode::after_spend && merchandise >= r->cond.min_order_minor);
    if (!release) {
      ++it;
      continue;
    }
    out.lines.push_back(
        {it->rule, it->points, Explain::of("earn.signup").arg("points", it->points)});
    out.points = add(out.points, it->points);
    it = ledger.held.erase(it);
  }

  // Commit: pay for the rewards, then credit what the order earns.
  debit_points(ledger, rd.cost, false);
  ledger.lifetime.redeemed = add(ledger.lifetime.redeemed, rd.cost);
  for (const auto& a : out.applied) {
    const Reward* r = p.reward(a.reward);
    if (a.voucher.empty() && r && r->limit)
      counter_bump(ledger, "reward:" + r->id, *r->limit, o.at, p.utc_offset);
  }
  for (const auto& v : rd.used_vouchers)
    std::erase_if(ledger.vouchers, [&](const Voucher& x) { return x.id == v.id; });
  if (out.points > 0) {
    if (p.pending_days > 0) {
      out.pending = true;
      out.available_at = Timestamp{o.at.ms + p.pending_days * kDayMs};
      ledger.pending.push_back({out.points, out.available_at, o.event_id});
    } else {
      credit_points(p, ledger, out.points, o.at);
    }
  } else if (out.points < 0) {
    debit_points(ledger, -out.points, true);
  }
  ledger.lifetime.earned = add(ledger.lifetime.earned, out.points);

  // A big order can cross a spend threshold hundreds of times: the outcome records each batch
  // once, and issue_vouchers builds the batch's voucher once and copies it.
  int voucher_index = 0;
  auto issue = [&](const std::string& reward, const char* kind, const std::string& id, i64 count) {
    if (count <= 0) return;
    out.issued.push_back({reward, kind + id, count});
    issue_vouchers(p, ledger, reward, out.issued.back().source, o.event_id, o.at, voucher_index,
                   count);
    voucher_index += static_cast<int>(count);
  };
  for (const auto& card : p.punch_cards) {
    i64 punches = 0;
    for (const auto& l : cart.lines)
      if (matches(card.match, l)) punches = card.per_item ? add(punches, l.quantity) : 1;
    if (punches == 0) continue;
    if (card.max_punches_per_day) {
      const Limit daily{*card.max_punches_per_day, Period::day};
      const i64 today = counter_value(ledger, "punch:" + card.id, daily, o.at, p.utc_offset);
      punches = std::min(punches, std::max<i64>(0, *card.max_punches_per_day - today));
      if (punches == 0) continue;
      counter_bump(ledger, "punch:" + card.id, daily, o.at, p.utc_offset, punches);
    }
    i64& count = ledger.punches[card.id];
    count = add(count, punches);
    CardProgress progress{card.id, punches, 0, count / card.required};
    count %= card.required;
    progress.after = count;
    issue(card.reward, "punch_card:", card.id, progress.completes);
    out.cards.push_back(progress);
  }
  for (const auto& [rule_id, spend] : out.threshold_spend) {
    const EarnRule* r = p.rule(rule_id);
    i64& progress = ledger.threshold_progress[rule_id];
    progress = add(progress, spend);
    issue(r->reward, "rule:", r->id, progress / r->every_minor);
    progress %= r->every_minor;
  }

  // Points basis: purchase points and the signup bonuses this order released.
  add_contribution(p, ledger, periods, basis_amount(p, out.spend, out.points));
  ledger.lifetime.spend_minor = add(ledger.lifetime.spend_minor, out.spend);
  ledger.lifetime.orders += 1;
  // Inactivity is "no earning or redemption" (program.md): an order that only buys (a gift card
  // that earns nothing) does not restart the clock, and pending points restart it on release.
  if ((out.points > 0 && !out.pending) || !out.applied.empty()) ledger.last_activity = o.at;
  const TierStatus final_status = tier_at(p, ledger, periods);
  out.tier_after = tier_id(final_status);
  out.qualifying_after = final_status.qualifying;
  return out;
}

}  // namespace loyalty
