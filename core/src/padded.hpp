// Integers written with leading zeros, as printf's "%0<width>d" writes them (a minus sign counts
// in the width), without printf: the core uses no printf family, whose formatter is about 4 KB
// of the WebAssembly module's gzip'd download (docs/performance.md).
#pragma once

#include <cstdint>
#include <string>

namespace loyalty {

inline void append_padded(std::string& out, std::int64_t value, int width) {
  const bool negative = value < 0;
  const std::string digits = std::to_string(negative ? -value : value);
  if (negative) out += '-';
  const int zeros = width - static_cast<int>(digits.size()) - (negative ? 1 : 0);
  if (zeros > 0) out.append(static_cast<std::size_t>(zeros), '0');
  out += digits;
}

inline std::string padded(std::int64_t value, int width) {
  std::string out;
  append_padded(out, value, width);
  return out;
}

}  // namespace loyalty
