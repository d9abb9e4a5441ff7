// The preview response written straight into a string (op_preview, json_write.hpp) against the
// same response built as an nlohmann tree and dumped (op_preview_tree): byte-identical on
// generated programs, members and carts; and the string escaping against nlohmann's dump on
// random bytes, invalid UTF-8 included.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "../support/generate.hpp"
#include "../support/preview_tree.hpp"
#include "json_write.hpp"
#include "loyalty/loyalty.hpp"
#include "operations.hpp"
#include "test_helpers.hpp"

namespace loyalty {
namespace {

using json = nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(PreviewWriter, SameBytesAsTheTree) {
  int compared = 0, with_lines = 0, with_vouchers = 0;
  for (int seed = 1; seed <= testing::property_cases(2000); ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    testing::Generator g(static_cast<std::uint64_t>(seed));
    const json program_doc = g.program();
    const json state = json::parse(
        call("replay", json{{"program", program_doc}, {"events", g.history(program_doc)}}.dump()));
    ASSERT_FALSE(state.contains("error")) << state.dump();
    json request = {{"state", state},
                    {"cart", g.cart(program_doc, g.timestamp(1793491200, 1793491200 + 86400 * 20))},
                    {"redeem", g.redeem(program_doc)}};
    json vouchers = json::array();
    for (const auto& v : state["vouchers"])
      if (g.chance(60)) vouchers.push_back(v["id"]);
    if (g.chance(20)) vouchers.push_back("no-such-voucher");
    if (!vouchers.empty()) request["vouchers"] = vouchers;
    with_vouchers += !vouchers.empty();
    if (g.chance(30)) request["cart"].erase("at"), request["now"] = "2026-11-20T17:30:00Z";

    const Program program = parse_program(In{Document(program_doc).root(), "", "invalid_program"});
    const Document request_doc(request);
    const In in{request_doc.root(), "", "invalid_request"};
    std::string tree, text;
    try {
      const json t = op_preview_tree(program, in);
      tree = dump(t);
      with_lines += !t["points"]["lines"].empty();
    } catch (const Failure& f) {
      tree = "error " + f.error().code + " " + f.error().path;
    }
    try {
      text = op_preview(program, in);
    } catch (const Failure& f) {
      text = "error " + f.error().code + " " + f.error().path;
    }
    ASSERT_EQ(text, tree);
    ++compared;
  }
  EXPECT_GT(with_lines, compared / 2);
  EXPECT_GT(with_vouchers, 0);
}

TEST(PreviewWriter, StringsEscapedAsNlohmannDoes) {
  std::mt19937_64 rng(11);
  static const char kPieces[][5] = {
      "a",    "\"",       "\\",           "\n",           "\x01",
      "\x1f", "\x7f",     "\xc3\xa9",     "\xe2\x82\xac", "\xf0\x9f\x98\x80",
      "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xff",         "\x80",
      "\t",   "\b",       "\f",           "\r",           "/"};
  for (int i = 0; i < testing::property_cases(20000); ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) s += kPieces[rng() % std::size(kPieces)];
    std::string out;
    append_json_string(out, s);
    ASSERT_EQ(out, dump(json(s))) << "case " << i;
  }
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string out;
  append_json_string(out, all);
  EXPECT_EQ(out, dump(json(all)));
}

TEST(PreviewWriter, AnyTreeAsNlohmannDumpsIt) {
  const json doc = json::parse(
      R"({"b":[1,-2,18446744073709551615,1.5,0.1,-0.0,1e300,true,false,null],"a":{"z":{},"y":[]},"c":"caf\u00e9"})");
  std::string out;
  JsonWriter(out).value(doc);
  EXPECT_EQ(out, dump(doc));
}

}  // namespace
}  // namespace loyalty
