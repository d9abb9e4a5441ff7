// End-to-end tests of the real loyalty-server binary over loopback HTTP.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "auth.hpp"
#include "clock.hpp"
#include "harness.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

class Server : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start(std::vector<std::string> extra = {}) {
    server_.reset();
    server_ = std::make_unique<ServerProcess>(dir_.path() + "/test.db", extra);
    http_ = server_->client();
  }
  std::string key() {
    return "k-" + std::to_string(++counter_) + "-" + std::to_string(srv::now_ms());
  }

  httplib::Result enrol(const std::string& member, const std::string& k = "") {
    return http_->Post("/v1/members", admin(k.empty() ? key() : k),
                       json{{"member_id", member}, {"email", member + "@example.com"}}.dump(),
                       "application/json");
  }
  httplib::Result order(const std::string& member, const std::string& order_id, long long price,
                        const std::string& k = "") {
    return http_->Post("/v1/orders", admin(k.empty() ? key() : k),
                       R"({"member_id":")" + member + R"(","order_id":")" + order_id +
                           R"(","cart":)" + cart_json(price) + "}",
                       "application/json");
  }
  json me(const std::string& member) {
    auto r = http_->Get("/v1/members/me", shopper(token(member)));
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    return body(r);
  }
  json events(const std::string& member, long long after = 0, int limit = 1000) {
    auto r = http_->Get("/v1/events?member=" + member + "&after=" + std::to_string(after) +
                            "&limit=" + std::to_string(limit),
                        admin());
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    return body(r);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> http_;
  std::atomic<int> counter_{0};
};

TEST_F(Server, Healthz) {
  auto r = http_->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(Server, EnrolAnswersStateAndRefusesDuplicates) {
  auto r = enrol("m-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(body(r)["member_id"], "m-1");
  EXPECT_EQ(body(r)["balance"], 0);
  auto dup = enrol("m-1");
  EXPECT_EQ(dup->status, 409);
  EXPECT_EQ(body(dup)["error"]["code"], "member_exists");

  auto assigned = http_->Post("/v1/members", admin(key()),
                              R"({"phone":"+51999000111","name":"Ana"})", "application/json");
  EXPECT_EQ(assigned->status, 201) << assigned->body;
  EXPECT_FALSE(body(assigned)["member_id"].get<std::string>().empty());

  auto no_contact =
      http_->Post("/v1/members", admin(key()), R"({"member_id":"m-2"})", "application/json");
  EXPECT_EQ(no_contact->status, 400);
  auto unknown =
      http_->Post("/v1/members", admin(key()), R"({"member_id":"m-3","email":"a@b.c","nick":"x"})",
                  "application/json");
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(body(unknown)["error"]["path"], "/nick");
}

TEST_F(Server, OrdersRefundsAdjustmentsActionsRedemptions) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  auto o = order("m-1", "o-1", 25000);
  ASSERT_EQ(o->status, 200) << o->body;
  EXPECT_EQ(body(o)["balance"], 250);

  auto missing = order("nobody", "o-9", 1000);
  EXPECT_EQ(missing->status, 404);

  auto refund =
      http_->Post("/v1/refunds", admin(key()),
                  R"({"member_id":"m-1","order_id":"o-1","lines":[{"sku":"latte","quantity":1}]})",
                  "application/json");
  ASSERT_EQ(refund->status, 200) << refund->body;
  EXPECT_EQ(body(refund)["balance"], 0);

  auto adj =
      http_->Post("/v1/adjustments", admin(key()),
                  R"({"member_id":"m-1","points":300,"reason":"goodwill"})", "application/json");
  ASSERT_EQ(adj->status, 200) << adj->body;
  EXPECT_EQ(body(adj)["balance"], 300);

  const std::string tok = token("m-1");
  auto act = http_->Post("/v1/members/me/actions", shopper(tok, key()), R"({"action":"review"})",
                         "application/json");
  ASSERT_EQ(act->status, 200) << act->body;
  EXPECT_EQ(body(act)["balance"], 310);
  // The rule's limit (once a day) is a rule rejection: 422, nothing stored.
  auto again = http_->Post("/v1/members/me/actions", shopper(tok, key()), R"({"action":"review"})",
                           "application/json");
  EXPECT_EQ(again->status, 422) << again->body;
  EXPECT_TRUE(body(again)["error"].contains("code"));

  auto mug = http_->Post("/v1/members/me/redemptions", shopper(tok, key()), R"({"reward":"mug"})",
                         "application/json");
  ASSERT_EQ(mug->status, 200) << mug->body;
  EXPECT_EQ(body(mug)["balance"], 210);

  auto too_much = http_->Post("/v1/members/me/redemptions", shopper(tok, key()),
                              R"({"reward":"5-off"})", "application/json");
  EXPECT_EQ(too_much->status, 422);
  EXPECT_EQ(body(too_much)["error"]["code"], "insufficient_points");

  EXPECT_EQ(me("m-1")["balance"], 210);
  // enrol, order, refund, adjust, action, redeem: six stored events, in order.
  auto feed = events("m-1");
  ASSERT_EQ(feed["events"].size(), 6u) << feed.dump();
  std::vector<std::string> types;
  for (const auto& e : feed["events"]) types.push_back(e["type"]);
  EXPECT_EQ(types,
            (std::vector<std::string>{"enroll", "order", "refund", "adjust", "action", "redeem"}));
  EXPECT_EQ(feed["events"][1]["event"]["order_id"], "o-1");
  // Pagination.
  auto page1 = events("m-1", 0, 4);
  EXPECT_EQ(page1["events"].size(), 4u);
  EXPECT_TRUE(page1["more"].get<bool>());
  auto page2 = events("m-1", page1["last_seq"].get<long long>(), 4);
  EXPECT_EQ(page2["events"].size(), 2u);
  EXPECT_FALSE(page2["more"].get<bool>());
}

TEST_F(Server, ReferredMembersFirstOrderCreditsTheReferrerOnce) {
  ASSERT_EQ(enrol("ref")->status, 201);
  auto r = http_->Post("/v1/members", admin(key()),
                       R"({"member_id":"new","email":"n@example.com","referred_by":"ref"})",
                       "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(body(r)["balance"], 20);
  ASSERT_EQ(order("new", "o-1", 1000, "first-order")->status, 200);
  ASSERT_EQ(order("new", "o-1", 1000, "first-order")->status, 200);  // a retry
  ASSERT_EQ(order("new", "o-2", 1000)->status, 200);
  EXPECT_EQ(me("ref")["balance"], 50);
  const json feed = events("ref");
  ASSERT_EQ(feed["events"].size(), 2u);
  EXPECT_EQ(feed["events"][1]["type"], "referral_completed");
  EXPECT_EQ(feed["events"][1]["event"]["referee"], "new");
}

TEST_F(Server, ServesStaticFiles) {
  std::ofstream(dir_.path() + "/index.html") << "<h1>shop</h1>";
  start({"--static", dir_.path()});
  auto r = http_->Get("/index.html");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<h1>shop</h1>");
  EXPECT_EQ(http_->Get("/v1/program")->status, 200);
}

TEST_F(Server, PreviewAnswersTheCoresBytes) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  ASSERT_EQ(order("m-1", "o-1", 60000)->status, 200);
  auto r = http_->Post("/v1/members/me/preview", shopper(token("m-1")),
                       R"({"cart":)" + cart_json(2500) + R"(,"redeem":[{"reward":"5-off"}]})",
                       "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  auto p = body(r);
  EXPECT_EQ(p["points"]["total"], 20);  // 25.00 - 5.00 discount
  EXPECT_EQ(p["balance_after"], 600 - 500 + 20);
  // The preview stores nothing.
  EXPECT_EQ(me("m-1")["balance"], 600);
  auto bad = http_->Post("/v1/members/me/preview", shopper(token("m-1")),
                         R"({"cart":{"currency":"PEN","lines":"x"}})", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(body(bad)["error"]["path"], "/cart/lines");
}

TEST_F(Server, PastOrdersImportAndFutureOrdersAreRefused) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  ASSERT_EQ(order("m-1", "o-2", 10000)->status, 200);
  const std::string past = srv::format_rfc3339(srv::now_ms() - 3600 * 1000, -300);
  auto r = http_->Post("/v1/orders", admin(key()),
                       R"({"member_id":"m-1","order_id":"o-1","at":")" + past + R"(","cart":)" +
                           cart_json(5000) + "}",
                       "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["balance"], 150);
  const std::string future = srv::format_rfc3339(srv::now_ms() + 3600 * 1000, -300);
  auto f = http_->Post("/v1/orders", admin(key()),
                       R"({"member_id":"m-1","order_id":"o-3","at":")" + future + R"(","cart":)" +
                           cart_json(5000) + "}",
                       "application/json");
  EXPECT_EQ(f->status, 400);
  EXPECT_EQ(body(f)["error"]["path"], "/at");
}

TEST_F(Server, HistoryIsTrimmedToFifty) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  for (int i = 0; i < 55; ++i)
    ASSERT_EQ(http_
                  ->Post("/v1/adjustments", admin(key()),
                         R"({"member_id":"m-1","points":1,"reason":"r"})", "application/json")
                  ->status,
              200);
  auto state = me("m-1");
  EXPECT_EQ(state["balance"], 55);
  EXPECT_EQ(state["history"].size(), 50u);
  EXPECT_EQ(events("m-1")["events"].size(), 56u);
}

TEST_F(Server, ProgramVersions) {
  auto r = http_->Get("/v1/program");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("ETag"), "\"1\"");
  auto cached = http_->Get("/v1/program", {{"If-None-Match", "\"1\""}});
  EXPECT_EQ(cached->status, 304);

  json doc = json::parse(read_file(program_path("basic.json")));
  doc["version"] = 2;
  json bad = doc;
  bad["earn"][0]["pointz"] = 1;
  auto b = http_->Put("/v1/program", admin(key()), bad.dump(), "application/json");
  EXPECT_EQ(b->status, 400) << b->body;
  EXPECT_EQ(body(b)["error"]["path"], "/earn/0/pointz");
  // An editor who read an older version (If-Match) is refused, and nothing is stored.
  auto stale_headers = admin(key());
  stale_headers.emplace("If-Match", "\"0\"");
  auto stale = http_->Put("/v1/program", stale_headers, doc.dump(), "application/json");
  EXPECT_EQ(stale->status, 412) << stale->body;
  EXPECT_EQ(body(stale)["error"]["code"], "version_conflict");
  auto shopper_put =
      http_->Put("/v1/program", shopper(token("m-1"), key()), doc.dump(), "application/json");
  EXPECT_EQ(shopper_put->status, 403);

  // The server assigns the next version, whatever the document says (spec/sync.md).
  doc["earn"][0]["points"] = 2;
  doc["version"] = 1;
  auto current_headers = admin(key());
  current_headers.emplace("If-Match", "\"1\"");
  auto good = http_->Put("/v1/program", current_headers, doc.dump(), "application/json");
  ASSERT_EQ(good->status, 200) << good->body;
  EXPECT_EQ(body(good)["version"], 2);
  auto now = http_->Get("/v1/program", {{"If-None-Match", "\"1\""}});
  EXPECT_EQ(now->status, 200);
  EXPECT_EQ(now->get_header_value("ETag"), "\"2\"");
  EXPECT_EQ(body(now)["earn"][0]["points"], 2);
  EXPECT_EQ(body(now)["version"], 2) << "the stored document carries the assigned version";
  // The new version earns, and the ledger records it; a restart keeps it.
  ASSERT_EQ(enrol("m-1")->status, 201);
  auto o = order("m-1", "o-1", 10000);
  EXPECT_EQ(body(o)["balance"], 200);
  EXPECT_EQ(events("m-1")["events"][1]["program_version"], 2);
  start();
  EXPECT_EQ(http_->Get("/v1/program")->get_header_value("ETag"), "\"2\"");
}

TEST_F(Server, Tokens) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  auto status = [&](const std::string& tok) {
    return http_->Get("/v1/members/me", shopper(tok))->status;
  };
  EXPECT_EQ(status(token("m-1")), 200);
  EXPECT_EQ(status(token("m-1", -10)), 401);                     // expired
  EXPECT_EQ(status(token("m-1", 3600, "another-secret")), 401);  // wrong secret
  std::string forged = token("m-1");
  const auto dot = forged.find('.');
  const std::string payload = srv::base64url_encode(R"({"sub":"m-2","exp":9999999999})");
  const std::string swapped =
      forged.substr(0, dot + 1) + payload + forged.substr(forged.rfind('.'));
  EXPECT_EQ(status(swapped), 401);  // claims changed, signature kept
  const std::string none = srv::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                           srv::base64url_encode(R"({"sub":"m-1","exp":9999999999})") + ".";
  EXPECT_EQ(status(none), 401);
  // A header naming another algorithm, even signed with the right secret, is refused.
  const std::string hs512 = token("m-1");
  const std::string relabelled =
      srv::base64url_encode(R"({"alg":"HS512","typ":"JWT"})") + hs512.substr(hs512.find('.'));
  EXPECT_EQ(status(relabelled), 401);
  EXPECT_EQ(status("garbage"), 401);
  EXPECT_EQ(status("a.b.c"), 401);
  EXPECT_EQ(http_->Get("/v1/members/me")->status, 401);
  EXPECT_EQ(status(token("nobody")), 404);

  // A shopper token on an admin call, a missing or a wrong admin key: 403.
  EXPECT_EQ(http_->Get("/v1/events", shopper(token("m-1")))->status, 403);
  EXPECT_EQ(
      http_->Post("/v1/orders", shopper(token("m-1"), key()), "{}", "application/json")->status,
      403);
  EXPECT_EQ(http_->Get("/v1/metrics")->status, 403);
  EXPECT_EQ(http_->Get("/v1/events", {{"X-Admin-Key", "wrong"}})->status, 403);
}

// Found by an external JSON conformance suite: a body followed by a NUL byte. The server refuses
// it as every other door does (the CLI and the wasm module answer invalid_json too).
TEST_F(Server, ABodyFollowedByANulByteIsInvalidJson) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  for (const std::string& tail : {std::string(1, '\0'), std::string("\0{}", 3)}) {
    const std::string text = R"({"member_id":"m-1","points":5,"reason":"goodwill"})" + tail;
    auto r = http_->Post("/v1/adjustments", admin(key()), text, "application/json");
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(body(r)["error"]["code"], "invalid_json") << r->body;
  }
  auto ok =
      http_->Post("/v1/adjustments", admin(key()),
                  R"({"member_id":"m-1","points":5,"reason":"goodwill"})", "application/json");
  EXPECT_EQ(ok->status, 200) << ok->body;
}

TEST_F(Server, BadInputStoresNothing) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  auto malformed = http_->Post("/v1/orders", admin(key()), R"({"member_id":"m-1","order_id":)",
                               "application/json");
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(body(malformed)["error"]["code"], "invalid_json");
  auto bad_cart = http_->Post(
      "/v1/orders", admin(key()),
      R"({"member_id":"m-1","order_id":"o","cart":{"currency":"PEN","lines":[{"sku":"a","unit_price_minor":-5,"quantity":1}]}})",
      "application/json");
  EXPECT_EQ(bad_cart->status, 400) << bad_cart->body;
  EXPECT_EQ(body(bad_cart)["error"]["path"].get<std::string>().rfind("/cart", 0), 0u)
      << bad_cart->body;
  auto no_key = http_->Post("/v1/adjustments", admin(),
                            R"({"member_id":"m-1","points":5,"reason":"x"})", "application/json");
  EXPECT_EQ(no_key->status, 400);
  EXPECT_EQ(events("m-1")["events"].size(), 1u);
  EXPECT_EQ(me("m-1")["balance"], 0);
}

TEST_F(Server, OversizedBodyIs413) {
  start({"--max-body", "2048"});
  ASSERT_EQ(enrol("m-1")->status, 201);
  std::string big = R"({"member_id":"m-1","points":1,"reason":")" + std::string(4096, 'x') + "\"}";
  auto r = http_->Post("/v1/adjustments", admin(key()), big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(body(r)["error"]["code"], "too_large");
  EXPECT_EQ(events("m-1")["events"].size(), 1u);
}

TEST_F(Server, IdempotencyKeys) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  auto first = order("m-1", "o-1", 10000, "order-o-1");
  auto second = order("m-1", "o-1", 10000, "order-o-1");
  ASSERT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(first->body, second->body);
  auto other = order("m-1", "o-2", 10000, "order-o-1");
  EXPECT_EQ(other->status, 409);
  EXPECT_EQ(events("m-1")["events"].size(), 2u);
  // A rejected write answers the same rejection again under its key.
  const std::string tok = token("m-1");
  auto r1 = http_->Post("/v1/members/me/redemptions", shopper(tok, "red-1"),
                        R"({"reward":"5-off"})", "application/json");
  auto r2 = http_->Post("/v1/members/me/redemptions", shopper(tok, "red-1"),
                        R"({"reward":"5-off"})", "application/json");
  EXPECT_EQ(r1->status, 422);
  EXPECT_EQ(r2->status, 422);
  EXPECT_EQ(r1->body, r2->body);
}

TEST_F(Server, RetriedWriteAppliesOnce) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  const int n = 20;
  std::vector<std::thread> threads;
  std::vector<int> statuses(n);
  std::vector<std::string> bodies(n);
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      auto c = server_->client();
      auto r = c->Post("/v1/adjustments", admin("same-key"),
                       R"({"member_id":"m-1","points":7,"reason":"retry"})", "application/json");
      statuses[i] = r ? r->status : -1;
      bodies[i] = r ? r->body : "";
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(statuses[i], 200);
    EXPECT_EQ(bodies[i], bodies[0]);
  }
  EXPECT_EQ(me("m-1")["balance"], 7);
  EXPECT_EQ(events("m-1")["events"].size(), 2u);
}

TEST_F(Server, RacingRedemptionsCannotOverspend) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  ASSERT_EQ(body(order("m-1", "o-1", 250000))["balance"], 2500);  // 25 mugs' worth
  const int n = 50;
  const std::string tok = token("m-1");
  std::atomic<int> ok{0}, rejected{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      auto c = server_->client();
      auto r = c->Post("/v1/members/me/redemptions", shopper(tok, "race-" + std::to_string(i)),
                       R"({"reward":"mug"})", "application/json");
      if (r && r->status == 200) {
        ++ok;
        EXPECT_GE(body(r)["balance"].get<long long>(), 0);
      } else if (r && r->status == 422) {
        ++rejected;
      } else {
        ++other;
        ADD_FAILURE() << (r ? std::to_string(r->status) + " " + r->body
                            : "error " + httplib::to_string(r.error()));
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 25);
  EXPECT_EQ(rejected.load(), 25);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(me("m-1")["balance"], 0);
  int redeems = 0;
  const json feed = events("m-1");
  for (const auto& e : feed["events"]) redeems += e["type"] == "redeem";
  EXPECT_EQ(redeems, 25);
}

TEST_F(Server, KilledMidStreamLosesNoAcknowledgedWrite) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  ASSERT_EQ(enrol("m-2")->status, 201);
  std::mutex m;
  std::set<std::string> acknowledged;  // idempotency keys answered 200
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      auto c = server_->client();
      c->set_read_timeout(2);
      for (int i = 0; !stop; ++i) {
        const std::string k = "crash-" + std::to_string(w) + "-" + std::to_string(i);
        const std::string member = w % 2 ? "m-1" : "m-2";
        auto r = c->Post("/v1/adjustments", admin(k),
                         R"({"member_id":")" + member + R"(","points":1,"reason":")" + k + "\"}",
                         "application/json");
        if (!r) break;  // the server is gone
        if (r->status == 200) {
          std::lock_guard lock(m);
          acknowledged.insert(k);
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  server_->kill9();
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_GT(acknowledged.size(), 10u);

  start();
  std::set<std::string> stored;
  long long per_member[2] = {0, 0};
  long long after = 0;
  for (;;) {
    auto r = http_->Get("/v1/events?after=" + std::to_string(after) + "&limit=1000", admin());
    ASSERT_EQ(r->status, 200);
    auto feed = body(r);
    for (const auto& e : feed["events"]) {
      if (e["type"] != "adjust") continue;
      stored.insert(e["event"]["reason"].get<std::string>());
      per_member[e["member_id"] == "m-1" ? 0 : 1] += 1;
    }
    after = feed["last_seq"];
    if (!feed["more"].get<bool>()) break;
  }
  for (const auto& k : acknowledged)
    EXPECT_TRUE(stored.count(k)) << "lost acknowledged write " << k;
  // Snapshots agree with the ledger: nothing half-written.
  EXPECT_EQ(me("m-1")["balance"], per_member[0]);
  EXPECT_EQ(me("m-2")["balance"], per_member[1]);
  // Writes go on after the restart.
  EXPECT_EQ(http_
                ->Post("/v1/adjustments", admin(key()),
                       R"({"member_id":"m-1","points":1,"reason":"after"})", "application/json")
                ->status,
            200);
}

TEST_F(Server, Metrics) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  ASSERT_EQ(enrol("m-2")->status, 201);
  ASSERT_EQ(order("m-1", "o-1", 10000)->status, 200);
  ASSERT_EQ(order("m-2", "o-2", 30000)->status, 200);
  const std::string from = "2020-01-01T00:00:00-05:00", until = "2100-01-01T00:00:00-05:00";
  auto r =
      http_->Get("/v1/metrics?from=" + from + "&until=" + until + "&total_customers=4", admin());
  ASSERT_EQ(r->status, 200) << r->body;
  auto m = body(r);
  EXPECT_EQ(m["orders"], 2);
  EXPECT_EQ(m["revenue_minor"], 40000);
  EXPECT_EQ(m["adoption_rate"], "0.5000");
  auto bad = http_->Get("/v1/metrics?from=yesterday&until=" + until, admin());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(http_->Get("/v1/metrics?total_customers=x", admin())->status, 400);
}

TEST_F(Server, Cors) {
  start({"--cors-origin", "https://shop.example", "--cors-origin", "https://other.example"});
  auto pre = http_->Options("/v1/members/me", {{"Origin", "https://shop.example"},
                                               {"Access-Control-Request-Method", "GET"}});
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_NE(pre->get_header_value("Access-Control-Allow-Headers").find("Idempotency-Key"),
            std::string::npos);
  auto denied = http_->Options("/v1/members/me", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(denied->status, 403);
  EXPECT_FALSE(denied->has_header("Access-Control-Allow-Origin"));
  auto get = http_->Get("/v1/program", {{"Origin", "https://other.example"}});
  EXPECT_EQ(get->get_header_value("Access-Control-Allow-Origin"), "https://other.example");
  auto evil = http_->Get("/v1/program", {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(evil->has_header("Access-Control-Allow-Origin"));
}

TEST_F(Server, RateLimit) {
  start({"--rate-limit", "2"});
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = http_->Get("/v1/program");
    if (r->status == 429) {
      ++limited;
      EXPECT_EQ(body(r)["error"]["code"], "rate_limited");
    }
  }
  EXPECT_GT(limited, 0);
  // Merchant calls are not limited.
  for (int i = 0; i < 12; ++i) EXPECT_EQ(http_->Get("/v1/events", admin())->status, 200);
}

TEST_F(Server, LogsNeverCarryTokensOrKeys) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  const std::string tok = token("m-1");
  http_->Get("/v1/members/me", shopper(tok));
  http_->Get("/v1/members/me", shopper(tok + "x"));
  server_.reset();
  const std::string log = read_file(dir_.path() + "/test.db.log");
  EXPECT_NE(log.find("\"path\":\"/v1/members/me\""), std::string::npos);
  EXPECT_EQ(log.find(tok.substr(tok.rfind('.') + 1)), std::string::npos);
  EXPECT_EQ(log.find(kAdminKey), std::string::npos);
  server_ = std::make_unique<ServerProcess>(dir_.path() + "/test.db");
}

// Nulls and wrongly typed members never reach json::value()/get<>() unchecked: a 400 with the
// member's pointer, nothing stored. A null known optional member counts as absent.
TEST_F(Server, NullAndWronglyTypedMembersAre400WithTheirPointer) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  ASSERT_EQ(order("m-1", "o-1", 1000)->status, 200);
  const std::string tok = token("m-1");
  struct Case {
    std::string path, body, pointer;
    bool shopper;
  };
  const std::string cart = cart_json(1000);
  const std::vector<Case> cases = {
      {"/v1/members", R"({"member_id":"m-2","email":"a@b.c","event_id":null})", "/event_id", false},
      {"/v1/members", R"({"member_id":5,"email":"a@b.c"})", "/member_id", false},
      {"/v1/members", R"({"member_id":"m-2","email":"a@b.c","phone":5})", "/phone", false},
      {"/v1/members", R"({"member_id":"m-2","email":"a@b.c","birthday":null,"name":[]})", "/name",
       false},
      {"/v1/members", R"({"member_id":"m-2","email":"a@b.c","referred_by":{}})", "/referred_by",
       false},
      {"/v1/orders",
       R"({"member_id":"m-1","order_id":"o-1","cart":)" + cart + R"(,"event_id":null})",
       "/event_id", false},
      {"/v1/orders", R"({"member_id":null,"order_id":"o-1","cart":)" + cart + "}", "/member_id",
       false},
      {"/v1/orders", R"({"member_id":"m-1","order_id":7,"cart":)" + cart + "}", "/order_id", false},
      {"/v1/orders", R"({"member_id":"m-1","order_id":"o-1","cart":null})", "/cart", false},
      {"/v1/orders", R"({"member_id":"m-1","order_id":"o-1","at":5,"cart":)" + cart + "}", "/at",
       false},
      {"/v1/orders", R"({"member_id":"m-1","order_id":"o-1","redeem":"x","cart":)" + cart + "}",
       "/redeem", false},
      {"/v1/orders", R"({"member_id":"m-1","order_id":"o-1","vouchers":7,"cart":)" + cart + "}",
       "/vouchers", false},
      {"/v1/refunds", R"({"member_id":"m-1","order_id":"o-1","lines":null,"event_id":null})",
       "/event_id", false},
      {"/v1/refunds", R"({"member_id":"m-1","order_id":"o-1","lines":"x"})", "/lines", false},
      {"/v1/adjustments", R"({"member_id":"m-1","points":null,"reason":"r"})", "/points", false},
      {"/v1/adjustments", R"({"member_id":"m-1","points":"5","reason":"r"})", "/points", false},
      {"/v1/adjustments", R"({"member_id":"m-1","points":5,"reason":null})", "/reason", false},
      {"/v1/adjustments", R"({"member_id":"m-1","points":5,"reason":"r","event_id":null})",
       "/event_id", false},
      {"/v1/members/me/actions", R"({"action":null})", "/action", true},
      {"/v1/members/me/actions", R"({"action":"review","event_id":null})", "/event_id", true},
      {"/v1/members/me/redemptions", R"({"reward":["mug"]})", "/reward", true},
      {"/v1/members/me/redemptions", R"({"reward":"mug","option":5})", "/option", true},
      {"/v1/members/me/spins", R"({"wheel":null})", "/wheel", true},
      {"/v1/members/me/spins", R"({"wheel":"w","draw":1})", "/draw", true},
      {"/v1/members/me/claims", R"({"code":["NEWS10"]})", "/code", true},
      {"/v1/members/m-1/membership", R"({"type":null})", "/type", false},
      {"/v1/members/m-1/membership", R"({"type":"membership_payment","amount_minor":"5"})",
       "/amount_minor", false},
      {"/v1/members/me/preview", R"({"cart":null})", "/cart", true},
      {"/v1/members/me/preview", R"({"cart":)" + cart + R"(,"redeem":{"reward":null}})", "/redeem",
       true},
      {"/v1/members/me/preview", R"({"cart":)" + cart + R"(,"event_id":null})", "/event_id", true},
  };
  for (const auto& c : cases) {
    auto r = http_->Post(c.path, c.shopper ? shopper(tok, key()) : admin(key()), c.body,
                         "application/json");
    ASSERT_TRUE(r) << c.path;
    EXPECT_EQ(r->status, 400) << c.path << " " << c.body << " -> " << r->body;
    const json e = body(r);
    ASSERT_TRUE(e.is_object() && e.contains("error")) << r->body;
    EXPECT_EQ(e["error"]["path"].get<std::string>().rfind(c.pointer, 0), 0u)
        << c.body << " -> " << r->body;
    EXPECT_TRUE(e["error"]["code"].is_string() && e["error"]["message"].is_string()) << r->body;
  }
  // A pointer escapes "~" and "/" (RFC 6901).
  auto odd = http_->Post("/v1/adjustments", admin(key()),
                         R"({"member_id":"m-1","points":1,"reason":"r","a/b~c":null})",
                         "application/json");
  EXPECT_EQ(odd->status, 400);
  EXPECT_EQ(body(odd)["error"]["path"], "/a~1b~0c");
  EXPECT_EQ(http_->Get("/v1/members/me", shopper(token("m-2")))->status, 404);
  EXPECT_EQ(events("m-1")["events"].size(), 2u);
  // Known optional members sent as null are absent.
  auto o = http_->Post(
      "/v1/orders", admin(key()),
      R"({"member_id":"m-1","order_id":"o-2","at":null,"redeem":null,"vouchers":null,"cart":)" +
          cart + "}",
      "application/json");
  EXPECT_EQ(o->status, 200) << o->body;
  auto e = http_->Post("/v1/members", admin(key()),
                       R"({"member_id":null,"email":"x@y.z","phone":null,"name":null})",
                       "application/json");
  EXPECT_EQ(e->status, 201) << e->body;
}

// The core writes "event_id": null on expiry entries; once such an entry sits in a member's
// history, a write that takes the slow path (history over 50, or a rejection) must still work.
TEST_F(Server, ExpiryEntriesInTheHistoryNeverBreakWrites) {
  json doc = json::parse(read_file(program_path("basic.json")));
  doc["version"] = 2;
  doc["expiry"] = {{"policy", "rolling"}, {"days", 1}};
  ASSERT_EQ(http_->Put("/v1/program", admin(key()), doc.dump(), "application/json")->status, 200);
  ASSERT_EQ(enrol("m-1")->status, 201);
  const std::string past = srv::format_rfc3339(srv::now_ms() - 3LL * 86400 * 1000, -300);
  auto imported = http_->Post("/v1/orders", admin(key()),
                              R"({"member_id":"m-1","order_id":"o-1","at":")" + past +
                                  R"(","cart":)" + cart_json(5000) + "}",
                              "application/json");
  ASSERT_EQ(imported->status, 200) << imported->body;
  const json imported_state = body(imported);
  bool has_null_id = false;
  for (const auto& h : imported_state["history"])
    has_null_id = has_null_id || h["event_id"].is_null();
  ASSERT_TRUE(has_null_id) << imported->body;  // the expiry of the imported order's points
  EXPECT_EQ(imported_state["balance"], 0);
  // A rejection, then enough writes to push the history over 50 (the trimming path).
  auto rejected = http_->Post("/v1/members/me/redemptions", shopper(token("m-1"), key()),
                              R"({"reward":"mug"})", "application/json");
  EXPECT_EQ(rejected->status, 422) << rejected->body;
  for (int i = 0; i < 50; ++i) {
    auto r = http_->Post("/v1/adjustments", admin(key()),
                         R"({"member_id":"m-1","points":1,"reason":"r"})", "application/json");
    ASSERT_EQ(r->status, 200) << i << ": " << r->body;
  }
  auto again = http_->Post("/v1/members/me/redemptions", shopper(token("m-1"), key()),
                           R"({"reward":"5-off"})", "application/json");
  EXPECT_EQ(again->status, 422) << again->body;
  const json state = me("m-1");
  EXPECT_EQ(state["balance"], 50);
  EXPECT_EQ(state["history"].size(), 50u);
}

// Every route, fed malformed bodies (and GETs malformed parameters): a 4xx with an error object,
// never a 5xx, and nothing stored.
TEST_F(Server, MalformedInputNeverAnswers500) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  ASSERT_EQ(order("m-1", "o-1", 20000)->status, 200);
  const std::string tok = token("m-1");
  const json state_before = me("m-1");
  const json events_before = events("");
  const std::string program_before = http_->Get("/v1/program")->body;

  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const std::string deep_object = [] {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += R"({"a":)";
    s += "1";
    s += std::string(10000, '}');
    return s;
  }();
  // Raw JSON texts of values; each member is replaced by every value not of its own type.
  const std::vector<std::pair<std::string, std::string>> values = {
      {"null", "null"},
      {"bool", "true"},
      {"int", "7"},
      {"int", "-1"},
      {"bigint", "9223372036854775807"},
      {"bigint", "18446744073709551615"},
      {"float", "1.5"},
      {"float", "99999999999999999999"},
      {"float", "-99999999999999999999"},
      {"float", "1e400"},
      {"empty", "\"\""},
      {"string", "\"\\u0000\""},
      {"array", "[]"},
      {"bad-array", "[null,1,\"x\"]"},
      {"object", "{}"},
      {"bad-object", R"({"x":null})"},
      {"deep", deep},
      {"deep", deep_object},
  };
  struct Member {
    std::string name;
    std::set<std::string> accepted;  // value kinds the member takes ("null": optional)
  };
  struct Route {
    std::string method, path;
    bool shopper;
    json base;  // a valid body
    std::vector<Member> members;
  };
  const json cart = json::parse(cart_json(1000));
  json program = json::parse(program_before);  // version 1 = the current one: a valid PUT is 409
  const std::vector<Route> routes = {
      {"POST",
       "/v1/members",
       false,
       {{"member_id", "m-new"}, {"email", "n@example.com"}},
       {{"member_id", {"string", "null"}},
        {"phone", {"string", "empty", "null"}},
        {"email", {"string"}},
        {"name", {"string", "empty", "null"}},
        {"birthday", {"null"}},
        {"channel", {"string", "empty", "null"}},
        {"referred_by", {"string", "null"}},
        {"at", {}},
        {"event_id", {}}}},
      {"POST",
       "/v1/orders",
       false,
       {{"member_id", "m-1"}, {"order_id", "o-2"}, {"cart", cart}},
       {{"member_id", {"string"}},
        {"order_id", {"string"}},
        {"cart", {}},
        {"redeem", {"null", "array"}},
        {"vouchers", {"null", "array"}},
        {"coupons", {"null", "array"}},
        {"at", {"null"}},
        {"event_id", {}},
        {"state", {}}}},
      {"POST",
       "/v1/refunds",
       false,
       {{"member_id", "m-1"},
        {"order_id", "o-1"},
        {"lines", json::parse(R"([{"sku":"latte","quantity":1}])")}},
       {{"member_id", {"string"}},
        {"order_id", {"string"}},
        {"lines", {"null", "array"}},
        {"event_id", {}}}},
      {"POST",
       "/v1/adjustments",
       false,
       {{"member_id", "m-1"}, {"points", 5}, {"reason", "r"}},
       {{"member_id", {"string"}}, {"points", {"int"}}, {"reason", {"string"}}, {"event_id", {}}}},
      {"POST",
       "/v1/members/me/actions",
       true,
       {{"action", "review"}},
       {{"action", {"string"}}, {"event_id", {}}}},
      {"POST",
       "/v1/members/me/redemptions",
       true,
       {{"reward", "mug"}},
       {{"reward", {"string"}}, {"option", {"null", "string", "empty"}}, {"event_id", {}}}},
      {"POST",
       "/v1/members/me/preview",
       true,
       {{"cart", cart}},
       {{"cart", {}},
        {"redeem", {"null", "array"}},
        {"vouchers", {"null", "array"}},
        {"coupons", {"null", "array"}},
        {"event_id", {}}}},
      {"POST",
       "/v1/members/me/spins",
       true,
       {{"wheel", "lucky"}},
       {{"wheel", {"string"}}, {"draw", {}}, {"event_id", {}}}},
      {"POST",
       "/v1/members/me/claims",
       true,
       {{"code", "NEWS10"}},
       {{"code", {"string"}}, {"event_id", {}}}},
      {"POST",
       "/v1/members/m-1/membership",
       false,
       {{"type", "membership_cancel"}},
       {{"type", {}}, {"amount_minor", {}}, {"event_id", {}}}},
      {"PUT", "/v1/program", false, program, {}},
  };
  // Every top-level member of the program document too (published over a version that is not
  // the current one, so a mutation the engine still accepts is refused: 412).
  std::vector<Member> program_members;
  for (const auto& [k, v] : program.items()) program_members.push_back({k, {}});
  program_members.push_back({"event_id", {}});

  int sent = 0;
  auto check = [&](const Route& rt, const std::string& text, bool must_fail) {
    httplib::Request req;
    req.method = rt.method;
    req.path = rt.path;
    req.headers = rt.shopper ? shopper(tok, key()) : admin(key());
    req.body = text;
    req.set_header("Content-Type", "application/json");
    if (rt.path == "/v1/program") req.set_header("If-Match", "\"0\"");
    auto r = http_->send(req);
    ++sent;
    ASSERT_TRUE(r) << rt.path << " " << text.substr(0, 200);
    EXPECT_LT(r->status, 500) << rt.method << " " << rt.path << " " << text.substr(0, 200) << " -> "
                              << r->body;
    if (must_fail) {
      EXPECT_GE(r->status, 400) << rt.path << " " << text.substr(0, 200) << " -> "
                                << r->body.substr(0, 300);
      // A rule rejection (422) stores nothing either; the other 2xx would have stored something.
    }
    if (r->status >= 400) {
      const json e = body(r);
      EXPECT_TRUE(e.is_object() && e.contains("error") && e["error"]["code"].is_string() &&
                  e["error"]["message"].is_string() && e["error"]["path"].is_string())
          << rt.path << " " << text.substr(0, 200) << " -> " << r->body.substr(0, 300);
    }
  };
  const std::vector<std::string> whole = {
      "",     "not json",  "{",          "[]",    "[1,2]",
      "null", "42",        "\"x\"",      "1e400", "99999999999999999999",
      deep,   deep_object, "{\"a\":1}{}"};
  for (const auto& rt : routes) {
    for (const auto& text : whole) check(rt, text, true);
    // An unknown member.
    json unknown = rt.base;
    unknown["zzz"] = 1;
    check(rt, unknown.dump(), true);
    const auto& members = rt.path == "/v1/program" ? program_members : rt.members;
    for (const auto& m : members) {
      for (const auto& [kind, text] : values) {
        if (m.accepted.count(kind)) continue;
        // A greater version is a valid new program: it would be stored.
        if (rt.path == "/v1/program" && m.name == "version" &&
            (text == "7" || text == "9223372036854775807"))
          continue;
        json b = rt.base;
        b.erase(m.name);
        std::string s = b.dump();
        s.pop_back();
        s += std::string(b.empty() ? "" : ",") + "\"" + m.name + "\":" + text + "}";
        check(rt, s, true);
      }
    }
  }
  // GETs: malformed parameters are 4xx; a body on a GET is ignored.
  for (const std::string& path :
       {"/v1/events?after=1e400", "/v1/events?after=99999999999999999999", "/v1/events?limit=0",
        "/v1/events?limit=-1", "/v1/events?limit=%00", "/v1/metrics?from=%5B&until=x",
        "/v1/metrics?total_customers=1e400", "/v1/metrics?churn_days=99999999999999999999",
        "/v1/metrics?from=2020-01-01T00:00:00Z&until=1e400", "/v1/program?version=x",
        "/v1/program?version=0", "/v1/program?version=99999999999999999999",
        "/v1/program?version=1e400", "/v1/program?version=99", "/v1/metrics?from=%FF&until=x",
        "/v1/metrics?from=2020-01-01T00:00:00Z&until=%C3%28"}) {
    auto r = http_->Get(path, admin());
    ASSERT_TRUE(r) << path;
    EXPECT_GE(r->status, 400) << path << " -> " << r->body;
    EXPECT_LT(r->status, 500) << path << " -> " << r->body;
    EXPECT_TRUE(body(r).contains("error")) << path << " -> " << r->body;
  }
  for (const std::string& path : {"/v1/program", "/v1/program/versions", "/v1/members/me",
                                  "/v1/events", "/v1/metrics", "/healthz"}) {
    for (const auto& text : {std::string("not json"), deep, std::string("{\"event_id\":null}")}) {
      httplib::Request req;
      req.method = "GET";
      req.path = path;
      req.headers = path == "/v1/members/me" ? shopper(tok) : admin();
      req.body = text;
      auto r = http_->send(req);
      ASSERT_TRUE(r) << path;
      EXPECT_LT(r->status, 500) << path << " -> " << r->body;
    }
  }
  EXPECT_GT(sent, 500);
  // A read is the state brought to the instant of the read: all but its clock is as before.
  json state_after = me("m-1"), state_then = state_before;
  state_after["internal"].erase("clock");
  state_then["internal"].erase("clock");
  EXPECT_EQ(state_after, state_then);
  EXPECT_EQ(events(""), events_before);
  EXPECT_EQ(http_->Get("/v1/program")->body, program_before);
  EXPECT_EQ(http_->Get("/v1/members/me", shopper(token("m-new")))->status, 404);
}

TEST_F(Server, EnrolmentIsTimedByTheServer) {
  const std::string past = srv::format_rfc3339(srv::now_ms() - 86400 * 1000, -300);
  auto r = http_->Post("/v1/members", admin(key()),
                       R"({"member_id":"m-1","email":"a@b.c","at":")" + past + "\"}",
                       "application/json");
  ASSERT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(body(r)["error"]["code"], "invalid_request");
  EXPECT_EQ(body(r)["error"]["path"], "/at");
  EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("timed by the server"),
            std::string::npos);
  EXPECT_EQ(http_->Get("/v1/members/me", shopper(token("m-1")))->status, 404);
  EXPECT_EQ(events("")["events"].size(), 0u);
  // Without it, the enrolment is dated now by the server.
  auto ok = enrol("m-1");
  ASSERT_EQ(ok->status, 201);
  auto when = srv::parse_rfc3339(body(ok)["history"][0]["at"].get<std::string>());
  ASSERT_TRUE(when);
  EXPECT_LT(std::llabs(*when - srv::now_ms()), 60 * 1000);
}

TEST_F(Server, StoredProgramVersions) {
  json doc = json::parse(read_file(program_path("basic.json")));
  for (int v = 2; v <= 3; ++v) {
    doc["name"] = "Version " + std::to_string(v);
    ASSERT_EQ(http_
                  ->Put("/v1/program?note=Note%20" + std::to_string(v) + "%20%C3%B1", admin(key()),
                        doc.dump(), "application/json")
                  ->status,
              200);
  }
  auto list = http_->Get("/v1/program/versions", admin());
  ASSERT_EQ(list->status, 200) << list->body;
  const json versions = body(list)["versions"];
  ASSERT_EQ(versions.size(), 3u) << list->body;
  EXPECT_EQ(versions[0]["version"], 3);
  EXPECT_EQ(versions[0]["name"], "Version 3");
  EXPECT_EQ(versions[1]["version"], 2);
  EXPECT_EQ(versions[2]["version"], 1);
  EXPECT_EQ(versions[2]["name"], "Server test program");
  EXPECT_EQ(versions[0]["note"], "Note 3 \u00f1") << "the note given on publish, kept";
  EXPECT_EQ(versions[2]["note"], "");
  for (const auto& v : versions) {
    EXPECT_EQ(v["id"], "server-test");
    ASSERT_TRUE(v["stored_at"].is_string());
    EXPECT_TRUE(srv::parse_rfc3339(v["stored_at"].get<std::string>())) << v.dump();
  }
  EXPECT_EQ(http_->Get("/v1/program/versions")->status, 403);
  EXPECT_EQ(http_->Get("/v1/program/versions", shopper(token("m-1")))->status, 403);

  auto v1 = http_->Get("/v1/program?version=1");
  ASSERT_EQ(v1->status, 200);
  EXPECT_EQ(v1->get_header_value("ETag"), "\"1\"");
  EXPECT_EQ(body(v1), json::parse(read_file(program_path("basic.json"))));
  EXPECT_EQ(http_->Get("/v1/program?version=1", {{"If-None-Match", "\"1\""}})->status, 304);
  auto v2 = http_->Get("/v1/program?version=2");
  ASSERT_EQ(v2->status, 200);
  EXPECT_EQ(body(v2)["name"], "Version 2");
  auto missing = http_->Get("/v1/program?version=9");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(body(missing)["error"]["code"], "unknown_version");
  EXPECT_EQ(http_->Get("/v1/program?version=two")->status, 400);
  // The current one is still the newest.
  EXPECT_EQ(http_->Get("/v1/program")->get_header_value("ETag"), "\"3\"");
}

// The stored snapshot as it is in the database (what the last write left).
std::string stored_state(const std::string& db, const std::string& member) {
  const std::string row = query(db, "SELECT state FROM members WHERE member_id = '" + member + "'");
  return row.empty() ? row : row.substr(6, row.size() - 7);  // "state=" … "\n"
}

// GET /v1/members/me answers the state as of now (pending points released, lots expired) while
// the ledger and the stored snapshot stay as the last write left them.
TEST_F(Server, ReadsBringTheStateToNowWithoutWriting) {
  json doc = json::parse(read_file(program_path("basic.json")));
  doc["version"] = 2;
  doc["pending_days"] = 1;
  doc["expiry"] = {{"policy", "rolling"}, {"days", 1}};
  ASSERT_EQ(http_->Put("/v1/program", admin(key()), doc.dump(), "application/json")->status, 200);
  ASSERT_EQ(enrol("pend")->status, 201);
  ASSERT_EQ(enrol("expi")->status, 201);
  const long long day = 86400LL * 1000, lead = 3000;
  const long long t0 = srv::now_ms();
  auto import = [&](const std::string& member, long long at_ms) {
    return http_->Post("/v1/orders", admin(key()),
                       R"({"member_id":")" + member + R"(","order_id":"o-1","at":")" +
                           srv::format_rfc3339(at_ms, -300) + R"(","cart":)" + cart_json(5000) +
                           "}",
                       "application/json");
  };
  // Pending until t0 + 3 s; released a day ago, so its lot expires at t0 + 3 s.
  auto a = import("pend", t0 - day + lead);
  auto b = import("expi", t0 - 2 * day + lead);
  ASSERT_EQ(a->status, 200) << a->body;
  ASSERT_EQ(b->status, 200) << b->body;
  ASSERT_LT(srv::now_ms(), t0 + lead - 1000) << "too slow to test";
  json pend = me("pend"), expi = me("expi");
  EXPECT_EQ(pend["balance"], 0);
  EXPECT_EQ(pend["pending"].size(), 1u);
  EXPECT_EQ(expi["balance"], 50);
  const std::string db = dir_.path() + "/test.db";
  const std::string stored_pend = stored_state(db, "pend"), stored_expi = stored_state(db, "expi");
  ASSERT_FALSE(stored_pend.empty());
  const auto feed = events("");

  std::this_thread::sleep_for(std::chrono::milliseconds(lead + 1500 - (srv::now_ms() - t0)));
  pend = me("pend");
  expi = me("expi");
  EXPECT_EQ(pend["balance"], 50) << pend.dump();
  EXPECT_EQ(pend["pending"].size(), 0u);
  EXPECT_EQ(pend["history"].back()["kind"], "pending_released");
  EXPECT_EQ(expi["balance"], 0) << expi.dump();
  EXPECT_EQ(expi["lifetime"]["expired"], 50);
  EXPECT_EQ(expi["history"].back()["kind"], "expire");
  // Reads are repeatable; only the clock they were brought to moves when the second turns.
  auto without_clock = [](json s) {
    if (s.contains("internal")) s["internal"].erase("clock");
    return s;
  };
  EXPECT_EQ(without_clock(me("pend")), without_clock(pend));
  // Nothing was written: the same ledger, the same snapshots.
  EXPECT_EQ(events(""), feed);
  EXPECT_EQ(stored_state(db, "pend"), stored_pend);
  EXPECT_EQ(stored_state(db, "expi"), stored_expi);
  // The next write does the same advance and stores it, once.
  auto adj = http_->Post("/v1/adjustments", admin(key()),
                         R"({"member_id":"pend","points":1,"reason":"r"})", "application/json");
  ASSERT_EQ(adj->status, 200) << adj->body;
  const json after = body(adj);
  EXPECT_EQ(after["balance"], 51);
  int released = 0;
  for (const auto& h : after["history"]) released += h["kind"] == "pending_released";
  EXPECT_EQ(released, 1);
  EXPECT_EQ(me("pend")["balance"], 51);
  // A read of a member with nothing due writes nothing either.
  ASSERT_EQ(enrol("plain")->status, 201);
  const std::string stored_plain = stored_state(db, "plain");
  EXPECT_EQ(me("plain")["balance"], 0);
  EXPECT_EQ(stored_state(db, "plain"), stored_plain);
}

TEST(ServerBinary, HelpAndMint) {
  const std::string help = std::string(LOYALTY_SERVER_BIN) + " --help";
  FILE* p = popen(help.c_str(), "r");
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_EQ(pclose(p), 0);
  for (const char* flag :
       {"--port", "--bind", "--db", "--program", "--admin-key", "--token-secret", "--cors-origin",
        "--static", "--rate-limit", "--mint-token", "LOYALTY_PORT"})
    EXPECT_NE(out.find(flag), std::string::npos) << flag;
  const std::string mint =
      std::string(LOYALTY_SERVER_BIN) + " --mint-token m-7 --ttl 60 --token-secret s3";
  p = popen(mint.c_str(), "r");
  std::string tok;
  while (fgets(buf, sizeof buf, p)) tok += buf;
  pclose(p);
  while (!tok.empty() && tok.back() == '\n') tok.pop_back();
  auto check = srv::verify_token(tok, "s3", srv::now_ms() / 1000);
  EXPECT_TRUE(check.ok) << check.reason;
  EXPECT_EQ(check.member_id, "m-7");
}

}  // namespace

namespace {

// Bounded members and versions that keep the past (issue 18, items 4 and 5).
class Bounded : public Server {
 protected:
  json history(const std::string& member, const std::string& query = "") {
    auto r = http_->Get("/v1/members/me/history" + query, shopper(token(member)));
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return body(r);
  }
  httplib::Result adjust(const std::string& member, int points, const std::string& k = "") {
    return http_->Post("/v1/adjustments", admin(k.empty() ? key() : k),
                       json{{"member_id", member}, {"points", points}, {"reason", "r"}}.dump(),
                       "application/json");
  }
  void publish(int version, int points_per_sol) {
    json doc = json::parse(read_file(program_path("basic.json")));
    doc["version"] = version;
    doc["earn"][0]["points"] = points_per_sol;
    auto r = http_->Put("/v1/program", admin(key()), doc.dump(), "application/json");
    ASSERT_EQ(r->status, 200) << r->body;
  }
};

TEST_F(Bounded, TheFullHistoryIsPagedFromTheServer) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  for (int i = 1; i <= 120; ++i) ASSERT_EQ(adjust("m-1", i)->status, 200);
  EXPECT_EQ(me("m-1")["history"].size(), 50u);
  std::vector<long long> points;  // newest page first, each page oldest first
  json page = history("m-1", "?limit=50");
  int pages = 1;
  for (;;) {
    ASSERT_LE(page["history"].size(), 50u);
    std::vector<long long> these;
    for (const auto& h : page["history"]) these.push_back(h["points"].get<long long>());
    points.insert(points.begin(), these.begin(), these.end());
    if (page["before"].is_null()) break;
    page = history("m-1", "?limit=50&before=" + std::to_string(page["before"].get<long long>()));
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(points.size(), 121u);  // the enrolment and every adjustment, none twice
  for (int i = 1; i <= 120; ++i) EXPECT_EQ(points[static_cast<std::size_t>(i)], i);
  // The newest page is the state's history.
  EXPECT_EQ(history("m-1")["history"], me("m-1")["history"]);
  EXPECT_EQ(http_->Get("/v1/members/me/history?before=x", shopper(token("m-1")))->status, 400);
  EXPECT_EQ(http_->Get("/v1/members/me/history")->status, 401);
}

TEST_F(Bounded, AnIdempotentRetryAnswersTheFirstAnswerAfterLaterWrites) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  for (int i = 0; i < 60; ++i) ASSERT_EQ(adjust("m-1", 1)->status, 200);
  auto first = order("m-1", "o-1", 10000, "the-order");
  ASSERT_EQ(first->status, 200);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(adjust("m-1", 1)->status, 200);
  auto again = order("m-1", "o-1", 10000, "the-order");
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, first->body);
  EXPECT_EQ(body(again)["history"].size(), 50u);
  EXPECT_EQ(me("m-1")["balance"], 60 + 100 + 5);
}

TEST_F(Bounded, AnswersCarryNoOrdersOrSeenIds) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  auto r = order("m-1", "o-1", 10000);
  ASSERT_EQ(r->status, 200);
  EXPECT_FALSE(body(r)["internal"].contains("orders"));
  EXPECT_FALSE(me("m-1")["internal"].contains("seen"));
}

TEST_F(Bounded, APublishChangesNoPastBalanceEntryOrMetric) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  ASSERT_EQ(order("m-1", "o-1", 10000)->status, 200);
  const std::string range =
      "/v1/metrics?from=2020-01-01T00:00:00-05:00&until=2100-01-01T00:00:00-05:00";
  const json metrics_before = body(http_->Get(range, admin()));
  const json state_before = me("m-1");
  ASSERT_EQ(state_before["balance"], 100);
  publish(2, 2);
  const json state_after = me("m-1");
  EXPECT_EQ(state_after["balance"], 100);
  EXPECT_EQ(state_after["history"], state_before["history"]);
  EXPECT_EQ(body(http_->Get(range, admin())), metrics_before);
  // New events are evaluated under the new version.
  auto next = order("m-1", "o-2", 10000);
  ASSERT_EQ(next->status, 200);
  EXPECT_EQ(body(next)["balance"], 300);
  EXPECT_EQ(body(http_->Get(range, admin()))["points"]["issued"], 300);
}

TEST_F(Bounded, ARefundRecomputesItsOrderUnderTheOrdersVersion) {
  ASSERT_EQ(enrol("m-1")->status, 201);
  auto o = http_->Post("/v1/orders", admin(key()),
                       R"({"member_id":"m-1","order_id":"o-1","cart":)" + cart_json(5000, 2) + "}",
                       "application/json");
  ASSERT_EQ(o->status, 200) << o->body;  // 100 points under version 1
  publish(2, 3);
  auto r =
      http_->Post("/v1/refunds", admin(key()),
                  R"({"member_id":"m-1","order_id":"o-1","lines":[{"sku":"latte","quantity":1}]})",
                  "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  // The latte left earns 50 under version 1, so 50 go; under version 2 it would earn 150.
  EXPECT_EQ(body(r)["balance"], 50);
  EXPECT_EQ(body(r)["history"].back()["points"], -50);
}

// The member's clock is the server's now, so an order can only leave the window with time; an
// import dated before it is refused (the core's tests cover the refund of an order that left).
TEST_F(Bounded, AnImportOlderThanTheRefundWindowIsRefused) {
  json doc = json::parse(read_file(program_path("basic.json")));
  doc["version"] = 2;
  doc["limits"] = {{"refund_days", 2}};
  ASSERT_EQ(http_->Put("/v1/program", admin(key()), doc.dump(), "application/json")->status, 200);
  ASSERT_EQ(enrol("m-1")->status, 201);
  auto import = [&](const std::string& order_id, long long hours_ago) {
    const std::string at = srv::format_rfc3339(srv::now_ms() - hours_ago * 3600 * 1000, -300);
    return http_->Post("/v1/orders", admin(key()),
                       R"({"member_id":"m-1","order_id":")" + order_id + R"(","at":")" + at +
                           R"(","cart":)" + cart_json(5000) + "}",
                       "application/json");
  };
  auto old = import("o-1", 49);
  ASSERT_EQ(old->status, 400) << old->body;
  EXPECT_EQ(body(old)["error"]["code"], "invalid_event");
  EXPECT_EQ(body(old)["error"]["path"], "/at");
  ASSERT_EQ(import("o-2", 47)->status, 200);
  auto refund = http_->Post("/v1/refunds", admin(key()), R"({"member_id":"m-1","order_id":"o-2"})",
                            "application/json");
  EXPECT_EQ(refund->status, 200) << refund->body;
  EXPECT_EQ(body(refund)["balance"], 0);
}

}  // namespace
