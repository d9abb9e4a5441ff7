// Strict UTF-8 (RFC 3629): what nlohmann's parser accepts in strings and what its dump passes
// through unchanged. Shared by the fast reader and the writer, which must agree with nlohmann.
#pragma once

#include <cstddef>

namespace loyalty {

// Length of the valid multi-byte sequence at p (p < end, *p >= 0x80); 0 when there is none:
// no overlongs, no surrogates, nothing above U+10FFFF, no truncated sequence.
inline std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < len || p[1] < lo || p[1] > hi) return 0;
  for (std::size_t i = 2; i < len; ++i)
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  return len;
}

}  // namespace loyalty
