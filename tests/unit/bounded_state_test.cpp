// Bounded members (spec/sync.md, "Cost that does not grow with a member's past"): the state
// keeps what the rules need now, trimming changes no answer inside the windows, refunds and late
// events reach back limits.refund_days, and `advance` moves time only.
#include "loyalty/member.hpp"
#include "loyalty/time.hpp"
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

constexpr long long kDay = 86400;

// "2020-01-01" + `days` days at 10:00 Lima.
std::string day(int days) {
  const long long t = 1577890800LL + days * kDay;  // 2020-01-01T10:00:00-05:00
  const long long local = t - 5 * 3600;
  long long z = local / kDay + 719468;
  const long long era = z / 146097, doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = yoe + era * 400 + (m <= 2);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT10:00:00-05:00", y, m, d);
  return buf;
}

// A café: a point per sol, yearly tiers held for the next year, a reward to spend, refunds
// within 30 days.
json cafe() {
  return program(
      {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}},
       {"tiers",
        {{"basis", "spend"},
         {"period", "calendar_year"},
         {"retain", "next_period"},
         {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "gold"}, {"min", 200000}}}}}},
       {"rewards", {{{"id", "mug"}, {"type", "physical"}, {"cost", 100}}}},
       {"limits", {{"refund_days", 30}}}});
}

json daily_order(int n) {
  return order("e" + std::to_string(n), day(n), "o-" + std::to_string(n),
               {line("latte", 1200, 1), line("cake", 1300 + (n % 7) * 100, 1)});
}

json apply(const json& prog, const json& state, const json& event, json extra = json::object()) {
  json r = {{"program", prog}, {"state", state}, {"event", event}};
  for (auto& [k, v] : extra.items()) r[k] = v;
  return run("apply", r);
}

TEST(BoundedState, TenThousandOrdersKeepTheStateSmallAndEqualToTheFullReplay) {
  const json prog = cafe();
  json events = json::array({enroll("e0", day(0))});
  json state = apply(prog, nullptr, events[0]);
  // 10 000 orders; a thousand at least where the sanitizer tree runs fewer cases.
  const int orders = property_cases(10000, 1000);
  std::size_t size_halfway = 0;
  for (int n = 1; n <= orders; ++n) {
    json e = daily_order(n);
    if (n % 97 == 0)
      e = {{"id", "r" + std::to_string(n)},
           {"at", day(n)},
           {"type", "redeem"},
           {"member_id", "m-1"},
           {"reward", "mug"}};
    events.push_back(e);
    state = apply(prog, state, e);
    ASSERT_FALSE(state.contains("error")) << state.dump();
    if (n == orders / 2) size_halfway = state.dump().size();
  }
  const std::size_t size_at_end = state.dump().size();
  // Orders and ids within 30 days, two tier periods, 50 history entries: the same size.
  EXPECT_LE(size_at_end, size_halfway + size_halfway / 20);
  EXPECT_EQ(state["history"].size(), 50u);
  EXPECT_LE(state["internal"]["orders"].size(), 31u);  // the 31 days' events, less a redemption
  EXPECT_EQ(state["internal"]["seen"].size(), 31u);
  EXPECT_LE(state["internal"]["qualifying"].size(), 2u);
  // The full list replayed in one pass (nothing trimmed until its end) is the very same state.
  EXPECT_EQ(replay(prog, events), state);
  // A refund inside the window is answered as the full replay answers it.
  const json refund = {{"id", "f1"},
                       {"at", day(orders)},
                       {"type", "refund"},
                       {"member_id", "m-1"},
                       {"order_id", "o-" + std::to_string(orders - 10)}};
  json with_refund = events;
  with_refund.push_back(refund);
  const json refunded = apply(prog, state, refund);
  EXPECT_EQ(refunded, replay(prog, with_refund));
  EXPECT_LT(refunded["balance"], state["balance"]);
}

TEST(BoundedState, ARefundOutsideTheWindowIsNotEligible) {
  const json prog = cafe();
  const json s = replay(prog, {enroll("e0", day(0)), daily_order(1), daily_order(2)});
  const json late = {
      {"id", "f1"}, {"at", day(32)}, {"type", "refund"}, {"member_id", "m-1"}, {"order_id", "o-1"}};
  const json out = apply(prog, s, late);
  ASSERT_FALSE(out.contains("error")) << out.dump();
  EXPECT_EQ(out["history"].back()["kind"], "rejected");
  EXPECT_EQ(out["history"].back()["error"]["code"], "not_eligible");
  EXPECT_EQ(out["balance"], s["balance"]);
  // o-2 is 30 days old: still inside.
  json in_time = late;
  in_time["order_id"] = "o-2";
  const json ok = apply(prog, s, in_time);
  EXPECT_EQ(ok["history"].back()["kind"], "refund") << ok.dump();
  // A replay answers the same: the window is measured from the state's clock there too.
  const json replayed = replay(prog, {enroll("e0", day(0)), daily_order(1), late});
  EXPECT_EQ(replayed["history"].back()["error"]["code"], "not_eligible");
}

TEST(BoundedState, AnEventOlderThanTheWindowIsInvalidForApplyButAReplayTakesIt) {
  const json prog = cafe();
  const json s = replay(prog, {enroll("e0", day(0)), daily_order(40)});
  const json old = daily_order(9);  // 31 days before the clock
  const json out = apply(prog, s, old);
  EXPECT_EQ(error_of(out)["code"], "invalid_event");
  EXPECT_EQ(error_of(out)["path"], "/event/at");
  const json late = daily_order(10);  // 30 days: a late event, accepted
  EXPECT_FALSE(apply(prog, s, late).contains("error"));
  const json all = replay(prog, {enroll("e0", day(0)), daily_order(40), old});
  ASSERT_FALSE(all.contains("error")) << all.dump();
  EXPECT_EQ(all["lifetime"]["orders"], 2);
}

TEST(BoundedState, IdsAreRememberedWithinTheWindow) {
  const json prog = cafe();
  const json s = replay(prog, {enroll("e0", day(0)), daily_order(1), daily_order(20)});
  EXPECT_TRUE(s["internal"]["seen"].contains("e1"));
  const json again = apply(prog, s, daily_order(1));  // 19 days old: ignored as seen
  EXPECT_EQ(again["balance"], s["balance"]);
  EXPECT_EQ(again["lifetime"]["orders"], 2);
  const json later = replay(prog, {enroll("e0", day(0)), daily_order(1), daily_order(40)});
  EXPECT_FALSE(later["internal"]["seen"].contains("e1"));
  EXPECT_FALSE(later["internal"]["seen"].contains("e0"));
}

TEST(BoundedState, RefundDaysIsValidated) {
  json p = cafe();
  p["pending_days"] = 40;
  EXPECT_EQ(error_of(run("validate", {{"program", p}}))["path"], "/limits/refund_days");
  p["limits"]["refund_days"] = "30";
  EXPECT_EQ(error_of(run("validate", {{"program", p}}))["path"], "/limits/refund_days");
  p["limits"].erase("refund_days");  // the default, 365, covers 40 pending days
  EXPECT_TRUE(run("validate", {{"program", p}})["ok"]);
  p["limits"]["refund_days"] = 40;
  EXPECT_TRUE(run("validate", {{"program", p}})["ok"]);
}

TEST(BoundedState, AHistoryLongerThanFiftyKeepsTheLatestAndCountsAll) {
  json events = json::array({enroll("e0", day(0))});
  for (int n = 1; n <= 60; ++n) events.push_back(daily_order(n));
  const json s = replay(cafe(), events);
  EXPECT_EQ(s["history"].size(), 50u);
  EXPECT_EQ(s["history"].back()["event_id"], "e60");
  EXPECT_GE(s["internal"]["history_total"].get<long long>(), 61);
}

TEST(Advance, MovesTimeOnlyAndNeverBackwards) {
  json prog = cafe();
  prog["pending_days"] = 2;
  prog["earn"].push_back({{"id", "bday"}, {"type", "birthday"}, {"points", 500}});
  const json s = replay(prog, {enroll("e0", day(0), {{"birthday", "02-10"}}), daily_order(1)});
  ASSERT_EQ(s["pending"].size(), 1u);
  // February 15th: the points were released on January 4th; the birthday month has come, but
  // only an activity (an event) grants its points, never the passage of time.
  const json later = run("advance", {{"program", prog}, {"state", s}, {"now", day(45)}});
  ASSERT_FALSE(later.contains("error")) << later.dump();
  EXPECT_EQ(later["pending"].size(), 0u);
  EXPECT_EQ(later["balance"], 26);
  EXPECT_EQ(later["lifetime"]["earned"], 26);
  EXPECT_EQ(later["history"].back()["kind"], "pending_released");
  EXPECT_EQ(run("advance", {{"program", prog}, {"state", s}, {"now", day(1)}}), s);
  EXPECT_EQ(run("advance", {{"program", prog}, {"state", later}, {"now", day(3)}}), later);
}

TEST(OrderProgram, ARefundRecomputesItsOrderUnderTheOrdersVersion) {
  const json v1 = cafe();
  json v2 = cafe();
  v2["version"] = 2;
  v2["earn"][0]["points"] = 2;
  const json s = replay(v1, {enroll("e0", day(0)), daily_order(1)});  // 26 points under v1
  ASSERT_EQ(s["balance"], 26);
  EXPECT_EQ(s["internal"]["orders"][0]["program_version"], 1);
  // The cake goes back: under v1 the latte left earns 12, so 14 of the 26 are taken.
  const json refund = {{"id", "f1"},        {"at", day(2)},
                       {"type", "refund"},  {"member_id", "m-1"},
                       {"order_id", "o-1"}, {"lines", {{{"sku", "cake"}, {"quantity", 1}}}}};
  const json under_v1 = apply(v2, s, refund, {{"order_program", v1}});
  EXPECT_EQ(under_v1["balance"], 12) << under_v1.dump();
  // Without it the latte is recomputed under v2 (24 points) and only 2 are taken.
  EXPECT_EQ(apply(v2, s, refund)["balance"], 24);
  json bad = v1;
  bad["currency"] = "XXX";
  EXPECT_EQ(error_of(apply(v2, s, refund, {{"order_program", bad}}))["path"],
            "/order_program/currency");
}

TEST(MetricsFromHistory, StoredOutcomesGiveTheFiguresTheEventsGive) {
  const json prog = cafe();
  const json events = {enroll("e0", day(0), {{"channel", "pos"}}), daily_order(1), daily_order(2)};
  const json s = replay(prog, events);
  json req = {{"program", prog}, {"from", day(0)}, {"until", day(40)}, {"total_customers", 4}};
  req["members"] = {{{"member_id", "m-1"}, {"events", events}}};
  const json from_events = run("metrics", req);
  req["members"] = {{{"member_id", "m-1"}, {"history", s["history"]}}};
  const json from_history = run("metrics", req);
  ASSERT_FALSE(from_history.contains("error")) << from_history.dump();
  EXPECT_EQ(from_history, from_events);
  EXPECT_EQ(from_history["members"]["by_channel"]["pos"], 1);
  // A later version's rules change nothing read from stored outcomes.
  json v2 = prog;
  v2["version"] = 2;
  v2["earn"][0]["points"] = 2;
  req["program"] = v2;
  EXPECT_EQ(run("metrics", req)["points"], from_events["points"]);
}

TEST(MemberDocument, ReadsAStateThroughTypedAccessors) {
  const json s = replay(cafe(), {enroll("e0", day(0), {{"referred_by", "m-0"}}), daily_order(1)});
  const auto full = MemberDocument::parse(s.dump(), nullptr, true);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->member_id(), "m-1");
  EXPECT_EQ(full->referred_by(), "m-0");
  EXPECT_EQ(full->lifetime_orders(), 1);
  EXPECT_EQ(full->history_total(), 2);
  EXPECT_EQ(full->history().size(), 2u);
  EXPECT_EQ(full->clock_ms(), parse_rfc3339(day(1)));
  EXPECT_EQ(full->order_program_version("o-1"), 1);
  EXPECT_EQ(full->order_program_version("o-2"), std::nullopt);
  ASSERT_EQ(full->orders().size(), 1u);
  EXPECT_EQ(full->orders()[0].first, "o-1");
  EXPECT_EQ(json::parse(full->orders()[0].second), s["internal"]["orders"][0]);
  // Without orders (the default) the view is the same: it never shows them.
  const auto quick = MemberDocument::parse(s.dump());
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->order_program_version("o-1"), std::nullopt);
  EXPECT_EQ(quick->lifetime_orders(), 1);  // lifetime.orders is no internal.orders
  EXPECT_EQ(quick->view(), full->view());
  const json view = json::parse(full->view());
  EXPECT_FALSE(view["internal"].contains("orders"));
  EXPECT_FALSE(view["internal"].contains("seen"));
  EXPECT_EQ(view["balance"], s["balance"]);
  EXPECT_EQ(json::parse(full->view(false))["history"], json::array());
  std::string error;
  EXPECT_FALSE(MemberDocument::parse(R"({"error":{}})", &error));
  EXPECT_FALSE(error.empty());
}

TEST(PublicTime, ParsesAndFormatsWithTheCoresCalendar) {
  EXPECT_EQ(parse_rfc3339("2026-11-20T17:59:00-05:00"), 1795215540000);
  EXPECT_EQ(format_rfc3339(1795215540000, -5 * 3600), "2026-11-20T17:59:00-05:00");
  EXPECT_EQ(parse_utc_offset("+05:30"), 19800);
  EXPECT_EQ(parse_rfc3339("2026-13-01T00:00:00Z"), std::nullopt);
}

}  // namespace
}  // namespace loyalty::testing
