// Promises checked on generated inputs (fixed seed; LOYALTY_SEED=<n> replays one case;
// LOYALTY_PROPERTY_PERCENT=<p> runs p% of the cases, as the sanitized build does):
// - the preview promise: preview of a cart equals what apply of the matching order posts;
// - replay is deterministic and idempotent: shuffled or duplicated events, or a replay split
//   into a prefix plus applies, give byte-identical state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <random>

#include "../support/generate.hpp"
#include "loyalty/loyalty.hpp"
#include "test_helpers.hpp"

namespace loyalty {
namespace {

using testing::Generator;
using json = nlohmann::json;

json run(const std::string& op, const json& request) {
  return json::parse(call(op, request.dump()));
}

std::vector<std::uint64_t> seeds(int count) {
  if (const char* one = std::getenv("LOYALTY_SEED")) return {std::strtoull(one, nullptr, 10)};
  count = testing::property_cases(count);
  std::vector<std::uint64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(1000 + static_cast<std::uint64_t>(i));
  return out;
}

// What apply of the order posted for it: the history entries of the event, by kind.
struct Posted {
  json birthday, spent, earn;
};

Posted posted_by(const json& state, const std::string& event_id) {
  Posted out;
  for (const auto& h : state["history"]) {
    if (h["event_id"] != event_id) continue;
    if (h["kind"] == "birthday") out.birthday = h;
    if (h["kind"] == "redeem") out.spent = h;
    if (h["kind"] == "earn") out.earn = h;
    EXPECT_NE(h["kind"], "rejected") << h.dump();
  }
  return out;
}

// The vouchers a list of history entries issued, without their ids (a preview has none).
json issued_by(std::initializer_list<const json*> entries) {
  json out = json::array();
  for (const json* h : entries)
    if (!h->is_null() && h->contains("vouchers_issued"))
      for (const auto& v : (*h)["vouchers_issued"])
        out.push_back({{"reward", v["reward"]}, {"source", v["source"]}});
  return out;
}

// Everything the preview promised, held against what apply of the same order posted.
void expect_promise_kept(const json& preview, const json& after, const Posted& posted,
                         const json& cart) {
  ASSERT_FALSE(posted.earn.is_null());
  // Points: the birthday the order's activity brings, then what the order earns, line by line.
  json lines = json::array();
  std::int64_t points = 0;
  for (const json* h : {&posted.birthday, &posted.earn}) {
    if (h->is_null()) continue;
    for (const auto& l : (*h)["lines"]) lines.push_back(l);
    points += (*h)["points"].get<std::int64_t>();
  }
  EXPECT_EQ(preview["points"]["lines"], lines);
  EXPECT_EQ(preview["points"]["total"], points);
  EXPECT_EQ(preview["points"].value("available_at", json()),
            posted.earn.value("available_at", json()));
  EXPECT_EQ(preview["balance_after"], after["balance"]);
  // Store credit: what the preview says the order earns is the cashback lines' credit.
  std::int64_t credit = 0;
  for (const auto& l : lines)
    if (l["explain"]["key"] == "cashback.earned")
      credit += l["explain"]["args"]["credit_minor"].get<std::int64_t>();
  EXPECT_EQ(preview["totals"].value("store_credit_earned_minor", std::int64_t{0}), credit);

  // Redemptions: each applied reward's cost and discount, as the redeem entry posted them.
  const json& applied = preview["redeem"]["applied"];
  std::int64_t cost = 0, discount = 0, shipping_discount = 0;
  std::size_t paid = 0;
  for (const auto& a : applied) {
    cost += a["cost"].get<std::int64_t>();
    (a["reward"] == "ship" ? shipping_discount : discount) +=
        a["discount_minor"].get<std::int64_t>();
    if (a.contains("voucher")) continue;
    ASSERT_FALSE(posted.spent.is_null()) << preview.dump();
    ASSERT_LT(paid, posted.spent["lines"].size());
    const json& line = posted.spent["lines"][paid++];
    EXPECT_EQ(line["rule"], a["reward"]);
    EXPECT_EQ(-line["points"].get<std::int64_t>(), a["cost"].get<std::int64_t>());
    EXPECT_EQ(line["explain"]["args"]["discount_minor"], a["discount_minor"]);
  }
  EXPECT_EQ(paid, posted.spent.is_null() ? 0 : posted.spent["lines"].size());
  EXPECT_EQ(posted.spent.is_null() ? 0 : -posted.spent["points"].get<std::int64_t>(), cost);

  // Totals: what the cart says, less the discounts applied; the spend the order posted.
  std::int64_t merchandise = -cart.value("order_discount_minor", std::int64_t{0});
  for (const auto& l : cart["lines"])
    merchandise += l["unit_price_minor"].get<std::int64_t>() * l["quantity"].get<std::int64_t>() -
                   l.value("discount_minor", std::int64_t{0});
  const std::int64_t shipping = cart.value("shipping_minor", std::int64_t{0});
  const json& totals = preview["totals"];
  EXPECT_EQ(totals["merchandise_minor"], merchandise);
  EXPECT_EQ(totals["shipping_minor"], shipping);
  EXPECT_EQ(totals["discount_minor"], discount + shipping_discount);
  EXPECT_EQ(totals["total_minor"], merchandise + shipping - discount - shipping_discount);
  EXPECT_EQ(posted.earn["spend_minor"], merchandise - discount);

  // Tier: before and after the order, and the qualifying value.
  if (preview["tier"].is_null()) {
    EXPECT_TRUE(after["tier"].is_null());
  } else {
    const json& tier = preview["tier"];
    EXPECT_EQ(after["tier"]["id"], tier["after"]);
    EXPECT_EQ(after["tier"]["qualifying"], tier["qualifying_after"]);
    if (tier["before"] != tier["after"])
      EXPECT_EQ(posted.earn.value("tier", json()),
                json({{"after", tier["after"]}, {"before", tier["before"]}}));
    else
      EXPECT_FALSE(posted.earn.contains("tier"));
  }

  // Punch cards: the count after, and the cards completed (a voucher each).
  const json issued = issued_by({&posted.birthday, &posted.earn});
  for (const auto& card : preview["punch_cards"]) {
    const std::string id = card["id"].get<std::string>();
    EXPECT_EQ(after["punch_cards"][id], card["punches_after"]);
    std::int64_t completed = 0;
    for (const auto& v : issued) completed += v["source"] == "punch_card:" + id;
    EXPECT_EQ(card["completes"], completed);
  }
  // Vouchers: the same rewards from the same sources, in the same order; the member holds them.
  EXPECT_EQ(preview["vouchers_issued"], issued);
  for (const json* h : {&posted.birthday, &posted.earn})
    if (!h->is_null() && h->contains("vouchers_issued"))
      for (const auto& v : (*h)["vouchers_issued"])
        EXPECT_TRUE(std::any_of(after["vouchers"].begin(), after["vouchers"].end(),
                                [&](const json& held) { return held["id"] == v["id"]; }))
            << v.dump();
}

// The store credit the preview says the order earns is held after it, or waits with its points.
void expect_credit_kept(const json& preview, const json& before, const json& after) {
  const std::int64_t earned = preview["totals"].value("store_credit_earned_minor", std::int64_t{0});
  const std::int64_t spent = preview["totals"].value("store_credit_minor", std::int64_t{0});
  std::int64_t waiting = 0;
  for (const auto& p : after["pending"])
    if (p.value("event_id", "") == "new-order") waiting += p.value("credit_minor", std::int64_t{0});
  EXPECT_EQ(after.value("store_credit_minor", std::int64_t{0}),
            before.value("store_credit_minor", std::int64_t{0}) - spent + earned - waiting);
  if (waiting > 0) EXPECT_EQ(waiting, earned);
}

// What the preview rejected, the order is rejected for: apply posts nothing but the refusal.
void expect_rejection_kept(const json& program, const json& state, const json& preview,
                           json event) {
  const json after = run("apply", {{"program", program}, {"state", state}, {"event", event}});
  ASSERT_FALSE(after.contains("error")) << after.dump();
  json refusal;
  for (const auto& h : after["history"])
    if (h["event_id"] == event["id"] && h["kind"] == "rejected") refusal = h;
  ASSERT_FALSE(refusal.is_null()) << preview.dump();
  EXPECT_EQ(refusal["error"]["code"], preview["redeem"]["rejected"][0]["code"]);
}

TEST(PreviewPromise, PreviewEqualsWhatApplyPosts) {
  int checked = 0, with_rewards = 0, birthdays = 0, held = 0, tiers = 0, cards = 0, vouchers = 0,
      rejections = 0, requirements = 0, audiences = 0, members = 0, steps = 0, cashback = 0,
      segments = 0;
  for (const auto seed : seeds(3000)) {
    SCOPED_TRACE("LOYALTY_SEED=" + std::to_string(seed));
    Generator g(seed);
    const json program = g.program();
    const json events = g.history(program);
    const json state = run("replay", {{"program", program}, {"events", events}});
    ASSERT_FALSE(state.contains("error")) << state.dump();
    const std::string at = g.timestamp(1793491200, 1793491200 + 86400 * 20);
    const json cart = g.cart(program, at);
    const json asked = g.redeem(program);
    const json preview =
        run("preview", {{"program", program}, {"state", state}, {"cart", cart}, {"redeem", asked}});
    ASSERT_FALSE(preview.contains("error")) << preview.dump();
    // The shop posts only what the preview accepted.
    json redeem = json::array();
    for (const auto& a : preview["redeem"]["applied"]) {
      json item = {{"reward", a["reward"]}};
      if (a["reward"] == "pay") item["points"] = a["cost"];
      redeem.push_back(item);
    }
    with_rewards += !redeem.empty();
    const json event = {{"id", "new-order"},   {"at", at},     {"type", "order"},
                        {"order_id", "o-new"}, {"cart", cart}, {"redeem", redeem}};
    const json after = run("apply", {{"program", program}, {"state", state}, {"event", event}});
    ASSERT_FALSE(after.contains("error")) << after.dump();
    const Posted posted = posted_by(after, "new-order");
    expect_promise_kept(preview, after, posted, cart);
    // Credit that waited with earlier orders' points may be released by the time of this one.
    expect_credit_kept(
        preview, run("advance", {{"program", program}, {"state", state}, {"now", at}}), after);
    if (!preview["redeem"]["rejected"].empty()) {
      json as_asked = event;
      as_asked["redeem"] = asked;
      expect_rejection_kept(program, state, preview, as_asked);
      ++rejections;
    }
    birthdays += !posted.birthday.is_null();
    held += !state["internal"]["held"].empty();
    tiers += !preview["tier"].is_null() && preview["tier"]["after"] != "member";
    cards += !preview["punch_cards"].empty() && preview["punch_cards"][0]["punches_after"] > 0;
    vouchers += !preview["vouchers_issued"].empty();
    const auto status_seen = [&](const char* status) {
      return std::any_of(preview["rewards"].begin(), preview["rewards"].end(),
                         [&](const json& r) { return r["status"] == status; });
    };
    requirements += status_seen("requirement_not_met");
    audiences += status_seen("audience_locked");
    members += state.contains("membership") && state["membership"]["status"] != "none";
    steps += preview.contains("challenges") && !preview["challenges"].empty();
    cashback += preview["totals"].value("store_credit_earned_minor", std::int64_t{0}) > 0;
    segments +=
        std::any_of(preview["points"]["lines"].begin(), preview["points"]["lines"].end(),
                    [](const json& l) { return l["explain"]["key"] == "audience.segment"; });
    ++checked;
    if (HasFailure()) break;
  }
  EXPECT_GT(checked, 0);
  if (!std::getenv("LOYALTY_SEED")) {
    // The generator reaches what the promise covers (each in at least 1 case in 30).
    for (const int covered : {with_rewards, birthdays, held, tiers, cards, vouchers, rejections,
                              requirements, audiences, members, steps, cashback, segments})
      EXPECT_GT(covered * 30, checked)
          << "rewards " << with_rewards << ", birthdays " << birthdays << ", held bonuses " << held
          << ", tiers " << tiers << ", cards " << cards << ", vouchers " << vouchers
          << ", rejections " << rejections << ", requirements " << requirements << ", audiences "
          << audiences << ", memberships " << members << ", challenge steps " << steps
          << ", cashback " << cashback << ", segments entered " << segments << " of " << checked;
  }
}

TEST(Replay, DeterministicIdempotentAndSplittable) {
  for (const auto seed : seeds(800)) {
    SCOPED_TRACE("LOYALTY_SEED=" + std::to_string(seed));
    Generator g(seed);
    const json program = g.program();
    const json events = g.history(program, 30);
    const std::string whole = call("replay", json{{"program", program}, {"events", events}}.dump());
    ASSERT_FALSE(is_error(whole)) << whole;

    // Shuffled and duplicated: sorted by (at, id), each id counted once.
    json shuffled = events;
    for (const auto& e : events)
      if (g.chance(30)) shuffled.push_back(e);
    std::mt19937_64 rng(seed);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    EXPECT_EQ(call("replay", json{{"program", program}, {"events", shuffled}}.dump()), whole);

    // A prefix replayed, then the rest applied one by one (in order).
    const std::size_t cut =
        events.empty() ? 0 : static_cast<std::size_t>(g.pick(static_cast<int>(events.size()) + 1));
    json prefix = json::array();
    for (std::size_t i = 0; i < cut; ++i) prefix.push_back(events[i]);
    std::string state = call("replay", json{{"program", program}, {"events", prefix}}.dump());
    for (std::size_t i = cut; i < events.size(); ++i) {
      state = call(
          "apply",
          json{{"program", program}, {"state", json::parse(state)}, {"event", events[i]}}.dump());
      ASSERT_FALSE(is_error(state)) << state;
    }
    EXPECT_EQ(state, whole);
    // Applying an event again changes nothing.
    if (!events.empty()) {
      const std::string again =
          call("apply",
               json{{"program", program}, {"state", json::parse(whole)}, {"event", events.back()}}
                   .dump());
      EXPECT_EQ(again, whole);
    }
    if (HasFailure()) break;
  }
}

TEST(Ledger, PointsAddUp) {
  // balance + pending = earned + adjusted − redeemed − expired, whatever happened.
  for (const auto seed : seeds(500)) {
    SCOPED_TRACE("LOYALTY_SEED=" + std::to_string(seed));
    Generator g(seed);
    const json program = g.program();
    const json state = run("replay", {{"program", program}, {"events", g.history(program, 40)}});
    ASSERT_FALSE(state.contains("error"));
    std::int64_t pending = 0;
    for (const auto& p : state["pending"]) pending += p["points"].get<std::int64_t>();
    const json& l = state["lifetime"];
    EXPECT_EQ(state["balance"].get<std::int64_t>() + pending,
              l["earned"].get<std::int64_t>() + l["adjusted"].get<std::int64_t>() -
                  l["redeemed"].get<std::int64_t>() - l["expired"].get<std::int64_t>());
    std::int64_t lots = 0;
    for (const auto& lot : state["lots"]) lots += lot["points"].get<std::int64_t>();
    EXPECT_EQ(lots, std::max<std::int64_t>(0, state["balance"].get<std::int64_t>()));
    // Every history entry's lines add up to its points; a refund's name their order.
    for (const auto& h : state["history"]) {
      std::int64_t sum = 0;
      for (const auto& line : h["lines"]) {
        sum += line["points"].get<std::int64_t>();
        if (h["kind"] == "refund") EXPECT_EQ(line["explain"]["args"]["order_id"], h["order_id"]);
      }
      EXPECT_EQ(sum, h["points"].get<std::int64_t>()) << h.dump();
    }
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace loyalty
