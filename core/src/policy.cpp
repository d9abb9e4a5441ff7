#include "policy.hpp"

#include <algorithm>

#include "scratch.hpp"
#include "stable_order.hpp"

namespace loyalty {
namespace {
// Asked for every rule and cart line: ids of the same length ("shoes", "coats") usually differ
// in their first letter, which spares the memcmp call that std::string's == makes.
bool contains(const std::vector<std::string>& list, const std::string& value) {
  for (const auto& x : list)
    if (x.size() == value.size() && (x.empty() || x[0] == value[0]) && x == value) return true;
  return false;
}

// Hands the `left` units the quotients left over to the largest remainders first, equal
// remainders in line order (the spread's second step).
constexpr std::size_t kShortSpread = 32;  // lists up to this long sort on the stack
template <class Remainder>
void hand_out(i64 left, const Remainder* remainders, std::size_t n, i64* parts) {
  if (left <= 0) return;
  if (n <= kShortSpread) {
    // Stable insertion sort: the same order as stable_order, without its temporary buffer.
    std::size_t order[kShortSpread];
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t j = i;
      for (; j > 0 && remainders[i] > remainders[order[j - 1]]; --j) order[j] = order[j - 1];
      order[j] = i;
    }
    for (std::size_t k = 0; k < n && left > 0; ++k, --left) parts[order[k]] += 1;
    return;
  }
  const auto order = stable_order(n, remainders, [](const void* r, std::size_t a, std::size_t b) {
    const auto* rem = static_cast<const Remainder*>(r);
    return rem[a] > rem[b];
  });
  for (std::size_t k = 0; k < n && left > 0; ++k, --left) parts[order[k]] += 1;
}
}  // namespace

bool matches(const Match& m, const CartLine& line) {
  const bool include_listed = !m.skus.empty() || !m.categories.empty();
  if (include_listed && !contains(m.skus, line.sku) &&
      (line.category.empty() || !contains(m.categories, line.category)))
    return false;
  if (contains(m.exclude_skus, line.sku)) return false;
  if (!line.category.empty() && contains(m.exclude_categories, line.category)) return false;
  return true;
}

bool in_window(const std::optional<Window>& when, Timestamp t, const Zone& zone) {
  if (!when) return true;
  if (when->from && t < *when->from) return false;
  if (when->until && t >= *when->until) return false;
  if (!when->days_mask && !when->hour_start) return true;
  const LocalTime lt = local_time(t, zone);
  if (when->days_mask && !(when->days_mask & (1u << lt.weekday))) return false;
  if (when->hour_start) {
    const int s = *when->hour_start, e = *when->hour_end, now = lt.second_of_day;
    const bool inside = s < e ? (now >= s && now < e) : (now >= s || now < e);
    if (!inside) return false;
  }
  return true;
}

bool in_audience(const std::vector<std::string>& audience, const std::string& tier_id) {
  return audience.empty() || contains(audience, tier_id);
}

std::vector<i64> spread(i64 total, const std::vector<i64>& weights) {
  std::vector<i64> parts(weights.size());
  spread_into(total, weights.data(), weights.size(), parts.data());
  return parts;
}

void spread_into(i64 total, const i64* weights, std::size_t n, i64* parts) {
  std::fill(parts, parts + n, i64{0});
  i128 sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += weights[i];
  if (sum == 0 || total == 0) return;
  // 128-bit division is a library call and 128-bit remainders compare in two steps; when every
  // product and the sum fit in 64 bits (any real cart) 64-bit arithmetic gives the same
  // quotients and remainders (both truncate).
  if (sum > 0 && sum <= INT64_MAX) {
    const auto sum64 = static_cast<i64>(sum);
    Scratch<i64, kShortSpread> remainders(n);
    i64 given = 0;
    std::size_t i = 0;
    for (; i < n; ++i) {
      i64 exact = 0;
      if (__builtin_mul_overflow(total, weights[i], &exact)) break;
      parts[i] = exact / sum64;
      remainders[i] = exact % sum64;
      given += parts[i];
    }
    if (i == n) return hand_out(total - given, remainders.data(), n, parts);
  }
  Scratch<i128, kShortSpread> remainders(n);
  i64 given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const i128 exact = static_cast<i128>(total) * weights[i];
    parts[i] = static_cast<i64>(exact / sum);
    remainders[i] = exact % sum;
    given += parts[i];
  }
  hand_out(total - given, remainders.data(), n, parts);
}

Fixed stack(Stacking mode, const std::vector<Fixed>& factors) {
  if (factors.empty()) return Fixed::one();
  switch (mode) {
    case Stacking::highest:
      return *std::max_element(factors.begin(), factors.end());
    case Stacking::multiply: {
      // Each product is kept at 4 decimals, rounded down (documented in docs/rules.md).
      i128 f = Fixed::kScale;
      for (Fixed x : factors) f = f * x.raw / Fixed::kScale;
      return Fixed{narrow(f)};
    }
    case Stacking::add: {
      i64 f = Fixed::kScale;
      for (Fixed x : factors) f = add(f, x.raw - Fixed::kScale);
      return Fixed{std::max<i64>(f, 0)};
    }
  }
  return Fixed::one();
}

}  // namespace loyalty
