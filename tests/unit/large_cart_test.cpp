// A large cart whose spend crosses a threshold hundreds of times: every voucher is issued once,
// numbered in order after the punch card's, with its expiry; the points, the punches and the
// preview agree with figures computed here from the cart itself (not read from an answer).
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

constexpr int kLines = 400;
constexpr long long kEvery = 5000;  // a threshold voucher per 50.00 spent
constexpr long long kRequired = 7;  // punches for a card's voucher

json large_program() {
  return program({{"earn",
                   {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}},
                    {{"id", "shoes-extra"},
                     {"type", "per_item"},
                     {"points", 3},
                     {"match", {{"categories", {"shoes"}}}}},
                    {{"id", "spend-reward"},
                     {"type", "spend_threshold"},
                     {"every_minor", kEvery},
                     {"reward", "gift"}}}},
                  {"rewards",
                   {{{"id", "gift"}, {"type", "free_item"}, {"cost", 0}, {"voucher_days", 30}},
                    {{"id", "card-gift"}, {"type", "free_item"}, {"cost", 0}}}},
                  {"punch_cards",
                   {{{"id", "shoe-card"},
                     {"match", {{"categories", {"shoes"}}}},
                     {"required", kRequired},
                     {"reward", "card-gift"}}}}});
}

// Prices and quantities that vary line by line, so the spend grows with the square of the lines
// (as the benchmark's cart does); every third line is a pair of shoes.
json large_lines() {
  json lines = json::array();
  for (int i = 0; i < kLines; ++i)
    lines.push_back(
        line("sku-" + std::to_string(i), 250 + 37 * i, 1 + i % 4, i % 3 == 0 ? "shoes" : "other"));
  return lines;
}

struct Expected {
  long long spend = 0, points = 0, punches = 0, threshold_vouchers = 0, card_vouchers = 0;
};

Expected expected() {
  Expected e;
  long long shoes = 0;
  for (int i = 0; i < kLines; ++i) {
    const long long quantity = 1 + i % 4;
    e.spend += (250 + 37 * i) * quantity;
    if (i % 3 == 0) shoes += quantity;
  }
  e.points = e.spend / 100 + 3 * shoes;
  e.punches = shoes % kRequired;
  e.card_vouchers = shoes / kRequired;
  e.threshold_vouchers = e.spend / kEvery;
  return e;
}

TEST(LargeCart, IssuesEveryThresholdVoucherOnceAndInOrder) {
  const Expected want = expected();
  ASSERT_GT(want.threshold_vouchers, 500);  // the case this test is about
  const std::string at = "2026-05-04T12:00:00-05:00";
  const json s = replay(large_program(), {enroll("e0", "2026-05-01T09:00:00-05:00"),
                                          order("e1", at, "o-1", large_lines())});
  ASSERT_FALSE(s.contains("error")) << s.dump().substr(0, 500);
  EXPECT_EQ(s["balance"], want.points);
  EXPECT_EQ(s["punch_cards"]["shoe-card"], want.punches);

  // Card vouchers first, then the threshold's, numbered 1..N without a gap.
  const json& vouchers = s["vouchers"];
  ASSERT_EQ(vouchers.size(),
            static_cast<std::size_t>(want.card_vouchers + want.threshold_vouchers));
  for (std::size_t k = 0; k < vouchers.size(); ++k) {
    const bool card = k < static_cast<std::size_t>(want.card_vouchers);
    const json& v = vouchers[k];
    ASSERT_EQ(v["id"], "v-e1-" + std::to_string(k + 1)) << k;
    ASSERT_EQ(v["reward"], card ? "card-gift" : "gift") << k;
    ASSERT_EQ(v["source"], card ? "punch_card:shoe-card" : "rule:spend-reward") << k;
    // Only the threshold's reward has voucher_days.
    ASSERT_EQ(v.contains("expires_at") && !v["expires_at"].is_null(), !card) << v.dump();
  }
}

TEST(LargeCart, PreviewListsTheSameVouchersAndPoints) {
  const Expected want = expected();
  const json r = run(
      "preview", {{"program", large_program()},
                  {"state", replay(large_program(), {enroll("e0", "2026-05-01T09:00:00-05:00")})},
                  {"cart", cart(large_lines(), "2026-05-04T12:00:00-05:00")}});
  ASSERT_FALSE(r.contains("error")) << r.dump().substr(0, 500);
  EXPECT_EQ(r["points"]["total"], want.points);
  EXPECT_EQ(r["totals"]["merchandise_minor"], want.spend);
  const json& issued = r["vouchers_issued"];
  ASSERT_EQ(issued.size(), static_cast<std::size_t>(want.card_vouchers + want.threshold_vouchers));
  for (std::size_t k = 0; k < issued.size(); ++k) {
    const bool card = k < static_cast<std::size_t>(want.card_vouchers);
    ASSERT_EQ(issued[k], json({{"reward", card ? "card-gift" : "gift"},
                               {"source", card ? "punch_card:shoe-card" : "rule:spend-reward"}}))
        << k;
  }
}

}  // namespace
}  // namespace loyalty::testing
