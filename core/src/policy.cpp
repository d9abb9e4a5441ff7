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

bool in_window(const std::optional<Window>& when, Timestamp t, int utc_offset) {
  if (!when) return true;
  if (when->from && t < *when->from) return false;
  if (when->until && t >= *when->until) return false;
  if (!when->days_mask && !when->hour_start) return true;
  const LocalTime lt = local_time(t, utc_offset);
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
  // The remainders and their order live on the stack for the short lists nearly every call has
  // (a share per multiplier source, the lines of a usual cart).
  constexpr std::size_t kShort = 32;
  Scratch<i128, kShort> remainders(n);
  i64 given = 0;
  // 128-bit division is a library call; when the product and the sum fit in 64 bits (any real
  // cart) 64-bit division gives the same quotient and remainder (both truncate).
  const bool narrow_sum = sum > 0 && sum <= INT64_MAX;
  for (std::size_t i = 0; i < n; ++i) {
    i64 exact64 = 0;
    if (narrow_sum && !__builtin_mul_overflow(total, weights[i], &exact64)) {
      parts[i] = exact64 / static_cast<i64>(sum);
      remainders[i] = exact64 % static_cast<i64>(sum);
    } else {
      const i128 exact = static_cast<i128>(total) * weights[i];
      parts[i] = static_cast<i64>(exact / sum);
      remainders[i] = exact % sum;
    }
    given += parts[i];
  }
  if (given >= total) return;  // nothing left over to hand out
  // Largest remainder first; equal remainders in line order.
  std::vector<std::size_t> long_order;
  std::size_t short_order[kShort];
  const std::size_t* order = short_order;
  if (n <= kShort) {
    // Stable insertion sort: the same order as stable_order, without its temporary buffer.
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t j = i;
      for (; j > 0 && remainders[i] > remainders[short_order[j - 1]]; --j)
        short_order[j] = short_order[j - 1];
      short_order[j] = i;
    }
  } else {
    long_order =
        stable_order(n, remainders.data(), [](const void* r, std::size_t a, std::size_t b) {
          const auto* rem = static_cast<const i128*>(r);
          return rem[a] > rem[b];
        });
    order = long_order.data();
  }
  for (std::size_t k = 0; given < total && k < n; ++k, ++given) parts[order[k]] += 1;
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
