// The birthday in the preview promise: the gift an order's activity brings in the birthday month
// is in the preview (a points line, or the voucher among those issued), as apply posts it; and
// a member who enrols during their birthday month gets this year's gift at enrolment.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

json birthday_program(json birthday_rule) {
  return program({{"earn",
                   {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}},
                    std::move(birthday_rule)}},
                  {"rewards",
                   {{{"id", "free-cake"},
                     {"name", "Free cake"},
                     {"type", "free_item"},
                     {"cost", 0},
                     {"match", {{"skus", {"cake"}}}}}}}});
}

const json kPoints = {{"id", "bday"}, {"type", "birthday"}, {"points", 200}};
const json kVoucher = {{"id", "bday"}, {"type", "birthday"}, {"reward", "free-cake"}};

// A member enrolled in January with a birthday in March, previewing a S/ 10 order in March.
json march_preview(const json& prog) {
  const json state = replay(
      prog, json::array({enroll("e1", "2026-01-10T10:00:00-05:00", {{"birthday", "03-15"}})}));
  return run("preview", {{"program", prog},
                         {"state", state},
                         {"cart", cart({line("latte", 1000, 1)}, "2026-03-02T10:00:00-05:00")}});
}

TEST(BirthdayPreview, BirthdayPointsHaveTheirLineInThePoints) {
  const json pv = march_preview(birthday_program(kPoints));
  EXPECT_EQ(pv["balance_after"], 210);
  EXPECT_EQ(pv["points"]["total"], 210);
  ASSERT_EQ(pv["points"]["lines"].size(), 2u) << pv.dump();
  EXPECT_EQ(pv["points"]["lines"][0], json::parse(R"({"rule":"bday","points":200,
                            "explain":{"key":"earn.birthday","args":{"points":200}}})"));
}

TEST(BirthdayPreview, TheBirthdayVoucherIsAmongTheVouchersIssued) {
  const json pv = march_preview(birthday_program(kVoucher));
  EXPECT_EQ(pv["vouchers_issued"], json::parse(R"([{"reward":"free-cake","source":"rule:bday"}])"));
  EXPECT_EQ(pv["points"]["lines"][0]["explain"]["key"], "earn.birthday_reward");
  EXPECT_EQ(pv["points"]["total"], 10);
}

TEST(BirthdayPreview, EnrollingInTheBirthdayMonthBringsThisYearsGift) {
  const json prog = birthday_program(kPoints);
  const json s = replay(
      prog, json::array({enroll("e1", "2026-03-20T10:00:00-05:00", {{"birthday", "03-15"}})}));
  EXPECT_EQ(s["balance"], 200);
  const json granted = history_of(s, "birthday");
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0]["event_id"], "e1");
  // Once a year: an order later that month brings nothing more.
  const json again =
      replay(prog, {enroll("e1", "2026-03-20T10:00:00-05:00", {{"birthday", "03-15"}}),
                    order("e2", "2026-03-25T10:00:00-05:00", "o-1", {line("a", 1000, 1)})});
  EXPECT_EQ(again["balance"], 210);
  // A voucher gift too, with an id of the enrolment.
  const json v =
      replay(birthday_program(kVoucher),
             json::array({enroll("e1", "2026-03-20T10:00:00-05:00", {{"birthday", "03-15"}})}));
  ASSERT_EQ(v["vouchers"].size(), 1u);
  EXPECT_EQ(v["vouchers"][0]["id"], "v-e1-birthday-1");
}

}  // namespace
}  // namespace loyalty::testing
