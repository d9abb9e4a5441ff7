// Checked 64-bit arithmetic: a value that would overflow is an `overflow` error naming the input
// it came from, never a wrapped number (spec/program.md, "Numbers").
#pragma once

#include <cstdint>
#include <string>

#include "error.hpp"

namespace loyalty {

using i64 = std::int64_t;
__extension__ using i128 = __int128;  // GCC and Clang; used for intermediate products

// The overflow error, out of line: the checks below run in every inner loop of the rules, and a
// `const std::string&` default argument built (and destroyed) a string on each call, failing or
// not. The path is a C string so that nothing is built until a check fails.
[[noreturn]] void fail_overflow(const char* path, const char* message);

inline i64 add(i64 a, i64 b, const char* path = "") {
  i64 r;
  if (__builtin_add_overflow(a, b, &r)) fail_overflow(path, "sum does not fit in 64 bits");
  return r;
}
inline i64 sub(i64 a, i64 b, const char* path = "") {
  i64 r;
  if (__builtin_sub_overflow(a, b, &r)) fail_overflow(path, "difference does not fit in 64 bits");
  return r;
}
inline i64 mul(i64 a, i64 b, const char* path = "") {
  i64 r;
  if (__builtin_mul_overflow(a, b, &r)) fail_overflow(path, "product does not fit in 64 bits");
  return r;
}
inline i64 narrow(i128 v, const char* path = "") {
  if (v > INT64_MAX || v < INT64_MIN) fail_overflow(path, "value does not fit in 64 bits");
  return static_cast<i64>(v);
}
inline i128 add128(i128 a, i128 b, const char* path = "") {
  i128 r;
  if (__builtin_add_overflow(a, b, &r)) fail_overflow(path, "sum does not fit in 128 bits");
  return r;
}
inline i128 mul128(i128 a, i128 b, const char* path = "") {
  // Factors below 2^31 in magnitude (amounts, points, factors, nearly always): a 64-bit product.
  // The WebAssembly build has no 64x64->128 multiplication, it calls a routine for it.
  constexpr i128 k31 = i128{1} << 31;
  if (a > -k31 && a < k31 && b > -k31 && b < k31) {
    const i64 product = static_cast<i64>(a) * static_cast<i64>(b);  // below 2^62: exact
    return product;
  }
  // Two factors that fit in 64 bits cannot overflow 128: one multiplication, where the general
  // check costs several and their branches (every line of every earning rule comes here).
  if (a == static_cast<i64>(a) && b == static_cast<i64>(b))
    return static_cast<i128>(static_cast<i64>(a)) * static_cast<i64>(b);
  i128 r;
  if (__builtin_mul_overflow(a, b, &r)) fail_overflow(path, "product does not fit in 128 bits");
  return r;
}

enum class Rounding { floor, nearest, ceil };

template <class Int>
Int divide_rounded(Int num, Int den, Rounding mode) {
  Int q = num / den, r = num % den;
  if (r < 0) {  // floor division for negative numerators
    q -= 1;
    r += den;
  }
  switch (mode) {
    case Rounding::floor:
      return q;
    case Rounding::ceil:
      return r ? q + 1 : q;
    case Rounding::nearest:
      return r >= den - r ? q + 1 : q;  // 2r >= den, without overflowing 2r
  }
  return q;
}

// num / den for num >= 0, den > 0, rounded once. `nearest` rounds halves up.
inline i128 divide(i128 num, i128 den, Rounding mode) {
  // In 64 bits when both fit: a 128-bit division is a library routine (two of them, with the
  // remainder), natively and in the WebAssembly build.
  if (num == static_cast<i64>(num) && den == static_cast<i64>(den) && den > 0)
    return divide_rounded<i64>(static_cast<i64>(num), static_cast<i64>(den), mode);
  return divide_rounded<i128>(num, den, mode);
}

}  // namespace loyalty
