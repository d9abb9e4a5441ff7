#include "json_fast.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "decimal.hpp"
#include "stable_order.hpp"
#include "utf8.hpp"

namespace loyalty {
namespace {

// Bytes a string holds as they are: printable ASCII but the quote and the backslash. A table:
// one load per byte rather than four comparisons.
constexpr auto kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Why reading stopped, and where: the first problem found wins (the callers only pass it up).
struct Problem {
  const char* what = nullptr;
  const char* at = nullptr;
  const char* code = "invalid_json";
};

class Reader {
 public:
  Reader(Document& doc, std::string_view text, int max_depth)
      : doc_(doc),
        begin_(doc.keep_text(text)),
        p_(begin_),
        end_(p_ + text.size()),
        max_depth_(max_depth < kMaxReadDepth ? max_depth : kMaxReadDepth) {
    // Room for a typical request's widest object and array at once: growing from empty would
    // allocate again and again on every request.
    members_.reserve(32);
    items_.reserve(32);
  }

  bool document() {
    if (end_ - p_ >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) p_ += 3;  // a BOM
    skip_space();
    Node root;
    if (!value(root, 0)) return false;
    skip_space();
    if (p_ != end_)
      return refuse(*p_ == '\0' ? "a NUL byte after the document" : "more text after the document");
    doc_.set_root(root);
    return true;
  }

  const Problem& problem() const { return problem_; }
  const char* begin() const { return begin_; }
  const char* end() const { return end_; }
  int max_depth() const { return max_depth_; }

 private:
  // Records the problem at the read position (or `at`) and returns false.
  bool refuse(const char* what, const char* at = nullptr, const char* code = "invalid_json") {
    if (!problem_.what) problem_ = {what, at ? at : p_, code};
    return false;
  }

  // A byte other than the one the grammar needs (describe() says when it is the end instead).
  bool unexpected(const char* expected) {
    if (p_ != end_ && *p_ == '\0') return refuse("a NUL byte");
    return refuse(expected);
  }

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word)
      return refuse("not a JSON value (true, false and null are lowercase; strings need quotes)");
    p_ += word.size();
    return true;
  }

  bool value(Node& out, int depth) {
    if (p_ == end_) return refuse("unexpected end of input, expected a value");
    switch (*p_) {
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case '"': {
        std::string_view s;
        if (!string(s)) return false;
        out = Node::string(s);
        return true;
      }
      case 't':
        out = Node::boolean(true);
        return literal("true");
      case 'f':
        out = Node::boolean(false);
        return literal("false");
      case 'n':
        out = Node();
        return literal("null");
      case '\0':
        return refuse("a NUL byte where a value should be");
      default:
        if (*p_ == '-' || is_digit(*p_)) return number(out);
        return refuse(
            "not a JSON value (expected an object, array, string, number, true, false or null)");
    }
  }

  bool too_deep() { return refuse("nested too deep", p_, "too_large"); }

  bool object(Node& out, int depth) {
    if (depth > max_depth_) return too_deep();
    ++p_;  // '{'
    const std::size_t base = members_.size();
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      out = Node::object(nullptr, 0);
      return true;
    }
    for (;;) {
      std::string_view key;
      if (p_ == end_ || *p_ != '"') return unexpected("expected a member name in double quotes");
      if (!string(key)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return unexpected("expected ':' after a member name");
      ++p_;
      skip_space();
      Node v;
      if (!value(v, depth)) return false;
      members_.push_back(Member{key, v});
      skip_space();
      if (p_ != end_ && *p_ == '}') {
        ++p_;
        out = finish_object(base);
        return true;
      }
      if (p_ == end_ || *p_ != ',') return unexpected("expected ',' or '}' after an object member");
      ++p_;
      skip_space();
    }
  }

  // The members read since `base`, sorted by key, of duplicate keys the last (as in nlohmann).
  // Documents written by a JSON library often come with their keys sorted already; a small
  // object is sorted in place (an insertion sort, stable), a large one through stable_order.
  Node finish_object(std::size_t base) {
    const std::span<Member> read(members_.data() + base, members_.size() - base);
    bool sorted = true;
    for (std::size_t i = 1; i < read.size() && sorted; ++i)
      sorted = name_less(read[i - 1].key, read[i].key);
    if (!sorted && read.size() <= 32) {
      for (std::size_t i = 1; i < read.size(); ++i)
        for (std::size_t j = i; j > 0 && name_less(read[j].key, read[j - 1].key); --j)
          std::swap(read[j], read[j - 1]);
      std::size_t kept = 0;  // of a run of equal keys, the last read is the last of the run
      for (std::size_t i = 0; i < read.size(); ++i)
        if (i + 1 == read.size() || !same_name(read[i + 1].key, read[i].key))
          read[kept++] = read[i];
      members_.resize(base + kept);
      return finish_object(base);
    }
    const Member* out;
    std::size_t n = read.size();
    if (sorted) {
      out = doc_.arena().copy(std::span<const Member>(read));
    } else {
      const auto order =
          stable_order(read.size(), read.data(), [](const void* m, std::size_t a, std::size_t b) {
            const auto* members = static_cast<const Member*>(m);
            return name_less(members[a].key, members[b].key);
          });
      auto* kept = static_cast<Member*>(doc_.arena().allocate(read.size() * sizeof(Member)));
      n = 0;
      for (std::size_t i = 0; i < order.size(); ++i)
        if (i + 1 == order.size() || !same_name(read[order[i + 1]].key, read[order[i]].key))
          new (kept + n++) Member(read[order[i]]);
      out = kept;
    }
    members_.resize(base);
    return Node::object(out, n);
  }

  bool array(Node& out, int depth) {
    if (depth > max_depth_) return too_deep();
    ++p_;  // '['
    const std::size_t base = items_.size();
    skip_space();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      out = Node::array(nullptr, 0);
      return true;
    }
    for (;;) {
      Node item;
      if (!value(item, depth)) return false;
      items_.push_back(item);
      skip_space();
      if (p_ != end_ && *p_ == ']') {
        ++p_;
        const std::span<const Node> read(items_.data() + base, items_.size() - base);
        out = Node::array(doc_.arena().copy(read), read.size());
        items_.resize(base);
        return true;
      }
      if (p_ == end_ || *p_ != ',') return unexpected("expected ',' or ']' after an array item");
      ++p_;
      skip_space();
    }
  }

  // RFC 8259's number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?. Integers that fit in 64
  // bits are read here; the rest (a fraction, an exponent, more digits) become the double strtod
  // reads, as in nlohmann, and one beyond a double's range is `overflow`.
  bool number(Node& out) {
    const char* const start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !is_digit(*p_)) return refuse("expected a digit after '-'");
    std::uint64_t n = 0;
    bool fits = true;
    if (*p_ == '0') {
      ++p_;
      if (p_ != end_ && is_digit(*p_)) return refuse("a number cannot start with 0", start);
    } else {
      // 19 digits always fit in 64 bits; only a 20th needs the overflow check (a division per
      // digit would be most of a number's cost, and is a library call in the WebAssembly build).
      const char* const first = p_;
      while (p_ != end_ && is_digit(*p_) && p_ - first < 19) {
        n = n * 10 + static_cast<std::uint64_t>(*p_ - '0');
        ++p_;
      }
      if (p_ != end_ && is_digit(*p_)) {
        const auto digit = static_cast<std::uint64_t>(*p_ - '0');
        fits = n <= (UINT64_MAX - digit) / 10;
        n = n * 10 + digit;
        ++p_;
        while (p_ != end_ && is_digit(*p_)) fits = false, ++p_;
      }
    }
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      integer = false;
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) return refuse("expected a digit after '.'");
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) return refuse("expected a digit in the exponent");
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    if (integer && fits) {
      if (!negative) {
        out = Node::unsigned_integer(n);  // as nlohmann stores every integer without a sign
        return true;
      }
      if (n <= static_cast<std::uint64_t>(INT64_MAX)) {
        out = Node::integer(-static_cast<std::int64_t>(n));
        return true;
      }
      if (n == static_cast<std::uint64_t>(INT64_MAX) + 1) {
        out = Node::integer(INT64_MIN);
        return true;
      }
    }
    return floating(start, out);
  }

  // The number [start, p_) as strtod reads it (decimal.hpp).
  bool floating(const char* start, Node& out) {
    const double d = read_double(std::string_view(start, static_cast<std::size_t>(p_ - start)));
    if (!std::isfinite(d)) return refuse("a number beyond what a double holds", start, "overflow");
    out = Node::floating(d);
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

  // Escapes are decoded in place, into the document's copy of the text: a decoded escape is
  // never longer than its text (\n is 1 byte of 2, \uXXXX at most 3 of 6, a surrogate pair 4 of
  // 12), so the write position `w` never passes the read position.
  static void put_utf8(char*& w, std::uint32_t cp) {
    if (cp < 0x80) {
      *w++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *w++ = static_cast<char>(0xC0 | (cp >> 6));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *w++ = static_cast<char>(0xE0 | (cp >> 12));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *w++ = static_cast<char>(0xF0 | (cp >> 18));
      *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  [[gnu::noinline]] bool escape(char*& w) {
    const char* const at = p_ - 1;  // the backslash
    if (p_ == end_) return refuse("unexpected end of input in a string");
    switch (*p_++) {
      case '"':
        *w++ = '"';
        return true;
      case '\\':
        *w++ = '\\';
        return true;
      case '/':
        *w++ = '/';
        return true;
      case 'b':
        *w++ = '\b';
        return true;
      case 'f':
        *w++ = '\f';
        return true;
      case 'n':
        *w++ = '\n';
        return true;
      case 'r':
        *w++ = '\r';
        return true;
      case 't':
        *w++ = '\t';
        return true;
      case 'u':
        break;
      default:
        return refuse(
            "invalid escape (expected \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and 4 hex digits)",
            at);
    }
    const int hi = hex4();
    if (hi < 0) return refuse("\\u must be followed by 4 hex digits", at);
    if (hi >= 0xDC00 && hi <= 0xDFFF)
      return refuse("a low surrogate \\uDC00-\\uDFFF without a high one before it", at);
    if (hi < 0xD800 || hi > 0xDBFF) {
      put_utf8(w, static_cast<std::uint32_t>(hi));
      return true;
    }
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
      return refuse(
          "a high surrogate \\uD800-\\uDBFF must be followed by a low one \\uDC00-\\uDFFF", at);
    p_ += 2;
    const int lo = hex4();
    if (lo < 0xDC00 || lo > 0xDFFF)
      return refuse(
          "a high surrogate \\uD800-\\uDBFF must be followed by a low one \\uDC00-\\uDFFF", at);
    put_utf8(w, 0x10000 + ((static_cast<std::uint32_t>(hi) - 0xD800) << 10) +
                    (static_cast<std::uint32_t>(lo) - 0xDC00));
    return true;
  }

  // One multi-byte UTF-8 sequence, RFC 3629 strictly (utf8.hpp).
  bool utf8_sequence() {
    const auto* p = reinterpret_cast<const unsigned char*>(p_);
    const std::size_t len = utf8_sequence_length(p, reinterpret_cast<const unsigned char*>(end_));
    if (len == 0) return refuse("invalid UTF-8 in a string");
    p_ += len;
    return true;
  }

  // A string without escapes is a view of the text as it stands; one with escapes is decoded
  // over its own text.
  bool string(std::string_view& out) {
    ++p_;  // '"'
    char* const start = p_;
    char* w = p_;
    for (;;) {
      char* run = p_;
      while (p_ != end_ && kPlain[static_cast<unsigned char>(*p_)]) ++p_;
      if (w != run) std::memmove(w, run, static_cast<std::size_t>(p_ - run));
      w += p_ - run;
      if (p_ == end_) return refuse("unexpected end of input in a string (no closing quote)");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        out = std::string_view(start, static_cast<std::size_t>(w - start));
        return true;
      }
      if (c == '\\') {
        ++p_;
        if (!escape(w)) return false;
      } else if (c >= 0x80) {
        char* sequence = p_;
        if (!utf8_sequence()) return false;
        if (w != sequence) std::memmove(w, sequence, static_cast<std::size_t>(p_ - sequence));
        w += p_ - sequence;
      } else {
        return refuse(c == 0 ? "a NUL byte in a string (write it as \\u0000)"
                             : "a control character in a string (escape it: \\n, \\t, \\u001f)");
      }
    }
  }

  Document& doc_;
  char* const begin_;
  char* p_;
  char* end_;
  int max_depth_;
  Problem problem_;
  std::vector<Member> members_;  // of the objects being read, innermost last
  std::vector<Node> items_;      // of the arrays being read, innermost last
};

// "line 2, column 5 (byte 17)": lines and columns from 1, columns in bytes; the byte from 0.
[[gnu::noinline]] std::string where(const char* begin, const char* at) {
  std::size_t line = 1, column = 1;
  for (const char* c = begin; c != at; ++c) {
    if (*c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte " +
         std::to_string(at - begin) + ")";
}

[[gnu::noinline]] Error describe(const Reader& reader) {
  const Problem& p = reader.problem();
  const std::string code = p.code;
  if (code == "too_large")
    return {code, "",
            "the request nests deeper than " + std::to_string(reader.max_depth()) + " levels"};
  if (code == "overflow")
    return {code, "", std::string(p.what) + " at " + where(reader.begin(), p.at)};
  const std::string what = p.at == reader.end() && std::strncmp(p.what, "unexpected end", 14) != 0
                               ? std::string("unexpected end of input; ") + p.what
                               : std::string(p.what);
  return {code, "", "invalid JSON at " + where(reader.begin(), p.at) + ": " + what};
}

}  // namespace

bool read_json(std::string_view text, Document& out, int max_depth, Error& error) {
  Reader reader(out, text, max_depth);
  if (reader.document()) return true;
  error = describe(reader);
  return false;
}

}  // namespace loyalty
