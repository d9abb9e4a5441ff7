#include "decimal.hpp"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace loyalty {
namespace {

constexpr std::uint32_t kLimb = 1000000000;  // bigint limbs in base 10^9, least significant first

// limbs × factor^count, `factor^step` at a time (each chunk fits a limb product in 64 bits).
void multiply(std::vector<std::uint32_t>& limbs, std::uint32_t factor, int step, int count) {
  while (count > 0) {
    const int n = count < step ? count : step;
    std::uint64_t chunk = 1;
    for (int i = 0; i < n; ++i) chunk *= factor;
    std::uint64_t carry = 0;
    for (auto& limb : limbs) {
      const std::uint64_t product = limb * chunk + carry;
      limb = static_cast<std::uint32_t>(product % kLimb);
      carry = product / kLimb;
    }
    for (; carry != 0; carry /= kLimb) limbs.push_back(static_cast<std::uint32_t>(carry % kLimb));
    count -= n;
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The text's sign and its value as a normalized Decimal. Exponents are clamped far beyond any
// double's range, so "1e999999999999" stays infinite without overflowing anything.
Decimal parse_decimal_text(std::string_view text, bool& negative) {
  std::size_t i = 0;
  negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  Decimal d;
  for (; i < text.size() && is_digit(text[i]); ++i) d.digits += text[i];
  if (i < text.size() && text[i] == '.')
    for (++i; i < text.size() && is_digit(text[i]); ++i, --d.exponent) d.digits += text[i];
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool minus = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::int64_t e = 0;
    for (; i < text.size() && is_digit(text[i]); ++i)
      if (e < 1000000000) e = e * 10 + (text[i] - '0');
    d.exponent += minus ? -e : e;
  }
  normalize(d);
  return d;
}

// -1, 0 or 1 as a < b, a == b, a > b (both normalized and non-zero).
int compare(const Decimal& a, const Decimal& b) {
  const auto point_a = static_cast<std::int64_t>(a.digits.size()) + a.exponent;
  const auto point_b = static_cast<std::int64_t>(b.digits.size()) + b.exponent;
  if (point_a != point_b) return point_a < point_b ? -1 : 1;
  const int common = a.digits.compare(0, b.digits.size(), b.digits, 0, a.digits.size());
  if (common != 0) return common < 0 ? -1 : 1;
  if (a.digits.size() == b.digits.size()) return 0;
  return a.digits.size() < b.digits.size() ? -1 : 1;  // the longer has more non-zero digits
}

// The powers of ten a double holds exactly.
constexpr double kExactTens[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// A double within a few units in the last place of the value: its first 19 digits scaled by
// exact powers of ten (each step rounds once).
double approximate(const Decimal& d) {
  const std::size_t used = d.digits.size() < 19 ? d.digits.size() : 19;
  std::uint64_t lead = 0;
  for (std::size_t i = 0; i < used; ++i)
    lead = lead * 10 + static_cast<unsigned>(d.digits[i] - '0');
  double a = static_cast<double>(lead);
  for (auto scale = d.exponent + static_cast<std::int64_t>(d.digits.size() - used); scale != 0;) {
    const auto step = scale > 0 ? (scale < 22 ? scale : 22) : (-scale < 22 ? -scale : 22);
    a = scale > 0 ? a * kExactTens[step] : a / kExactTens[step];
    scale += scale > 0 ? -step : step;
  }
  return a < std::numeric_limits<double>::max() ? a : std::numeric_limits<double>::max();
}

// A double's bits and back (libc++ 14, the WebAssembly build's, has no std::bit_cast).
std::uint64_t bits_of(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

double from_bits(std::uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}

// A finite double ≥ 0 as mantissa × 2^exponent with the spacing of its neighbours.
struct Binary {
  std::uint64_t mantissa;
  int exponent;
};

Binary binary(double c) {
  const std::uint64_t bits = bits_of(c);
  const auto biased = static_cast<int>(bits >> 52);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
  if (biased == 0) return {fraction, -1074};
  return {fraction | (std::uint64_t{1} << 52), biased - 1075};
}

// Moves `c` to the double nearest `x` by comparing x with the midpoints to c's neighbours.
double correct(const Decimal& x, double c) {
  for (;;) {
    const Binary b = binary(c);
    const int above = compare(x, exact_decimal(2 * b.mantissa + 1, b.exponent - 1));
    if (above > 0 || (above == 0 && b.mantissa % 2 == 1)) {
      const double up = from_bits(bits_of(c) + 1);
      if (above == 0 || up == std::numeric_limits<double>::infinity()) return up;
      c = up;
      continue;
    }
    if (above == 0 || c == 0) return c;
    // Below a power of two the neighbour is half as far.
    const bool edge = b.mantissa == (std::uint64_t{1} << 52) && b.exponent > -1074;
    const Decimal lower = edge ? exact_decimal(4 * b.mantissa - 1, b.exponent - 2)
                               : exact_decimal(2 * b.mantissa - 1, b.exponent - 1);
    const int below = compare(x, lower);
    if (below > 0 || (below == 0 && b.mantissa % 2 == 0)) return c;
    c = from_bits(bits_of(c) - 1);
    if (below == 0) return c;
  }
}

}  // namespace

void normalize(Decimal& d) {
  std::size_t lead = 0;
  while (lead < d.digits.size() && d.digits[lead] == '0') ++lead;
  d.digits.erase(0, lead);
  while (!d.digits.empty() && d.digits.back() == '0') {
    d.digits.pop_back();
    ++d.exponent;
  }
  if (d.digits.empty()) d.exponent = 0;
}

Decimal exact_decimal(std::uint64_t mantissa, int binary_exponent) {
  std::vector<std::uint32_t> limbs;
  for (; mantissa != 0; mantissa /= kLimb)
    limbs.push_back(static_cast<std::uint32_t>(mantissa % kLimb));
  Decimal d;
  if (limbs.empty()) return d;
  // m × 2^e = m × 2^e for e ≥ 0, and m × 5^-e × 10^e below.
  if (binary_exponent >= 0) {
    multiply(limbs, 2, 29, binary_exponent);
  } else {
    multiply(limbs, 5, 13, -binary_exponent);
    d.exponent = binary_exponent;
  }
  d.digits = std::to_string(limbs.back());
  for (auto it = limbs.rbegin() + 1; it != limbs.rend(); ++it) {
    const std::string limb = std::to_string(*it);
    d.digits.append(9 - limb.size(), '0').append(limb);
  }
  normalize(d);
  return d;
}

Decimal exact_decimal(double value) {
  const Binary b = binary(value);
  return exact_decimal(b.mantissa, b.exponent);
}

double nearest_double(std::string_view text) {
  bool negative = false;
  const Decimal x = parse_decimal_text(text, negative);
  const double sign = negative ? -1.0 : 1.0;
  if (x.digits.empty()) return sign * 0.0;
  const auto point = static_cast<std::int64_t>(x.digits.size()) + x.exponent;
  if (point > 310) return sign * std::numeric_limits<double>::infinity();
  if (point < -324) return sign * 0.0;  // below 10^-324, under half the smallest double
  // Clinger's fast path: an integer below 2^53 times or over an exact power of ten rounds once.
  if (x.digits.size() <= 15 && x.exponent >= -22 && x.exponent <= 22) {
    const double m = static_cast<double>(std::stoull(x.digits));
    return sign * (x.exponent >= 0 ? m * kExactTens[x.exponent] : m / kExactTens[-x.exponent]);
  }
  return sign * correct(x, approximate(x));
}

double read_double(std::string_view text) {
#ifdef __EMSCRIPTEN__
  return nearest_double(text);
#else
  const std::string copy(text);  // strtod needs the NUL after the number
  return std::strtod(copy.c_str(), nullptr);
#endif
}

}  // namespace loyalty
