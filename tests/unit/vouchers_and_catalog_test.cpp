// Vouchers (issued, expiring after voucher_days, used once), non-cart rewards redeemed as events
// (choice needs an option, store credit), per-order punch cards, rolling tier windows and the
// catalog's statuses.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

json ev(const std::string& id, const std::string& at, const std::string& type,
        json extra = json::object()) {
  json e = {{"id", id}, {"at", at}, {"type", type}, {"member_id", "m-1"}};
  for (auto& [k, v] : extra.items()) e[k] = v;
  return e;
}

json card_program(json reward_extra = json::object()) {
  json reward = {{"id", "free-coffee"},
                 {"type", "free_item"},
                 {"cost", 0},
                 {"match", {{"categories", {"coffee"}}}}};
  for (auto& [k, v] : reward_extra.items()) reward[k] = v;
  return program(
      {{"rewards", {reward}},
       {"punch_cards",
        {{{"id", "visits"}, {"punch", "per_order"}, {"required", 2}, {"reward", "free-coffee"}}}}});
}

TEST(Vouchers, PerOrderCardPunchesOncePerOrder) {
  const json s = replay(card_program(),
                        {enroll("e0", "2026-03-01T09:00:00-05:00"),
                         order("e1", "2026-03-02T09:00:00-05:00", "o-1",
                               {line("latte", 1200, 3, "coffee"), line("cake", 900, 2)}),
                         order("e2", "2026-03-03T09:00:00-05:00", "o-2", {line("cake", 900, 1)})});
  EXPECT_EQ(s["punch_cards"]["visits"], 0);
  ASSERT_EQ(s["vouchers"].size(), 1u);
  EXPECT_EQ(s["vouchers"][0]["id"], "v-e2-1");
}

TEST(Vouchers, ExpireAfterVoucherDaysAndAreUsedOnce) {
  const json p = card_program({{"voucher_days", 7}});
  const json events = {enroll("e0", "2026-03-01T09:00:00-05:00"),
                       order("e1", "2026-03-02T09:00:00-05:00", "o-1", {line("cake", 900, 1)}),
                       order("e2", "2026-03-03T09:00:00-05:00", "o-2", {line("cake", 900, 1)})};
  const json s = replay(p, events);
  ASSERT_EQ(s["vouchers"].size(), 1u);
  EXPECT_EQ(s["vouchers"][0]["expires_at"], "2026-03-10T09:00:00-05:00");
  // Used the day before it expires: the free coffee, and the voucher is gone.
  json use = events;
  use.push_back(order("e3", "2026-03-09T09:00:00-05:00", "o-3", {line("latte", 1200, 1, "coffee")},
                      {{"vouchers", {"v-e2-1"}}}));
  const json used = replay(p, use);
  EXPECT_TRUE(used["vouchers"].empty()) << used.dump();
  EXPECT_TRUE(history_of(used, "rejected").empty());
  // Used again: the member no longer holds it.
  use.push_back(order("e4", "2026-03-09T10:00:00-05:00", "o-4", {line("latte", 1200, 1, "coffee")},
                      {{"vouchers", {"v-e2-1"}}}));
  const json twice = history_of(replay(p, use), "rejected");
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice[0]["error"]["code"], "unknown_reward");
  EXPECT_EQ(twice[0]["error"]["path"], "/vouchers/0");
  // At its expiry instant it is gone.
  EXPECT_TRUE(replay(p, events, "2026-03-10T09:00:00-05:00")["vouchers"].empty());
}

TEST(Vouchers, ChoiceNeedsAnOptionAndStoreCreditIsCredited) {
  const json p = program(
      {{"rewards",
        {{{"id", "treat"},
          {"type", "choice"},
          {"cost", 100},
          {"options", {{{"id", "cinema"}}, {{"id", "spa"}}}}},
         {{"id", "credit"}, {"type", "store_credit"}, {"cost", 200}, {"amount_minor", 1500}}}}});
  const json s = replay(
      p,
      {enroll("e0", "2026-03-01T09:00:00-05:00"),
       ev("e1", "2026-03-01T10:00:00-05:00", "adjust", {{"points", 500}}),
       ev("e2", "2026-03-02T10:00:00-05:00", "redeem", {{"reward", "treat"}}),
       ev("e3", "2026-03-02T11:00:00-05:00", "redeem", {{"reward", "treat"}, {"option", "cinema"}}),
       ev("e4", "2026-03-02T12:00:00-05:00", "redeem", {{"reward", "credit"}})});
  EXPECT_EQ(s["balance"], 500 - 100 - 200);
  EXPECT_EQ(s["store_credit_minor"], 1500);
  const json r = history_of(s, "rejected");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["event_id"], "e2");
  EXPECT_EQ(r[0]["error"]["path"], "/option");
}

TEST(Tiers, RollingWindowDropsOldSpend) {
  const json p = program(
      {{"tiers",
        {{"basis", "spend"},
         {"period", {{"rolling_days", 30}}},
         {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "silver"}, {"min", 1000}}}}}}});
  const json events = {enroll("e0", "2026-03-01T09:00:00-05:00"),
                       order("e1", "2026-03-02T09:00:00-05:00", "o-1", {line("a", 1000, 1)})};
  EXPECT_EQ(replay(p, events, "2026-03-31T09:00:00-05:00")["tier"]["id"], "silver");
  EXPECT_EQ(replay(p, events, "2026-04-01T09:00:00-05:00")["tier"]["id"], "member");
}

TEST(Catalog, ShowsStatusesBalanceAndTiers) {
  const json p = program(
      {{"earn",
        {{{"id", "review"},
          {"type", "action"},
          {"action", "review"},
          {"points", 20},
          {"limit", {{"count", 1}, {"per", "day"}}}}}},
       {"tiers", {{"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "gold"}, {"min", 500}}}}}},
       {"rewards",
        {{{"id", "mug"}, {"type", "physical"}, {"cost", 15}},
         {{"id", "hat"}, {"type", "physical"}, {"cost", 50}},
         {{"id", "vip"},
          {"type", "physical"},
          {"cost", 5},
          {"audience", {{"tiers", {"gold"}}}}}}}});
  const json s =
      replay(p, {enroll("e0", "2026-03-01T09:00:00-05:00"),
                 ev("e1", "2026-03-02T09:00:00-05:00", "action", {{"action", "review"}})});
  const json c =
      run("catalog", {{"program", p}, {"state", s}, {"now", "2026-03-02T12:00:00-05:00"}});
  ASSERT_FALSE(c.contains("error")) << c.dump();
  EXPECT_EQ(c["balance"], 20);
  EXPECT_EQ(c["earn"][0]["status"], "limit_reached");
  EXPECT_EQ(c["rewards"][0]["status"], "available");
  EXPECT_EQ(c["rewards"][1]["status"], "insufficient_points");
  EXPECT_EQ(c["rewards"][1]["points_needed"], 30);
  EXPECT_EQ(c["rewards"][2]["status"], "tier_locked");
  EXPECT_EQ(c["tier"]["id"], "member");
  // The next day the review can be written again.
  const json next =
      run("catalog", {{"program", p}, {"state", s}, {"now", "2026-03-03T00:00:00-05:00"}});
  EXPECT_EQ(next["earn"][0]["status"], "active");
}

}  // namespace
}  // namespace loyalty::testing
