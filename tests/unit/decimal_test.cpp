// nearest_double (core/src/decimal.hpp), the WebAssembly module's strtod, against the C
// library's strtod bit for bit: short decimals, every double's shortest text, the exact
// midpoints between neighbouring doubles (ties go to the even one) and the decimals just beside
// them, long digit strings, and the edges of the range (subnormals, overflow, signed zeros).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include "decimal.hpp"
#include "double_text.hpp"
#include "test_helpers.hpp"

namespace loyalty {
namespace {

void expect_as_strtod(const std::string& text) {
  const double ours = nearest_double(text), theirs = std::strtod(text.c_str(), nullptr);
  ASSERT_EQ(std::bit_cast<std::uint64_t>(ours), std::bit_cast<std::uint64_t>(theirs))
      << text << ": " << double_text(ours) << " vs strtod " << double_text(theirs);
}

std::string text_of(const Decimal& d) {
  return (d.digits.empty() ? "0" : d.digits) + "e" + std::to_string(d.exponent);
}

// The decimal digits + 1 in the last place (up) or - 1 (down), as text.
std::string nudged(const Decimal& d, bool up) {
  std::string digits = d.digits;
  std::size_t i = digits.size();
  if (up) {
    while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
    if (i == 0)
      digits.insert(digits.begin(), '1');
    else
      ++digits[i - 1];
  } else {
    while (i > 0 && digits[i - 1] == '0') digits[--i] = '9';
    --digits[i - 1];
  }
  return digits + "e" + std::to_string(d.exponent);
}

TEST(Decimal, EdgesAsStrtod) {
  for (const char* text : {"0",
                           "-0",
                           "0.0",
                           "-0.0e5",
                           "1",
                           "1.5",
                           "0.1",
                           "123.4567",
                           "1e22",
                           "1e23",
                           "9007199254740993",
                           "1e308",
                           "1.7976931348623157e308",
                           "1.7976931348623158e308",
                           "1.7976931348623159e308",
                           "1e309",
                           "1e400",
                           "-1e400",
                           "1e-400",
                           "4.9e-324",
                           "5e-324",
                           "2.4703282292062327e-324",
                           "2.4703282292062328e-324",
                           "2.2250738585072011e-308",
                           "2.2250738585072014e-308",
                           "1E+2",
                           "12e-1",
                           "0.000001",
                           "100000000000000000000000000000000000000001e-41",
                           "1e999999999999999999",
                           "-1e-999999999999999999"})
    expect_as_strtod(text);
}

TEST(Decimal, RandomAsStrtod) {
  std::mt19937_64 rng(20261202);
  int midpoints = 0;
  for (int i = 0; i < testing::property_cases(20000, 2000); ++i) {
    const double d = std::bit_cast<double>(rng() & ~(std::uint64_t{1} << 63));
    if (!std::isfinite(d)) continue;
    expect_as_strtod(double_text(d));
    // The midpoint to the next double up, exactly, and the decimals either side of it.
    const auto bits = std::bit_cast<std::uint64_t>(d);
    const auto biased = static_cast<int>(bits >> 52);
    const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
    const std::uint64_t m = biased == 0 ? fraction : fraction | (std::uint64_t{1} << 52);
    const Decimal mid = exact_decimal(2 * m + 1, (biased == 0 ? -1074 : biased - 1075) - 1);
    expect_as_strtod(text_of(mid));
    expect_as_strtod(nudged(mid, true));
    expect_as_strtod(nudged(mid, false));
    ++midpoints;
    // Random digit strings at any scale, short and long.
    std::string digits(1 + rng() % (i % 10 == 0 ? 400 : 25), '0');
    for (auto& c : digits) c = static_cast<char>('0' + rng() % 10);
    expect_as_strtod(digits + "e" + std::to_string(static_cast<int>(rng() % 740) - 370));
    expect_as_strtod("-0." + digits);
  }
  EXPECT_GT(midpoints, 1000);
}

TEST(Decimal, ExactDecimals) {
  EXPECT_EQ(text_of(exact_decimal(1, -1)), "5e-1");
  EXPECT_EQ(text_of(exact_decimal(3, 10)), "3072e0");
  EXPECT_EQ(text_of(exact_decimal(0.1)),
            "1000000000000000055511151231257827021181583404541015625e-55");
  EXPECT_EQ(text_of(exact_decimal(0.0)), "0e0");
}

}  // namespace
}  // namespace loyalty
