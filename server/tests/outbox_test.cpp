// Webhooks end to end (spec/sync.md, "Webhooks"), on either store: every committed event reaches
// a receiver at least once, signed; a write that is refused or rolled back sends nothing; a
// receiver that is down gets everything once it is back; and deliveries committed before a
// SIGKILL of the sender are posted by the next server over the same database.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "clock.hpp"
#include "harness.hpp"
#include "receiver.hpp"
#include "webhook_signature.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

const char* kWebhookSecret = "whsec_outbox_test";

class Outbox : public ::testing::Test {
 protected:
  std::unique_ptr<ServerProcess> start(const Receiver& receiver) {
    const std::string secret_file = dir_.path() + "/webhook.secret";
    std::ofstream(secret_file) << kWebhookSecret << "\n";
    return std::make_unique<ServerProcess>(
        dir_.path() + "/outbox.db",
        std::vector<std::string>{"--program", program_path("basic.json"), "--webhook-url",
                                 receiver.url(), "--webhook-secret-file", secret_file,
                                 "--webhook-retry-ms", "200"});
  }
  std::string key() {
    return "ob-" + std::to_string(++counter_) + "-" + std::to_string(srv::now_ms());
  }
  int post(const ServerProcess& s, const std::string& path, const json& body) {
    auto r = s.client()->Post(path, admin(key()), body.dump(), "application/json");
    return r ? r->status : 0;
  }
  static std::set<std::string> types(const std::vector<Delivery>& got) {
    std::set<std::string> out;
    for (const auto& d : got) out.insert(json::parse(d.body)["type"].get<std::string>());
    return out;
  }
  static std::set<std::string> ids(const std::vector<Delivery>& got) {
    std::set<std::string> out;
    for (const auto& d : got) out.insert(d.event_id);
    return out;
  }

  TempDir dir_;
  int counter_ = 0;
};

json order(const std::string& member, const std::string& id, long long price) {
  return json::parse(R"({"member_id":")" + member + R"(","order_id":")" + id + R"(","cart":)" +
                     cart_json(price) + "}");
}

TEST_F(Outbox, CommittedEventsArriveSignedAndRefusedWritesSendNothing) {
  Receiver receiver(200);
  auto server = start(receiver);
  ASSERT_EQ(post(*server, "/v1/members", {{"member_id", "m-1"}, {"email", "m1@example.com"}}), 201);
  ASSERT_EQ(post(*server, "/v1/orders", order("m-1", "o-1", 60000)), 200);
  // 600 points unlock both rewards: the mug (100) and S/ 5 off (500).
  const std::set<std::string> expected{
      "m-1:member.enrolled:srv-000000000001", "m-1:points.earned:srv-000000000002:1",
      "m-1:reward.unlocked:5-off:srv-000000000002", "m-1:reward.unlocked:mug:srv-000000000002"};
  ASSERT_TRUE(receiver.wait_for([&](const auto& got) { return ids(got) == expected; },
                                std::chrono::seconds(10)))
      << receiver.deliveries().size();
  const auto got = receiver.deliveries();
  EXPECT_EQ(got.size(), expected.size()) << "each event once while the receiver says 2xx";
  for (const auto& d : got) {
    EXPECT_TRUE(
        srv::webhook_signature_valid(d.signature, kWebhookSecret, d.body, srv::now_ms() / 1000))
        << d.signature;
    const json body = json::parse(d.body);
    EXPECT_EQ(body["id"], d.event_id);
    EXPECT_EQ(body["data"]["member_id"], "m-1");
  }
  // A redemption the rules refuse (no such reward: stored as a rejection) and an order with a
  // bad cart change nothing, so they send nothing.
  const std::size_t before = got.size();
  auto refused = server->client()->Post("/v1/members/me/redemptions", shopper(token("m-1"), key()),
                                        R"({"reward":"no-such-reward"})", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422) << refused->body;
  EXPECT_EQ(post(*server, "/v1/orders", {{"member_id", "m-1"}, {"order_id", "o-2"}, {"cart", 5}}),
            400);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(receiver.deliveries().size(), before);
}

TEST_F(Outbox, AReceiverThatIsDownForAWhileGetsEverythingAfterwards) {
  Receiver receiver(503);
  auto server = start(receiver);
  ASSERT_EQ(post(*server, "/v1/members", {{"member_id", "m-2"}, {"email", "m2@example.com"}}), 201);
  ASSERT_EQ(post(*server, "/v1/orders", order("m-2", "o-1", 2000)), 200);
  ASSERT_TRUE(
      receiver.wait_for([](const auto& got) { return got.size() >= 4; }, std::chrono::seconds(10)))
      << "the failed deliveries are retried";
  const std::set<std::string> wanted = ids(receiver.deliveries());
  receiver.answer(200);
  ASSERT_TRUE(receiver.wait_for(
      [&](const auto& got) {
        std::set<std::string> ok;
        for (const auto& d : got)
          if (d.answered == 200) ok.insert(d.event_id);
        return ok == wanted;
      },
      std::chrono::seconds(15)));
  // Delivered once accepted: no more posts of those events.
  const std::size_t delivered = receiver.deliveries().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(receiver.deliveries().size(), delivered);
}

TEST_F(Outbox, DeliveriesCommittedBeforeASigkillArePostedByTheNextServer) {
  std::set<std::string> wanted;
  int port = 0;
  {
    Receiver down(503);
    auto server = start(down);
    ASSERT_EQ(post(*server, "/v1/members", {{"member_id", "m-3"}, {"email", "m3@example.com"}}),
              201);
    for (int i = 0; i < 5; ++i)
      ASSERT_EQ(post(*server, "/v1/orders", order("m-3", "o-" + std::to_string(i), 1500)), 200);
    ASSERT_TRUE(down.wait_for([](const auto& got) { return ids(got).size() >= 6; },
                              std::chrono::seconds(10)));
    wanted = ids(down.deliveries());
    port = down.port();
    server->kill9();
  }
  Receiver up(200, {}, port);  // the merchant's backend is back, at the same URL
  ASSERT_EQ(up.port(), port);
  auto next = start(up);
  ASSERT_TRUE(
      up.wait_for([&](const auto& got) { return ids(got) == wanted; }, std::chrono::seconds(15)))
      << "every committed event, from the outbox the killed server left";
}

// A referee's first order owes the referrer a credit, written with the order: paid at once, and
// after a crash between the two (the row left in referrals_owed) by the next server.
TEST(ReferralsOwed, ACreditACrashLeftOwedIsPaidByTheNextServer) {
  TempDir dir;
  const std::string db = dir.path() + "/referrals.db";
  const std::vector<std::string> args{"--program", program_path("basic.json")};
  auto enrol = [](ServerProcess& s, const json& body) {
    return s.client()->Post("/v1/members", admin("e-" + body["member_id"].get<std::string>()),
                            body.dump(), "application/json");
  };
  const auto balance = [](ServerProcess& s, const std::string& member) {
    return body(s.client()->Get("/v1/members/me", shopper(token(member))))["balance"];
  };
  {
    ServerProcess s(db, args);
    ASSERT_EQ(enrol(s, {{"member_id", "ref"}, {"email", "ref@example.com"}})->status, 201);
    ASSERT_EQ(enrol(s, {{"member_id", "new"}, {"email", "new@example.com"}, {"referred_by", "ref"}})
                  ->status,
              201);
    // The paid-at-once path: a first order credits the referrer and owes nothing afterwards.
    ASSERT_EQ(enrol(s, {{"member_id", "ref2"}, {"email", "ref2@example.com"}})->status, 201);
    ASSERT_EQ(
        enrol(s, {{"member_id", "new2"}, {"email", "new2@example.com"}, {"referred_by", "ref2"}})
            ->status,
        201);
    auto order = s.client()->Post(
        "/v1/orders", admin("o-new2"),
        json::parse(R"({"member_id":"new2","order_id":"o-1","cart":)" + cart_json(1000) + "}")
            .dump(),
        "application/json");
    ASSERT_EQ(order->status, 200) << order->body;
    EXPECT_EQ(balance(s, "ref2"), 50);
    EXPECT_EQ(query(db, "SELECT COUNT(*) AS n FROM referrals_owed"), "n=0\n");
    s.kill9();
  }
  // As if "new"'s first order had committed and the server died before the referrer's credit.
  query(db, "INSERT INTO referrals_owed(referee, referrer, created_ms) VALUES ('new', 'ref', 0)");
  ServerProcess next(db, args);
  for (int i = 0; i < 80 && balance(next, "ref") != 50; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(balance(next, "ref"), 50) << "the credit the crash left owed is paid at start";
  EXPECT_EQ(query(db, "SELECT COUNT(*) AS n FROM referrals_owed"), "n=0\n");
  EXPECT_EQ(balance(next, "ref2"), 50) << "and nothing is paid twice";
}

}  // namespace
