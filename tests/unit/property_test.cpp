// Promises checked on generated inputs (fixed seed; LOYALTY_SEED=<n> replays one case;
// LOYALTY_PROPERTY_PERCENT=<p> runs p% of the cases, as the sanitized build does):
// - the preview promise: preview of a cart equals what apply of the matching order posts;
// - replay is deterministic and idempotent: shuffled or duplicated events, or a replay split
//   into a prefix plus applies, give byte-identical state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "../support/generate.hpp"
#include "loyalty/loyalty.hpp"

namespace loyalty {
namespace {

using testing::Generator;
using json = nlohmann::json;

json run(const std::string& op, const json& request) {
  return json::parse(call(op, request.dump()));
}

std::vector<std::uint64_t> seeds(int count) {
  if (const char* one = std::getenv("LOYALTY_SEED")) return {std::strtoull(one, nullptr, 10)};
  if (const char* percent = std::getenv("LOYALTY_PROPERTY_PERCENT"))
    count = std::max(1, count * std::atoi(percent) / 100);
  std::vector<std::uint64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(1000 + static_cast<std::uint64_t>(i));
  return out;
}

TEST(PreviewPromise, PreviewEqualsWhatApplyPosts) {
  int checked = 0, with_rewards = 0;
  for (const auto seed : seeds(3000)) {
    SCOPED_TRACE("LOYALTY_SEED=" + std::to_string(seed));
    Generator g(seed);
    const json program = g.program();
    const json events = g.history(program);
    const json state = run("replay", {{"program", program}, {"events", events}});
    ASSERT_FALSE(state.contains("error")) << state.dump();
    const std::string at = g.timestamp(1793491200, 1793491200 + 86400 * 20);
    const json cart = g.cart(program, at);
    const json preview = run(
        "preview",
        {{"program", program}, {"state", state}, {"cart", cart}, {"redeem", g.redeem(program)}});
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
    const json& history = after["history"];
    json earn, spent;
    for (const auto& h : history) {
      if (h["event_id"] != "new-order") continue;
      ASSERT_NE(h["kind"], "rejected") << h.dump() << "\npreview: " << preview.dump();
      if (h["kind"] == "earn") earn = h;
      if (h["kind"] == "redeem") spent = h;
    }
    ASSERT_FALSE(earn.is_null());
    EXPECT_EQ(earn["points"], preview["points"]["total"]);
    EXPECT_EQ(earn["lines"], preview["points"]["lines"]);
    EXPECT_EQ(after["balance"], preview["balance_after"]);
    if (!preview["tier"].is_null()) {
      EXPECT_EQ(after["tier"]["id"], preview["tier"]["after"]);
      EXPECT_EQ(after["tier"]["qualifying"], preview["tier"]["qualifying_after"]);
    }
    for (const auto& card : preview["punch_cards"])
      EXPECT_EQ(after["punch_cards"][card["id"].get<std::string>()], card["punches_after"]);
    const std::size_t issued =
        earn.contains("vouchers_issued") ? earn["vouchers_issued"].size() : 0;
    EXPECT_EQ(issued, preview["vouchers_issued"].size());
    std::int64_t cost = 0;
    for (const auto& a : preview["redeem"]["applied"]) cost += a["cost"].get<std::int64_t>();
    EXPECT_EQ(spent.is_null() ? 0 : -spent["points"].get<std::int64_t>(), cost);
    ++checked;
    if (HasFailure()) break;
  }
  EXPECT_GT(checked, 0);
  if (!std::getenv("LOYALTY_SEED"))
    EXPECT_GT(with_rewards * 30, checked);  // the generator exercises rewards (>100 of 3000)
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
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace loyalty
