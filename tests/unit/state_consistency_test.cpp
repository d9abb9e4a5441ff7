// A hand-made member state whose balance and lots disagree is refused where it is wrong, as an
// invalid_request naming the field, instead of failing later as if the member were short of
// points (docs/decisions.md, "A state must add up").
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

json reward_program() {
  return program(
      {{"rewards", {{{"id", "tote"}, {"name", "Tote"}, {"type", "physical"}, {"cost", 200}}}}});
}

json redeem_tote(json state) {
  return {{"program", reward_program()},
          {"state", std::move(state)},
          {"event",
           {{"id", "r1"},
            {"at", "2026-05-01T10:00:00-05:00"},
            {"type", "redeem"},
            {"member_id", "m-1"},
            {"reward", "tote"}}}};
}

TEST(StateConsistency, ABalanceWithoutLotsIsAnInvalidRequestAtTheLots) {
  const json e = error_of(run("apply", redeem_tote({{"member_id", "m-1"}, {"balance", 500}})));
  EXPECT_EQ(e["code"], "invalid_request");
  EXPECT_EQ(e["path"], "/state/lots");
  EXPECT_NE(e["message"].get<std::string>().find("500"), std::string::npos) << e.dump();
}

TEST(StateConsistency, LotsThatDoNotAddUpToTheBalanceAreRefusedInEveryOperation) {
  const json state = {{"member_id", "m-1"},
                      {"balance", 500},
                      {"lots", {{{"points", 300}, {"earned_at", "2026-01-01T00:00:00-05:00"}}}}};
  for (const char* op : {"apply", "preview", "catalog"}) {
    json request = {
        {"program", reward_program()}, {"state", state}, {"now", "2026-05-01T10:00:00-05:00"}};
    if (std::string(op) == "apply") request = redeem_tote(state);
    if (std::string(op) == "preview") request["cart"] = cart({line("a", 1000, 1)});
    const json e = error_of(run(op, request));
    EXPECT_EQ(e["code"], "invalid_request") << op;
    EXPECT_EQ(e["path"], "/state/lots") << op;
  }
}

TEST(StateConsistency, ANegativeBalanceHoldsNoLots) {
  const json state = {{"member_id", "m-1"},
                      {"balance", -50},
                      {"lots", {{{"points", 50}, {"earned_at", "2026-01-01T00:00:00-05:00"}}}}};
  EXPECT_EQ(error_of(run("apply", redeem_tote(state)))["path"], "/state/lots");
}

TEST(StateConsistency, NegativeLotsOrPendingPointsAreRefusedWhereTheyAre) {
  const json lot = {{"member_id", "m-1"},
                    {"balance", 0},
                    {"lots", {{{"points", -5}, {"earned_at", "2026-01-01T00:00:00-05:00"}}}}};
  EXPECT_EQ(error_of(run("apply", redeem_tote(lot)))["path"], "/state/lots/0/points");
  const json pending = {
      {"member_id", "m-1"},
      {"balance", 0},
      {"pending", {{{"points", -5}, {"available_at", "2026-06-01T00:00:00-05:00"}}}}};
  const json e = error_of(run("apply", redeem_tote(pending)));
  EXPECT_EQ(e["code"], "invalid_request");
  EXPECT_EQ(e["path"], "/state/pending/0/points");
}

TEST(StateConsistency, AConsistentHandMadeStateIsServed) {
  const json state = {{"member_id", "m-1"},
                      {"balance", 500},
                      {"lots", {{{"points", 500}, {"earned_at", "2026-01-01T00:00:00-05:00"}}}}};
  const json after = run("apply", redeem_tote(state));
  ASSERT_FALSE(after.contains("error")) << after.dump();
  EXPECT_EQ(after["balance"], 300);
}

}  // namespace
}  // namespace loyalty::testing
