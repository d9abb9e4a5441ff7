#include "double_text.hpp"

#include <cmath>
#include <cstdint>

#include "decimal.hpp"

namespace loyalty {
namespace {

// `exact` rounded to `count` significant digits, half up. (A candidate is only taken when it
// reads back as the double, so how a tie rounds cannot matter.)
Decimal rounded(const Decimal& exact, std::size_t count) {
  if (exact.digits.size() <= count) return exact;
  Decimal out{exact.digits.substr(0, count),
              exact.exponent + static_cast<std::int64_t>(exact.digits.size() - count)};
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
  normalize(out);
  return out;
}

bool reads_back_as(const Decimal& d, double value) {
  return read_double(d.digits + "e" + std::to_string(d.exponent)) == value;
}

// nlohmann's layout of digits × 10^exponent: plain between 10^-5 and 10^15, otherwise with an
// exponent of at least two digits; a whole number keeps ".0".
std::string layout(const Decimal& d) {
  const auto k = static_cast<std::int64_t>(d.digits.size());
  const std::int64_t n = k + d.exponent;  // where the decimal point goes, from the first digit
  constexpr std::int64_t kMinExp = -4, kMaxExp = 15;
  if (k <= n && n <= kMaxExp)
    return d.digits + std::string(static_cast<std::size_t>(n - k), '0') + ".0";
  if (0 < n && n <= kMaxExp) {
    const auto point = static_cast<std::size_t>(n);
    return d.digits.substr(0, point) + "." + d.digits.substr(point);
  }
  if (kMinExp < n && n <= 0)
    return "0." + std::string(static_cast<std::size_t>(-n), '0') + d.digits;
  std::string out = d.digits.substr(0, 1);
  if (k > 1) out += "." + d.digits.substr(1);
  const std::int64_t e = n - 1;
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
  const Decimal exact = exact_decimal(magnitude);
  for (std::size_t count = 1; count < 17; ++count) {
    const Decimal candidate = rounded(exact, count);
    if (reads_back_as(candidate, magnitude)) return sign + layout(candidate);
  }
  return sign + layout(rounded(exact, 17));  // 17 significant digits always read back
}

}  // namespace loyalty
