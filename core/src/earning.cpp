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

}  // namespace

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

}  // namespace loyalty
