// Program validation: every error names its code and the JSON pointer of the bad field, inside
// the program document; deep discounts are warnings, not errors.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

json validate(const json& prog) {
  return run("validate", {{"program", prog}});
}

void expect_error(const json& prog, const std::string& code, const std::string& path) {
  const json e = error_of(validate(prog));
  EXPECT_EQ(e.value("code", ""), code) << e.dump();
  EXPECT_EQ(e.value("path", ""), path) << e.dump();
}

const json kBase = {{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}};

TEST(ProgramValidation, MinimalProgramIsValidWithNoWarnings) {
  const json r = validate(program());
  EXPECT_EQ(r, json({{"ok", true}, {"warnings", json::array()}}));
}

TEST(ProgramValidation, UnknownFieldInARulePointsAtTheField) {
  json rule = kBase;
  rule["typo"] = 1;
  expect_error(program({{"earn", {rule}}}), "invalid_program", "/earn/0/typo");
}

TEST(ProgramValidation, UnknownTopLevelField) {
  expect_error(program({{"earn_on_discount", true}}), "invalid_program", "/earn_on_discount");
}

TEST(ProgramValidation, FactorWithACommaIsRejectedAtItsPointer) {
  json r1 = kBase, r2 = kBase;
  r1["id"] = "b1";
  r2["id"] = "b2";
  const json mult = {{"id", "m"}, {"type", "multiplier"}, {"factor", "2,5"}};
  const json e = error_of(validate(program({{"earn", {r1, r2, mult}}})));
  EXPECT_EQ(e["code"], "invalid_program");
  EXPECT_EQ(e["path"], "/earn/2/factor");
}

TEST(ProgramValidation, FractionsAcceptAtMostFourDecimals) {
  json mult = {{"id", "m"}, {"type", "multiplier"}, {"factor", "1.2345"}};
  EXPECT_EQ(validate(program({{"earn", {mult}}})).value("ok", false), true);
  mult["factor"] = "1.23456";
  expect_error(program({{"earn", {mult}}}), "invalid_program", "/earn/0/factor");
  mult["factor"] = 1.23456;  // a JSON number is checked exactly too
  expect_error(program({{"earn", {mult}}}), "invalid_program", "/earn/0/factor");
}

TEST(ProgramValidation, UnknownCurrency) {
  expect_error(program({{"currency", "XYZ"}}), "invalid_program", "/currency");
}

TEST(ProgramValidation, RequiredFields) {
  json p = program();
  p.erase("id");
  expect_error(p, "invalid_program", "/id");
  p = program();
  p["schema"] = "loyalty-program/2";
  expect_error(p, "invalid_program", "/schema");
}

TEST(ProgramValidation, DuplicateRuleAndRewardIds) {
  expect_error(program({{"earn", {kBase, kBase}}}), "invalid_program", "/earn/1/id");
  const json r = {{"id", "r"}, {"type", "fixed_discount"}, {"cost", 10}, {"amount_minor", 100}};
  expect_error(program({{"rewards", {r, r}}}), "invalid_program", "/rewards/1/id");
}

TEST(ProgramValidation, MissingRewardReference) {
  const json threshold = {
      {"id", "t"}, {"type", "spend_threshold"}, {"every_minor", 1000}, {"reward", "nope"}};
  expect_error(program({{"earn", {kBase, threshold}}}), "invalid_program", "/earn/1/reward");
  const json card = {{"id", "c"}, {"required", 10}, {"reward", "nope"}};
  expect_error(program({{"punch_cards", {card}}}), "invalid_program", "/punch_cards/0/reward");
}

TEST(ProgramValidation, LowestTierMustStartAtZero) {
  const json tiers = {
      {"levels", {{{"id", "silver"}, {"min", 100}}, {{"id", "gold"}, {"min", 500}}}}};
  expect_error(program({{"tiers", tiers}}), "invalid_program", "/tiers/levels");
}

TEST(ProgramValidation, AudienceNamesAnExistingTier) {
  json rule = kBase;
  rule["audience"] = {{"tiers", {"gold"}}};
  expect_error(program({{"earn", {rule}}}), "invalid_program", "/earn/0/audience/tiers/0");
}

TEST(ProgramValidation, PercentDiscountOverHalfWarnsButValidates) {
  const json big = {{"id", "big"}, {"type", "percent_discount"}, {"cost", 10}, {"percent", 60}};
  const json half = {{"id", "half"}, {"type", "percent_discount"}, {"cost", 10}, {"percent", 50}};
  const json r = validate(program({{"rewards", {half, big}}}));
  ASSERT_EQ(r.value("ok", false), true) << r.dump();
  ASSERT_EQ(r["warnings"].size(), 1u) << r.dump();  // exactly 50% is not "over 50%"
  EXPECT_EQ(r["warnings"][0]["path"], "/rewards/1/percent");
  EXPECT_EQ(r["warnings"][0]["code"], "deep_discount");
}

TEST(ProgramValidation, PercentOutOfRangeIsAnError) {
  const json r = {{"id", "r"}, {"type", "percent_discount"}, {"cost", 10}, {"percent", 101}};
  expect_error(program({{"rewards", {r}}}), "invalid_program", "/rewards/0/percent");
}

TEST(ProgramValidation, SameErrorThroughALoadedEngine) {
  json rule = kBase;
  rule["typo"] = 1;
  const Engine engine(program({{"earn", {rule}}}).dump());
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error_json(),
            loyalty::call("validate", json{{"program", program({{"earn", {rule}}})}}.dump()));
  EXPECT_EQ(json::parse(engine.error_json())["error"]["path"], "/earn/0/typo");
}

}  // namespace
}  // namespace loyalty::testing
