#include "fixed.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "decimal.hpp"
#include "padded.hpp"

namespace loyalty {
namespace {

// Parses "12", "1.5", "0.0001": digits, an optional point and up to 4 decimals.
bool parse_decimal(const std::string& s, i64& out) {
  if (s.empty() || s.size() > 24) return false;
  std::size_t i = 0;
  i64 whole = 0;
  bool digits = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    digits = true;
    if (__builtin_mul_overflow(whole, 10, &whole) ||
        __builtin_add_overflow(whole, s[i] - '0', &whole))
      return false;
  }
  if (!digits) return false;
  i64 frac = 0;
  int places = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (++places > 4) return false;
      frac = frac * 10 + (s[i] - '0');
    }
    if (places == 0) return false;
  }
  if (i != s.size()) return false;
  for (; places < 4; ++places) frac *= 10;
  i64 raw;
  if (__builtin_mul_overflow(whole, Fixed::kScale, &raw) || __builtin_add_overflow(raw, frac, &raw))
    return false;
  out = raw;
  return true;
}

}  // namespace

Fixed read_fixed(const In& in) {
  const std::string bad = "must be a number with at most 4 decimals, got ";
  if (in.v.is_string()) {
    i64 raw;
    const std::string s(in.v.get_string());
    if (!parse_decimal(s, raw)) in.fail(bad + in.v.dump());
    return Fixed{raw};
  }
  if (in.v.is_number_integer()) {
    const i64 n = in.integer(0, INT64_MAX / Fixed::kScale);
    return Fixed{n * Fixed::kScale};
  }
  if (in.v.is_number_float()) {
    // The document's text is not kept by the parser, so recover it exactly: the candidate with
    // 4 decimals must read back as the very same double, otherwise the text had more decimals.
    const double d = in.v.get_floating();
    if (!(d >= 0) || d > 1e14) in.fail(bad + in.v.dump());
    const i64 raw = std::llround(d * Fixed::kScale);
    const std::string text =
        std::to_string(raw / Fixed::kScale) + "." + padded(raw % Fixed::kScale, 4);
    if (read_double(text) != d) in.fail(bad + in.v.dump());
    return Fixed{raw};
  }
  in.fail(bad + type_name(in.v));
}

std::string to_string(Fixed f) {
  // Written backwards into a buffer: one string is built, where appending the pieces built four
  // (every multiplier line of an order explains its factor with this).
  char buf[32];
  char* const end = buf + sizeof buf;
  char* p = end;
  const std::uint64_t a = f.raw < 0 ? 0 - static_cast<std::uint64_t>(f.raw) : f.raw;
  std::uint64_t whole = a / Fixed::kScale, frac = a % Fixed::kScale;
  if (frac) {
    int places = 4;
    for (; frac % 10 == 0; frac /= 10) --places;  // no trailing zeros
    for (; places > 0; --places, frac /= 10) *--p = static_cast<char>('0' + frac % 10);
    *--p = '.';
  }
  do {
    *--p = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole);
  if (f.raw < 0) *--p = '-';
  return std::string(p, end);
}

}  // namespace loyalty
