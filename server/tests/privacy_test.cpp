// Data protection (spec/sync.md, "Members' identifiers, profile and consent"), on either store:
// an export holds everything kept about a member; an erasure leaves no name, phone, email,
// birthday or id of theirs in any table or log line, keeps their ledger (and balance) under a
// pseudonym, reaches the referrer's rows that named them, answers a retry the same, and both
// are recorded. The simulator's ledger sample is pseudonymous and replays to the same balances.
#include <gtest/gtest.h>

#include <fstream>

#include "clock.hpp"
#include "harness.hpp"
#include "loyalty/loyalty.hpp"
#include "personal_data.hpp"
#include "receiver.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

// Every table that names a member (the metrics' totals included).
const char* kTables[] = {"events",          "history",
                         "orders",          "members",
                         "member_ids",      "idempotency",
                         "webhook_outbox",  "data_requests",
                         "referrals_owed",  "coupon_claims",
                         "member_sweep",    "metrics_daily",
                         "metrics_members", "metrics_member_days",
                         "metrics_marks"};

class Privacy : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string secret = dir_.path() + "/webhook.secret";
    std::ofstream(secret) << "whsec_privacy\n";
    server_ = std::make_unique<ServerProcess>(
        db(), std::vector<std::string>{"--program", program_path("basic.json"), "--webhook-url",
                                       receiver_.url(), "--webhook-secret-file", secret});
  }
  std::string db() const { return dir_.path() + "/privacy.db"; }
  httplib::Result call(const std::string& method, const std::string& path, const json& body = {},
                       std::string idem = "") {
    if (idem.empty() && method != "GET") idem = "pv-" + std::to_string(++counter_);
    auto c = server_->client();
    if (method == "GET") return c->Get(path, admin());
    if (method == "PATCH") return c->Patch(path, admin(idem), body.dump(), "application/json");
    return c->Post(path, admin(idem), body.is_null() ? "" : body.dump(), "application/json");
  }
  json ok(const httplib::Result& r) {
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_LT(r->status, 300) << r->body;
    return json::parse(r->body, nullptr, false);
  }
  // Bob refers Ana; Ana gives everything personal and orders twice (Bob's referral completes).
  void ana_and_bob() {
    ok(call("POST", "/v1/members", {{"member_id", "bob-0815"}, {"email", "bob@example.com"}}));
    ok(call("POST", "/v1/members",
            {{"member_id", "ana-4711"},
             {"email", "Ana.Quispe@Example.com"},
             {"phone", "+51 987 654 321"},
             {"name", "Ana Quispe"},
             {"birthday", "07-29"},
             {"referred_by", "bob-0815"}}));
    ok(call("PATCH", "/v1/members/ana-4711", {{"consent", {{"email", true}, {"sms", false}}}}));
    for (const char* id : {"o-1", "o-2"})
      ok(call("POST", "/v1/orders",
              json::parse(std::string(R"({"member_id":"ana-4711","order_id":")") + id +
                          R"(","cart":)" + cart_json(5000) + "}")));
  }
  std::string everything_stored() {
    std::string all;
    for (const char* t : kTables) all += query(db(), std::string("SELECT * FROM ") + t);
    return all;
  }

  TempDir dir_;
  Receiver receiver_{200};
  std::unique_ptr<ServerProcess> server_;
  int counter_ = 0;
};

TEST_F(Privacy, AnExportHoldsProfileConsentLedgerHistoryAndWebhooks) {
  ana_and_bob();
  ASSERT_TRUE(receiver_.wait_for([](const auto& got) { return got.size() >= 5; },
                                 std::chrono::seconds(10)));
  const json x = ok(call("GET", "/v1/members/ana-4711/export"));
  EXPECT_EQ(x["member_id"], "ana-4711");
  EXPECT_EQ(x["profile"]["name"], "Ana Quispe");
  EXPECT_EQ(x["profile"]["email"], "ana.quispe@example.com");
  EXPECT_EQ(x["profile"]["phone"], "+51987654321");
  EXPECT_EQ(x["profile"]["birthday"], "07-29");
  EXPECT_EQ(x["profile"]["referred_by"], "bob-0815");
  EXPECT_EQ(x["profile"]["consent"]["email"]["given"], true);
  EXPECT_EQ(x["profile"]["consent"]["sms"]["given"], false);
  EXPECT_TRUE(x["profile"]["consent"]["sms"]["at"].is_string());
  EXPECT_EQ(x["identifiers"],
            json({{"email", "ana.quispe@example.com"}, {"phone", "+51987654321"}}));
  ASSERT_EQ(x["ledger"].size(), 4u);  // enrol, profile, two orders
  EXPECT_EQ(x["ledger"][0]["type"], "enroll");
  EXPECT_EQ(x["ledger"][3]["event"]["order_id"], "o-2");
  EXPECT_EQ(x["history"].size(), 4u);
  EXPECT_EQ(x["member"]["balance"], 120);  // 20 for being referred, 50 + 50
  EXPECT_FALSE(x["webhooks"].empty());
  for (const auto& w : x["webhooks"]) EXPECT_EQ(w["body"]["data"]["member_id"], "ana-4711");
  ASSERT_EQ(x["data_requests"].size(), 1u) << "the export itself is recorded";
  EXPECT_EQ(x["data_requests"][0]["kind"], "export");
  EXPECT_EQ(call("GET", "/v1/members/nobody/export")->status, 404);
  EXPECT_EQ(server_->client()->Get("/v1/members/ana-4711/export")->status, 403) << "admin only";
}

TEST_F(Privacy, AnErasureLeavesNoPersonalDataAndKeepsTheLedgerUnderAPseudonym) {
  ana_and_bob();
  ok(call("GET", "/v1/members/ana-4711/export"));
  const json before = ok(call("GET", "/v1/members/ana-4711/export"));
  // Every webhook of the writes so far is archived in the outbox before the erasure.
  ASSERT_TRUE(receiver_.wait_for([](const auto& got) { return got.size() >= 5; },
                                 std::chrono::seconds(10)));
  for (const char* s : {"ana-4711", "ana.quispe@example.com", "+51987654321", "Ana Quispe"})
    ASSERT_NE(everything_stored().find(s), std::string::npos) << s << " is stored before";

  auto erased = call("POST", "/v1/members/ana-4711/erase", nullptr, "erase-ana");
  const json answer = ok(erased);
  const std::string pseudonym = answer["pseudonym"];
  EXPECT_EQ(pseudonym.rfind("erased-", 0), 0u) << pseudonym;
  EXPECT_EQ(answer["events_kept"], 4);

  const std::string stored = everything_stored();
  for (const char* s :
       {"ana-4711", "ana.quispe@example.com", "Ana.Quispe", "987654321", "Ana Quispe", "07-29"})
    EXPECT_EQ(stored.find(s), std::string::npos) << s << " is still stored:\n" << stored;
  EXPECT_EQ(read_file(db() + ".log").find("ana-4711"), std::string::npos) << "log lines";
  EXPECT_EQ(read_file(db() + ".log").find("example.com"), std::string::npos) << "log lines";

  // The ledger stays, for accounting: the same events and balance under the pseudonym.
  const json kept = ok(call("GET", "/v1/members/" + pseudonym + "/export"));
  EXPECT_EQ(kept["ledger"].size(), 4u);
  EXPECT_EQ(kept["member"]["balance"], before["member"]["balance"]);
  EXPECT_EQ(kept["member"]["lifetime"], before["member"]["lifetime"]);
  EXPECT_EQ(kept["profile"].value("name", ""), "");
  EXPECT_TRUE(kept["identifiers"].empty());
  EXPECT_FALSE(kept["webhooks"].empty()) << "the archive is kept, under the pseudonym";
  // Both requests are recorded, under the pseudonym (2 exports, the erasure, this export).
  ASSERT_EQ(kept["data_requests"].size(), 4u);
  EXPECT_EQ(kept["data_requests"][2]["kind"], "erasure");
  // The referrer's rows named her (the referral's event and history line): now the pseudonym.
  const json bob = ok(call("GET", "/v1/members/bob-0815/export"));
  EXPECT_EQ(bob.dump().find("ana-4711"), std::string::npos) << bob.dump();
  EXPECT_NE(bob.dump().find(pseudonym), std::string::npos);

  // The member is gone by every door; the email is free again.
  EXPECT_EQ(call("GET", "/v1/members/ana-4711/export")->status, 404);
  EXPECT_EQ(call("GET", "/v1/members?email=ana.quispe@example.com")->status, 404);
  // A retry answers the same; a second erasure finds no one.
  auto again = call("POST", "/v1/members/ana-4711/erase", nullptr, "erase-ana");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, erased->body);
  EXPECT_EQ(call("POST", "/v1/members/ana-4711/erase")->status, 404);
  // A write to the pseudonym still works (a refund for the accounts).
  ok(call("POST", "/v1/refunds",
          json::parse(R"({"member_id":")" + pseudonym +
                      R"(","order_id":"o-2","lines":[{"sku":"latte","quantity":1}]})")));
}

TEST_F(Privacy, TheLedgerSampleIsPseudonymousAndReplaysToTheSameBalances) {
  ana_and_bob();
  ok(call("POST", "/v1/members", {{"member_id", "cy-1"}, {"email", "cy@example.com"}}));
  const json sample = ok(call("GET", "/v1/ledger-sample?size=2&seed=7"));
  EXPECT_EQ(sample["total_members"], 3);
  EXPECT_EQ(sample["size"], 2);
  EXPECT_EQ(sample["pages"], 1);
  EXPECT_TRUE(sample["next_page"].is_null());
  ASSERT_EQ(sample["members"].size(), 2u);
  for (const char* s : {"ana-4711", "bob-0815", "cy-1", "example.com", "Ana Quispe", "987654321"})
    EXPECT_EQ(sample.dump().find(s), std::string::npos) << s;
  EXPECT_EQ(ok(call("GET", "/v1/ledger-sample?size=2&seed=7")), sample) << "a seed, one sample";
  const json whole = ok(call("GET", "/v1/ledger-sample?size=3&seed=7"));
  const loyalty::Engine engine(read_file(program_path("basic.json")));
  std::int64_t replayed = 0;
  for (const auto& m : whole["members"]) {
    EXPECT_EQ(m["id"].get<std::string>().rfind("anon-", 0), 0u);
    const json state = json::parse(engine.call(
        "replay",
        json{{"events", m["events"]}, {"now", srv::format_rfc3339(srv::now_ms(), -300)}}.dump()));
    ASSERT_TRUE(state.contains("balance")) << state.dump();
    replayed += state["balance"].get<std::int64_t>();
  }
  std::int64_t stored = 0;
  for (const char* id : {"ana-4711", "bob-0815", "cy-1"})
    stored += ok(call("GET", std::string("/v1/members/") + id + "/export"))["member"]["balance"]
                  .get<std::int64_t>();
  EXPECT_EQ(replayed, stored) << "the sample replays to the balances the server holds";
  EXPECT_EQ(call("GET", "/v1/ledger-sample?size=0")->status, 400);
  EXPECT_EQ(call("GET", "/v1/ledger-sample?size=10&page=1")->status, 400);
  EXPECT_EQ(server_->client()->Get("/v1/ledger-sample")->status, 403) << "admin only";
}

TEST(PersonalData, LogLinesNameNoMemberAndNoQueryValue) {
  EXPECT_EQ(srv::loggable_target("/v1/members/ana-4711"), "/v1/members/{id}");
  EXPECT_EQ(srv::loggable_target("/v1/members/ana/erase"), "/v1/members/{id}/erase");
  EXPECT_EQ(srv::loggable_target("/v1/members/me/history?before=12"),
            "/v1/members/me/history?before");
  EXPECT_EQ(srv::loggable_target("/v1/members?email=a@b.pe"), "/v1/members?email");
  EXPECT_EQ(srv::loggable_target("/v1/events?member=ana&after=3"), "/v1/events?member&after");
  EXPECT_EQ(srv::loggable_target("/v1/orders"), "/v1/orders");
}

}  // namespace
