// A full refund leaves the shopper no better off than before the order: what the order earned,
// released or issued walks back, and what it spent comes back. The refund's history entry says
// so line by line (docs/engine-json.md, "Refund lines"), the lines adding up to its points.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

// Mateo's program: a point a sol, a welcome bonus held for the first order, S/ 10 off for 1 000.
json mateo_program() {
  return program(
      {{"earn",
        {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}},
         {{"id", "welcome"}, {"type", "signup"}, {"points", 100}, {"mode", "next_order"}}}},
       {"rewards",
        {{{"id", "ten-off"},
          {"name", "S/ 10 off"},
          {"type", "fixed_discount"},
          {"cost", 1000},
          {"amount_minor", 1000}}}}});
}

json refund(const std::string& id, const std::string& at, const std::string& order_id) {
  return {{"id", id}, {"at", at}, {"type", "refund"}, {"member_id", "m-1"}, {"order_id", order_id}};
}

json mateo_events() {
  return {enroll("e1", "2026-03-01T10:00:00-05:00"),
          {{"id", "e2"},
           {"at", "2026-03-02T10:00:00-05:00"},
           {"type", "adjust"},
           {"member_id", "m-1"},
           {"points", 1614},
           {"reason", "migrated"}},
          order("e3", "2026-03-03T10:00:00-05:00", "fashion-1042", {line("coat", 10900, 1)},
                {{"redeem", {{{"reward", "ten-off"}}}}})};
}

TEST(RefundWalkback, FullRefundLeavesMateoWhereHeWasWithTheWelcomeBonusHeldAgain) {
  const json p = mateo_program();
  json events = mateo_events();
  // 1 614 − 1 000 + 99 (S/ 99 paid) + 100 (the welcome bonus the order released) = 813.
  const json paid = replay(p, events);
  ASSERT_EQ(paid["balance"], 813);
  ASSERT_TRUE(paid["internal"]["held"].empty());
  events.push_back(refund("e4", "2026-03-04T10:00:00-05:00", "fashion-1042"));
  const json refunded = replay(p, events);
  EXPECT_EQ(refunded["balance"], 1614);  // not 1 714: the bonus went back on hold
  EXPECT_EQ(refunded["internal"]["held"], json::parse(R"([{"points":100,"rule":"welcome"}])"));
  EXPECT_EQ(refunded["lifetime"]["earned"], 0);
  EXPECT_EQ(refunded["lifetime"]["redeemed"], 0);
  EXPECT_EQ(refunded["lifetime"]["orders"], 0);
  // The next order releases it again.
  events.push_back(
      order("e5", "2026-03-05T10:00:00-05:00", "fashion-1043", {line("hat", 1000, 1)}));
  EXPECT_EQ(replay(p, events)["balance"], 1614 + 10 + 100);
}

TEST(RefundWalkback, TheRefundEntrySaysWhatWalkedBackLineByLine) {
  json events = mateo_events();
  events.push_back(refund("e4", "2026-03-04T10:00:00-05:00", "fashion-1042"));
  const json entry = history_of(replay(mateo_program(), events), "refund").at(0);
  EXPECT_EQ(entry["order_id"], "fashion-1042");
  EXPECT_EQ(entry["points"], 801);
  EXPECT_EQ(entry["lines"], json::parse(R"([
    {"rule":"base","points":-99,"explain":{"key":"refund.earn",
      "args":{"order_id":"fashion-1042","points":99,"rule":"base"}}},
    {"rule":"ten-off","points":1000,"explain":{"key":"refund.reward_returned",
      "args":{"order_id":"fashion-1042","points":1000,"reward":"ten-off"}}},
    {"rule":"welcome","points":-100,"explain":{"key":"refund.bonus_held",
      "args":{"order_id":"fashion-1042","points":100}}}])"));
}

TEST(RefundWalkback, PartialRefundWalksBackEachEarningRule) {
  const json p =
      program({{"earn",
                {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}},
                 {{"id", "per-coffee"},
                  {"type", "per_item"},
                  {"points", 5},
                  {"match", {{"skus", {"latte"}}}}},
                 {{"id", "visit"}, {"type", "per_order"}, {"points", 10}}}}});
  const json events = {enroll("e1", "2026-03-01T10:00:00-05:00"),
                       order("e2", "2026-03-02T10:00:00-05:00", "o-7",
                             {line("latte", 1000, 2), line("cake", 500, 1)}),
                       {{"id", "e3"},
                        {"at", "2026-03-03T10:00:00-05:00"},
                        {"type", "refund"},
                        {"member_id", "m-1"},
                        {"order_id", "o-7"},
                        {"lines", {{{"sku", "latte"}, {"quantity", 1}}}}}};
  const json entry = history_of(replay(p, events), "refund").at(0);
  // One latte back: 10 base points and 5 latte points; the visit still stands.
  EXPECT_EQ(entry["points"], -15);
  ASSERT_EQ(entry["lines"].size(), 2u);
  EXPECT_EQ(entry["lines"][0]["rule"], "base");
  EXPECT_EQ(entry["lines"][0]["points"], -10);
  EXPECT_EQ(entry["lines"][1]["rule"], "per-coffee");
  EXPECT_EQ(entry["lines"][1]["points"], -5);
  EXPECT_EQ(entry["lines"][1]["explain"]["args"]["order_id"], "o-7");
}

TEST(RefundWalkback, AVoucherTheOrdersPunchesCompletedIsTakenBackWhileUnused) {
  const json p = program({{"rewards",
                           {{{"id", "free-coffee"},
                             {"name", "Free coffee"},
                             {"type", "free_item"},
                             {"cost", 0},
                             {"match", {{"skus", {"latte"}}}}}}},
                          {"punch_cards",
                           {{{"id", "coffee"},
                             {"match", {{"skus", {"latte"}}}},
                             {"required", 3},
                             {"reward", "free-coffee"},
                             {"punch", "per_item"}}}}});
  json events = {enroll("e1", "2026-03-01T10:00:00-05:00"),
                 order("e2", "2026-03-02T10:00:00-05:00", "o-1", {line("latte", 1000, 2)}),
                 order("e3", "2026-03-03T10:00:00-05:00", "o-2", {line("latte", 1000, 2)})};
  const json paid = replay(p, events);
  ASSERT_EQ(paid["vouchers"].size(), 1u);  // 4 punches: one card done, 1 on the next
  ASSERT_EQ(paid["punch_cards"]["coffee"], 1);
  events.push_back(refund("e4", "2026-03-04T10:00:00-05:00", "o-2"));
  const json refunded = replay(p, events);
  EXPECT_TRUE(refunded["vouchers"].empty());
  EXPECT_EQ(refunded["punch_cards"]["coffee"], 2);  // as after o-1
  const json entry = history_of(refunded, "refund").at(0);
  EXPECT_EQ(entry["points"], 0);
  ASSERT_EQ(entry["lines"].size(), 2u);
  EXPECT_EQ(entry["lines"][0]["explain"]["key"], "refund.punches");
  EXPECT_EQ(entry["lines"][0]["explain"]["args"]["punches"], 2);
  EXPECT_EQ(entry["lines"][1]["explain"]["key"], "refund.voucher_taken_back");
  EXPECT_EQ(entry["lines"][1]["explain"]["args"]["voucher"], "v-e3-1");
}

TEST(RefundWalkback, AVoucherUsedComesBackAndTheOneTheOrderIssuedGoes) {
  const json p = program(
      {{"rewards",
        {{{"id", "free-coffee"},
          {"name", "Free coffee"},
          {"type", "free_item"},
          {"cost", 0},
          {"match", {{"categories", {"coffee"}}}}}}},
       {"punch_cards",
        {{{"id", "c"}, {"punch", "per_order"}, {"required", 1}, {"reward", "free-coffee"}}}}});
  const json s = replay(p, {enroll("e1", "2026-01-05T10:00:00-05:00"),
                            order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("cake", 500, 1)}),
                            order("e3", "2026-01-07T10:00:00-05:00", "o-2",
                                  {line("latte", 1200, 1, "coffee")}, {{"vouchers", {"v-e2-1"}}}),
                            refund("e4", "2026-01-08T10:00:00-05:00", "o-2")});
  const json entry = history_of(s, "refund").at(0);
  EXPECT_EQ(entry["points"], 0);
  EXPECT_EQ(entry["lines"], json::parse(R"([
    {"rule":"free-coffee","points":0,"explain":{"key":"refund.voucher_returned",
      "args":{"order_id":"o-2","reward":"free-coffee","voucher":"v-e2-1"}}},
    {"rule":"c","points":0,"explain":{"key":"refund.punches",
      "args":{"card":"c","order_id":"o-2","punches":1}}},
    {"rule":"c","points":0,"explain":{"key":"refund.voucher_taken_back",
      "args":{"order_id":"o-2","reward":"free-coffee","voucher":"v-e3-1"}}}])"));
}

}  // namespace
}  // namespace loyalty::testing
