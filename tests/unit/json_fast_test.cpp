// The core's JSON reader (core/src/json_fast.hpp) against nlohmann's parser: on every text
// both accept, the same tree (same value types too: unsigned vs signed integers, doubles); every
// text nlohmann refuses, the reader refuses too, with its own message. Hand-picked edge cases,
// generated requests and thousands of mutations of them (tests/fuzz/fuzz_json.cpp does the same
// on fuzzed bytes). The deliberate differences: a NUL byte, and nesting beyond the limit.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../support/generate.hpp"
#include "json_fast.hpp"
#include "loyalty/loyalty.hpp"

namespace loyalty {
namespace {

using json = nlohmann::json;

bool same(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
      if (i.key() != j.key() || !same(*i, *j)) return false;
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) return false;
    return true;
  }
  if (a.is_number_float()) {  // -0.0 == 0.0, but they are different values
    const double x = a.get<double>(), y = b.get<double>();
    return x == y && std::signbit(x) == std::signbit(y);
  }
  return a == b;
}

// Reads the text with the core's reader and with nlohmann; fails the test unless both accept it
// with the same tree or both refuse it. Returns whether the reader accepted it.
bool agrees(const std::string& text, int max_depth = 64) {
  Document doc;
  Error error;
  const bool read = read_json(text, doc, max_depth, error);
  json slow;
  bool parsed = true;
  try {
    slow = json::parse(text);
  } catch (const json::exception&) {
    parsed = false;
  }
  if (text.find('\0') != std::string::npos) {
    EXPECT_FALSE(read) << "a NUL byte must be refused: " << text;
    return read;
  }
  if (!read && error.code == "too_large") return false;
  EXPECT_EQ(read, parsed) << text << "\n" << error.message;
  if (!read) {
    EXPECT_TRUE(error.code == "invalid_json" || error.code == "overflow") << error.code;
    EXPECT_EQ(error.path, "");
    return false;
  }
  if (!parsed) return true;
  EXPECT_TRUE(same(doc.root().to_json(), slow))
      << text << "\nreader: " << doc.root().to_json().dump() << "\nnlohmann: " << slow.dump();
  EXPECT_TRUE(same(Document(slow).root().to_json(), slow)) << text;
  return true;
}

Error error_of(std::string_view text, int max_depth = 64) {
  Document doc;
  Error error;
  EXPECT_FALSE(read_json(text, doc, max_depth, error)) << text;
  return error;
}

TEST(JsonReader, AcceptsWhatNlohmannAccepts) {
  for (const char* text : {"{}",
                           "[]",
                           " { \"a\" : [1, -2, true, false, null, \"x\"] } ",
                           "0",
                           "-0",
                           "\"\"",
                           "18446744073709551615",
                           "-9223372036854775808",
                           "9223372036854775808",
                           "{\"a\":1,\"a\":2}",
                           "{\"b\":1,\"a\":2,\"b\":3,\"a\":4,\"c\":5,\"a\":6,\"\":7}",
                           "{\"b\":1,\"a\":{\"c\":[[],{}]}}",
                           "\"\\u00e9\\ud83d\\ude00\\n\\/\"",
                           "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
                           "\"\\u0000\"",
                           "1.5",
                           "1e3",
                           "1E3",
                           "-1.0",
                           "-0.0",
                           "0.1",
                           "1e-400",
                           "2.5E+2",
                           "18446744073709551616",
                           "-9223372036854775809",
                           "123456789012345678901234567890",
                           "[1.7976931348623157e308]",
                           "\xef\xbb\xbf{}",
                           "\xef\xbb\xbf 1"})
    EXPECT_TRUE(agrees(text)) << text;
}

TEST(JsonReader, RefusesWhatNlohmannRefuses) {
  for (const char* text : {"",
                           " ",
                           "01",
                           "-",
                           "-01",
                           "1.",
                           ".5",
                           "1e",
                           "1e+",
                           "+1",
                           "0x10",
                           "1.5e3x",
                           "\"\\ud800\"",
                           "\"\\udc00\"",
                           "\"\\ud800\\u0041\"",
                           "\"\\x\"",
                           "\"\xc0\xaf\"",
                           "\"\xed\xa0\x80\"",
                           "\"\xf4\x90\x80\x80\"",
                           "\"\xe0\x80\xaf\"",
                           "\"\x80\"",
                           "\"a\tb\"",
                           "{\"a\":1,}",
                           "[1,]",
                           "[1 2]",
                           "{\"a\" 1}",
                           "{1:2}",
                           "tru",
                           "nul",
                           "True",
                           "[",
                           "{",
                           "\"abc",
                           "{} {}",
                           "NaN",
                           "[-]",
                           "\"\\u12\"",
                           "\xef\xbb{}",
                           "\xef\xbb\xbf",
                           "1e400",
                           "-1e400",
                           "[1e999]"})
    EXPECT_FALSE(agrees(text)) << text;
}

TEST(JsonReader, NumbersBeyondADoubleAreOverflow) {
  EXPECT_EQ(error_of("[1e400]").code, "overflow");
  EXPECT_EQ(error_of("[1e400]").message,
            "a number beyond what a double holds at line 1, column 2 (byte 1)");
}

// Found by an external JSON conformance suite: `{...}\0` was accepted through nlohmann, which
// takes a NUL between tokens for the end of the input. Every door refuses it now.
TEST(JsonReader, ANulByteIsRefusedWherever) {
  using namespace std::string_literals;
  for (const std::string& text : {"{}\0"s, "123\0"s, "{\"a\":1}\0{}"s, "[1,\0 2]"s, "\0{}"s,
                                  "{\"a\0\":1}"s, "{\"a\":\0}"s, "[1\0]"s})
    EXPECT_EQ(error_of(text).code, "invalid_json") << text.size();
  EXPECT_EQ(error_of("{}\0"s).message,
            "invalid JSON at line 1, column 3 (byte 2): a NUL byte after the document");
  EXPECT_EQ(error_of("123\0"s).message,
            "invalid JSON at line 1, column 4 (byte 3): a NUL byte after the document");
}

TEST(JsonReader, MessagesSayWhatAndWhere) {
  EXPECT_EQ(
      error_of("{\"program\":\n").message,
      "invalid JSON at line 2, column 1 (byte 12): unexpected end of input, expected a value");
  EXPECT_EQ(error_of("{\"a\":1,}").message,
            "invalid JSON at line 1, column 8 (byte 7): expected a member name in double quotes");
  EXPECT_EQ(error_of("[1 2]").message,
            "invalid JSON at line 1, column 4 (byte 3): expected ',' or ']' after an array item");
  EXPECT_EQ(error_of("{'a':1}").message,
            "invalid JSON at line 1, column 2 (byte 1): expected a member name in double quotes");
  EXPECT_EQ(
      error_of("{\"a\":1").message,
      "invalid JSON at line 1, column 7 (byte 6): unexpected end of input; expected ',' or '}' "
      "after an object member");
  EXPECT_EQ(
      error_of("\"a\tb\"").message,
      "invalid JSON at line 1, column 3 (byte 2): a control character in a string (escape it: "
      "\\n, \\t, \\u001f)");
  EXPECT_EQ(error_of("[01]").message,
            "invalid JSON at line 1, column 2 (byte 1): a number cannot start with 0");
  EXPECT_EQ(error_of("{} {}").message,
            "invalid JSON at line 1, column 4 (byte 3): more text after the document");
  EXPECT_EQ(error_of("[[[]]]", 2).message, "the request nests deeper than 2 levels");
  EXPECT_EQ(error_of("[[[]]]", 2).code, "too_large");
}

// The door has no separate depth scan any more: the reader's limit is the door's.
TEST(JsonReader, RefusesExactlyWhatIsDeeperThanTheLimit) {
  for (int depth = 1; depth <= 70; ++depth) {
    for (const char* open : {"[", "{\"a]\":"}) {
      std::string text = "\"[{\"";
      for (int d = 0; d < depth; ++d) text = open + text + (open[0] == '[' ? "]" : "}");
      for (int limit : {1, 10, 64}) {
        Document out;
        Error error;
        EXPECT_EQ(read_json(text, out, limit, error), !nests_deeper_than(text, limit))
            << depth << " " << limit;
        if (depth > limit) EXPECT_EQ(error.code, "too_large");
      }
    }
  }
  // Whatever the limit asks for, the recursion stops at kMaxReadDepth.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(error_of(deep, 1 << 30).code, "too_large");
}

TEST(JsonReader, GeneratedRequestsAndTheirMutations) {
  static const char kBytes[] =
      "{}[]\",:\\/ 0123456789-+.eEtfnulbru\t\n\x01\x7f\x80\xbf\xc3\xe2\xed"
      "\xf0\xf4\xff";
  std::mt19937_64 rng(7);
  int taken = 0, mutated_taken = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    testing::Generator g(seed);
    const json program = g.program();
    const json doc = {{"program", program},
                      {"events", g.history(program, 5)},
                      {"cart", g.cart(program, "2026-11-20T17:30:00Z")},
                      {"note", "caf\u00e9 \u20ac \"q\" \\ \n"}};
    const std::string text = doc.dump();
    ASSERT_TRUE(agrees(text)) << "seed " << seed;
    ++taken;
    for (int m = 0; m < 30; ++m) {
      std::string t = text;
      const std::size_t at = rng() % t.size();
      const char c = kBytes[rng() % (sizeof kBytes - 1)];
      switch (rng() % 4) {
        case 0:
          t[at] = c;
          break;
        case 1:
          t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        case 2:
          t.erase(at, 1 + rng() % 3);
          break;
        default:
          t.resize(at);
      }
      mutated_taken += agrees(t);
    }
  }
  EXPECT_EQ(taken, 300);
  EXPECT_GT(mutated_taken, 0);
}

// Objects as browsers write them: keys in any order, some repeated. The reader sorts small
// objects in place and large ones another way; both must give nlohmann's map, in which the
// last of duplicate keys wins.
TEST(JsonReader, UnsortedObjectsWithRepeatedKeys) {
  std::mt19937_64 rng(11);
  static const char* kKeys[] = {"a", "b", "ab", "ba", "", "a\u0000", "\u00e9", "z", "aa", "b~"};
  for (int round = 0; round < 400; ++round) {
    const std::size_t members = rng() % 80;  // either side of the in-place sort's limit
    std::string text = "{";
    for (std::size_t i = 0; i < members; ++i) {
      if (i) text += ',';
      text += '"';
      text += kKeys[rng() % 10];
      if (rng() % 2) text += std::to_string(rng() % 40);
      text += "\":";
      text += rng() % 3 ? std::to_string(i) : "{\"y\":" + std::to_string(i) + ",\"x\":[1]}";
    }
    text += '}';
    ASSERT_TRUE(agrees(text)) << text;
  }
}

}  // namespace
}  // namespace loyalty
