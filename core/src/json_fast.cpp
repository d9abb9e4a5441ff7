#include "json_fast.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "stable_order.hpp"
#include "utf8.hpp"

namespace loyalty {
namespace {

// Bytes a string holds as they are: printable ASCII but the quote and the backslash. A table:
// one load per byte where the tests were four comparisons.
constexpr auto kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

// Deeper documents go to nlohmann, whose parser does not recurse (the door's depth limit is
// configurable, this reader's recursion is not).
constexpr int kMaxDepth = 128;

class Reader {
 public:
  Reader(Document& doc, std::string_view text, int max_depth)
      : doc_(doc),
        p_(doc.keep_text(text)),
        end_(p_ + text.size()),
        max_depth_(max_depth < kMaxDepth ? max_depth : kMaxDepth) {
    // Room for a typical request's widest object and array at once: growing from empty cost
    // ten allocations per request.
    members_.reserve(32);
    items_.reserve(32);
  }

  bool document() {
    skip_space();
    Node root;
    if (!value(root, 0)) return false;
    skip_space();
    doc_.set_root(root);
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

  bool value(Node& out, int depth) {
    if (p_ == end_) return false;
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
      default:
        return number(out);
    }
  }

  bool object(Node& out, int depth) {
    if (depth > max_depth_) return false;
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
      if (p_ == end_ || *p_ != '"' || !string(key)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      Node v;
      if (!value(v, depth)) return false;
      members_.push_back(Member{key, v});
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == '}') {
        ++p_;
        out = finish_object(base);
        return true;
      }
      if (*p_ != ',') return false;
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
    if (depth > max_depth_) return false;
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
      if (p_ == end_) return false;
      if (*p_ == ']') {
        ++p_;
        const std::span<const Node> read(items_.data() + base, items_.size() - base);
        out = Node::array(doc_.arena().copy(read), read.size());
        items_.resize(base);
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
      skip_space();
    }
  }

  // Integers only: a fraction or an exponent (whose double nlohmann rounds its own way) and
  // integers beyond 64 bits (floats in nlohmann) go to nlohmann.
  bool number(Node& out) {
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    std::uint64_t n = 0;
    if (*p_ == '0') {
      ++p_;
    } else {
      // 19 digits always fit in 64 bits; only a 20th needs the overflow check (a division per
      // digit was most of a number's cost, and a library call in the WebAssembly build).
      const char* const first = p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9' && p_ - first < 19) {
        n = n * 10 + static_cast<std::uint64_t>(*p_ - '0');
        ++p_;
      }
      if (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
        const auto digit = static_cast<std::uint64_t>(*p_ - '0');
        if (n > (UINT64_MAX - digit) / 10) return false;
        n = n * 10 + digit;
        ++p_;
      }
    }
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || (*p_ >= '0' && *p_ <= '9')))
      return false;
    if (!negative) {
      out = Node::unsigned_integer(n);  // as nlohmann stores every integer without a sign
    } else if (n <= static_cast<std::uint64_t>(INT64_MAX)) {
      out = Node::integer(-static_cast<std::int64_t>(n));
    } else if (n == static_cast<std::uint64_t>(INT64_MAX) + 1) {
      out = Node::integer(INT64_MIN);
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

  bool escape(char*& w) {
    if (p_ == end_) return false;
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
        return false;
    }
    const int hi = hex4();
    if (hi < 0 || (hi >= 0xDC00 && hi <= 0xDFFF)) return false;
    if (hi < 0xD800 || hi > 0xDBFF) {
      put_utf8(w, static_cast<std::uint32_t>(hi));
      return true;
    }
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
    p_ += 2;
    const int lo = hex4();
    if (lo < 0xDC00 || lo > 0xDFFF) return false;
    put_utf8(w, 0x10000 + ((static_cast<std::uint32_t>(hi) - 0xD800) << 10) +
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
      if (p_ == end_) return false;
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
        return false;  // a control character: nlohmann names it in its error
      }
    }
  }

  Document& doc_;
  char* p_;
  char* end_;
  int max_depth_;
  std::vector<Member> members_;  // of the objects being read, innermost last
  std::vector<Node> items_;      // of the arrays being read, innermost last
};

}  // namespace

bool parse_json_fast(std::string_view text, Document& out, int max_depth) {
  return Reader(out, text, max_depth).document();
}

}  // namespace loyalty
