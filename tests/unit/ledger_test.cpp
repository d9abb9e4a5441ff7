// The ledger: replay of every event type, idempotent ids, rejected events recorded and changing
// nothing else, whole-order rejection, refunds (partial and full), expiry and pending points.
#include <set>

#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

const json kBase = {{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}};

json ev(const std::string& id, const std::string& at, const std::string& type,
        json extra = json::object()) {
  json e = {{"id", id}, {"at", at}, {"type", type}, {"member_id", "m-1"}};
  for (auto& [k, v] : extra.items()) e[k] = v;
  return e;
}

json shop() {
  return program(
      {{"earn",
        {kBase,
         {{"id", "review"}, {"type", "action"}, {"action", "review"}, {"points", 20}},
         {{"id", "refer"},
          {"type", "referral"},
          {"referrer_points", 300},
          {"referee_points", 100}}}},
       {"rewards",
        {{{"id", "5-off"}, {"type", "fixed_discount"}, {"cost", 500}, {"amount_minor", 500}},
         {{"id", "mug"}, {"type", "physical"}, {"cost", 60}}}}});
}

TEST(Ledger, ReplaysEveryEventType) {
  const json events = {
      enroll("e1", "2026-01-05T10:00:00-05:00", {{"referred_by", "m-0"}}),    // +100 referee
      order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 2550, 2)}),  // 5100 -> +51
      ev("e3", "2026-01-07T10:00:00-05:00", "refund",
         {{"order_id", "o-1"}, {"lines", {{{"sku", "a"}, {"quantity", 1}}}}}),  // 2550 -> 25: -26
      ev("e4", "2026-01-08T10:00:00-05:00", "action", {{"action", "review"}}),  // +20
      ev("e5", "2026-01-09T10:00:00-05:00", "redeem", {{"reward", "mug"}}),     // -60
      ev("e6", "2026-01-10T10:00:00-05:00", "adjust", {{"points", 15}, {"reason", "wheel"}}),
      ev("e7", "2026-01-11T10:00:00-05:00", "referral_completed", {{"referee", "m-9"}}),  // +300
      ev("e8", "2026-01-12T10:00:00-05:00", "tick")};
  const json s = replay(shop(), events);
  ASSERT_FALSE(s.contains("error")) << s.dump();
  EXPECT_EQ(s["balance"], 100 + 51 - 26 + 20 - 60 + 15 + 300);
  EXPECT_EQ(s["lifetime"]["earned"], 100 + 51 - 26 + 20 + 300);
  EXPECT_EQ(s["lifetime"]["redeemed"], 60);
  EXPECT_EQ(s["lifetime"]["adjusted"], 15);
  EXPECT_EQ(s["lifetime"]["spend_minor"], 2550);
  EXPECT_EQ(s["lifetime"]["orders"], 1);
  EXPECT_TRUE(history_of(s, "rejected").empty()) << s.dump();
  // The events in any input order give the same state: they are applied in (at, id) order.
  json shuffled = json::array();
  for (auto it = events.rbegin(); it != events.rend(); ++it) shuffled.push_back(*it);
  EXPECT_EQ(replay(shop(), shuffled), s);
}

TEST(Ledger, AnEventIdCountsOnce) {
  const json o = order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 1000, 1)});
  const json once = replay(shop(), {enroll("e1", "2026-01-05T10:00:00-05:00"), o});
  const json twice = replay(shop(), {enroll("e1", "2026-01-05T10:00:00-05:00"), o, o});
  EXPECT_EQ(once["balance"], 10);
  EXPECT_EQ(twice, once);
  // Through apply too: applying the same event to the state again changes nothing.
  const json again = run("apply", {{"program", shop()}, {"state", once}, {"event", o}});
  EXPECT_EQ(again, once);
}

TEST(Ledger, RejectedEventIsRecordedAndChangesNothingElse) {
  const json base_events = {enroll("e1", "2026-01-05T10:00:00-05:00"),
                            order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 5000, 1)})};
  const json before = replay(shop(), base_events, "2026-01-07T10:00:00-05:00");
  json with = base_events;
  with.push_back(ev("e3", "2026-01-07T10:00:00-05:00", "redeem", {{"reward", "5-off"}}));
  const json after = replay(shop(), with, "2026-01-07T10:00:00-05:00");
  const json rejected = history_of(after, "rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0]["event_id"], "e3");
  EXPECT_EQ(rejected[0]["event_type"], "redeem");
  EXPECT_EQ(rejected[0]["error"]["code"], "insufficient_points");
  EXPECT_EQ(after["balance"], 50);
  // Everything but the history line and the seen id is the same.
  json a = after, b = before;
  a.erase("history");
  b.erase("history");
  a["internal"].erase("seen");
  b["internal"].erase("seen");
  a["internal"].erase("history_total");  // the rejection's entry is counted
  b["internal"].erase("history_total");
  EXPECT_EQ(a, b);
}

TEST(Ledger, AnOrderWithARejectedRedemptionIsRejectedWhole) {
  const json s =
      replay(shop(), {enroll("e1", "2026-01-05T10:00:00-05:00"),
                      order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 5000, 1)},
                            {{"redeem", {{{"reward", "5-off"}}}}})});
  EXPECT_EQ(s["balance"], 0);
  EXPECT_EQ(s["lifetime"]["orders"], 0);
  EXPECT_EQ(s["lifetime"]["spend_minor"], 0);
  const json rejected = history_of(s, "rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0]["error"]["code"], "insufficient_points");
  EXPECT_EQ(rejected[0]["error"]["path"], "/redeem/0");
  EXPECT_TRUE(history_of(s, "earn").empty());
}

TEST(Ledger, PartialRefundReversesTheDifference) {
  // 2 × S/ 10.00 + S/ 5.00 = 25 points; refunding one of the S/ 10.00 leaves S/ 15.00 = 15.
  const json s = replay(
      shop(),
      {enroll("e1", "2026-01-05T10:00:00-05:00"),
       order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 1000, 2), line("b", 500, 1)}),
       ev("e3", "2026-01-08T10:00:00-05:00", "refund",
          {{"order_id", "o-1"}, {"lines", {{{"sku", "a"}, {"quantity", 1}}}}})});
  EXPECT_EQ(s["balance"], 15);
  EXPECT_EQ(s["lifetime"]["earned"], 15);
  EXPECT_EQ(s["lifetime"]["spend_minor"], 1500);
  EXPECT_EQ(s["lifetime"]["orders"], 1);
  const json r = history_of(s, "refund");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["points"], -10);
}

TEST(Ledger, FullRefundReturnsThePointsSpent) {
  // 1000 points; an order of S/ 25.00 using 5-off (500 points): earns on 2000 -> 20.
  const json s_order =
      replay(shop(), {enroll("e1", "2026-01-05T10:00:00-05:00"),
                      ev("e2", "2026-01-05T11:00:00-05:00", "adjust", {{"points", 1000}}),
                      order("e3", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 2500, 1)},
                            {{"redeem", {{{"reward", "5-off"}}}}})});
  EXPECT_EQ(s_order["balance"], 1000 - 500 + 20);
  const json refund = ev("e4", "2026-01-08T10:00:00-05:00", "refund", {{"order_id", "o-1"}});
  const json s = run("apply", {{"program", shop()}, {"state", s_order}, {"event", refund}});
  EXPECT_EQ(s["balance"], 1000);
  EXPECT_EQ(s["lifetime"]["earned"], 0);
  EXPECT_EQ(s["lifetime"]["redeemed"], 0);
  EXPECT_EQ(s["lifetime"]["orders"], 0);
  EXPECT_EQ(s["lifetime"]["spend_minor"], 0);
  // A second full refund of the same order is rejected.
  const json again = run(
      "apply", {{"program", shop()},
                {"state", s},
                {"event", ev("e5", "2026-01-09T10:00:00-05:00", "refund", {{"order_id", "o-1"}})}});
  EXPECT_EQ(again["balance"], 1000);
  EXPECT_EQ(history_of(again, "rejected").size(), 1u);
}

TEST(Ledger, RefundOfAnUnknownOrderIsRejected) {
  const json s =
      replay(shop(), {enroll("e1", "2026-01-05T10:00:00-05:00"),
                      ev("e2", "2026-01-06T10:00:00-05:00", "refund", {{"order_id", "nope"}})});
  const json r = history_of(s, "rejected");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["error"]["code"], "not_eligible");
  EXPECT_EQ(r[0]["error"]["path"], "/order_id");
}

json rolling() {
  return program({{"earn", {kBase}},
                  {"expiry", {{"policy", "rolling"}, {"days", 30}}},
                  {"rewards", {{{"id", "mug"}, {"type", "physical"}, {"cost", 60}}}}});
}

TEST(Ledger, RollingExpirySpendsTheOldestLotFirst) {
  const json events = {
      enroll("e1", "2026-03-01T10:00:00-05:00"),
      order("e2", "2026-03-01T12:00:00-05:00", "o-1", {line("a", 10000, 1)}),  // 100
      order("e3", "2026-03-11T12:00:00-05:00", "o-2", {line("a", 5000, 1)}),   // 50
      ev("e4", "2026-03-16T12:00:00-05:00", "redeem", {{"reward", "mug"}})};   // -60
  // The first lot (100, now 40 after the redemption) expires 30 days after 03-01 12:00.
  const json just_before = replay(rolling(), events, "2026-03-31T11:59:59-05:00");
  EXPECT_EQ(just_before["balance"], 90);
  const json at = replay(rolling(), events, "2026-03-31T12:00:00-05:00");
  EXPECT_EQ(at["balance"], 50);
  EXPECT_EQ(at["lifetime"]["expired"], 40);
  ASSERT_EQ(at["lots"].size(), 1u);
  EXPECT_EQ(at["lots"][0]["points"], 50);
  EXPECT_EQ(at["lots"][0]["expires_at"], "2026-04-10T12:00:00-05:00");
  const json expire = history_of(at, "expire");
  ASSERT_EQ(expire.size(), 1u);
  EXPECT_EQ(expire[0]["at"], "2026-03-31T12:00:00-05:00");
  EXPECT_EQ(expire[0]["points"], -40);
  // Both gone after the second lot's date.
  EXPECT_EQ(replay(rolling(), events, "2026-04-10T12:00:00-05:00")["balance"], 0);
}

TEST(Ledger, InactivityExpiresTheWholeBalance) {
  const json p =
      program({{"earn", {kBase}}, {"expiry", {{"policy", "inactivity"}, {"days", 180}}}});
  const json events = {enroll("e1", "2026-01-01T10:00:00-05:00"),
                       order("e2", "2026-01-02T10:00:00-05:00", "o-1", {line("a", 10000, 1)}),
                       order("e3", "2026-03-01T10:00:00-05:00", "o-2", {line("a", 5000, 1)})};
  // Last activity 03-01 10:00; 180 days later is 08-28 10:00.
  EXPECT_EQ(replay(p, events, "2026-08-28T09:59:59-05:00")["balance"], 150);
  const json s = replay(p, events, "2026-08-28T10:00:00-05:00");
  EXPECT_EQ(s["balance"], 0);
  EXPECT_EQ(s["lifetime"]["expired"], 150);
}

TEST(Ledger, PendingPointsWaitForTheReturnWindow) {
  const json p = program({{"earn", {kBase}}, {"pending_days", 14}});
  const json events = {enroll("e1", "2026-01-01T10:00:00-05:00"),
                       order("e2", "2026-01-02T10:00:00-05:00", "o-1", {line("a", 2500, 1)})};
  const json held = replay(p, events, "2026-01-16T09:59:59-05:00");
  EXPECT_EQ(held["balance"], 0);
  ASSERT_EQ(held["pending"].size(), 1u);
  EXPECT_EQ(held["pending"][0]["points"], 25);
  EXPECT_EQ(held["pending"][0]["available_at"], "2026-01-16T10:00:00-05:00");
  const json released = replay(p, events, "2026-01-16T10:00:00-05:00");
  EXPECT_EQ(released["balance"], 25);
  EXPECT_TRUE(released["pending"].empty());
  // A full refund inside the window simply cancels them.
  json with_refund = events;
  with_refund.push_back(ev("e3", "2026-01-05T10:00:00-05:00", "refund", {{"order_id", "o-1"}}));
  const json refunded = replay(p, with_refund, "2026-02-01T10:00:00-05:00");
  EXPECT_EQ(refunded["balance"], 0);
  EXPECT_TRUE(refunded["pending"].empty());
  EXPECT_EQ(refunded["lifetime"]["earned"], 0);
}

TEST(Ledger, PendingPointsStartTheirExpiryWhenReleased) {
  const json p = program(
      {{"earn", {kBase}}, {"pending_days", 14}, {"expiry", {{"policy", "rolling"}, {"days", 30}}}});
  const json s = replay(p,
                        {enroll("e1", "2026-01-01T10:00:00-05:00"),
                         order("e2", "2026-01-02T10:00:00-05:00", "o-1", {line("a", 2500, 1)})},
                        "2026-01-20T10:00:00-05:00");
  ASSERT_EQ(s["lots"].size(), 1u);
  EXPECT_EQ(s["lots"][0]["expires_at"], "2026-02-15T10:00:00-05:00");  // 01-16 + 30 days
}

TEST(Ledger, NegativeAdjustBeyondTheBalanceIsRejected) {
  const json s =
      replay(shop(), {enroll("e1", "2026-01-05T10:00:00-05:00"),
                      ev("e2", "2026-01-06T10:00:00-05:00", "adjust", {{"points", 10}}),
                      ev("e3", "2026-01-07T10:00:00-05:00", "adjust", {{"points", -11}})});
  EXPECT_EQ(s["balance"], 10);
  const json r = history_of(s, "rejected");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["error"]["code"], "insufficient_points");
}

TEST(Ledger, ApplyEqualsReplayOfTheEventsPlusOne) {
  const json events = {enroll("e1", "2026-01-05T10:00:00-05:00"),
                       order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 3333, 1)})};
  const json next = order("e3", "2026-01-07T10:00:00-05:00", "o-2", {line("b", 1250, 3)});
  const json state = replay(shop(), events);
  json all = events;
  all.push_back(next);
  EXPECT_EQ(run("apply", {{"program", shop()}, {"state", state}, {"event", next}}),
            replay(shop(), all));
}

}  // namespace
}  // namespace loyalty::testing

namespace loyalty::testing {
namespace {

TEST(Ledger, RefundReversalMayTakeTheBalanceNegativeAndLaterEarningPaysTheDebt) {
  // Earn 50, spend 40 on a mug, then refund the order fully: 10 − 50 = −40.
  const json p = program(
      {{"earn", {kBase}}, {"rewards", {{{"id", "mug"}, {"type", "physical"}, {"cost", 40}}}}});
  const json events = {enroll("e1", "2026-01-05T10:00:00-05:00"),
                       order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 5000, 1)}),
                       ev("e3", "2026-01-07T10:00:00-05:00", "redeem", {{"reward", "mug"}}),
                       ev("e4", "2026-01-08T10:00:00-05:00", "refund", {{"order_id", "o-1"}})};
  const json s = replay(p, events);
  EXPECT_EQ(s["balance"], -40);
  json more = events;
  more.push_back(order("e5", "2026-01-09T10:00:00-05:00", "o-2", {line("a", 6000, 1)}));
  const json after = replay(p, more);
  EXPECT_EQ(after["balance"], 20);
  // A redemption while in debt is refused.
  more.push_back(ev("e6", "2026-01-10T10:00:00-05:00", "redeem", {{"reward", "mug"}}));
  EXPECT_EQ(replay(p, more)["balance"], 20);
}

TEST(Ledger, FullRefundGivesBackTheVouchersUsed) {
  const json p = program(
      {{"rewards",
        {{{"id", "free-coffee"},
          {"type", "free_item"},
          {"cost", 0},
          {"match", {{"categories", {"coffee"}}}}}}},
       {"punch_cards",
        {{{"id", "c"}, {"punch", "per_order"}, {"required", 1}, {"reward", "free-coffee"}}}}});
  const json s = replay(
      p, {enroll("e1", "2026-01-05T10:00:00-05:00"),
          order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("cake", 500, 1)}),  // issues v-e2-1
          order("e3", "2026-01-07T10:00:00-05:00", "o-2", {line("latte", 1200, 1, "coffee")},
                {{"vouchers", {"v-e2-1"}}}),  // uses it, issues v-e3-1
          ev("e4", "2026-01-08T10:00:00-05:00", "refund", {{"order_id", "o-2"}})});
  // The voucher used comes back; the one o-2's punch issued, still unused, goes with the order.
  std::set<std::string> ids;
  for (const auto& v : s["vouchers"]) ids.insert(v["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"v-e2-1"}));
}

}  // namespace
}  // namespace loyalty::testing

namespace loyalty::testing {
namespace {

TEST(Ledger, InactivityClockIgnoresOrdersThatNeitherEarnNorRedeem) {
  // program.md: the balance expires when no earning or redemption happens for `days`. A gift
  // card (excluded from earning) on 01-08 is neither, so 16 points earned on 01-02 expire on
  // 01-12; an earning order on 01-08 would have kept them until 01-18.
  json base = kBase;
  base["match"] = {{"exclude_categories", {"gift_card"}}};
  const json p = program({{"earn", {base}}, {"expiry", {{"policy", "inactivity"}, {"days", 10}}}});
  const json first = order("e2", "2026-01-02T10:00:00-05:00", "o-1", {line("a", 1600, 1)});
  const json gift =
      order("e3", "2026-01-08T10:00:00-05:00", "o-2", {line("card", 5000, 1, "gift_card")});
  const json s = replay(p, {enroll("e1", "2026-01-01T10:00:00-05:00"), first, gift},
                        "2026-01-13T10:00:00-05:00");
  EXPECT_EQ(s["balance"], 0) << s.dump();
  const json expire = history_of(s, "expire");
  ASSERT_EQ(expire.size(), 1u);
  EXPECT_EQ(expire[0]["at"], "2026-01-12T10:00:00-05:00");

  const json earning = order("e3", "2026-01-08T10:00:00-05:00", "o-2", {line("a", 100, 1)});
  const json kept = replay(p, {enroll("e1", "2026-01-01T10:00:00-05:00"), first, earning},
                           "2026-01-13T10:00:00-05:00");
  EXPECT_EQ(kept["balance"], 17);
  EXPECT_TRUE(history_of(kept, "expire").empty()) << kept.dump();
}

TEST(Ledger, PendingPointsStartTheirInactivityClockWhenReleased) {
  // Held 14 days, inactivity 10 days: released on 01-16, so they last until 01-26 — they must
  // not expire the moment they become available.
  const json p = program({{"earn", {kBase}},
                          {"pending_days", 14},
                          {"expiry", {{"policy", "inactivity"}, {"days", 10}}}});
  const json events = {enroll("e1", "2026-01-01T10:00:00-05:00"),
                       order("e2", "2026-01-02T10:00:00-05:00", "o-1", {line("a", 1600, 1)})};
  const json s = replay(p, events, "2026-01-20T10:00:00-05:00");
  EXPECT_EQ(s["balance"], 16);
  EXPECT_TRUE(history_of(s, "expire").empty()) << s.dump();
  const json later = replay(p, events, "2026-01-26T10:00:00-05:00");
  EXPECT_EQ(later["balance"], 0);
  const json expire = history_of(later, "expire");
  ASSERT_EQ(expire.size(), 1u);
  EXPECT_EQ(expire[0]["at"], "2026-01-26T10:00:00-05:00");
}

}  // namespace
}  // namespace loyalty::testing
