// What PostgreSQL storage promises beyond one process (spec/sync.md "Storage"): two
// loyalty-server instances over one database serialise each member's writes between them, answer
// a retried key with the first answer whichever instance gets it, share the coupon caps, program
// versions and event numbering; and a restart of the database costs the requests during the
// outage a 503, not the server. Skipped without LOYALTY_TEST_DB (scripts/with-postgres.sh).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <set>
#include <thread>

#include "clock.hpp"
#include "harness.hpp"
#include "pg_pool.hpp"
#include "postgres_store.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

// A connection of the test's own to the database behind a test path, to hold locks and rows the
// way a write in flight would.
class RawSession {
 public:
  explicit RawSession(const std::string& db_path) : c_(PQconnectdb(store_of(db_path).c_str())) {
    EXPECT_EQ(PQstatus(c_), CONNECTION_OK) << PQerrorMessage(c_);
  }
  ~RawSession() { PQfinish(c_); }
  // Runs one statement; its rows as "column=value\n" lines.
  std::string sql(const std::string& statement) {
    PGresult* r = PQexec(c_, statement.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    EXPECT_TRUE(ok) << statement << ": " << PQresultErrorMessage(r);
    std::string out;
    for (int row = 0; row < PQntuples(r); ++row)
      for (int col = 0; col < PQnfields(r); ++col)
        out += std::string(PQfname(r, col)) + "=" + PQgetvalue(r, row, col) + "\n";
    PQclear(r);
    return out;
  }

 private:
  PGconn* c_;
};

std::string lock_class(srv::PgLockClass c) {
  return std::to_string(static_cast<int>(c));
}

class TwoInstances : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!on_postgres()) GTEST_SKIP() << "needs LOYALTY_TEST_DB (scripts/with-postgres.sh)";
  }
  // Both instances over the same database (the same test path names the same database).
  void start(std::vector<std::string> extra = {}) {
    a_ = std::make_unique<ServerProcess>(db(), extra);
    b_ = std::make_unique<ServerProcess>(db(), extra);
  }
  std::string db() const { return dir_.path() + "/shared.db"; }
  ServerProcess& instance(int i) const { return i % 2 ? *b_ : *a_; }
  httplib::Result enrol(ServerProcess& s, const std::string& member) {
    return s.client()->Post("/v1/members", admin("enrol-" + member),
                            json{{"member_id", member}, {"email", member + "@example.com"}}.dump(),
                            "application/json");
  }
  json events(ServerProcess& s, const std::string& member) {
    return body(s.client()->Get("/v1/events?member=" + member + "&limit=1000", admin()));
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> a_, b_;
};

TEST_F(TwoInstances, ARedemptionRaceSplitOverBothLetsExactlyTheAffordableNumberThrough) {
  start();
  ASSERT_EQ(enrol(*a_, "m-1")->status, 201);
  auto order =
      b_->client()->Post("/v1/orders", admin("o-1"),
                         R"({"member_id":"m-1","order_id":"o-1","cart":)" + cart_json(250000) + "}",
                         "application/json");
  ASSERT_EQ(body(order)["balance"], 2500);  // 25 mugs' worth, written by the other instance
  const std::string tok = token("m-1");
  std::atomic<int> ok{0}, rejected{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&, i] {
      auto r = instance(i).client()->Post("/v1/members/me/redemptions",
                                          shopper(tok, "race-" + std::to_string(i)),
                                          R"({"reward":"mug"})", "application/json");
      if (r && r->status == 200)
        ++ok;
      else if (r && r->status == 422)
        ++rejected;
      else
        ++other;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 25);
  EXPECT_EQ(rejected.load(), 25);
  EXPECT_EQ(other.load(), 0);
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(body(instance(i).client()->Get("/v1/members/me", shopper(tok)))["balance"], 0);
  // Both instances numbered events from one sequence: seqs increase, event ids never repeat.
  const json feed = events(*a_, "m-1");
  int redeems = 0;
  long long last_seq = 0;
  std::set<std::string> ids;
  for (const auto& e : feed["events"]) {
    redeems += e["type"] == "redeem";
    EXPECT_GT(e["seq"].get<long long>(), last_seq);
    last_seq = e["seq"].get<long long>();
    EXPECT_TRUE(ids.insert(e["event_id"].get<std::string>()).second) << e["event_id"];
  }
  EXPECT_EQ(redeems, 25);
}

TEST_F(TwoInstances, ARetryOnTheOtherInstanceAnswersTheFirstAnswer) {
  start();
  ASSERT_EQ(enrol(*a_, "m-1")->status, 201);
  const std::string adjust = R"({"member_id":"m-1","points":7,"reason":"retry"})";
  auto first = a_->client()->Post("/v1/adjustments", admin("once"), adjust, "application/json");
  ASSERT_EQ(first->status, 200) << first->body;
  auto again = b_->client()->Post("/v1/adjustments", admin("once"), adjust, "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, first->body);
  // Twins racing on both instances: one is applied, every one answers its bytes.
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(20);
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      auto r =
          instance(i).client()->Post("/v1/adjustments", admin("twins"), adjust, "application/json");
      bodies[i] = r && r->status == 200 ? r->body : "failed";
    });
  for (auto& t : threads) t.join();
  for (const auto& b : bodies) EXPECT_EQ(b, bodies[0]);
  EXPECT_EQ(body(b_->client()->Get("/v1/members/me", shopper(token("m-1"))))["balance"], 14);
  EXPECT_EQ(events(*b_, "m-1")["events"].size(), 3u);  // enrolment and two adjustments
}

TEST_F(TwoInstances, ACouponCapHoldsAcrossInstances) {
  start({"--program", program_path("engage.json"), "--coupon-cap", "NEWS10=3"});
  const int n = 12;
  for (int i = 0; i < n; ++i) ASSERT_EQ(enrol(instance(i), "r-" + std::to_string(i))->status, 201);
  std::atomic<int> ok{0}, capped{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      auto r = instance(i).client()->Post(
          "/v1/members/me/claims",
          shopper(token("r-" + std::to_string(i)), "claim-" + std::to_string(i)),
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

TEST_F(TwoInstances, AVersionPublishedOnOneInstanceIsTheOthersToo) {
  start();
  json doc = json::parse(read_file(program_path("basic.json")));
  doc["version"] = 2;
  auto put = [&](ServerProcess& s, const std::string& k) {
    auto headers = admin(k);
    headers.emplace("If-Match", "\"1\"");  // both editors read version 1
    return s.client()->Put("/v1/program", headers, doc.dump(), "application/json");
  };
  ASSERT_EQ(put(*a_, "publish-a")->status, 200);
  auto twice = put(*b_, "publish-b");  // B still runs version 1, the database holds 2
  EXPECT_EQ(twice->status, 412);
  EXPECT_EQ(body(twice)["error"]["code"], "version_conflict");
  // B's writes take the new version at once; its reads within a second or so.
  ASSERT_EQ(enrol(*b_, "m-1")->status, 201);
  EXPECT_EQ(events(*b_, "m-1")["events"][0]["program_version"], 2);
  std::string etag;
  for (int i = 0; i < 40 && etag != "\"2\""; ++i) {
    etag = b_->client()->Get("/v1/program")->get_header_value("ETag");
    if (etag != "\"2\"") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(etag, "\"2\"");
}

TEST_F(TwoInstances, InstancesStartingTogetherApplyEachMigrationOnce) {
  std::vector<std::unique_ptr<ServerProcess>> servers(4);
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (auto& s : servers)
    threads.emplace_back([&] {
      try {
        s = std::make_unique<ServerProcess>(db());
      } catch (const std::exception&) {
        ++failed;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(query(db(), "SELECT version FROM schema_migrations ORDER BY version"),
            every_migration());
  EXPECT_EQ(query(db(), "SELECT version FROM programs"), "version=1\n");
}

// A write in flight holds the seq it drew while a later write commits a higher one. The feed must
// not show the higher seq before the lower one is settled, or a reader paging with after= would
// skip it for good. The write in flight is played here in SQL, the way the server's commit does
// it (event_seq lock shared, then the seq), so it can be held open as long as the test wants.
TEST_F(TwoInstances, TheFeedNeverShowsASeqWhileALowerOneIsInFlight) {
  a_ = std::make_unique<ServerProcess>(db());
  ASSERT_EQ(enrol(*a_, "m-1")->status, 201);  // seq 1
  RawSession slow(db());
  slow.sql("BEGIN");
  slow.sql("SELECT pg_advisory_xact_lock_shared(" + lock_class(srv::PgLockClass::event_seq) +
           ", 0)");
  slow.sql(
      "INSERT INTO events(seq, member_id, event_id, type, at, program_version, body) VALUES "
      "(nextval('event_seq'), 'ghost', 'ghost-1', 'adjust', '2026-01-01T00:00:00Z', 1, "
      "'{\"id\":\"ghost-1\",\"type\":\"adjust\",\"at\":\"2026-01-01T00:00:00Z\",\"member_id\":"
      "\"ghost\",\"points\":1,\"reason\":\"r\"}')");  // seq 2, in flight
  auto later =
      a_->client()->Post("/v1/adjustments", admin("later"),
                         R"({"member_id":"m-1","points":1,"reason":"r"})", "application/json");
  ASSERT_EQ(later->status, 200);  // seq 3, committed
  std::vector<long long> seen;
  std::thread reader([&] {
    const json feed = body(a_->client()->Get("/v1/events?member=&after=0", admin()));
    for (const auto& e : feed["events"]) seen.push_back(e["seq"].get<long long>());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  slow.sql("COMMIT");
  reader.join();
  EXPECT_EQ(seen, (std::vector<long long>{1, 2, 3}));
}

// A write whose connection dies after it has written its rows but before COMMIT: 503, and none of
// its rows stay. The test holds the lock of the coupon code the claim takes last in its commit
// (after the event, history, idempotency record and snapshot), then ends the server's backend.
TEST_F(TwoInstances, AWriteCutOffBeforeItsCommitLeavesNothing) {
  a_ = std::make_unique<ServerProcess>(
      db(), std::vector<std::string>{"--program", program_path("engage.json")});
  ASSERT_EQ(enrol(*a_, "eva")->status, 201);
  RawSession admin_session(db());
  // Every row a claim writes: the event, history entries, the idempotency record (its key ends
  // with the caller's key), the coupon's claim, the snapshot.
  const std::string claim_rows =
      "SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM history) AS history, "
      "(SELECT COUNT(*) FROM idempotency WHERE key LIKE '% claim-1') AS keys, "
      "(SELECT COUNT(*) FROM coupon_claims) AS claims, "
      "(SELECT md5(state) FROM members WHERE member_id = 'eva') AS state";
  const std::string before = admin_session.sql(claim_rows);
  RawSession holder(db());
  holder.sql("BEGIN");
  holder.sql("SELECT pg_advisory_xact_lock(" + lock_class(srv::PgLockClass::coupon) + ", " +
             std::to_string(srv::pg_lock_key32("news10")) + ")");
  int cut_status = 0;
  json cut_body;
  std::thread claim([&] {
    auto r = a_->client()->Post("/v1/members/me/claims", shopper(token("eva"), "claim-1"),
                                R"({"code":"NEWS10"})", "application/json");
    cut_status = r ? r->status : -1;
    cut_body = body(r);
  });
  // Backends of this test's database waiting for an advisory lock: the claim's (other tests run
  // beside this one on the same cluster, in databases of their own).
  const std::string waiting =
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
      "(SELECT oid FROM pg_database WHERE datname = current_database())";
  std::string pids;
  for (int i = 0; i < 100 && pids.empty(); ++i) {
    pids = admin_session.sql(waiting);
    if (pids.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(pids.empty()) << "the claim never reached the code's lock";
  admin_session.sql("SELECT pg_terminate_backend(pid) FROM (" + waiting + ") w");
  claim.join();
  holder.sql("ROLLBACK");
  EXPECT_EQ(cut_status, 503) << cut_body.dump();
  EXPECT_EQ(cut_body["error"]["code"], "unavailable");
  EXPECT_EQ(events(*a_, "eva")["events"].size(), 1u);  // the enrolment only
  EXPECT_EQ(admin_session.sql(claim_rows), before) << "a row of the cut-off claim stayed";
  auto again = a_->client()->Post("/v1/members/me/claims", shopper(token("eva"), "claim-1"),
                                  R"({"code":"NEWS10"})", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(events(*a_, "eva")["events"].size(), 2u);
}

// Runs alone (CMake: RUN_SERIAL): it stops the cluster every other PostgreSQL test uses.
class DatabaseRestart : public TwoInstances {};

TEST_F(DatabaseRestart, RequestsDuringTheOutageAre503AndLaterOnesSucceed) {
  a_ = std::make_unique<ServerProcess>(db());
  auto http = a_->client();
  ASSERT_EQ(enrol(*a_, "m-1")->status, 201);
  const std::string tok = token("m-1");
  const std::string adjust = R"({"member_id":"m-1","points":5,"reason":"outage"})";
  pg_ctl("stop");
  // Longer than the server's housekeeping period (it reads new program versions every second),
  // so a job that met the outage too must have survived it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto read = http->Get("/v1/members/me", shopper(tok));
  auto write = http->Post("/v1/adjustments", admin("during"), adjust, "application/json");
  pg_ctl("start");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 503) << read->body;
  EXPECT_EQ(body(read)["error"]["code"], "unavailable");
  EXPECT_EQ(read->get_header_value("Retry-After"), "1");
  ASSERT_TRUE(write);
  EXPECT_EQ(write->status, 503) << write->body;
  // The server was not restarted: its dead connections are replaced on the next request.
  auto after = http->Get("/v1/members/me", shopper(tok));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << after->body;
  EXPECT_EQ(body(after)["balance"], 0);  // the refused write left nothing behind
  auto retry = http->Post("/v1/adjustments", admin("during"), adjust, "application/json");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(body(retry)["balance"], 5);
  EXPECT_EQ(events(*a_, "m-1")["events"].size(), 2u);
  // A restart nobody noticed (no request while it was down): the pooled connections are dead,
  // and the first request after it still succeeds on new ones.
  pg_ctl("stop");
  pg_ctl("start");
  for (int i = 0; i < 3; ++i) {
    auto r = http->Get("/v1/members/me", shopper(tok));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
  }
}

// The server's housekeeping usually meets a restart first; without it, the first request after
// the restart finds every pooled connection dead, and must not be the one that pays for it.
TEST_F(DatabaseRestart, APooledConnectionThatDiedIsReplacedOnItsNextUse) {
  srv::PgPool pool(store_of(db()), 2);
  auto one = [](srv::PgPool::Lease& c) { return c->exec("SELECT 1").i64(0, 0); };
  ASSERT_EQ(pool.run(one), 1);
  pg_ctl("stop");
  pg_ctl("start");
  EXPECT_EQ(pool.run(one), 1);
}

}  // namespace
