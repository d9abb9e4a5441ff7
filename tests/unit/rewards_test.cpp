// Cart rewards: each type's discount, every status a reward can have, the caps that keep the
// merchandise from going below zero, and max_rewards_per_order.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

const json kTiers = {
    {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "gold"}, {"min", 1000000}}}}};

json reward_program(json rewards, json extra = json::object()) {
  extra["rewards"] = std::move(rewards);
  extra["tiers"] = kTiers;
  return program(extra);
}

// A member holding `points`, enrolled before the carts below.
json member_with(const json& prog, long long points) {
  json events = json::array({enroll("e1", "2026-11-01T10:00:00-05:00")});
  if (points > 0)
    events.push_back({{"id", "e2"},
                      {"at", "2026-11-01T11:00:00-05:00"},
                      {"type", "adjust"},
                      {"points", points}});
  return replay(prog, events);
}

json checkout(const json& prog, const json& state, const json& c, json redeem) {
  return run("preview",
             {{"program", prog}, {"state", state}, {"cart", c}, {"redeem", std::move(redeem)}});
}

json status_of(const json& preview, const std::string& id) {
  for (const auto& r : preview.at("rewards"))
    if (r.at("id") == id) return r;
  ADD_FAILURE() << "no reward " << id << " in " << preview.dump();
  return json::object();
}

TEST(Rewards, FixedDiscountIsCappedAtTheEligibleSubtotal) {
  const json p = reward_program(
      {{{"id", "5-off"}, {"type", "fixed_discount"}, {"cost", 100}, {"amount_minor", 500}}});
  const json s = member_with(p, 1000);
  json r = checkout(p, s, cart({line("a", 300, 1)}), {{{"reward", "5-off"}}});
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 300);
  EXPECT_EQ(r["totals"]["total_minor"], 0);
  r = checkout(p, s, cart({line("a", 2000, 1)}), {{{"reward", "5-off"}}});
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 500);
  EXPECT_EQ(r["redeem"]["applied"][0]["cost"], 100);
  EXPECT_EQ(r["totals"]["total_minor"], 1500);
  EXPECT_EQ(r["balance_after"], 900);
}

TEST(Rewards, PercentDiscountOnMatchingLinesWithCap) {
  const json p = reward_program({{{"id", "10pct"},
                                  {"type", "percent_discount"},
                                  {"cost", 50},
                                  {"percent", 10},
                                  {"match", {{"categories", {"coffee"}}}}},
                                 {{"id", "10pct-cap"},
                                  {"type", "percent_discount"},
                                  {"cost", 50},
                                  {"percent", 10},
                                  {"max_minor", 300}}});
  const json s = member_with(p, 1000);
  json c = cart({line("latte", 1999, 1, "coffee"), line("cake", 3000, 1, "food")});
  c["order_discount_minor"] = 1000;  // does not shrink the base
  json r = checkout(p, s, c, {{{"reward", "10pct"}}});
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 199);  // floor(199.9)
  r = checkout(p, s, c, {{{"reward", "10pct-cap"}}});
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 300);  // 499 capped
}

TEST(Rewards, FreeItemTakesTheMostExpensiveMatchingUnit) {
  const json p = reward_program({{{"id", "free-coffee"},
                                  {"type", "free_item"},
                                  {"cost", 120},
                                  {"match", {{"categories", {"coffee"}}}}},
                                 {{"id", "free-coffee-capped"},
                                  {"type", "free_item"},
                                  {"cost", 120},
                                  {"match", {{"categories", {"coffee"}}}},
                                  {"max_value_minor", 1400}}});
  const json s = member_with(p, 1000);
  const json c = cart({line("latte", 1200, 2, "coffee"), line("mocha", 1500, 1, "coffee"),
                       line("cake", 2000, 1, "food")});
  EXPECT_EQ(
      checkout(p, s, c, {{{"reward", "free-coffee"}}})["redeem"]["applied"][0]["discount_minor"],
      1500);
  EXPECT_EQ(
      checkout(p, s, c,
               {{{"reward", "free-coffee-capped"}}})["redeem"]["applied"][0]["discount_minor"],
      1400);
  // Not in the cart: not_applicable.
  const json r =
      checkout(p, s, cart({line("cake", 2000, 1, "food")}), {{{"reward", "free-coffee"}}});
  ASSERT_EQ(r["redeem"]["rejected"].size(), 1u);
  EXPECT_EQ(r["redeem"]["rejected"][0]["status"], "not_applicable");
  EXPECT_EQ(r["redeem"]["rejected"][0]["code"], "not_eligible");
  EXPECT_EQ(status_of(r, "free-coffee")["status"], "not_applicable");
}

TEST(Rewards, FreeShippingTakesTheShippingOnly) {
  const json p = reward_program({{{"id", "ship"}, {"type", "free_shipping"}, {"cost", 200}}});
  const json s = member_with(p, 1000);
  json c = cart({line("a", 4000, 1)});
  c["shipping_minor"] = 500;
  const json r = checkout(p, s, c, {{{"reward", "ship"}}});
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 500);
  EXPECT_EQ(r["totals"], json({{"merchandise_minor", 4000},
                               {"discount_minor", 500},
                               {"shipping_minor", 500},
                               {"total_minor", 4000}}));
  // No shipping: nothing to take off.
  EXPECT_EQ(status_of(checkout(p, s, cart({line("a", 4000, 1)}), json::array()), "ship")["status"],
            "not_applicable");
}

TEST(Rewards, PointsDiscountUsesWholeStepsOnly) {
  const json p = reward_program({{{"id", "pay"},
                                  {"type", "points_discount"},
                                  {"step_points", 100},
                                  {"step_minor", 100},
                                  {"max_order_percent", 50}}});
  const json s = member_with(p, 1000);
  // 450 points chosen: 4 whole steps -> S/ 4.00 off, 400 points spent.
  json r = checkout(p, s, cart({line("a", 2000, 1)}), {{{"reward", "pay"}, {"points", 450}}});
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 400);
  EXPECT_EQ(r["redeem"]["applied"][0]["cost"], 400);
  EXPECT_EQ(r["balance_after"], 600);
  // Capped at 50% of a S/ 6.50 merchandise = 325 -> 3 steps.
  r = checkout(p, s, cart({line("a", 650, 1)}), {{{"reward", "pay"}, {"points", 900}}});
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 300);
  EXPECT_EQ(r["redeem"]["applied"][0]["cost"], 300);
}

TEST(Rewards, DiscountsNeverTakeMerchandiseBelowZero) {
  const json p = reward_program(
      {{{"id", "a5"}, {"type", "fixed_discount"}, {"cost", 10}, {"amount_minor", 500}},
       {{"id", "b5"}, {"type", "fixed_discount"}, {"cost", 10}, {"amount_minor", 500}}},
      {{"limits", {{"max_rewards_per_order", 2}}}});
  const json s = member_with(p, 1000);
  json c = cart({line("a", 1000, 1)});
  c["order_discount_minor"] = 200;  // 800 left
  const json r = checkout(p, s, c, {{{"reward", "a5"}}, {{"reward", "b5"}}});
  ASSERT_EQ(r["redeem"]["applied"].size(), 2u) << r.dump();
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 500);
  EXPECT_EQ(r["redeem"]["applied"][1]["discount_minor"], 300);
  EXPECT_EQ(r["totals"]["total_minor"], 0);
}

TEST(Rewards, MaxRewardsPerOrder) {
  const json p = reward_program(
      {{{"id", "a5"}, {"type", "fixed_discount"}, {"cost", 10}, {"amount_minor", 500}},
       {{"id", "b5"}, {"type", "fixed_discount"}, {"cost", 10}, {"amount_minor", 500}}});
  const json r = checkout(p, member_with(p, 1000), cart({line("a", 5000, 1)}),
                          {{{"reward", "a5"}}, {{"reward", "b5"}}});
  ASSERT_EQ(r["redeem"]["applied"].size(), 1u);
  ASSERT_EQ(r["redeem"]["rejected"].size(), 1u);
  EXPECT_EQ(r["redeem"]["rejected"][0],
            json({{"reward", "b5"}, {"code", "limit_exceeded"}, {"status", "limit_reached"}}));
}

TEST(Rewards, EveryStatus) {
  const json p = reward_program(
      {{{"id", "ok"}, {"type", "fixed_discount"}, {"cost", 100}, {"amount_minor", 100}},
       {{"id", "dear"}, {"type", "fixed_discount"}, {"cost", 1500}, {"amount_minor", 100}},
       {{"id", "gold"},
        {"type", "fixed_discount"},
        {"cost", 10},
        {"amount_minor", 100},
        {"audience", {{"tiers", {"gold"}}}}},
       {{"id", "big"},
        {"type", "fixed_discount"},
        {"cost", 10},
        {"amount_minor", 100},
        {"min_order_minor", 5001}},
       {{"id", "xmas"},
        {"type", "fixed_discount"},
        {"cost", 10},
        {"amount_minor", 100},
        {"when", {{"from", "2026-12-24T00:00:00-05:00"}, {"until", "2026-12-26T00:00:00-05:00"}}}},
       {{"id", "once"},
        {"type", "fixed_discount"},
        {"cost", 10},
        {"amount_minor", 100},
        {"limit", {{"count", 1}, {"per", "lifetime"}}}},
       {{"id", "tea"}, {"type", "free_item"}, {"cost", 10}, {"match", {{"skus", {"tea"}}}}}});
  // The member used "once" already (a redeem event reserves it as a voucher).
  const json s = replay(
      p, {enroll("e1", "2026-11-01T10:00:00-05:00"),
          {{"id", "e2"}, {"at", "2026-11-01T11:00:00-05:00"}, {"type", "adjust"}, {"points", 1010}},
          {{"id", "e3"},
           {"at", "2026-11-02T11:00:00-05:00"},
           {"type", "redeem"},
           {"reward", "once"}}});
  ASSERT_EQ(s.at("balance"), 1000) << s.dump();
  const json r = checkout(p, s, cart({line("a", 5000, 1)}), json::array());
  EXPECT_EQ(status_of(r, "ok")["status"], "available");
  EXPECT_EQ(status_of(r, "dear")["status"], "insufficient_points");
  EXPECT_EQ(status_of(r, "dear")["points_needed"], 500);
  EXPECT_EQ(status_of(r, "gold")["status"], "tier_locked");
  EXPECT_EQ(status_of(r, "big")["status"], "min_order_not_met");
  EXPECT_EQ(status_of(r, "xmas")["status"], "not_in_window");
  EXPECT_EQ(status_of(r, "once")["status"], "limit_reached");
  EXPECT_EQ(status_of(r, "tea")["status"], "not_applicable");
  // One unit more and "big" is within reach.
  EXPECT_EQ(status_of(checkout(p, s, cart({line("a", 5001, 1)}), json::array()), "big")["status"],
            "available");
}

TEST(Rewards, RejectionCodes) {
  const json p = reward_program(
      {{{"id", "dear"}, {"type", "fixed_discount"}, {"cost", 1500}, {"amount_minor", 100}}});
  const json r = checkout(p, member_with(p, 1000), cart({line("a", 5000, 1)}),
                          {{{"reward", "dear"}}, {{"reward", "nope"}}});
  ASSERT_EQ(r["redeem"]["rejected"].size(), 2u);
  EXPECT_EQ(r["redeem"]["rejected"][0]["code"], "insufficient_points");
  EXPECT_EQ(r["redeem"]["rejected"][1]["code"], "unknown_reward");
  EXPECT_EQ(r["balance_after"], 1000);  // nothing spent, no earning rules
}

}  // namespace
}  // namespace loyalty::testing

namespace loyalty::testing {
namespace {

TEST(Rewards, PayWithPointsBelowItsMinimumIsInsufficientPointsInPreviewAndCatalog) {
  const json p = reward_program({{{"id", "pay"},
                                  {"type", "points_discount"},
                                  {"step_points", 100},
                                  {"step_minor", 100},
                                  {"min_points", 300},
                                  {"max_order_percent", 50}}});
  const json s = member_with(p, 250);
  const json r = checkout(p, s, cart({line("a", 5000, 1)}), {{{"reward", "pay"}, {"points", 250}}});
  EXPECT_EQ(status_of(r, "pay")["status"], "insufficient_points");
  EXPECT_EQ(status_of(r, "pay")["points_needed"], 50);
  ASSERT_EQ(r["redeem"]["rejected"].size(), 1u);
  EXPECT_EQ(r["redeem"]["rejected"][0]["code"], "insufficient_points");
  const json c =
      run("catalog", {{"program", p}, {"state", s}, {"now", "2026-11-18T10:00:00-05:00"}});
  EXPECT_EQ(c["rewards"][0]["status"], "insufficient_points");
  // Holding enough but choosing fewer points than the minimum takes nothing off: not_applicable.
  const json rich = member_with(p, 1000);
  const json r2 =
      checkout(p, rich, cart({line("a", 5000, 1)}), {{{"reward", "pay"}, {"points", 250}}});
  ASSERT_EQ(r2["redeem"]["rejected"].size(), 1u);
  EXPECT_EQ(r2["redeem"]["rejected"][0]["status"], "not_applicable");
}

}  // namespace
}  // namespace loyalty::testing
