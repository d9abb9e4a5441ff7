#include "json_write.hpp"

#include <charconv>
#include <cstring>

#include "utf8.hpp"

namespace loyalty {
namespace {

using json = nlohmann::json;

// Bytes a JSON string holds as they are: printable ASCII but the quote and the backslash.
constexpr bool plain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // The common case (ids, keys, timestamps): one append of the quoted text.
  std::size_t n = 0;
  while (n < s.size() && plain(static_cast<unsigned char>(s[n]))) ++n;
  if (n == s.size()) {
    const std::size_t at = out.size();
    out.resize(at + n + 2);
    char* d = out.data() + at;
    d[0] = '"';
    s.copy(d + 1, n);
    d[n + 1] = '"';
    return;
  }
  const std::size_t mark = out.size();
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p != end) {
    const auto* run = p;
    while (p != end && plain(*p)) ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    if (p == end) break;
    const unsigned char c = *p;
    if (c >= 0x80) {
      const std::size_t len = utf8_sequence_length(p, end);
      if (len == 0) {
        // Invalid UTF-8 never comes out of a parsed request; if it does, nlohmann's own
        // replacement rules (U+FFFD, resynchronisation) apply, by nlohmann itself.
        out.resize(mark);
        out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
        return;
      }
      out.append(reinterpret_cast<const char*>(p), len);
      p += len;
      continue;
    }
    ++p;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out += '"';
}

JsonWriter& JsonWriter::open(char c) {
  separate();
  out_ += c;
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char c) {
  out_ += c;
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  // A short name without escapes goes in with its comma, quotes and colon in one append: a
  // preview writes a few hundred names, and in the WebAssembly build each append is a call.
  char buf[64];
  bool plain_name = k.size() + 4 <= sizeof buf;
  for (std::size_t i = 0; i < k.size() && plain_name; ++i)
    plain_name = plain(static_cast<unsigned char>(k[i]));
  if (plain_name) {
    std::size_t n = 0;
    if (comma_) buf[n++] = ',';
    buf[n++] = '"';
    std::memcpy(buf + n, k.data(), k.size());
    n += k.size();
    buf[n++] = '"';
    buf[n++] = ':';
    out_.append(buf, n);
  } else {
    separate();
    append_json_string(out_, k);
    out_ += ':';
  }
  comma_ = false;  // the value follows the colon
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) {
  char buf[24];
  buf[0] = ',';
  const auto r = std::to_chars(buf + 1, buf + sizeof buf, n);
  out_.append(comma_ ? buf : buf + 1, r.ptr);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  separate();
  append_json_string(out_, s);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json_text) {
  separate();
  out_ += json_text;
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
    case json::value_t::number_unsigned: {
      separate();
      char buf[24];
      const auto r = std::to_chars(buf, buf + sizeof buf, j.get<std::uint64_t>());
      out_.append(buf, r.ptr);
      return *this;
    }
    case json::value_t::null:
      return null();
    default:  // floats (nlohmann's shortest round-trip form) and the rest: nlohmann writes them
      return raw(j.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

}  // namespace loyalty
