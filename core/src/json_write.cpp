#include "json_write.hpp"

#include <algorithm>
#include <cassert>

#include "document.hpp"
#include "double_text.hpp"
#include "utf8.hpp"

namespace loyalty {
namespace {

using json = nlohmann::json;

// Bytes a JSON string holds as they are: printable ASCII but the quote and the backslash.
constexpr bool plain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// The decimal digits of `u` at `d`; returns the end. Two digits per division, written from the
// last: libc++'s to_chars is an out-of-line call in the WebAssembly build.
char* write_digits(char* d, std::uint64_t u) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  static constexpr std::uint64_t kTens[] = {10ULL,
                                            100ULL,
                                            1000ULL,
                                            10000ULL,
                                            100000ULL,
                                            1000000ULL,
                                            10000000ULL,
                                            100000000ULL,
                                            1000000000ULL,
                                            10000000000ULL,
                                            100000000000ULL,
                                            1000000000000ULL,
                                            10000000000000ULL,
                                            100000000000000ULL,
                                            1000000000000000ULL,
                                            10000000000000000ULL,
                                            100000000000000000ULL,
                                            1000000000000000000ULL,
                                            10000000000000000000ULL};
  std::size_t len = 1;  // comparisons, not divisions, to count the digits
  while (len < 20 && u >= kTens[len - 1]) ++len;
  char* const end = d + len;
  char* w = end;
  while (u >= 100) {
    const auto pair = static_cast<std::size_t>(u % 100) * 2;
    u /= 100;
    *--w = kPairs[pair + 1];
    *--w = kPairs[pair];
  }
  if (u >= 10) {
    *--w = kPairs[u * 2 + 1];
    *--w = kPairs[u * 2];
  } else {
    *--w = static_cast<char>('0' + u);
  }
  return end;
}

}  // namespace

JsonWriter::JsonWriter(std::string& out, std::size_t expected)
    : out_(out), cur_(nullptr), end_(nullptr) {
  if (expected != 0) grow(expected);
}

void JsonWriter::grow(std::size_t n) {
  const std::size_t used = cur_ ? static_cast<std::size_t>(cur_ - out_.data()) : out_.size();
  out_.resize(std::max({used + n, 2 * used, std::size_t{256}}));
  cur_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

std::string& JsonWriter::finish() {
  // Unless the text was moved out of the string before the writer ended (`return out;` without
  // copy elision, with the writer still alive): the string then no longer holds the room.
  const bool holds_room = reinterpret_cast<std::uintptr_t>(end_) ==
                          reinterpret_cast<std::uintptr_t>(out_.data()) + out_.size();
  if (cur_ && holds_room) out_.resize(static_cast<std::size_t>(cur_ - out_.data()));
  cur_ = end_ = nullptr;  // the next write makes room again
  return out_;
}

JsonWriter& JsonWriter::open(char c) {
#ifndef NDEBUG
  levels_.push_back({c == '{', false, {}});
#endif
  char* d = room(2);
  if (comma_) *d++ = ',';
  *d++ = c;
  cur_ = d;
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char c) {
#ifndef NDEBUG
  assert(!levels_.empty() && levels_.back().object == (c == '}'));
  levels_.pop_back();
#endif
  put(c);
  comma_ = true;
  return *this;
}

void JsonWriter::check_key_order([[maybe_unused]] std::string_view k) {
#ifndef NDEBUG
  assert(!levels_.empty() && levels_.back().object && "a key outside an object");
  Level& level = levels_.back();
  // Strictly ascending, bytewise: the order nlohmann's std::map has, without duplicates.
  assert((!level.any_key || name_less(level.last_key, k)) && "keys out of order");
  level.any_key = true;
  level.last_key.assign(k);
#endif
}

JsonWriter& JsonWriter::key(std::string_view k) {
  check_key_order(k);
  // The name is copied while it is checked: names are nearly always plain.
  char* const start = room(k.size() + 4);
  char* d = start;
  if (comma_) *d++ = ',';
  *d++ = '"';
  bool plain_name = true;
  for (const char c : k) {
    plain_name = plain_name && plain(static_cast<unsigned char>(c));
    *d++ = c;
  }
  if (plain_name) {
    *d++ = '"';
    *d++ = ':';
    cur_ = d;
  } else {
    cur_ = start;
    separate();
    string(k);
    put(':');
  }
  comma_ = false;  // the value follows the colon
  return *this;
}

void JsonWriter::string(std::string_view s) {
  char* d = room(s.size() + 2);  // first: making room may move the string's bytes
  *d++ = '"';
  std::size_t i = 0;
  for (; i < s.size() && plain(static_cast<unsigned char>(s[i])); ++i) d[i] = s[i];
  if (i == s.size()) {  // the common case: ids, keys, timestamps
    d[i] = '"';
    cur_ = d + i + 1;
    return;
  }
  cur_ = d + i;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  escaped(s, p + i);
}

// The rest of `s` from `p`, which needs escapes.
void JsonWriter::escaped(std::string_view s, const unsigned char* p) {
  const auto* end = reinterpret_cast<const unsigned char*>(s.data()) + s.size();
  while (p != end) {
    const auto* run = p;
    while (p != end && plain(*p)) ++p;
    put(std::string_view(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run)));
    if (p == end) break;
    const unsigned char c = *p;
    if (c >= 0x80) {
      const std::size_t len = utf8_sequence_length(p, end);
      if (len == 0) {
        // Invalid UTF-8 never comes out of a parsed request; if it does, U+FFFD stands for it,
        // as in nlohmann's dump with error_handler_t::replace.
        put("\xEF\xBF\xBD");
        p += utf8_invalid_length(p, end);
        continue;
      }
      put(std::string_view(reinterpret_cast<const char*>(p), len));
      p += len;
      continue;
    }
    ++p;
    // Two bytes for the escapes JSON names, \u00XX for the other control characters.
    static constexpr char kHex[] = "0123456789abcdef";
    const char letter = c == '"'    ? '"'
                        : c == '\\' ? '\\'
                        : c == '\b' ? 'b'
                        : c == '\f' ? 'f'
                        : c == '\n' ? 'n'
                        : c == '\r' ? 'r'
                        : c == '\t' ? 't'
                                    : '\0';
    const char esc[] = {'\\', letter ? letter : 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
    put(std::string_view(esc, letter ? 2 : sizeof esc));
  }
  put('"');
}

void append_json_string(std::string& out, std::string_view s) {
  JsonWriter(out).value(s);
}

JsonWriter& JsonWriter::value(std::int64_t n) {
  char* d = room(21);  // a comma, a sign and 19 digits
  if (comma_) *d++ = ',';
  comma_ = true;
  if (n < 0) *d++ = '-';
  const auto magnitude = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  cur_ = write_digits(d, magnitude);
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  separate();
  string(s);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  separate();
  put(b ? std::string_view("true") : std::string_view("false"));
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  put(std::string_view("null"));
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json_text) {
  separate();
  put(json_text);
  return *this;
}

JsonWriter& JsonWriter::value(const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      begin_object();
      for (const auto& [k, v] : j.get_ref<const json::object_t&>()) {
        key(k);
        value(v);
      }
      return end_object();
    case json::value_t::array:
      begin_array();
      for (const auto& v : j.get_ref<const json::array_t&>()) value(v);
      return end_array();
    case json::value_t::string:
      return value(std::string_view(j.get_ref<const std::string&>()));
    case json::value_t::boolean:
      return value(j.get<bool>());
    case json::value_t::number_integer:
      return value(j.get<std::int64_t>());
    case json::value_t::number_unsigned:
      separate();
      cur_ = write_digits(room(20), j.get<std::uint64_t>());
      return *this;
    case json::value_t::null:
      return null();
    default:  // floats; binary values, which no parsed document holds, as null
      return raw(j.is_number_float() ? double_text(j.get<double>()) : "null");
  }
}

}  // namespace loyalty
