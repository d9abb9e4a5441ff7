// Decimal numbers and doubles, converted exactly. read_double is what the core reads a number
// with a fraction or an exponent with: natively the C library's strtod; in the WebAssembly build
// the core's own nearest_double, because strtod and the 128-bit soft float it brings were 7.3 KB
// of the module's gzip'd download (docs/performance.md). The two are held to each other by
// tests/unit/decimal_test.cpp and by the JSON fuzzer, which compares the reader with nlohmann.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace loyalty {

// A number ≥ 0 as digits × 10^exponent: no leading or trailing zeros in `digits` ("" is zero).
struct Decimal {
  std::string digits;
  std::int64_t exponent = 0;
};

// Drops leading zeros, and trailing ones into the exponent ("" and exponent 0 for zero).
void normalize(Decimal& d);

// The exact value of mantissa × 2^binary_exponent (mantissa < 2^60), in decimal.
Decimal exact_decimal(std::uint64_t mantissa, int binary_exponent);
// The exact value of a finite double ≥ 0, in decimal.
Decimal exact_decimal(double value);

// The double nearest the number in `text` ([-]digits[.digits][(e|E)[+|-]digits], the text
// already checked), ties to the even mantissa, ±infinity beyond a double's range: strtod's answer.
double nearest_double(std::string_view text);

// The number in `text` as a double: nearest_double in the WebAssembly build, strtod natively.
double read_double(std::string_view text);

}  // namespace loyalty
