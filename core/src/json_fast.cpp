#include "json_fast.hpp"

#include <cstdint>
#include <string>

#include "utf8.hpp"

namespace loyalty {
namespace {

using json = nlohmann::json;

// Deeper documents go to nlohmann, whose parser does not recurse (the door's depth limit is
// configurable, this reader's recursion is not).
constexpr int kMaxDepth = 128;

class Reader {
 public:
  Reader(const char* p, const char* end, int max_depth)
      : p_(p), end_(end), max_depth_(max_depth < kMaxDepth ? max_depth : kMaxDepth) {}

  bool document(json& out) {
    skip_space();
    if (!value(out, 0)) return false;
    skip_space();
    return p_ == end_;
  }

 private:
  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word)
      return false;
    p_ += word.size();
    return true;
  }

  bool value(json& out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        out = true;
        return literal("true");
      case 'f':
        out = false;
        return literal("false");
      case 'n':
        out = nullptr;
        return literal("null");
      default:
        return number(out);
    }
  }

  bool object(json& out, int depth) {
    if (depth > max_depth_) return false;
    ++p_;  // '{'
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      std::string key;
      if (p_ == end_ || *p_ != '"' || !string(key)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      json v;
      if (!value(v, depth)) return false;
      // Documents written by a JSON library come with their keys sorted: those go in at the end
      // without a search. Of duplicate keys the last wins, as in nlohmann.
      if (members.empty() || members.rbegin()->first < key)
        members.emplace_hint(members.end(), std::move(key), std::move(v));
      else
        members[std::move(key)] = std::move(v);
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
      skip_space();
    }
  }

  bool array(json& out, int depth) {
    if (depth > max_depth_) return false;
    ++p_;  // '['
    out = json::array();
    skip_space();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    auto& items = out.get_ref<json::array_t&>();
    for (;;) {
      items.emplace_back();
      if (!value(items.back(), depth)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
      skip_space();
    }
  }

  // Integers only: a fraction or an exponent (whose double nlohmann rounds its own way) and
  // integers beyond 64 bits (floats in nlohmann) go to nlohmann.
  bool number(json& out) {
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    std::uint64_t n = 0;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
        const auto digit = static_cast<std::uint64_t>(*p_ - '0');
        if (n > (UINT64_MAX - digit) / 10) return false;
        n = n * 10 + digit;
        ++p_;
      }
    }
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || (*p_ >= '0' && *p_ <= '9')))
      return false;
    if (!negative) {
      out = n;  // number_unsigned, as nlohmann stores every integer without a sign
    } else if (n <= static_cast<std::uint64_t>(INT64_MAX)) {
      out = -static_cast<std::int64_t>(n);
    } else if (n == static_cast<std::uint64_t>(INT64_MAX) + 1) {
      out = INT64_MIN;
    } else {
      return false;
    }
    return true;
  }

  int hex4() {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return -1;
    }
    return v;
  }

  static void append_utf8(std::string& s, std::uint32_t cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool escape(std::string& s) {
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"':
        s += '"';
        return true;
      case '\\':
        s += '\\';
        return true;
      case '/':
        s += '/';
        return true;
      case 'b':
        s += '\b';
        return true;
      case 'f':
        s += '\f';
        return true;
      case 'n':
        s += '\n';
        return true;
      case 'r':
        s += '\r';
        return true;
      case 't':
        s += '\t';
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    const int hi = hex4();
    if (hi < 0 || (hi >= 0xDC00 && hi <= 0xDFFF)) return false;
    if (hi < 0xD800 || hi > 0xDBFF) {
      append_utf8(s, static_cast<std::uint32_t>(hi));
      return true;
    }
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
    p_ += 2;
    const int lo = hex4();
    if (lo < 0xDC00 || lo > 0xDFFF) return false;
    append_utf8(s, 0x10000 + ((static_cast<std::uint32_t>(hi) - 0xD800) << 10) +
                       (static_cast<std::uint32_t>(lo) - 0xDC00));
    return true;
  }

  // One multi-byte UTF-8 sequence, RFC 3629 strictly (utf8.hpp).
  bool utf8_sequence() {
    const auto* p = reinterpret_cast<const unsigned char*>(p_);
    const std::size_t len = utf8_sequence_length(p, reinterpret_cast<const unsigned char*>(end_));
    p_ += len;
    return len != 0;
  }

  bool string(std::string& s) {
    ++p_;  // '"'
    for (;;) {
      const char* run = p_;
      while (p_ != end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20 &&
             static_cast<unsigned char>(*p_) < 0x80)
        ++p_;
      s.append(run, p_);
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        ++p_;
        if (!escape(s)) return false;
      } else if (c >= 0x80) {
        const char* start = p_;
        if (!utf8_sequence()) return false;
        s.append(start, p_);
      } else {
        return false;  // a control character: nlohmann names it in its error
      }
    }
  }

  const char* p_;
  const char* end_;
  int max_depth_;
};

}  // namespace

bool parse_json_fast(std::string_view text, nlohmann::json& out, int max_depth) {
  return Reader(text.data(), text.data() + text.size(), max_depth).document(out);
}

}  // namespace loyalty
