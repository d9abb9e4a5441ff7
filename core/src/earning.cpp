#include "earning.hpp"

#include <algorithm>

#include "scratch.hpp"

namespace loyalty {
namespace {

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
// c[0..S) (one row of a flat table: a vector per cart line would cost a malloc each).
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

// Room on the stack for the few multiplier sources a program has; more go to the heap.
constexpr std::size_t kSources = 8;
using Sources = Scratch<Source, kSources>;
using PerSource = Scratch<i64, kSources>;           // a value per source
using ExactPerSource = Scratch<i128, kSources>;     // a value per source, before rounding
using Contributions = Scratch<i64, 32 * kSources>;  // a row of a value per source per cart line

// compute_earning's steps. Each has that one caller and is always inlined into it: the
// WebAssembly build compiles this file with -Os's -fno-inline-functions (wasm/CMakeLists.txt),
// which inlines nothing else, and as functions of their own the steps would add to a download
// that is at its size budget (docs/performance.md).

// The most sources an order can have: the member's tier and every multiplier rule.
[[gnu::always_inline]] inline std::size_t most_sources(const Program& p) {
  std::size_t most = p.tiers ? 1 : 0;
  for (const auto& r : p.earn) most += r.type == EarnType::multiplier;
  return most;
}

// This order's multiplier sources, in the order their lines take: the member's tier when its
// level has a multiplier, then the multiplier rules whose conditions hold. Returns how many.
[[gnu::always_inline]] inline std::size_t find_sources(const Program& p, Timestamp at,
                                                       const Who& who, i64 merchandise,
                                                       Sources& sources) {
  std::size_t S = 0;
  if (p.tiers) {
    for (const auto& l : p.tiers->levels)
      if (l.id == who.tier && l.earn_multiplier) {
        sources[S++] = {"tier", *l.earn_multiplier, nullptr, l.id};
        break;  // tier ids are unique (parse_program)
      }
  }
  for (const auto& r : p.earn)
    if (r.type == EarnType::multiplier && conditions_hold(r.cond, p, at, who, merchandise))
      sources[S++] = {r.id, r.factor, &r, ""};
  return S;
}

// contributions() for each cart line, and one more row for shipping (which only sources without a
// match reach).
[[gnu::always_inline]] inline void fill_contributions(Stacking mode, const Sources& sources,
                                                      std::size_t S, const Cart& cart,
                                                      Contributions& table) {
  if (S == 0) return;
  const std::size_t n = cart.lines.size();
  for (std::size_t i = 0; i <= n; ++i)
    contributions(mode, sources.data(), S, i < n ? &cart.lines[i] : nullptr, &table[i * S]);
}

// The rules that earn points of their own; multiplier rules only scale what these earn.
[[gnu::always_inline]] inline bool earns_points(EarnType t) {
  return t == EarnType::per_spend || t == EarnType::per_item || t == EarnType::per_order ||
         t == EarnType::bonus;
}

// One rule's points before its cap: `base` without the multipliers, `total` with them.
struct RulePoints {
  i64 base, total;
};

// Both kinds of rule write their own line: an explanation built in place is moved once less
// than one handed back for the caller to push.

// per_spend and per_item: points per unit of spend (or per item) over the matching lines, and
// over shipping when the rule includes it. Each of the S sources' exact extra points, times the
// rule's unit and Fixed::kScale, go to `source_exact` for split_extra().
[[gnu::always_inline]] inline RulePoints earn_on_lines(const EarnRule& r, const Cart& cart,
                                                       const std::vector<i64>& nets,
                                                       i64 shipping_net, const Contributions& table,
                                                       std::size_t S, ExactPerSource& source_exact,
                                                       std::vector<HistoryLine>& lines) {
  std::fill(source_exact.begin(), source_exact.end(), i128{0});
  i128 w_sum = 0, wf_sum = 0;
  i64 measure = 0;
  auto weigh = [&](i64 amount, std::size_t row) {
    const i128 w = mul128(amount, r.points);
    i128 c_sum = 0;
    for (std::size_t s = 0; s < S; ++s) {
      source_exact[s] = add128(source_exact[s], mul128(w, table[row * S + s]));
      c_sum += table[row * S + s];
    }
    w_sum = add128(w_sum, w);
    wf_sum = add128(wf_sum, mul128(w, Fixed::kScale + c_sum));
  };
  const std::size_t n = cart.lines.size();
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
  RulePoints points{};
  points.base = narrow(divide(w_sum, den, r.rounding));
  points.total = narrow(divide(wf_sum, mul128(den, Fixed::kScale), r.rounding));
  if (points.base != 0)
    lines.push_back(
        {r.id, points.base,
         r.type == EarnType::per_spend
             ? Explain::of("earn.per_spend")
                   .arg("points", r.points)
                   .arg("per_minor", r.per_minor)
                   .arg("spend_minor", measure)
             : Explain::of("earn.per_item").arg("points", r.points).arg("quantity", measure)});
  return points;
}

// per_order and bonus: whether the cart earns the rule's points, once; writes its line when it
// does. per_order wants a cart with a matching line (any cart, for a rule without a match); bonus
// wants min_quantity matching items. The multipliers do not scale these.
[[gnu::always_inline]] inline bool earn_fixed(const EarnRule& r, const Cart& cart,
                                              std::vector<HistoryLine>& lines) {
  i64 quantity = 0;
  bool any = false;
  for (const auto& l : cart.lines) {
    if (!matches(r.cond.match, l)) continue;
    any = true;
    quantity = add(quantity, l.quantity);
  }
  const bool earns = r.type == EarnType::per_order ? (any || !r.cond.match) && !cart.lines.empty()
                                                   : quantity >= r.min_quantity;
  if (!earns) return false;
  if (r.points != 0)
    lines.push_back({r.id, r.points,
                     r.type == EarnType::per_order
                         ? Explain::of("earn.per_order").arg("points", r.points)
                         : Explain::of("earn.bonus")
                               .arg("points", r.points)
                               .arg("min_quantity", r.min_quantity)
                               .arg("quantity", quantity)});
  return true;
}

// A factor below 1 next to one above: each source keeps its sign. The raising sources share
// their exact sum (rounded), the lowering ones the rest, so the lines still add up to `extra`.
// `unit` is what source_exact counts in, besides Fixed::kScale (per_minor for per_spend, else 1).
[[gnu::always_inline]] inline void split_mixed_signs(i64 extra, i64 unit,
                                                     const ExactPerSource& source_exact,
                                                     const PerSource& weights, std::size_t S,
                                                     PerSource& points_by_source) {
  PerSource up(S), down(S), ups(S), downs(S);
  i128 up_exact = 0;
  for (std::size_t s = 0; s < S; ++s) {
    (source_exact[s] > 0 ? up : down)[s] = weights[s];
    if (source_exact[s] > 0) up_exact = add128(up_exact, source_exact[s]);
  }
  i64 up_total = narrow(divide(up_exact, mul128(unit, Fixed::kScale), Rounding::nearest));
  i64 down_total = sub(up_total, extra);
  if (down_total < 0) {
    down_total = 0;
    up_total = extra;
  }
  spread_into(up_total, up.data(), S, ups.data());
  spread_into(down_total, down.data(), S, downs.data());
  for (std::size_t s = 0; s < S; ++s) points_by_source[s] += ups[s] - downs[s];
}

// A rule's extra points from the multipliers (its total minus its base), split exactly between
// the S sources by the size of each one's exact extra, added to points_by_source. `weights` and
// `parts` are scratch room.
[[gnu::always_inline]] inline void split_extra(const EarnRule& r, i64 extra,
                                               const ExactPerSource& source_exact, std::size_t S,
                                               PerSource& points_by_source, PerSource& weights,
                                               PerSource& parts) {
  bool raises = false, lowers = false;
  for (std::size_t s = 0; s < S; ++s) {
    raises = raises || source_exact[s] > 0;
    lowers = lowers || source_exact[s] < 0;
  }
  for (std::size_t s = 0; s < S; ++s) {
    const i128 e = source_exact[s] < 0 ? -source_exact[s] : source_exact[s];
    weights[s] = narrow(std::min<i128>(e, INT64_MAX / 2));
  }
  if (raises && lowers) {
    const i64 unit = r.type == EarnType::per_spend ? r.per_minor : 1;
    split_mixed_signs(extra, unit, source_exact, weights, S, points_by_source);
    return;
  }
  spread_into(extra < 0 ? -extra : extra, weights.data(), S, parts.data());
  for (std::size_t s = 0; s < S; ++s) points_by_source[s] += extra < 0 ? -parts[s] : parts[s];
}

// A line per source that earned extra points, in the sources' order.
[[gnu::always_inline]] inline void add_multiplier_lines(const Sources& sources,
                                                        const PerSource& points_by_source,
                                                        std::size_t S,
                                                        std::vector<HistoryLine>& lines) {
  for (std::size_t s = 0; s < S; ++s) {
    if (points_by_source[s] == 0) continue;
    const Source& src = sources[s];
    lines.push_back({std::string(src.rule), points_by_source[s],
                     src.multiplier ? Explain::of("earn.multiplier").arg("factor", src.factor)
                                    : Explain::of("earn.tier_multiplier")
                                          .arg("factor", src.factor)
                                          .arg("tier", src.tier)});
  }
}

// The program's cap on an order's points: a line taking back what is over it.
[[gnu::always_inline]] inline void cap_order(const Program& p, Earning& out) {
  if (!p.max_points_per_order || out.points <= *p.max_points_per_order) return;
  out.lines.push_back({"max_points_per_order", *p.max_points_per_order - out.points,
                       Explain::of("earn.order_cap").arg("max_points", *p.max_points_per_order)});
  out.points = *p.max_points_per_order;
}

}  // namespace

Earning compute_earning(const Program& p, const Cart& cart, Timestamp at, const Who& who,
                        const std::vector<i64>& nets, i64 shipping_net, i64 merchandise) {
  Earning out;
  out.lines.reserve(p.earn.size() + 2);  // a line per rule at most, and the caps
  // Scratch space sized for the few sources and the usual cart: no allocation per order.
  Sources sources(most_sources(p));
  const std::size_t S = find_sources(p, at, who, merchandise, sources);
  Contributions table((cart.lines.size() + 1) * S);
  fill_contributions(p.stacking, sources, S, cart, table);

  std::vector<HistoryLine> caps;
  PerSource points_by_source(S), weights(S), parts(S);
  ExactPerSource source_exact(S);  // per rule
  for (const auto& r : p.earn) {
    if (!earns_points(r.type) || !conditions_hold(r.cond, p, at, who, merchandise)) continue;
    RulePoints points{};
    if (r.type == EarnType::per_spend || r.type == EarnType::per_item) {
      points = earn_on_lines(r, cart, nets, shipping_net, table, S, source_exact, out.lines);
      // The multipliers' extra points go to their own lines, split exactly by their share.
      const i64 extra = points.total - points.base;
      if (extra != 0 && S > 0)
        split_extra(r, extra, source_exact, S, points_by_source, weights, parts);
    } else if (earn_fixed(r, cart, out.lines)) {
      points = {r.points, r.points};
    } else {
      continue;
    }
    if (r.max_points && points.total > *r.max_points)
      caps.push_back({r.id, *r.max_points - points.total,
                      Explain::of("earn.rule_cap").arg("max_points", *r.max_points)});
    out.points =
        add(out.points, r.max_points ? std::min(points.total, *r.max_points) : points.total);
  }
  add_multiplier_lines(sources, points_by_source, S, out.lines);
  for (auto& c : caps) out.lines.push_back(std::move(c));
  cap_order(p, out);
  return out;
}

}  // namespace loyalty
