// Metrics: CRR from S, N and E; ratios as decimal strings with 4 places.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

const json kProgram = program(
    {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}}});

json member(const std::string& id, const std::string& enrolled, std::vector<std::string> orders,
            long long price = 1000) {
  json events = {{{"id", id + "-e"}, {"at", enrolled}, {"type", "enroll"}, {"member_id", id}}};
  int n = 0;
  for (const auto& at : orders) {
    ++n;
    json o = order(id + "-o" + std::to_string(n), at, id + "-order-" + std::to_string(n),
                   {line("a", price, 1)});
    o["member_id"] = id;
    events.push_back(o);
  }
  return {{"member_id", id}, {"events", events}};
}

TEST(Metrics, CustomerRetentionRateSeventyPercent) {
  // S = 200 members at the start, N = 40 new, E = 180 still active at the end (60 churned).
  json members = json::array();
  for (int i = 0; i < 140; ++i)
    members.push_back(member("a" + std::to_string(i), "2025-06-01T10:00:00-05:00",
                             {"2026-06-01T10:00:00-05:00"}));
  for (int i = 0; i < 60; ++i)
    members.push_back(member("c" + std::to_string(i), "2025-06-01T10:00:00-05:00",
                             {"2025-07-01T10:00:00-05:00"}));
  for (int i = 0; i < 40; ++i)
    members.push_back(member("n" + std::to_string(i), "2026-02-01T10:00:00-05:00",
                             {"2026-06-15T10:00:00-05:00"}));
  const json r = run("metrics", {{"program", kProgram},
                                 {"members", members},
                                 {"from", "2026-01-01T00:00:00-05:00"},
                                 {"until", "2026-07-01T00:00:00-05:00"},
                                 {"total_customers", 1000},
                                 {"churn_days", 90}});
  ASSERT_FALSE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["members"]["at_start"], 200);
  EXPECT_EQ(r["members"]["enrolled_in_period"], 40);
  EXPECT_EQ(r["members"]["at_end"], 180);
  EXPECT_EQ(r["members"]["churned"], 60);
  EXPECT_EQ(r["customer_retention_rate"], "70.0000");
  EXPECT_EQ(r["adoption_rate"], "0.2400");  // 240 / 1000
  EXPECT_EQ(r["orders"], 180);
  EXPECT_EQ(r["revenue_minor"], 180000);
  EXPECT_EQ(r["average_order_value_minor"], "1000.0000");
  EXPECT_EQ(r["purchase_frequency"], "1.0000");
  EXPECT_EQ(r["points"]["issued"], 1800);
  EXPECT_EQ(r["redemption_rate"], "0.0000");
}

TEST(Metrics, RatiosHaveFourPlaces) {
  // Orders 1000 + 1000 + 1001 by two buyers, one member without orders.
  const json members = {
      member("x", "2026-01-02T10:00:00-05:00",
             {"2026-02-01T10:00:00-05:00", "2026-03-01T10:00:00-05:00"}),
      member("y", "2026-01-02T10:00:00-05:00", {"2026-02-01T10:00:00-05:00"}, 1001),
      member("z", "2026-01-02T10:00:00-05:00", {})};
  const json r = run("metrics", {{"program", kProgram},
                                 {"members", members},
                                 {"from", "2026-01-01T00:00:00-05:00"},
                                 {"until", "2026-07-01T00:00:00-05:00"},
                                 {"total_customers", 7}});
  ASSERT_FALSE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["average_order_value_minor"], "1000.3333");  // 3001 / 3
  EXPECT_EQ(r["purchase_frequency"], "1.5000");            // 3 / 2
  EXPECT_EQ(r["customer_value_minor"], "1500.5000");       // 3001 / 2
  EXPECT_EQ(r["adoption_rate"], "0.4286");                 // 3 / 7, rounded
  EXPECT_EQ(r["customer_retention_rate"], nullptr);        // S = 0
}

}  // namespace
}  // namespace loyalty::testing
