// Shared conditions: `when` windows (end exclusive, store-local time), audience, min_order_minor
// on the merchandise before rewards, and the order-discount spread with earn_on_discounted.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

long long total(const json& preview) {
  return preview.at("points").at("total").get<long long>();
}

const json kBase = {{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}};

// 1 point per sol, doubled on Fridays 16:00-18:00 store time (Lima, -05:00).
json friday_program() {
  return program({{"earn",
                   {kBase,
                    {{"id", "double-friday"},
                     {"type", "multiplier"},
                     {"factor", 2},
                     {"when", {{"days", {"fri"}}, {"hours", {"16:00", "18:00"}}}}}}}});
}

long long friday_points(const std::string& at) {
  return total(preview(friday_program(), cart({line("a", 3700, 1)}, at)));
}

TEST(Conditions, FridayWindowEndIsExclusive) {
  // 2026-11-20 is a Friday.
  EXPECT_EQ(friday_points("2026-11-20T16:00:00-05:00"), 74);
  EXPECT_EQ(friday_points("2026-11-20T17:59:59-05:00"), 74);
  EXPECT_EQ(friday_points("2026-11-20T18:00:00-05:00"), 37);
  EXPECT_EQ(friday_points("2026-11-20T15:59:59-05:00"), 37);
  EXPECT_EQ(friday_points("2026-11-19T17:00:00-05:00"), 37);  // Thursday
}

TEST(Conditions, WindowsAreReadInStoreLocalTime) {
  // 22:59:59Z is 17:59:59 in Lima: inside. 17:30Z is 12:30 in Lima: outside.
  EXPECT_EQ(friday_points("2026-11-20T22:59:59Z"), 74);
  EXPECT_EQ(friday_points("2026-11-20T23:00:00Z"), 37);
  EXPECT_EQ(friday_points("2026-11-20T17:30:00Z"), 37);
  // Saturday 01:00 in Madrid is still Friday 19:00 in Lima: outside the hours.
  EXPECT_EQ(friday_points("2026-11-21T00:30:00+01:00"), 37);
  // Friday 17:00 in Lima written as Friday 23:00+01:00.
  EXPECT_EQ(friday_points("2026-11-20T23:00:00+01:00"), 74);
}

TEST(Conditions, FromUntilWithUntilExclusive) {
  const json p = program(
      {{"earn",
        {kBase,
         {{"id", "launch"},
          {"type", "per_order"},
          {"points", 100},
          {"when",
           {{"from", "2026-12-01T00:00:00-05:00"}, {"until", "2026-12-08T00:00:00-05:00"}}}}}}});
  auto at = [&](const std::string& t) { return total(preview(p, cart({line("a", 1000, 1)}, t))); };
  EXPECT_EQ(at("2026-11-30T23:59:59-05:00"), 10);
  EXPECT_EQ(at("2026-12-01T00:00:00-05:00"), 110);
  EXPECT_EQ(at("2026-12-07T23:59:59-05:00"), 110);
  EXPECT_EQ(at("2026-12-08T00:00:00-05:00"), 10);
}

TEST(Conditions, AudienceLimitsARuleToTiers) {
  const json tiers = {
      {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "gold"}, {"min", 1000}}}}};
  const json gold_only = {{"id", "gold-bonus"},
                          {"type", "per_order"},
                          {"points", 50},
                          {"audience", {{"tiers", {"gold"}}}}};
  const json member_only = {{"id", "member-bonus"},
                            {"type", "per_order"},
                            {"points", 7},
                            {"audience", {{"tiers", {"member"}}}}};
  const json r = preview(program({{"tiers", tiers}, {"earn", {gold_only, member_only}}}),
                         cart({line("a", 1000, 1)}));
  EXPECT_EQ(total(r), 7);  // a guest is at the lowest tier
}

TEST(Conditions, MinOrderUsesMerchandiseAfterTheOrderDiscount) {
  const json p = program(
      {{"earn",
        {{{"id", "big"}, {"type", "per_order"}, {"points", 100}, {"min_order_minor", 5000}}}}});
  json c = cart({line("a", 3000, 1), line("b", 2100, 1)});  // lines 5100
  c["order_discount_minor"] = 101;                          // 4999: one under
  EXPECT_EQ(total(preview(p, c)), 0);
  c["order_discount_minor"] = 100;  // exactly 5000
  EXPECT_EQ(total(preview(p, c)), 100);
}

TEST(Conditions, MinOrderIsCheckedBeforeRewards) {
  // A S/ 10 reward on a S/ 50.00 order: neither the rule nor the reward's own minimum sees 4000.
  const json p = program(
      {{"earn",
        {{{"id", "big"}, {"type", "per_order"}, {"points", 100}, {"min_order_minor", 5000}}}},
       {"rewards",
        {{{"id", "10-off"},
          {"type", "fixed_discount"},
          {"cost", 100},
          {"amount_minor", 1000},
          {"min_order_minor", 5000}}}}});
  const json state = replay(
      p,
      {enroll("e1", "2026-11-01T10:00:00-05:00"),
       {{"id", "e2"}, {"at", "2026-11-01T11:00:00-05:00"}, {"type", "adjust"}, {"points", 500}}});
  const json r = run("preview", {{"program", p},
                                 {"state", state},
                                 {"cart", cart({line("a", 5000, 1)})},
                                 {"redeem", {{{"reward", "10-off"}}}}});
  ASSERT_EQ(r.at("redeem").at("applied").size(), 1u) << r.dump();
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 1000);
  EXPECT_EQ(r["totals"]["total_minor"], 4000);
  EXPECT_EQ(r["points"]["total"], 100);
  EXPECT_EQ(r["balance_after"], 500 - 100 + 100);
}

TEST(Conditions, OrderDiscountSpreadFeedsEarning) {
  // 100 off three equal lines of 300: 34 / 33 / 33, the leftover unit to the earliest line.
  auto rule_on = [](const std::string& sku) {
    return json{{"id", "r-" + sku},
                {"type", "per_spend"},
                {"points", 1},
                {"per_minor", 1},
                {"match", {{"skus", {sku}}}}};
  };
  json c = cart({line("a", 300, 1), line("b", 300, 1), line("c", 300, 1)});
  c["order_discount_minor"] = 100;
  EXPECT_EQ(total(preview(program({{"earn", {rule_on("a")}}}), c)), 266);
  EXPECT_EQ(total(preview(program({{"earn", {rule_on("b")}}}), c)), 267);
  EXPECT_EQ(total(preview(program({{"earn", {rule_on("c")}}}), c)), 267);
  // earn_on_discounted false: the line nets before the spread.
  EXPECT_EQ(total(preview(program({{"earn", {rule_on("a")}}, {"earn_on_discounted", false}}), c)),
            300);
}

TEST(Conditions, ProportionalSpreadOverUnequalLines) {
  // 400 off 1000 + 3000: 100 / 300. A rule on line a sees 900 -> 9 points per sol.
  json c = cart({line("a", 1000, 1), line("b", 3000, 1)});
  c["order_discount_minor"] = 400;
  json r = kBase;
  r["match"] = {{"skus", {"a"}}};
  EXPECT_EQ(total(preview(program({{"earn", {r}}}), c)), 9);
  EXPECT_EQ(total(preview(program({{"earn", {r}}, {"earn_on_discounted", false}}), c)), 10);
  EXPECT_EQ(total(preview(program({{"earn", {kBase}}}), c)), 36);
}

}  // namespace
}  // namespace loyalty::testing
