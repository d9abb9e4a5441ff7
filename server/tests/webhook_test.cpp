// The webhook pieces that need no server (spec/sync.md, "Webhooks"): the signature against a value
// computed with `openssl dgst -sha256 -hmac`, its checks, the retry schedule, and the events one
// write and one sweep give, from states the core itself made.
#include <gtest/gtest.h>

#include <map>

#include "loyalty/loyalty.hpp"
#include "loyalty/time.hpp"
#include "receiver.hpp"
#include "webhook_client.hpp"
#include "webhook_events.hpp"
#include "webhook_signature.hpp"

using nlohmann::json;

namespace {

TEST(WebhookSignature, IsTheHmacOfTimeDotBody) {
  // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
  EXPECT_EQ(srv::webhook_signature("whsec_test", 1700000000, R"({"a":1})"),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
}

TEST(WebhookSignature, ChecksBodySecretAndTime) {
  const std::string body = R"({"id":"m-1:points.earned:e1:1"})";
  const std::string header = srv::webhook_signature("s3cret", 1700000000, body);
  EXPECT_TRUE(srv::webhook_signature_valid(header, "s3cret", body, 1700000100));
  EXPECT_FALSE(srv::webhook_signature_valid(header, "s3cret", body + " ", 1700000100));
  EXPECT_FALSE(srv::webhook_signature_valid(header, "other", body, 1700000100));
  EXPECT_FALSE(srv::webhook_signature_valid(header, "s3cret", body, 1700000000 + 301))
      << "a stale delivery is a replay";
  EXPECT_FALSE(srv::webhook_signature_valid("v1=abc", "s3cret", body, 1700000000));
  EXPECT_FALSE(srv::webhook_signature_valid("t=x,v1=abc", "s3cret", body, 1700000000));
}

TEST(WebhookRetries, DoubleFromThirtySecondsToAnHourForThreeDays) {
  EXPECT_EQ(srv::webhook_retry_delay_ms(1), 30'000);
  EXPECT_EQ(srv::webhook_retry_delay_ms(2), 60'000);
  EXPECT_EQ(srv::webhook_retry_delay_ms(7), 1'920'000);
  EXPECT_EQ(srv::webhook_retry_delay_ms(8), 3'600'000);
  EXPECT_EQ(srv::webhook_retry_delay_ms(500), 3'600'000);
  EXPECT_FALSE(srv::webhook_gives_up(0, 3LL * 86'400'000));
  EXPECT_TRUE(srv::webhook_gives_up(0, 3LL * 86'400'000 + 1));
}

// A program with a tier at 100 points and a reward that costs 100, so one order crosses both.
const char* kProgram = R"({"schema":"loyalty-program/1","id":"hooks","currency":"USD",
  "utc_offset":"-05:00","expiry":{"policy":"rolling","days":30},
  "earn":[{"id":"base","type":"per_spend","points":1,"per_minor":100}],
  "tiers":{"basis":"points","period":"lifetime","levels":[{"id":"member","min":0},{"id":"gold","min":100}]},
  "rewards":[{"id":"10-off","type":"fixed_discount","amount_minor":1000,"cost":100},
             {"id":"gold-gift","type":"fixed_discount","amount_minor":500,"cost":120,"audience":{"tiers":["gold"]}},
             {"id":"vip","type":"fixed_discount","amount_minor":500,"cost":110,"audience":{"min_member_days":365}}],
  "punch_cards":[{"id":"card","required":1,"reward":"10-off","match":{}}]})";

json replay(const loyalty::Engine& engine, const json& events, const char* now) {
  return json::parse(engine.call("replay", json{{"events", events}, {"now", now}}.dump()));
}

json order(const char* id, const char* at, long long price) {
  return {{"id", id},
          {"at", at},
          {"type", "order"},
          {"order_id", std::string("o-") + id},
          {"cart",
           {{"currency", "USD"},
            {"lines", {{{"sku", "a"}, {"unit_price_minor", price}, {"quantity", 1}}}}}}};
}

std::map<std::string, json> by_type(const std::vector<srv::WebhookEvent>& events) {
  std::map<std::string, json> out;
  for (const auto& e : events) out[e.type + "|" + e.id] = e.data;
  return out;
}

TEST(WebhookEvents, OneOrderThatCrossesATierAndARewardSaysEachOnce) {
  const loyalty::Engine engine(kProgram);
  ASSERT_TRUE(engine.ok()) << engine.error_json();
  const json enroll = {{"id", "e1"},
                       {"at", "2026-03-01T10:00:00-05:00"},
                       {"type", "enroll"},
                       {"member_id", "m-1"},
                       {"channel", "pos"}};
  const json before = replay(engine, json::array({enroll}), "2026-03-01T10:00:00-05:00");
  const json after =
      replay(engine, json::array({enroll, order("o1", "2026-03-02T10:00:00-05:00", 15000)}),
             "2026-03-02T10:00:00-05:00");
  ASSERT_TRUE(after.contains("balance")) << after.dump().substr(0, 300);
  const std::vector<json> written(after["history"].begin() + before["history"].size(),
                                  after["history"].end());
  const json catalog = json::parse(
      engine.call("catalog", json{{"state", after}, {"now", "2026-03-02T10:00:00-05:00"}}.dump()));
  const auto events =
      by_type(srv::webhook_events({"m-1", "o1", &before, &after, &written, &catalog}));
  EXPECT_EQ(events.at("points.earned|m-1:points.earned:o1:1")["points"], 150);
  EXPECT_EQ(events.at("tier.changed|m-1:tier.changed:o1"),
            (json{{"member_id", "m-1"}, {"from", "member"}, {"to", "gold"}}));
  EXPECT_EQ(events.at("reward.unlocked|m-1:reward.unlocked:10-off:o1")["cost"], 100);
  EXPECT_EQ(events.at("reward.unlocked|m-1:reward.unlocked:gold-gift:o1")["balance"], 150);
  EXPECT_FALSE(events.count("reward.unlocked|m-1:reward.unlocked:vip:o1")) << "its audience fails";
  EXPECT_EQ(events.at("voucher.issued|m-1:voucher.issued:v-o1-1")["reward"], "10-off");
  EXPECT_EQ(events.size(), 5u);

  // The enrolment alone: a new member (no state before) and its channel.
  const std::vector<json> first(before["history"].begin(), before["history"].end());
  const auto joined =
      by_type(srv::webhook_events({"m-1", "e1", nullptr, &before, &first, nullptr}));
  EXPECT_EQ(joined.at("member.enrolled|m-1:member.enrolled:e1")["channel"], "pos");
}

TEST(WebhookEvents, TheSweepKeysEachInstantSoEveryInstanceMakesTheSameIds) {
  const loyalty::Engine engine(kProgram);
  const json events = json::array({{{"id", "e1"},
                                    {"at", "2026-03-01T10:00:00-05:00"},
                                    {"type", "enroll"},
                                    {"member_id", "m-1"}},
                                   order("o1", "2026-03-02T10:00:00-05:00", 5000)});
  const json state = replay(engine, events, "2026-03-02T10:00:00-05:00");
  const std::int64_t order_ms = *loyalty::parse_rfc3339("2026-03-02T10:00:00-05:00");
  // 20 days later: the 50 points expire on Apr 1, within 14 days.
  const std::int64_t now = order_ms + 20 * 86'400'000LL;
  const json view = json::parse(engine.advance(state.dump(), now));
  srv::SweepFacts facts{"m-1", &state, &view, now, 14, 90, order_ms};
  const auto soon = srv::sweep_events(facts);
  ASSERT_EQ(soon.size(), 1u);
  EXPECT_EQ(soon[0].type, "points.expiring");
  EXPECT_EQ(soon[0].data["points"], 50);
  EXPECT_EQ(srv::sweep_events(facts)[0].id, soon[0].id) << "the same instant, the same id";

  // 100 days later: the points expired (keyed by the expiry instant) and the member lapsed.
  const std::int64_t later = order_ms + 100 * 86'400'000LL;
  const json old = json::parse(engine.advance(state.dump(), later));
  const auto gone = by_type(srv::sweep_events({"m-1", &state, &old, later, 14, 90, order_ms}));
  const std::int64_t expiry = order_ms + 30 * 86'400'000LL;
  EXPECT_EQ(gone.at("points.expired|m-1:points.expired:" + std::to_string(expiry))["points"], 50);
  EXPECT_TRUE(gone.count("member.lapsed|m-1:member.lapsed:" +
                         std::to_string(order_ms + 90 * 86'400'000LL)));
  EXPECT_EQ(gone.size(), 2u);
}

TEST(WebhookEvents, BodiesCarryIdTypeTimeAndData) {
  const srv::WebhookEvent e{"m-1:tier.changed:o1", "tier.changed", {{"member_id", "m-1"}}};
  EXPECT_EQ(
      srv::webhook_body(e, "2026-03-02T15:00:00Z"),
      R"({"created_at":"2026-03-02T15:00:00Z","data":{"member_id":"m-1"},"id":"m-1:tier.changed:o1","type":"tier.changed"})");
}

TEST(WebhookClient, UrlsAreHttpOrHttpsWithAHost) {
  srv::WebhookTarget t;
  ASSERT_TRUE(srv::parse_webhook_url("https://shop.example/hooks/loyalty?x=1", t));
  EXPECT_TRUE(t.tls);
  EXPECT_EQ(t.host, "shop.example");
  EXPECT_EQ(t.port, "443");
  EXPECT_EQ(t.target, "/hooks/loyalty?x=1");
  ASSERT_TRUE(srv::parse_webhook_url("http://127.0.0.1:8081", t));
  EXPECT_EQ(t.port, "8081");
  EXPECT_EQ(t.target, "/");
  EXPECT_FALSE(srv::parse_webhook_url("ftp://x/", t));
  EXPECT_FALSE(srv::parse_webhook_url("http://user:pw@x/", t));
  EXPECT_FALSE(srv::parse_webhook_url("http:///path", t));
}

srv::WebhookTarget target_of(const srvtest::Receiver& r) {
  srv::WebhookTarget t;
  srv::parse_webhook_url(r.url(), t);
  return t;
}

TEST(WebhookClient, PostsTheSignedBodyAndReportsTheAnswer) {
  srvtest::Receiver ok(200);
  const std::string body = R"({"id":"m-1:tier.changed:o1"})";
  const std::string sig = srv::webhook_signature("s", 1700000000, body);
  const auto r = srv::post_webhook(target_of(ok), "m-1:tier.changed:o1", sig, body,
                                   std::chrono::milliseconds(2000));
  EXPECT_TRUE(r.delivered()) << r.error;
  ASSERT_EQ(ok.deliveries().size(), 1u);
  const srvtest::Delivery got = ok.deliveries()[0];
  EXPECT_EQ(got.body, body);
  EXPECT_EQ(got.event_id, "m-1:tier.changed:o1");
  EXPECT_TRUE(srv::webhook_signature_valid(got.signature, "s", got.body, 1700000000));
  // Posts in a row all land (a buffer freed while its read ran once turned answers into garbage).
  int delivered = 0;
  for (int i = 0; i < 100; ++i)
    delivered += srv::post_webhook(target_of(ok), "x", sig, body, std::chrono::milliseconds(2000))
                     .delivered();
  EXPECT_EQ(delivered, 100);

  srvtest::Receiver failing(503);
  EXPECT_EQ(
      srv::post_webhook(target_of(failing), "x", sig, body, std::chrono::milliseconds(2000)).status,
      503);
  srvtest::Receiver slow(200, std::chrono::milliseconds(1500));
  const auto late =
      srv::post_webhook(target_of(slow), "x", sig, body, std::chrono::milliseconds(300));
  EXPECT_FALSE(late.delivered());
  EXPECT_EQ(late.status, 0) << "a receiver that does not answer in time is a failed attempt";
  srv::WebhookTarget closed = target_of(ok);
  closed.port = "1";  // nothing listens there
  EXPECT_FALSE(
      srv::post_webhook(closed, "x", sig, body, std::chrono::milliseconds(500)).delivered());
}

}  // namespace
