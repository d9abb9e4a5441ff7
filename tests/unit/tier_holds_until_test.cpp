// `tier.holds_until`: the instant the member's tier stops being guaranteed if nothing more
// qualifies (docs/decisions.md, "How long a tier holds"). With `retain: next_period` a tier
// reached in 2026 holds to the end of 2027, not to the end of the current period.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

json tiers_program(json period, const std::string& retain) {
  return program(
      {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}},
       {"tiers",
        {{"basis", "spend"},
         {"period", std::move(period)},
         {"retain", retain},
         {"levels",
          {{{"id", "member"}, {"min", 0}},
           {{"id", "silver"}, {"min", 50000}},
           {{"id", "gold"}, {"min", 150000}}}}}}});
}

json member_tier(const json& prog, json events, const std::string& now) {
  events.insert(events.begin(), enroll("e1", "2026-02-01T10:00:00-05:00"));
  return replay(prog, events, now)["tier"];
}

const json kGoldIn2026 =
    json::array({order("e2", "2026-06-02T10:00:00-05:00", "o-1", {line("a", 150000, 1)})});

TEST(TierHoldsUntil, ReachedThisYearWithRetainNextPeriodHoldsThroughNextYear) {
  const json tier = member_tier(tiers_program("calendar_year", "next_period"), kGoldIn2026,
                                "2026-07-01T00:00:00-05:00");
  EXPECT_EQ(tier["id"], "gold");
  EXPECT_EQ(tier["period_end"], "2027-01-01T00:00:00-05:00");
  EXPECT_EQ(tier["holds_until"], "2028-01-01T00:00:00-05:00");
}

TEST(TierHoldsUntil, HeldFromLastYearOnlyHoldsToThisPeriodsEnd) {
  const json tier = member_tier(tiers_program("calendar_year", "next_period"), kGoldIn2026,
                                "2027-03-01T00:00:00-05:00");
  EXPECT_EQ(tier["id"], "gold");
  EXPECT_EQ(tier["holds_until"], "2028-01-01T00:00:00-05:00");
  // Confirmed again in 2027 (silver's worth only): gold still ends with 2027, silver would not.
  json events = kGoldIn2026;
  events.push_back(order("e3", "2027-02-02T10:00:00-05:00", "o-2", {line("a", 60000, 1)}));
  const json again = member_tier(tiers_program("calendar_year", "next_period"), events,
                                 "2027-03-01T00:00:00-05:00");
  EXPECT_EQ(again["id"], "gold");
  EXPECT_EQ(again["holds_until"], "2028-01-01T00:00:00-05:00");
}

TEST(TierHoldsUntil, ReachedAgainNextYearMovesToTheYearAfter) {
  json events = kGoldIn2026;
  events.push_back(order("e3", "2027-02-02T10:00:00-05:00", "o-2", {line("a", 150000, 1)}));
  const json tier = member_tier(tiers_program("calendar_year", "next_period"), events,
                                "2027-03-01T00:00:00-05:00");
  EXPECT_EQ(tier["holds_until"], "2029-01-01T00:00:00-05:00");
}

TEST(TierHoldsUntil, RetainNoneHoldsToThePeriodsEnd) {
  const json tier =
      member_tier(tiers_program("calendar_year", "none"), kGoldIn2026, "2026-07-01T00:00:00-05:00");
  EXPECT_EQ(tier["holds_until"], "2027-01-01T00:00:00-05:00");
}

TEST(TierHoldsUntil, LifetimeAndTheLowestLevelAreNeverLost) {
  EXPECT_TRUE(member_tier(tiers_program("lifetime", "none"), kGoldIn2026,
                          "2026-07-01T00:00:00-05:00")["holds_until"]
                  .is_null());
  EXPECT_TRUE(member_tier(tiers_program("calendar_year", "next_period"), json::array(),
                          "2026-07-01T00:00:00-05:00")["holds_until"]
                  .is_null());
}

TEST(TierHoldsUntil, RollingHoldsUntilEnoughSpendLeavesTheWindow) {
  // 100 days: silver (500.00) from two orders; it holds until the first one leaves the window.
  const json events = {order("e2", "2026-03-01T10:00:00-05:00", "o-1", {line("a", 30000, 1)}),
                       order("e3", "2026-04-01T10:00:00-05:00", "o-2", {line("a", 30000, 1)})};
  const json tier = member_tier(tiers_program({{"rolling_days", 100}}, "none"), events,
                                "2026-04-02T00:00:00-05:00");
  EXPECT_EQ(tier["id"], "silver");
  EXPECT_EQ(tier["holds_until"], "2026-06-09T10:00:00-05:00");  // 2026-03-01 + 100 days
}

}  // namespace
}  // namespace loyalty::testing
