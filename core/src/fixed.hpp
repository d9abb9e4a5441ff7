// Fixed-point fractions with 4 decimals (×10 000): multipliers and percents. Parsed from a JSON
// number or a decimal string; no floating point takes part in any computation.
#pragma once

#include <string>

#include "checked.hpp"
#include "json_read.hpp"

namespace loyalty {

struct Fixed {
  static constexpr i64 kScale = 10000;
  i64 raw = kScale;  // 1.0
  static Fixed one() { return Fixed{kScale}; }
  static Fixed whole(i64 n) { return Fixed{n * kScale}; }
  friend auto operator<=>(const Fixed&, const Fixed&) = default;
};

// Reads `2`, `1.5` or `"1.25"`; more than 4 decimals, exponents and other text are errors.
Fixed read_fixed(const In& in);
std::string to_string(Fixed f);  // shortest decimal: "2", "1.25"

}  // namespace loyalty
