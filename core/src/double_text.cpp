#include "double_text.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace loyalty {
namespace {

// The exact decimal digits of a finite double > 0, most significant first, and the power of ten
// of the last one: value = digits × 10^exponent. A double is m × 2^e with an integer m < 2^53,
// so for e < 0 it is m × 5^-e × 10^e: an integer product either way, computed in base 10^9 limbs
// (at most about 85 of them, for the smallest subnormal).
struct ExactDecimal {
  std::string digits;
  int exponent;
};

ExactDecimal exact_decimal(double value) {
  int binary_exponent = 0;
  const double fraction = std::frexp(value, &binary_exponent);  // value = fraction × 2^e
  auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
  binary_exponent -= 53;
  for (; binary_exponent < 0 && mantissa % 2 == 0; ++binary_exponent) mantissa /= 2;
  constexpr std::uint32_t kBase = 1000000000;
  std::vector<std::uint32_t> limbs;  // least significant first
  for (; mantissa != 0; mantissa /= kBase)
    limbs.push_back(static_cast<std::uint32_t>(mantissa % kBase));
  const std::uint32_t factor = binary_exponent >= 0 ? 2 : 5;
  for (int i = 0; i < std::abs(binary_exponent); ++i) {
    std::uint64_t carry = 0;
    for (auto& limb : limbs) {
      const std::uint64_t product = std::uint64_t{limb} * factor + carry;
      limb = static_cast<std::uint32_t>(product % kBase);
      carry = product / kBase;
    }
    if (carry != 0) limbs.push_back(static_cast<std::uint32_t>(carry));
  }
  ExactDecimal out{std::to_string(limbs.back()), binary_exponent < 0 ? binary_exponent : 0};
  for (auto it = limbs.rbegin() + 1; it != limbs.rend(); ++it) {
    const std::string limb = std::to_string(*it);
    out.digits.append(9 - limb.size(), '0').append(limb);
  }
  while (out.digits.size() > 1 && out.digits.back() == '0') {
    out.digits.pop_back();
    ++out.exponent;
  }
  return out;
}

// `exact` rounded to `count` significant digits, half up, with the power of ten of the last. (A
// candidate is only taken when it reads back as the double, so how a tie rounds cannot matter.)
ExactDecimal rounded(const ExactDecimal& exact, std::size_t count) {
  if (exact.digits.size() <= count) return exact;
  ExactDecimal out{exact.digits.substr(0, count),
                   exact.exponent + static_cast<int>(exact.digits.size() - count)};
  if (exact.digits[count] >= '5') {
    std::size_t i = count;
    while (i > 0 && out.digits[i - 1] == '9') out.digits[--i] = '0';
    if (i == 0) {
      out.digits.insert(out.digits.begin(), '1');
      out.digits.pop_back();
      ++out.exponent;
    } else {
      ++out.digits[i - 1];
    }
  }
  while (out.digits.size() > 1 && out.digits.back() == '0') {
    out.digits.pop_back();
    ++out.exponent;
  }
  return out;
}

bool reads_back_as(const ExactDecimal& d, double value) {
  const std::string text = d.digits + "e" + std::to_string(d.exponent);
  return std::strtod(text.c_str(), nullptr) == value;
}

// nlohmann's layout of digits × 10^exponent: plain between 10^-5 and 10^15, otherwise with an
// exponent of at least two digits; a whole number keeps ".0".
std::string layout(const ExactDecimal& d) {
  const int k = static_cast<int>(d.digits.size());
  const int n = k + d.exponent;  // where the decimal point goes, counted from the first digit
  constexpr int kMinExp = -4, kMaxExp = 15;
  if (k <= n && n <= kMaxExp)
    return d.digits + std::string(static_cast<std::size_t>(n - k), '0') + ".0";
  if (0 < n && n <= kMaxExp) return d.digits.substr(0, n) + "." + d.digits.substr(n);
  if (kMinExp < n && n <= 0)
    return "0." + std::string(static_cast<std::size_t>(-n), '0') + d.digits;
  std::string out = d.digits.substr(0, 1);
  if (k > 1) out += "." + d.digits.substr(1);
  const int e = n - 1;
  out += e < 0 ? "e-" : "e+";
  const std::string magnitude = std::to_string(e < 0 ? -e : e);
  if (magnitude.size() < 2) out += '0';
  return out + magnitude;
}

}  // namespace

std::string double_text(double value) {
  if (!std::isfinite(value)) return "null";
  const std::string sign = std::signbit(value) ? "-" : "";
  if (value == 0) return sign + "0.0";
  const double magnitude = std::fabs(value);
  const ExactDecimal exact = exact_decimal(magnitude);
  for (std::size_t count = 1; count < 17; ++count) {
    const ExactDecimal candidate = rounded(exact, count);
    if (reads_back_as(candidate, magnitude)) return sign + layout(candidate);
  }
  return sign + layout(rounded(exact, 17));  // 17 significant digits always read back
}

}  // namespace loyalty
