// Whole-program mechanics: punch cards, spend thresholds, signup in its three modes, birthdays,
// referrals and action limits.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

json ev(const std::string& id, const std::string& at, const std::string& type,
        json extra = json::object()) {
  json e = {{"id", id}, {"at", at}, {"type", type}, {"member_id", "m-1"}};
  for (auto& [k, v] : extra.items()) e[k] = v;
  return e;
}

std::string day(int d, const std::string& time = "09:00:00") {
  char buf[40];
  std::snprintf(buf, sizeof buf, "2026-03-%02dT%s-05:00", d, time.c_str());
  return buf;
}

json cafe(json card_extra = json::object()) {
  json card = {{"id", "coffee"},
               {"match", {{"categories", {"coffee"}}}},
               {"punch", "per_item"},
               {"required", 10},
               {"reward", "free-coffee"}};
  for (auto& [k, v] : card_extra.items()) card[k] = v;
  return program({{"rewards",
                   {{{"id", "free-coffee"},
                     {"type", "free_item"},
                     {"cost", 0},
                     {"match", {{"categories", {"coffee"}}}}}}},
                  {"punch_cards", {card}}});
}

TEST(PunchCard, TenCoffeesGiveAVoucherAndTheEleventhStartsANewCard) {
  json events = json::array({enroll("e00", day(1))});
  for (int i = 1; i <= 10; ++i)
    events.push_back(order("e" + std::to_string(10 + i), day(1 + i), "o-" + std::to_string(i),
                           {line("latte", 1200, 1, "coffee")}));
  const json ten = replay(cafe(), events);
  EXPECT_EQ(ten["punch_cards"]["coffee"], 0);
  ASSERT_EQ(ten["vouchers"].size(), 1u);
  EXPECT_EQ(ten["vouchers"][0]["reward"], "free-coffee");
  EXPECT_EQ(ten["vouchers"][0]["id"], "v-e20-1");
  events.push_back(order("e21", day(12), "o-11", {line("latte", 1200, 1, "coffee")}));
  const json eleven = replay(cafe(), events);
  EXPECT_EQ(eleven["punch_cards"]["coffee"], 1);
  EXPECT_EQ(eleven["vouchers"].size(), 1u);
}

TEST(PunchCard, ExtraPunchesCarryAndOnlyMatchingUnitsPunch) {
  const json s = replay(
      cafe(),
      {enroll("e0", day(1)), order("e1", day(2), "o-1",
                                   {line("latte", 1200, 7, "coffee"), line("cake", 900, 5, "food"),
                                    line("espresso", 800, 5, "coffee")})});
  EXPECT_EQ(s["punch_cards"]["coffee"], 2);  // 12 punches: one card and 2 over
  EXPECT_EQ(s["vouchers"].size(), 1u);
}

TEST(PunchCard, MaxPunchesPerDay) {
  const json p = cafe({{"max_punches_per_day", 5}});
  const json s =
      replay(p, {enroll("e0", day(1)),
                 order("e1", day(2, "09:00:00"), "o-1", {line("latte", 1200, 4, "coffee")}),
                 order("e2", day(2, "15:00:00"), "o-2", {line("latte", 1200, 3, "coffee")}),
                 order("e3", day(3, "09:00:00"), "o-3", {line("latte", 1200, 2, "coffee")})});
  EXPECT_EQ(s["punch_cards"]["coffee"], 4 + 1 + 2);
}

TEST(PunchCard, VoucherRedeemsTheFreeCoffee) {
  json events = {enroll("e00", day(1)),
                 order("e01", day(2), "o-1", {line("latte", 1200, 10, "coffee")})};
  const json s = replay(cafe(), events);
  ASSERT_EQ(s["vouchers"].size(), 1u);
  const json r = run("preview", {{"program", cafe()},
                                 {"state", s},
                                 {"cart", cart({line("mocha", 1500, 1, "coffee")}, day(3))},
                                 {"vouchers", {"v-e01-1"}}});
  ASSERT_EQ(r["redeem"]["applied"].size(), 1u) << r.dump();
  EXPECT_EQ(r["redeem"]["applied"][0]["discount_minor"], 1500);
  EXPECT_EQ(r["redeem"]["applied"][0]["cost"], 0);
}

TEST(PunchCard, RefundTakesBackThePunchesOfEveryRefundedSku) {
  const json events = {enroll("e0", day(1)), order("e1", day(2), "o-1",
                                                   {line("latte", 1200, 2, "coffee"),
                                                    line("espresso", 800, 3, "coffee")})};
  const json full = replay(cafe(), [&] {
    json e = events;
    e.push_back(ev("e2", day(3), "refund", {{"order_id", "o-1"}}));
    return e;
  }());
  EXPECT_EQ(full["punch_cards"]["coffee"], 0);
  const json partial = replay(cafe(), [&] {
    json e = events;
    e.push_back(
        ev("e2", day(3), "refund",
           {{"order_id", "o-1"},
            {"lines",
             {{{"sku", "latte"}, {"quantity", 1}}, {{"sku", "espresso"}, {"quantity", 2}}}}}));
    return e;
  }());
  EXPECT_EQ(partial["punch_cards"]["coffee"], 2);  // 5 - 1 - 2
}

json appetizer() {
  return program({{"rewards",
                   {{{"id", "free-appetizer"},
                     {"type", "free_item"},
                     {"cost", 0},
                     {"match", {{"categories", {"appetizer"}}}}}}},
                  {"earn",
                   {{{"id", "appetizer"},
                     {"type", "spend_threshold"},
                     {"every_minor", 1000},
                     {"reward", "free-appetizer"}}}}});
}

TEST(SpendThreshold, FreeAppetizerEveryTenSolesCarriesTheRemainder) {
  // 6 + 7 + 9 soles = 22: two vouchers, 2 soles carried.
  const json s =
      replay(appetizer(), {enroll("e0", day(1)), order("e1", day(2), "o-1", {line("a", 600, 1)}),
                           order("e2", day(3), "o-2", {line("a", 700, 1)}),
                           order("e3", day(4), "o-3", {line("a", 900, 1)})});
  EXPECT_EQ(s["spend_threshold_progress"]["appetizer"], 200);
  ASSERT_EQ(s["vouchers"].size(), 2u);
  EXPECT_EQ(s["vouchers"][0]["id"], "v-e2-1");  // 13 soles after the second order
  EXPECT_EQ(s["vouchers"][1]["id"], "v-e3-1");  // 22 after the third
}

json signup(const std::string& mode, long long min = 0) {
  json r = {{"id", "welcome"}, {"type", "signup"}, {"points", 100}, {"mode", mode}};
  if (min) r["min_order_minor"] = min;
  return program(
      {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}, r}}});
}

TEST(Signup, ImmediateIsCreditedOnEnrolment) {
  EXPECT_EQ(replay(signup("immediate"), {enroll("e0", day(1))})["balance"], 100);
}

TEST(Signup, NextOrderHoldsUntilTheFirstOrder) {
  const json p = signup("next_order");
  EXPECT_EQ(replay(p, {enroll("e0", day(1))})["balance"], 0);
  EXPECT_EQ(
      replay(p, {enroll("e0", day(1)), order("e1", day(2), "o-1", {line("a", 500, 1)})})["balance"],
      105);
}

TEST(Signup, AfterSpendHoldsUntilAnOrderReachesTheMinimum) {
  const json p = signup("after_spend", 3000);
  const json events = {enroll("e0", day(1)), order("e1", day(2), "o-1", {line("a", 2999, 1)})};
  EXPECT_EQ(replay(p, events)["balance"], 29);
  json more = events;
  more.push_back(order("e2", day(3), "o-2", {line("a", 3000, 1)}));
  EXPECT_EQ(replay(p, more)["balance"], 29 + 30 + 100);
  more.push_back(order("e3", day(4), "o-3", {line("a", 3000, 1)}));
  EXPECT_EQ(replay(p, more)["balance"], 29 + 30 + 100 + 30);  // once only
}

json birthday_program() {
  return program({{"earn", {{{"id", "bday"}, {"type", "birthday"}, {"points", 50}}}}});
}

TEST(Birthday, OncePerCalendarYearOnTheFirstActivityOfTheMonth) {
  json events = {enroll("e0", "2026-01-10T10:00:00-05:00", {{"birthday", "03-15"}}),
                 ev("e1", "2026-02-28T10:00:00-05:00", "tick"),
                 ev("e2", "2026-03-02T10:00:00-05:00", "tick"),
                 ev("e3", "2026-03-20T10:00:00-05:00", "tick")};
  const json s = replay(birthday_program(), events);
  EXPECT_EQ(s["balance"], 50);
  const json b = history_of(s, "birthday");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["at"], "2026-03-02T10:00:00-05:00");
  events.push_back(ev("e4", "2027-03-01T00:00:00-05:00", "tick"));
  EXPECT_EQ(replay(birthday_program(), events)["balance"], 100);
}

TEST(Referral, BothSidesAndOncePerReferee) {
  const json p = program({{"earn",
                           {{{"id", "refer"},
                             {"type", "referral"},
                             {"referrer_points", 300},
                             {"referee_points", 100}}}}});
  EXPECT_EQ(replay(p, {enroll("e0", day(1), {{"referred_by", "m-0"}})})["balance"], 100);
  EXPECT_EQ(replay(p, {enroll("e0", day(1))})["balance"], 0);
  const json s =
      replay(p, {enroll("e0", day(1)), ev("e1", day(2), "referral_completed", {{"referee", "m-9"}}),
                 ev("e2", day(3), "referral_completed", {{"referee", "m-9"}}),
                 ev("e3", day(4), "referral_completed", {{"referee", "m-8"}})});
  EXPECT_EQ(s["balance"], 600);
  const json r = history_of(s, "rejected");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["event_id"], "e2");
  EXPECT_EQ(r[0]["error"]["code"], "limit_exceeded");
}

TEST(Action, LimitPerPeriod) {
  const json p = program({{"earn",
                           {{{"id", "review"},
                             {"type", "action"},
                             {"action", "review"},
                             {"points", 20},
                             {"limit", {{"count", 2}, {"per", "week"}}}}}}});
  // 2026-03-02 is a Monday: three reviews that week, one the next Monday.
  const json s =
      replay(p, {enroll("e0", day(1)), ev("e1", day(2), "action", {{"action", "review"}}),
                 ev("e2", day(4), "action", {{"action", "review"}}),
                 ev("e3", day(8, "23:59:59"), "action", {{"action", "review"}}),
                 ev("e4", day(9, "00:00:00"), "action", {{"action", "review"}}),
                 ev("e5", day(9), "action", {{"action", "survey"}})});
  EXPECT_EQ(s["balance"], 60);
  const json r = history_of(s, "rejected");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["event_id"], "e3");
  EXPECT_EQ(r[0]["error"]["code"], "limit_exceeded");
  EXPECT_EQ(r[1]["event_id"], "e5");
  EXPECT_EQ(r[1]["error"]["code"], "not_eligible");
}

}  // namespace
}  // namespace loyalty::testing

namespace loyalty::testing {
namespace {

TEST(Action, PeriodsAreStoreLocalCalendarPeriods) {
  const json p = program({{"earn",
                           {{{"id", "survey"},
                             {"type", "action"},
                             {"action", "survey"},
                             {"points", 5},
                             {"limit", {{"count", 1}, {"per", "month"}}}}}}});
  // 22:00 on 03-31 in Lima is already April in UTC; the store's March still holds.
  const json s = replay(p, {enroll("e0", "2026-03-01T09:00:00-05:00"),
                            {{"id", "e1"},
                             {"at", "2026-03-31T22:00:00-05:00"},
                             {"type", "action"},
                             {"member_id", "m-1"},
                             {"action", "survey"}},
                            {{"id", "e2"},
                             {"at", "2026-04-01T00:30:00-05:00"},
                             {"type", "action"},
                             {"member_id", "m-1"},
                             {"action", "survey"}},
                            {{"id", "e3"},
                             {"at", "2026-04-30T23:59:59-05:00"},
                             {"type", "action"},
                             {"member_id", "m-1"},
                             {"action", "survey"}}});
  EXPECT_EQ(s["balance"], 10);
  const json r = history_of(s, "rejected");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["event_id"], "e3");
}

TEST(PunchCard, DailyLimitResetsAtStoreMidnight) {
  const json p = cafe({{"max_punches_per_day", 2}});
  const json s = replay(
      p, {enroll("e0", "2026-03-01T09:00:00-05:00"),
          order("e1", "2026-03-02T23:00:00-05:00", "o-1", {line("latte", 1200, 2, "coffee")}),
          order("e2", "2026-03-03T00:30:00-05:00", "o-2", {line("latte", 1200, 2, "coffee")})});
  EXPECT_EQ(s["punch_cards"]["coffee"], 4);
}

}  // namespace
}  // namespace loyalty::testing
