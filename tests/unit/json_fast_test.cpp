// The fast request reader (core/src/json_fast.hpp) against nlohmann's parser: whatever it
// accepts must give exactly nlohmann's tree (same value types too: unsigned vs signed integers),
// on hand-picked edge cases, generated requests, and thousands of mutations of them. The
// document it builds is compared through Node::to_json; the Document built from nlohmann's tree
// (the fallback path) must give that tree back too.
#include <gtest/gtest.h>

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
  return a == b;
}

// Returns whether the fast reader took the text; fails the test if it took it differently.
bool agrees(const std::string& text) {
  Document doc;
  if (!parse_json_fast(text, doc, 64)) return false;
  const json fast = doc.root().to_json();
  json slow;
  try {
    slow = json::parse(text);
  } catch (const json::exception& e) {
    ADD_FAILURE() << "fast reader accepted what nlohmann rejects: " << text << "\n" << e.what();
    return true;
  }
  EXPECT_TRUE(same(fast, slow)) << text << "\nfast: " << fast.dump() << "\nslow: " << slow.dump();
  EXPECT_TRUE(same(Document(slow).root().to_json(), slow)) << text;
  return true;
}

TEST(JsonFast, TakesTheEverydayCases) {
  for (const char* text :
       {"{}", "[]", " { \"a\" : [1, -2, true, false, null, \"x\"] } ", "0", "-0", "\"\"",
        "18446744073709551615", "-9223372036854775808", "9223372036854775808", "{\"a\":1,\"a\":2}",
        "{\"b\":1,\"a\":2,\"b\":3,\"a\":4,\"c\":5,\"a\":6,\"\":7}",
        "{\"b\":1,\"a\":{\"c\":[[],{}]}}", "\"\\u00e9\\ud83d\\ude00\\n\\/\"",
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "\"\\u0000\""})
    EXPECT_TRUE(agrees(text)) << text;
}

TEST(JsonFast, LeavesTheRestToNlohmann) {
  for (const char* text : {"",
                           " ",
                           "1.5",
                           "1e3",
                           "1E3",
                           "-1.0",
                           "01",
                           "-",
                           "-01",
                           "18446744073709551616",
                           "-9223372036854775809",
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
                           "\xef\xbb\xbf{}",
                           "{\"a\":1,}",
                           "[1,]",
                           "[1 2]",
                           "{\"a\" 1}",
                           "{1:2}",
                           "tru",
                           "nul",
                           "[",
                           "{",
                           "\"abc",
                           "{} {}",
                           "NaN",
                           "[-]",
                           "\"\\u12\""})
    EXPECT_FALSE(agrees(text)) << text;
  std::string deep(200, '[');
  deep += std::string(200, ']');
  EXPECT_FALSE(agrees(deep));
}

// The door skips its depth scan for what the reader accepts: the two must agree.
TEST(JsonFast, AcceptsOnlyWhatTheDepthLimitPasses) {
  for (int depth = 1; depth <= 70; ++depth) {
    for (const char* open : {"[", "{\"a]\":"}) {
      std::string text = "\"[{\"";
      for (int d = 0; d < depth; ++d) text = open + text + (open[0] == '[' ? "]" : "}");
      for (int limit : {1, 10, 64}) {
        Document out;
        EXPECT_EQ(parse_json_fast(text, out, limit), !nests_deeper_than(text, limit))
            << depth << " " << limit;
      }
    }
  }
}

TEST(JsonFast, GeneratedRequestsAndTheirMutations) {
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
TEST(JsonFast, UnsortedObjectsWithRepeatedKeys) {
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
