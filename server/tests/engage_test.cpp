// Issue 16's server routes over loopback HTTP (docs/engagement-json.md "Server"): spins with the
// server's draw, coupon claims with the server's global cap (--coupon-cap), and the merchant's
// membership events. The rules are the core's; these tests check what the server adds: the draw,
// idempotent answers, the cap counted in the database, the request checks and the status codes.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "clock.hpp"
#include "harness.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

class Engage : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start(std::vector<std::string> extra = {}) {
    http_.reset();
    server_.reset();
    extra.insert(extra.begin(), {"--program", program_path("engage.json"), "--sync", "normal"});
    server_ = std::make_unique<ServerProcess>(dir_.path() + "/engage.db", extra);
    http_ = server_->client();
  }
  std::string key() {
    return "e-" + std::to_string(++counter_) + "-" + std::to_string(srv::now_ms());
  }
  void enrol(const std::string& member) {
    auto r = http_->Post("/v1/members", admin(key()),
                         json{{"member_id", member}, {"email", member + "@example.com"}}.dump(),
                         "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
  }
  httplib::Result spin(const std::string& member, const std::string& wheel,
                       const std::string& k = "") {
    return http_->Post("/v1/members/me/spins", shopper(token(member), k.empty() ? key() : k),
                       json{{"wheel", wheel}}.dump(), "application/json");
  }
  httplib::Result claim(const std::string& member, const std::string& code,
                        const std::string& k = "") {
    return http_->Post("/v1/members/me/claims", shopper(token(member), k.empty() ? key() : k),
                       json{{"code", code}}.dump(), "application/json");
  }
  httplib::Result membership(const std::string& member, const json& event,
                             const std::string& k = "") {
    return http_->Post("/v1/members/" + member + "/membership", admin(k.empty() ? key() : k),
                       event.dump(), "application/json");
  }
  json events(const std::string& member) {
    auto r = http_->Get("/v1/events?member=" + member + "&limit=1000", admin());
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body.substr(0, 300);
    return body(r);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> http_;
  std::atomic<int> counter_{0};
};

TEST_F(Engage, SpinAnswersThePrizeTheServerDrewAndARetryTheSamePrize) {
  enrol("ana");
  auto first = spin("ana", "lucky", "spin-1");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const json a = body(first);
  ASSERT_TRUE(a["prize"].is_object()) << first->body;
  const std::string id = a["prize"]["id"];
  EXPECT_TRUE(id == "p50" || id == "bun" || id == "none") << id;
  if (id == "p50") EXPECT_EQ(a["prize"]["points"], 50);
  if (id == "bun") {
    EXPECT_EQ(a["prize"]["reward"], "free-bun");
    EXPECT_TRUE(a["prize"]["voucher"].is_string());
  }
  EXPECT_EQ(a["state"]["member_id"], "ana");
  EXPECT_EQ(a["state"]["balance"], id == "p50" ? 50 : 0);

  // The same key again: the first answer, the same prize, nothing applied twice.
  auto again = spin("ana", "lucky", "spin-1");
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(body(again)["prize"], a["prize"]);
  EXPECT_EQ(body(again)["state"]["balance"], a["state"]["balance"]);
  const json ledger = events("ana");
  int spins = 0;
  for (const auto& e : ledger["events"]) {
    if (e["type"] != "spin") continue;
    ++spins;
    ASSERT_TRUE(e["event"]["draw"].is_number_integer()) << e.dump();
    EXPECT_GE(e["event"]["draw"].get<long long>(), 0);
    EXPECT_EQ(e["event"]["wheel"], "lucky");
  }
  EXPECT_EQ(spins, 1);
}

// An Idempotency-Key is the caller's own: another shopper sending the same key gets their own
// spin and claim, never the first caller's answer, and cannot block the first caller's retry.
TEST_F(Engage, AKeyUsedByAnotherShopperIsTheirOwn) {
  enrol("kim");
  enrol("lee");
  auto kim_spin = spin("kim", "lucky", "shared-key");
  ASSERT_EQ(kim_spin->status, 200) << kim_spin->body;
  auto lee_spin = spin("lee", "lucky", "shared-key");
  ASSERT_EQ(lee_spin->status, 200) << lee_spin->body;
  EXPECT_EQ(body(lee_spin)["state"]["member_id"], "lee");
  auto kim_claim = claim("kim", "NEWS10", "shared-claim");
  ASSERT_EQ(kim_claim->status, 200) << kim_claim->body;
  auto lee_claim = claim("lee", "NEWS10", "shared-claim");
  ASSERT_EQ(lee_claim->status, 200) << lee_claim->body;
  EXPECT_EQ(body(lee_claim)["state"]["member_id"], "lee");
  EXPECT_NE(body(lee_claim)["voucher"], body(kim_claim)["voucher"]);

  // Each one's ledger holds exactly its own spin; the first caller's retry is still its answer.
  for (const char* member : {"kim", "lee"}) {
    const json ledger = events(member);
    int spins = 0, claims = 0;
    for (const auto& e : ledger["events"]) {
      spins += e["type"] == "spin";
      claims += e["type"] == "claim";
    }
    EXPECT_EQ(spins, 1) << member;
    EXPECT_EQ(claims, 1) << member;
  }
  EXPECT_EQ(body(spin("kim", "lucky", "shared-key")), body(kim_spin));
  EXPECT_EQ(body(claim("kim", "NEWS10", "shared-claim")), body(kim_claim));
}

TEST_F(Engage, DrawsAreTheServersAndVary) {
  enrol("ben");
  std::set<std::string> prizes;
  for (int i = 0; i < 45; ++i) {
    auto r = spin("ben", "lucky");
    ASSERT_EQ(r->status, 200) << r->body;
    prizes.insert(body(r)["prize"]["id"].get<std::string>());
  }
  // Three equal weights: missing one in 45 fair draws has probability 3 * (2/3)^45 < 1e-7.
  EXPECT_EQ(prizes, (std::set<std::string>{"p50", "bun", "none"}));
  std::set<long long> draws;
  const json ledger = events("ben");  // kept: a range-for over a temporary's member dangles
  for (const auto& e : ledger["events"])
    if (e["type"] == "spin") draws.insert(e["event"]["draw"].get<long long>());
  EXPECT_EQ(draws.size(), 45u) << "63-bit draws from the CSPRNG do not repeat";
}

TEST_F(Engage, SpinRefusalsAndRequestChecks) {
  enrol("cat");
  ASSERT_EQ(spin("cat", "daily")->status, 200);
  auto twice = spin("cat", "daily");
  EXPECT_EQ(twice->status, 422) << twice->body;
  EXPECT_EQ(body(twice)["error"]["code"], "limit_exceeded");

  // The shopper chooses nothing: a draw in the body is refused, not used.
  auto chosen = http_->Post("/v1/members/me/spins", shopper(token("cat"), key()),
                            R"({"wheel":"lucky","draw":0})", "application/json");
  EXPECT_EQ(chosen->status, 400);
  EXPECT_EQ(body(chosen)["error"]["path"], "/draw");
  auto no_wheel =
      http_->Post("/v1/members/me/spins", shopper(token("cat"), key()), "{}", "application/json");
  EXPECT_EQ(no_wheel->status, 400);
  EXPECT_EQ(body(no_wheel)["error"]["path"], "/wheel");
  auto no_key = http_->Post("/v1/members/me/spins", shopper(token("cat")), R"({"wheel":"lucky"})",
                            "application/json");
  EXPECT_EQ(no_key->status, 400);
  EXPECT_EQ(body(no_key)["error"]["code"], "missing_idempotency_key");
  auto no_token = http_->Post("/v1/members/me/spins", httplib::Headers{{"Idempotency-Key", key()}},
                              R"({"wheel":"lucky"})", "application/json");
  EXPECT_EQ(no_token->status, 401);
  auto stranger = spin("nobody", "lucky");
  EXPECT_EQ(stranger->status, 404);
}

TEST_F(Engage, SpinsAreRateLimited) {
  start({"--rate-limit", "1"});
  enrol("dan");
  int limited = 0;
  for (int i = 0; i < 6; ++i)
    if (spin("dan", "lucky")->status == 429) ++limited;
  EXPECT_GT(limited, 0);
}

TEST_F(Engage, ClaimIssuesTheVoucherOncePerMember) {
  enrol("eva");
  auto r = claim("eva", "  news10 ", "claim-1");
  ASSERT_EQ(r->status, 200) << r->body;
  const json a = body(r);
  EXPECT_EQ(a["reward"], "10-pct");
  ASSERT_TRUE(a["voucher"].is_string());
  bool held = false;
  for (const auto& v : a["state"]["vouchers"]) held = held || v["id"] == a["voucher"];
  EXPECT_TRUE(held) << a["state"]["vouchers"].dump();
  EXPECT_EQ(body(claim("eva", "  news10 ", "claim-1")), a) << "a retry answers the first claim";

  auto second = claim("eva", "NEWS10");
  EXPECT_EQ(second->status, 422);
  EXPECT_EQ(body(second)["error"]["code"], "limit_exceeded");
  auto unknown = claim("eva", "NOPE");
  EXPECT_EQ(unknown->status, 422);
  EXPECT_EQ(body(unknown)["error"]["code"], "unknown_reward");
  auto extra = http_->Post("/v1/members/me/claims", shopper(token("eva"), key()),
                           R"({"code":"NEWS10","member_id":"someone"})", "application/json");
  EXPECT_EQ(extra->status, 400);
}

TEST_F(Engage, CouponCapCountsMembersInTheDatabase) {
  start({"--coupon-cap", " News10 =2", "--coupon-cap", "BUN=1"});
  for (const char* m : {"m-a", "m-b", "m-c", "m-d"}) enrol(m);
  ASSERT_EQ(claim("m-a", "NEWS10")->status, 200);
  ASSERT_EQ(claim("m-b", "news10")->status, 200);
  auto third = claim("m-c", "NEWS10", "cap-c");
  EXPECT_EQ(third->status, 422) << third->body;
  EXPECT_EQ(body(third)["error"]["code"], "limit_exceeded");
  EXPECT_EQ(claim("m-c", "NEWS10", "cap-c")->status, 422) << "a retry answers the refusal";
  auto me = http_->Get("/v1/members/me", shopper(token("m-c")));
  EXPECT_TRUE(body(me)["vouchers"].empty()) << "nothing of a refused claim is stored";
  const json ledger = events("m-c");
  for (const auto& e : ledger["events"]) EXPECT_NE(e["type"], "claim");

  // A member counts once however often per_member lets them claim (BUN: 5 each, 1 member).
  ASSERT_EQ(claim("m-a", "BUN")->status, 200);
  EXPECT_EQ(claim("m-a", "BUN")->status, 200);
  EXPECT_EQ(claim("m-b", "BUN")->status, 422);

  // The count is in the database: a restarted server still refuses.
  start({"--coupon-cap", "NEWS10=2"});
  EXPECT_EQ(claim("m-d", "NEWS10")->status, 422);
  // A code in an order claims it too, and is counted the same way.
  auto order = http_->Post(
      "/v1/orders", admin(key()),
      R"({"member_id":"m-d","order_id":"o-1","coupons":["NEWS10"],"cart":)" + cart_json(2000) + "}",
      "application/json");
  EXPECT_EQ(order->status, 422) << order->body;
  EXPECT_EQ(body(order)["error"]["code"], "limit_exceeded");
  // Without a cap the same claim goes through.
  start();
  EXPECT_EQ(claim("m-d", "NEWS10")->status, 200);
}

TEST_F(Engage, CouponCapHoldsWhenMembersRace) {
  start({"--coupon-cap", "NEWS10=3"});
  const int n = 12;
  for (int i = 0; i < n; ++i) enrol("r-" + std::to_string(i));
  std::atomic<int> ok{0}, capped{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      auto c = server_->client();
      auto r = c->Post("/v1/members/me/claims",
                       shopper(token("r-" + std::to_string(i)), "race-" + std::to_string(i)),
                       R"({"code":"NEWS10"})", "application/json");
      if (r && r->status == 200)
        ++ok;
      else if (r && r->status == 422 && body(r)["error"]["code"] == "limit_exceeded")
        ++capped;
      else
        ++other;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(capped.load(), n - 3);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(Engage, CouponCapFlagIsChecked) {
  EXPECT_THROW(start({"--coupon-cap", "NEWS10"}), std::runtime_error);
  EXPECT_THROW(start({"--coupon-cap", "=3"}), std::runtime_error);
  EXPECT_THROW(start({"--coupon-cap", "NEWS10=-1"}), std::runtime_error);
}

TEST_F(Engage, MembershipEventsFromTheMerchant) {
  enrol("fay");
  auto started = membership("fay", {{"type", "membership_start"}});
  ASSERT_EQ(started->status, 200) << started->body;
  EXPECT_EQ(body(started)["membership"]["status"], "trial");
  const std::string trial_until = body(started)["membership"]["until"];

  auto paid = membership("fay", {{"type", "membership_payment"}, {"amount_minor", 1990}}, "pay-1");
  ASSERT_EQ(paid->status, 200) << paid->body;
  EXPECT_NE(body(paid)["membership"]["until"], trial_until) << "a payment extends from until";
  EXPECT_EQ(
      body(membership("fay", {{"type", "membership_payment"}, {"amount_minor", 1990}}, "pay-1")),
      body(paid))
      << "a retried payment is not taken twice";
  auto wrong = membership("fay", {{"type", "membership_payment"}, {"amount_minor", 1000}});
  EXPECT_EQ(wrong->status, 422);
  EXPECT_EQ(body(wrong)["error"]["code"], "not_eligible");
  auto cancelled = membership("fay", {{"type", "membership_cancel"}});
  ASSERT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_EQ(body(cancelled)["membership"]["status"], "cancelled");
}

TEST_F(Engage, MembershipRouteChecks) {
  enrol("gus");
  auto as_shopper = http_->Post("/v1/members/gus/membership", shopper(token("gus"), key()),
                                R"({"type":"membership_start"})", "application/json");
  EXPECT_EQ(as_shopper->status, 403);
  auto bad_type = membership("gus", {{"type", "order"}});
  EXPECT_EQ(bad_type->status, 400);
  EXPECT_EQ(body(bad_type)["error"]["path"], "/type");
  auto no_amount = membership("gus", {{"type", "membership_payment"}});
  EXPECT_EQ(no_amount->status, 400);
  EXPECT_EQ(body(no_amount)["error"]["path"], "/amount_minor");
  auto stray_amount = membership("gus", {{"type", "membership_start"}, {"amount_minor", 5}});
  EXPECT_EQ(stray_amount->status, 400);
  auto extra = membership("gus", {{"type", "membership_start"}, {"note", "x"}});
  EXPECT_EQ(extra->status, 400);
  EXPECT_EQ(body(extra)["error"]["path"], "/note");
  auto unknown = membership("nobody", {{"type", "membership_start"}});
  EXPECT_EQ(unknown->status, 404);
  auto nested = http_->Post("/v1/members/a/b/membership", admin(key()),
                            R"({"type":"membership_start"})", "application/json");
  EXPECT_EQ(nested->status, 404);
  auto get = http_->Get("/v1/members/gus/membership", admin());
  EXPECT_EQ(get->status, 404);
}

}  // namespace
