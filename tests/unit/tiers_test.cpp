// Tiers: the threshold itself qualifies, the crossing order earns at the old tier unless the
// program says otherwise, and a calendar-year tier holds through the next year only.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

const json kBase = {{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}};

json tiered(const std::string& retain = "next_period", bool upgrade_now = false) {
  json tiers = {{"basis", "spend"},
                {"period", "calendar_year"},
                {"retain", retain},
                {"levels",
                 {{{"id", "member"}, {"min", 0}},
                  {{"id", "silver"}, {"min", 50000}, {"earn_multiplier", 2}},
                  {{"id", "gold"}, {"min", 150000}, {"earn_multiplier", 3}}}}};
  if (upgrade_now) tiers["upgrade_applies_to_crossing_order"] = true;
  return program({{"earn", {kBase}}, {"tiers", tiers}});
}

std::string tier_after(const json& prog, long long spend) {
  const json s =
      replay(prog, {enroll("e1", "2026-02-01T10:00:00-05:00"),
                    order("e2", "2026-02-02T10:00:00-05:00", "o-1", {line("a", spend, 1)})});
  return s.at("tier").at("id").get<std::string>();
}

TEST(Tiers, OneUnderTheThresholdVersusAtIt) {
  EXPECT_EQ(tier_after(tiered(), 49999), "member");
  EXPECT_EQ(tier_after(tiered(), 50000), "silver");
  EXPECT_EQ(tier_after(tiered(), 149999), "silver");
  EXPECT_EQ(tier_after(tiered(), 150000), "gold");
}

TEST(Tiers, NextTierShowsWhatRemains) {
  const json s =
      replay(tiered(), {enroll("e1", "2026-02-01T10:00:00-05:00"),
                        order("e2", "2026-02-02T10:00:00-05:00", "o-1", {line("a", 49999, 1)})});
  EXPECT_EQ(s["tier"]["qualifying"], 49999);
  EXPECT_EQ(s["tier"]["next"]["id"], "silver");
  EXPECT_EQ(s["tier"]["next"]["remaining"], 1);
  EXPECT_EQ(s["tier"]["period_start"], "2026-01-01T00:00:00-05:00");
  EXPECT_EQ(s["tier"]["period_end"], "2027-01-01T00:00:00-05:00");
}

long long crossing_points(bool upgrade_now) {
  // 490.00 spent, then an order of 20.00 crosses into silver (×2).
  const json s = replay(tiered("next_period", upgrade_now),
                        {enroll("e1", "2026-02-01T10:00:00-05:00"),
                         order("e2", "2026-02-02T10:00:00-05:00", "o-1", {line("a", 49000, 1)}),
                         order("e3", "2026-02-03T10:00:00-05:00", "o-2", {line("a", 2000, 1)})});
  EXPECT_EQ(s["tier"]["id"], "silver");
  return s["balance"].get<long long>() - 490;
}

TEST(Tiers, CrossingOrderEarnsAtTheOldTierByDefault) {
  EXPECT_EQ(crossing_points(false), 20);
  EXPECT_EQ(crossing_points(true), 40);
}

TEST(Tiers, LaterOrdersEarnAtTheNewTier) {
  const json s =
      replay(tiered(), {enroll("e1", "2026-02-01T10:00:00-05:00"),
                        order("e2", "2026-02-02T10:00:00-05:00", "o-1", {line("a", 50000, 1)}),
                        order("e3", "2026-02-03T10:00:00-05:00", "o-2", {line("a", 1000, 1)})});
  EXPECT_EQ(s["balance"], 500 + 20);
}

std::string tier_on(const json& prog, const std::string& now) {
  const json s = replay(prog,
                        {enroll("e1", "2026-02-01T10:00:00-05:00"),
                         order("e2", "2026-06-02T10:00:00-05:00", "o-1", {line("a", 60000, 1)})},
                        now);
  return s.at("tier").at("id").get<std::string>();
}

TEST(Tiers, CalendarYearTierKeptThroughTheNextYearAndLostTheYearAfter) {
  EXPECT_EQ(tier_on(tiered(), "2026-12-31T23:59:59-05:00"), "silver");
  EXPECT_EQ(tier_on(tiered(), "2027-01-01T00:00:00-05:00"), "silver");
  EXPECT_EQ(tier_on(tiered(), "2027-12-31T23:59:59-05:00"), "silver");
  EXPECT_EQ(tier_on(tiered(), "2028-01-01T00:00:00-05:00"), "member");
  // The year boundary is store-local: 2028-01-01 04:59Z is still 2027 in Lima.
  EXPECT_EQ(tier_on(tiered(), "2028-01-01T04:59:59Z"), "silver");
}

TEST(Tiers, RetainNoneFollowsTheCurrentYear) {
  EXPECT_EQ(tier_on(tiered("none"), "2026-12-31T23:59:59-05:00"), "silver");
  EXPECT_EQ(tier_on(tiered("none"), "2027-01-01T00:00:00-05:00"), "member");
}

TEST(Tiers, RefundLowersTheQualifyingValue) {
  const json s = replay(tiered(), {enroll("e1", "2026-02-01T10:00:00-05:00"),
                                   order("e2", "2026-02-02T10:00:00-05:00", "o-1",
                                         {line("a", 30000, 1), line("b", 20000, 1)}),
                                   {{"id", "e3"},
                                    {"at", "2026-02-03T10:00:00-05:00"},
                                    {"type", "refund"},
                                    {"order_id", "o-1"},
                                    {"lines", {{{"sku", "b"}, {"quantity", 1}}}}}});
  EXPECT_EQ(s["tier"]["qualifying"], 30000);
  EXPECT_EQ(s["tier"]["id"], "member");
}

}  // namespace
}  // namespace loyalty::testing
