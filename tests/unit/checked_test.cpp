// The checked arithmetic's shortcuts (checked.hpp): products of small factors in 64 bits and
// divisions of values that fit in 64 bits give exactly what the full 128-bit paths give, for
// every rounding, at the edges of the shortcuts and on random values across them.
#include <gtest/gtest.h>

#include <random>

#include "checked.hpp"
#include "error.hpp"

namespace loyalty {
namespace {

// The plain 128-bit floor division and half-up test (2r >= den cannot overflow for these values).
i128 reference_divide(i128 num, i128 den, Rounding mode) {
  i128 q = num / den, r = num % den;
  if (r < 0) q -= 1, r += den;
  if (mode == Rounding::ceil) return r ? q + 1 : q;
  if (mode == Rounding::nearest) return 2 * r >= den ? q + 1 : q;
  return q;
}

// Values around the shortcuts' limits (2^31 for products, 2^63 for divisions) and random ones.
std::vector<i128> edge_values() {
  std::vector<i128> out = {0, 1, 2, 3, 7, 10, 99, 100, 10000};
  for (const int bits : {31, 32, 62, 63, 64, 90}) {
    const i128 p = i128{1} << bits;
    for (const i128 d : {i128{-1}, i128{0}, i128{1}}) out.push_back(p + d);
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    const int bits = static_cast<int>(rng() % 96);
    const i128 v =
        (static_cast<i128>(rng()) << 32 ^ static_cast<i128>(rng())) & ((i128{1} << bits) - 1);
    out.push_back(v);
  }
  const std::size_t n = out.size();
  for (std::size_t i = 0; i < n; ++i) out.push_back(-out[i]);
  return out;
}

TEST(Checked, ProductsAreExactOnBothSidesOfTheShortcut) {
  int compared = 0;
  for (const i128 a : edge_values())
    for (const i128 b : edge_values()) {
      i128 expected;
      if (__builtin_mul_overflow(a, b, &expected)) {
        EXPECT_THROW(mul128(a, b), Failure);
      } else {
        ASSERT_EQ(mul128(a, b), expected);
        ++compared;
      }
    }
  EXPECT_GT(compared, 10000);
}

TEST(Checked, DivisionsRoundAsThe128BitPathDoes) {
  int compared = 0;
  for (const i128 num : edge_values())
    for (const i128 den : edge_values()) {
      if (den <= 0) continue;
      for (const Rounding mode : {Rounding::floor, Rounding::nearest, Rounding::ceil}) {
        ASSERT_EQ(divide(num, den, mode), reference_divide(num, den, mode));
        ++compared;
      }
    }
  EXPECT_GT(compared, 50000);
  // Halves round up; the largest 64-bit denominators do not overflow the half test.
  EXPECT_EQ(divide(5, 2, Rounding::nearest), 3);
  EXPECT_EQ(divide(-5, 2, Rounding::nearest), -2);
  EXPECT_EQ(divide(INT64_MAX - 1, INT64_MAX, Rounding::nearest), 1);
  EXPECT_EQ(divide(INT64_MAX / 2, INT64_MAX, Rounding::nearest), 0);
  EXPECT_EQ(divide(7, 3, Rounding::floor), 2);
  EXPECT_EQ(divide(7, 3, Rounding::ceil), 3);
  EXPECT_EQ(divide(-7, 3, Rounding::floor), -3);
}

}  // namespace
}  // namespace loyalty
