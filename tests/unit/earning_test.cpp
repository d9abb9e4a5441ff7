// Earning rules: each type's points for one order, rounding once per rule, multipliers under
// each stacking mode with their attribution lines adding up exactly, and the caps.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

// A vector, not a json: g++ and clang read `rules({r})` with one json element differently (an
// array of one rule, or a copy of the rule) when the parameter is a json.
json rules(const std::vector<json>& earn, json extra = json::object()) {
  extra["earn"] = earn;
  return program(extra);
}

long long total(const json& preview) {
  return preview.at("points").at("total").get<long long>();
}

// rule -> points of that rule's lines in the preview.
std::map<std::string, long long> by_rule(const json& preview) {
  std::map<std::string, long long> out;
  for (const auto& l : preview.at("points").at("lines"))
    out[l.at("rule").get<std::string>()] += l.at("points").get<long long>();
  return out;
}

long long lines_sum(const json& preview) {
  long long s = 0;
  for (const auto& l : preview.at("points").at("lines")) s += l.at("points").get<long long>();
  return s;
}

json per_spend(const std::string& rounding) {
  return {{"id", "base"},
          {"type", "per_spend"},
          {"points", 1},
          {"per_minor", 100},
          {"rounding", rounding}};
}

TEST(Earning, PerSpendRoundsOncePerRuleFloorNearestCeil) {
  // S/ 37.50 at 1 point per sol: 37.5 points.
  const json c = cart({line("a", 3750, 1)});
  EXPECT_EQ(total(preview(rules({per_spend("floor")}), c)), 37);
  EXPECT_EQ(total(preview(rules({per_spend("nearest")}), c)), 38);
  EXPECT_EQ(total(preview(rules({per_spend("ceil")}), c)), 38);
  // S/ 37.49: nearest goes down, ceil still up.
  const json c2 = cart({line("a", 3749, 1)});
  EXPECT_EQ(total(preview(rules({per_spend("nearest")}), c2)), 37);
  EXPECT_EQ(total(preview(rules({per_spend("ceil")}), c2)), 38);
}

TEST(Earning, PerSpendRoundsTheOrderNotEachLine) {
  // Three lines of S/ 0.50: each line alone would floor to 0; together 1.5 -> 1.
  const json c = cart({line("a", 50, 1), line("b", 50, 1), line("c", 50, 1)});
  EXPECT_EQ(total(preview(rules({per_spend("floor")}), c)), 1);
}

TEST(Earning, PerItemCountsMatchingUnits) {
  const json r = {{"id", "items"},
                  {"type", "per_item"},
                  {"points", 5},
                  {"match", {{"categories", {"coffee"}}}}};
  const json c = cart({line("latte", 1200, 2, "coffee"), line("cake", 900, 4, "food"),
                       line("espresso", 800, 3, "coffee")});
  EXPECT_EQ(total(preview(rules({r}), c)), 25);  // (2 + 3) × 5
}

TEST(Earning, PerOrderOncePerVisit) {
  const json r = {{"id", "visit"}, {"type", "per_order"}, {"points", 10}};
  EXPECT_EQ(total(preview(rules({r}), cart({line("a", 100, 3), line("b", 100, 1)}))), 10);
}

TEST(Earning, BonusNeedsMinQuantityOfMatchingUnits) {
  const json r = {{"id", "trio"},
                  {"type", "bonus"},
                  {"points", 50},
                  {"min_quantity", 3},
                  {"match", {{"skus", {"donut"}}}}};
  EXPECT_EQ(total(preview(rules({r}), cart({line("donut", 300, 2), line("tea", 500, 5)}))), 0);
  EXPECT_EQ(total(preview(rules({r}), cart({line("donut", 300, 2), line("donut", 300, 1)}))), 50);
}

// A tier multiplier of 1.5 on the lowest level (a guest sits there) and a multiplier rule of 2.
json stacked(const std::string& mode) {
  return rules({per_spend("floor"), {{"id", "double"}, {"type", "multiplier"}, {"factor", 2}}},
               {{"multiplier_stacking", mode},
                {"tiers",
                 {{"levels",
                   {{{"id", "member"}, {"min", 0}, {"earn_multiplier", "1.5"}},
                    {{"id", "gold"}, {"min", 100000}}}}}}});
}

TEST(Earning, MultiplierHighestTakesTheLargestFactor) {
  const json r = preview(stacked("highest"), cart({line("a", 2000, 1)}));
  EXPECT_EQ(total(r), 40);  // 20 × 2
  EXPECT_EQ(by_rule(r), (std::map<std::string, long long>{{"base", 20}, {"double", 20}}));
  EXPECT_EQ(lines_sum(r), total(r));
}

TEST(Earning, MultiplierMultiplyTakesTheProduct) {
  const json r = preview(stacked("multiply"), cart({line("a", 2000, 1)}));
  EXPECT_EQ(total(r), 60);  // 20 × 1.5 × 2
  // The tier adds 0.5 per point, the rule then 1.5 (doubling 1.5): 40 extra split 10 / 30.
  EXPECT_EQ(by_rule(r),
            (std::map<std::string, long long>{{"base", 20}, {"tier", 10}, {"double", 30}}));
  EXPECT_EQ(lines_sum(r), total(r));
}

TEST(Earning, MultiplierAddSumsTheExtras) {
  const json r = preview(stacked("add"), cart({line("a", 2000, 1)}));
  EXPECT_EQ(total(r), 50);  // 20 × (1 + 0.5 + 1)
  EXPECT_EQ(by_rule(r),
            (std::map<std::string, long long>{{"base", 20}, {"tier", 10}, {"double", 20}}));
  EXPECT_EQ(lines_sum(r), total(r));
}

TEST(Earning, AttributionAddsUpWithUnevenShares) {
  // 1 point per sol on S/ 33.33 with factors 1.25 (tier) and 1.1 (rule), added: F = 1.35.
  // Exact 44.9955 -> 44; base 33; extra 11 split 0.25 : 0.1 -> 7.857 / 3.142 -> 8 / 3.
  const json p = rules(
      {per_spend("floor"), {{"id", "m"}, {"type", "multiplier"}, {"factor", "1.1"}}},
      {{"multiplier_stacking", "add"},
       {"tiers", {{"levels", {{{"id", "member"}, {"min", 0}, {"earn_multiplier", "1.25"}}}}}}});
  const json r = preview(p, cart({line("a", 3333, 1)}));
  EXPECT_EQ(total(r), 44);
  EXPECT_EQ(by_rule(r), (std::map<std::string, long long>{{"base", 33}, {"tier", 8}, {"m", 3}}));
}

TEST(Earning, MultiplierOnlyTouchesMatchingLinesAndSpendRules) {
  const json p = rules({per_spend("floor"),
                        {{"id", "visit"}, {"type", "per_order"}, {"points", 10}},
                        {{"id", "coffee3"},
                         {"type", "multiplier"},
                         {"factor", 3},
                         {"match", {{"categories", {"coffee"}}}}}});
  const json r =
      preview(p, cart({line("latte", 1000, 1, "coffee"), line("cake", 1000, 1, "food")}));
  // base 20 + coffee extra 10 × 2 = 20; per_order untouched: 10.
  EXPECT_EQ(total(r), 50);
  EXPECT_EQ(by_rule(r),
            (std::map<std::string, long long>{{"base", 20}, {"coffee3", 20}, {"visit", 10}}));
}

TEST(Earning, MaxPointsCapsARuleWithAVisibleLine) {
  json base = per_spend("floor");
  base["max_points"] = 30;
  const json r = preview(rules({base}), cart({line("a", 5000, 1)}));
  EXPECT_EQ(total(r), 30);
  EXPECT_EQ(lines_sum(r), 30);  // 50 and a cap line of -20
}

TEST(Earning, MaxPointsPerOrderCapsThePurchasePoints) {
  const json p =
      rules({per_spend("floor"), {{"id", "visit"}, {"type", "per_order"}, {"points", 10}}},
            {{"limits", {{"max_points_per_order", 40}}}});
  const json r = preview(p, cart({line("a", 5000, 1)}));
  EXPECT_EQ(total(r), 40);  // 50 + 10 capped at 40
  EXPECT_EQ(by_rule(r).at("max_points_per_order"), -20);
  EXPECT_EQ(lines_sum(r), 40);
}

TEST(Earning, ShippingEarnsOnlyWhenTheRuleSaysSo) {
  json c = cart({line("a", 1000, 1)});
  c["shipping_minor"] = 500;
  EXPECT_EQ(total(preview(rules({per_spend("floor")}), c)), 10);
  json ship = per_spend("floor");
  ship["include_shipping"] = true;
  EXPECT_EQ(total(preview(rules({ship}), c)), 15);
}

}  // namespace
}  // namespace loyalty::testing

namespace loyalty::testing {
namespace {

TEST(Earning, AFactorBelowOneIsAttributedAsTakingPointsAway) {
  // Tier ×1.5 and "half points on sale" ×0.5, multiplied: 100 × 0.75 = 75. The tier adds 50,
  // the sale rule takes 75 (0.75 of the 1.5): lines 100 + 50 − 75.
  const json p = rules(
      {per_spend("floor"),
       {{"id", "sale-half"},
        {"type", "multiplier"},
        {"factor", "0.5"},
        {"match", {{"categories", {"sale"}}}}}},
      {{"multiplier_stacking", "multiply"},
       {"tiers", {{"levels", {{{"id", "member"}, {"min", 0}, {"earn_multiplier", "1.5"}}}}}}});
  const json r = preview(p, cart({line("a", 10000, 1, "sale")}));
  EXPECT_EQ(total(r), 75);
  EXPECT_EQ(by_rule(r),
            (std::map<std::string, long long>{{"base", 100}, {"tier", 50}, {"sale-half", -75}}));
  // Added: 1 + 0.5 + (0.25 − 1)... with factor 0.75: F = 1.25 -> 125 = 100 + 50 − 25.
  json q = p;
  q["multiplier_stacking"] = "add";
  q["earn"][1]["factor"] = "0.75";
  const json a = preview(q, cart({line("a", 10000, 1, "sale")}));
  EXPECT_EQ(total(a), 125);
  EXPECT_EQ(by_rule(a),
            (std::map<std::string, long long>{{"base", 100}, {"tier", 50}, {"sale-half", -25}}));
  EXPECT_EQ(lines_sum(a), 125);
}

}  // namespace
}  // namespace loyalty::testing

namespace loyalty::testing {
namespace {

TEST(Earning, AddedFactorsNeverMakeAnOrderTakePoints) {
  // 1 + (0.2 − 1) + (0.3 − 1) = −0.5: F stops at 0, so the order earns nothing (not −5).
  const json p = rules({per_spend("floor"),
                        {{"id", "m1"}, {"type", "multiplier"}, {"factor", "0.2"}},
                        {{"id", "m2"}, {"type", "multiplier"}, {"factor", "0.3"}}},
                       {{"multiplier_stacking", "add"}});
  const json r = preview(p, cart({line("a", 1000, 1)}));
  EXPECT_EQ(total(r), 0);
  EXPECT_EQ(lines_sum(r), 0);
  EXPECT_EQ(r["balance_after"], 0);
}

}  // namespace
}  // namespace loyalty::testing
