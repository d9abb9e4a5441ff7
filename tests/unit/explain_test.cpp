// Explanations built by the engine (explain.hpp): the written bytes equal the tree they stand
// for, factors are written as their shortest decimal text, and an explanation that would lose
// an argument is an internal error rather than a silently shorter object.
#include <gtest/gtest.h>

#include <random>

#include "error.hpp"
#include "explain.hpp"
#include "json_write.hpp"

namespace loyalty {
namespace {

std::string written(const Explain& e) {
  std::string out;
  JsonWriter w(out);
  e.write(w);
  w.finish();
  return out;
}

TEST(Explain, WritesWhatItsTreeDumps) {
  const Explain e =
      Explain::of("earn.tier_multiplier").arg("factor", Fixed{12500}).arg("tier", "silver");
  EXPECT_EQ(written(e), e.to_json().dump());
  EXPECT_EQ(e.to_json()["args"]["factor"], "1.25");
  EXPECT_EQ(e.to_json()["args"]["tier"], "silver");
  EXPECT_EQ(e.to_json()["key"], "earn.tier_multiplier");
}

TEST(Explain, FactorsAreTheirDecimalText) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    const Fixed f{static_cast<i64>(rng() % 10'000'000) - 5'000'000};
    const Explain e = Explain::of("earn.multiplier").arg("factor", f);
    EXPECT_EQ(e.to_json()["args"]["factor"], to_string(f));
    EXPECT_EQ(written(e), e.to_json().dump());
  }
}

TEST(Explain, ArgumentsAreWrittenInNameOrder) {
  const Explain e =
      Explain::of("earn.per_spend").arg("spend_minor", 900).arg("points", 1).arg("per_minor", 100);
  EXPECT_EQ(written(e),
            R"({"args":{"per_minor":100,"points":1,"spend_minor":900},"key":"earn.per_spend"})");
  EXPECT_EQ(written(e), e.to_json().dump());
}

TEST(Explain, TooManyArgumentsIsAnInternalError) {
  Explain e = Explain::of("test.key");
  e.arg("a", 1).arg("b", 2).arg("c", 3).arg("d", 4);
  EXPECT_THROW(e.arg("e", 5), Failure);
}

TEST(Explain, TextArgumentsShareOneBuffer) {
  Explain e = Explain::of("redeem.reward");
  e.arg("reward", std::string("tote")).arg("option", "blue, \"large\"").arg("amount_minor", 0);
  EXPECT_EQ(e.to_json()["args"]["reward"], "tote");
  EXPECT_EQ(e.to_json()["args"]["option"], "blue, \"large\"");
  EXPECT_EQ(written(e), e.to_json().dump());
  const Explain moved = std::move(e);
  EXPECT_EQ(written(moved), moved.to_json().dump());
  EXPECT_EQ(moved.to_json()["args"]["reward"], "tote");
}

TEST(Explain, ATreeIsWrittenAsItIs) {
  const nlohmann::json tree = {{"key", "earn.signup"}, {"args", {{"points", 100}}}};
  const Explain e(tree);
  EXPECT_EQ(written(e), tree.dump());
  EXPECT_EQ(e.to_json(), tree);
}

}  // namespace
}  // namespace loyalty
