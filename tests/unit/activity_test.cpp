// What counts as earning: a birthday grant is earning activity for inactivity expiry, and a
// signup bonus released by an order counts toward a points-based tier like any signup bonus.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

TEST(Activity, BirthdayPointsRestartTheInactivityClock) {
  const json p =
      program({{"earn",
                {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}},
                 {{"id", "bday"}, {"type", "birthday"}, {"points", 50}}}},
               {"expiry", {{"policy", "inactivity"}, {"days", 30}}}});
  // Last order 03-01; the birthday (03-15) is granted by a tick on 03-20: earning on 03-20.
  const json events = {
      enroll("e1", "2026-02-01T10:00:00-05:00", {{"birthday", "03-15"}}),
      order("e2", "2026-02-20T10:00:00-05:00", "o-1", {line("a", 1000, 1)}),
      {{"id", "e3"}, {"at", "2026-03-20T10:00:00-05:00"}, {"type", "tick"}, {"member_id", "m-1"}}};
  // Without the birthday the balance would expire on 03-22 (02-20 + 30 days).
  const json s = replay(p, events, "2026-04-01T10:00:00-05:00");
  EXPECT_EQ(s["balance"], 60);
  EXPECT_EQ(replay(p, events, "2026-04-19T10:00:00-05:00")["balance"], 0);  // 03-20 + 30 days
}

TEST(Activity, SignupReleasedByAnOrderCountsTowardAPointsTier) {
  const json p = program(
      {{"earn", {{{"id", "welcome"}, {"type", "signup"}, {"points", 100}, {"mode", "next_order"}}}},
       {"tiers",
        {{"basis", "points"},
         {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "silver"}, {"min", 100}}}}}}});
  const json s = replay(p, {enroll("e1", "2026-02-01T10:00:00-05:00"),
                            order("e2", "2026-02-02T10:00:00-05:00", "o-1", {line("a", 50, 1)})});
  EXPECT_EQ(s["balance"], 100);
  EXPECT_EQ(s["tier"]["qualifying"], 100);
  EXPECT_EQ(s["tier"]["id"], "silver");
  // The immediate mode gives the same tier.
  json immediate = p;
  immediate["earn"][0]["mode"] = "immediate";
  EXPECT_EQ(
      replay(immediate, json::array({enroll("e1", "2026-02-01T10:00:00-05:00")}))["tier"]["id"],
      "silver");
}

}  // namespace
}  // namespace loyalty::testing
