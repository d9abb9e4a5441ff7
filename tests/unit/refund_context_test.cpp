// Refunds recompute the order in its original context: the tier it earned at (also when the
// order itself crossed into the tier and the program lets the crossing order earn at it).
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

TEST(RefundContext, CrossingOrderIsRecomputedAtTheTierItEarnedAt) {
  const json p = program(
      {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}},
       {"tiers",
        {{"basis", "spend"},
         {"upgrade_applies_to_crossing_order", true},
         {"levels",
          {{{"id", "member"}, {"min", 0}},
           {{"id", "silver"}, {"min", 2000}, {"earn_multiplier", 2}}}}}}});
  // 2 × S/ 10.00 crosses into silver and earns at ×2: 40 points.
  const json events = {enroll("e1", "2026-02-01T10:00:00-05:00"),
                       order("e2", "2026-02-02T10:00:00-05:00", "o-1", {line("a", 1000, 2)})};
  const json s = replay(p, events);
  ASSERT_EQ(s["balance"], 40);
  // Refunding one unit: the order recomputed at silver earns 20, so 20 go back (not 30).
  json with = events;
  with.push_back({{"id", "e3"},
                  {"at", "2026-02-03T10:00:00-05:00"},
                  {"type", "refund"},
                  {"member_id", "m-1"},
                  {"order_id", "o-1"},
                  {"lines", {{{"sku", "a"}, {"quantity", 1}}}}});
  EXPECT_EQ(replay(p, with)["balance"], 20);
}

}  // namespace
}  // namespace loyalty::testing
