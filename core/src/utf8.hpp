// Strict UTF-8 (RFC 3629): what nlohmann's parser accepts in strings and what its dump passes
// through unchanged. Shared by the fast reader and the writer, which must agree with nlohmann.
#pragma once

#include <cstddef>

namespace loyalty {

// What a lead byte announces: the sequence's length (0: not a lead byte) and the range its second
// byte must be in (no overlongs, no surrogates, nothing above U+10FFFF).
struct Utf8Lead {
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;
};

inline Utf8Lead utf8_lead(unsigned char c) {
  Utf8Lead lead;
  if (c >= 0xC2 && c <= 0xDF) {
    lead.length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    lead.length = 3;
    if (c == 0xE0) lead.low = 0xA0;
    if (c == 0xED) lead.high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    lead.length = 4;
    if (c == 0xF0) lead.low = 0x90;
    if (c == 0xF4) lead.high = 0x8F;
  }
  return lead;
}

// How many bytes at p (p < end, *p >= 0x80) continue the sequence its lead byte starts, up to
// the announced length: the whole of a valid sequence, or the start of an invalid one.
inline std::size_t utf8_good_prefix(const unsigned char* p, const unsigned char* end,
                                    const Utf8Lead& lead) {
  if (lead.length == 0) return 0;
  std::size_t n = 1;
  if (end - p > 1 && p[1] >= lead.low && p[1] <= lead.high) {
    n = 2;
    while (n < lead.length && p + n < end && p[n] >= 0x80 && p[n] <= 0xBF) ++n;
  }
  return n;
}

// Length of the valid multi-byte sequence at p (p < end, *p >= 0x80); 0 when there is none:
// no overlongs, no surrogates, nothing above U+10FFFF, no truncated sequence.
inline std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const Utf8Lead lead = utf8_lead(p[0]);
  const std::size_t n = utf8_good_prefix(p, end, lead);
  return n == lead.length ? n : 0;
}

// For an invalid sequence at p: how many bytes one U+FFFD replaces when it is written out, as
// nlohmann's dump with error_handler_t::replace counts them: the lead byte and the bytes that
// still fitted the sequence (a byte that broke it is read again as the start of the next).
inline std::size_t utf8_invalid_length(const unsigned char* p, const unsigned char* end) {
  const std::size_t n = utf8_good_prefix(p, end, utf8_lead(p[0]));
  return n == 0 ? 1 : n;
}

}  // namespace loyalty
