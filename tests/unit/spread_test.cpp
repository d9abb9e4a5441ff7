// The order-discount spread: proportional, largest remainder first, ties to the earlier line,
// always adding up exactly; and the core's one stable sort (stable_order) it uses on long carts.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "policy.hpp"
#include "stable_order.hpp"

namespace loyalty {
namespace {

TEST(Spread, ProportionalWithLargestRemainder) {
  // 100 over 1:1:1 -> 33.33 each; the one leftover unit goes to the earliest tie.
  EXPECT_EQ(spread(100, {300, 300, 300}), (std::vector<i64>{34, 33, 33}));
  // 10 over 1000 and 3000: exact.
  EXPECT_EQ(spread(10, {1000, 3000}), (std::vector<i64>{3, 7}));
  // 7 over 1, 2, 4 (7 units) is exact; 5 over 1, 2, 4: 0.71, 1.43, 2.86 -> 0+1+2 = 3, then
  // remainders .86 (line 3), .71 (line 1) take the two leftovers.
  EXPECT_EQ(spread(5, {1, 2, 4}), (std::vector<i64>{1, 1, 3}));
}

TEST(Spread, ZeroWeightsAndZeroTotal) {
  EXPECT_EQ(spread(0, {5, 5}), (std::vector<i64>{0, 0}));
  EXPECT_EQ(spread(3, {0, 10, 0}), (std::vector<i64>{0, 3, 0}));
}

TEST(Spread, AlwaysAddsUpOnGeneratedInputs) {
  std::mt19937_64 rng(20261122);
  for (int round = 0; round < 2000; ++round) {
    const int n = 1 + static_cast<int>(rng() % 12);
    std::vector<i64> weights(n);
    for (auto& w : weights) w = static_cast<i64>(rng() % 100000);
    const i64 sum = std::accumulate(weights.begin(), weights.end(), i64{0});
    const i64 total = sum == 0 ? 0 : static_cast<i64>(rng() % (sum + 1));
    const auto parts = spread(total, weights);
    ASSERT_EQ(std::accumulate(parts.begin(), parts.end(), i64{0}), total);
    for (int i = 0; i < n; ++i) {
      ASSERT_GE(parts[i], 0);
      ASSERT_LE(parts[i], weights[i]);
      // Never more than one unit away from the exact proportional share.
      const long double exact = static_cast<long double>(total) * weights[i] / (sum ? sum : 1);
      ASSERT_LT(std::abs(static_cast<long double>(parts[i]) - exact), 1.0L);
    }
  }
}

TEST(Spread, LongCartsGiveLeftoversByRemainderThenLineOrder) {
  // 40 equal lines (past the insertion-sort size): 100 over 40 -> 2.5 each, 20 leftovers go to
  // the first 20 lines (equal remainders, earlier line first).
  std::vector<i64> parts = spread(100, std::vector<i64>(40, 7));
  for (int i = 0; i < 40; ++i) EXPECT_EQ(parts[i], i < 20 ? 3 : 2) << "line " << i;
  // A last line with the largest remainder takes a leftover before any earlier line: 40 lines
  // of 1 and one of 3 (43 units), 13 over them -> every share is below 1; the 3-line's .907 is
  // the largest remainder, then the first 12 lines' .302 each.
  std::vector<i64> weights(40, 1);
  weights.push_back(3);
  parts = spread(13, weights);
  EXPECT_EQ(parts.back(), 1);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(parts[i], i < 12 ? 1 : 0) << "line " << i;
}

// The definition, written out with 128-bit arithmetic throughout and a plain stable sort:
// spread divides in 64 bits when it can and skips the sort when nothing is left over.
std::vector<i64> reference_spread(i64 total, const std::vector<i64>& weights) {
  const std::size_t n = weights.size();
  std::vector<i64> parts(n, 0);
  i128 sum = 0;
  for (i64 w : weights) sum += w;
  if (sum == 0 || total == 0) return parts;
  std::vector<i128> remainders(n);
  i64 given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    parts[i] = static_cast<i64>(static_cast<i128>(total) * weights[i] / sum);
    remainders[i] = static_cast<i128>(total) * weights[i] % sum;
    given += parts[i];
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t k = 0; given < total && k < n; ++k, ++given) parts[order[k]] += 1;
  return parts;
}

TEST(Spread, SixtyFourAndOneTwentyEightBitPathsGiveTheDefinition) {
  std::mt19937_64 rng(20261207);
  for (int round = 0; round < 3000; ++round) {
    // Short and long lists; weights and totals from tiny to where total × weight (or the sum)
    // no longer fits in 64 bits.
    const std::size_t n = 1 + rng() % (round % 3 == 0 ? 80 : 12);
    const int bits = 4 + static_cast<int>(rng() % 59);
    std::vector<i64> weights(n);
    for (auto& w : weights) w = static_cast<i64>(rng() >> (64 - bits));
    i128 sum = 0;
    for (i64 w : weights) sum += w;
    const i64 cap = sum > INT64_MAX ? INT64_MAX : static_cast<i64>(sum);
    const i64 total = cap == 0 ? 0 : static_cast<i64>(rng() % static_cast<std::uint64_t>(cap));
    ASSERT_EQ(spread(total, weights), reference_spread(total, weights))
        << "round " << round << " total " << total;
  }
}

TEST(StableOrder, SortsPositionsKeepingEqualItemsInOrder) {
  const std::vector<int> keys = {3, 1, 2, 1, 3, 0, 2};
  const auto order =
      stable_order(keys.size(), &keys, [](const void* k, std::size_t a, std::size_t b) {
        const auto& v = *static_cast<const std::vector<int>*>(k);
        return v[a] < v[b];
      });
  EXPECT_EQ(order, (std::vector<std::size_t>{5, 1, 3, 2, 6, 0, 4}));
  std::vector<std::string> words = {"c", "a", "b"};
  rearrange(words, {1, 2, 0});
  EXPECT_EQ(words, (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace loyalty
