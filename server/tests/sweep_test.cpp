// The time sweep (spec/sync.md, "Webhooks"), on either store: points expiring within the notice,
// points expired and members lapsed reach the receiver from the periodic sweep, each once however
// often it runs (and on PostgreSQL with two instances sweeping at once); a member with nothing due
// gets nothing; members stored before the sweep's table existed are scheduled from their ledger.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "clock.hpp"
#include "harness.hpp"
#include "receiver.hpp"
#include "webhook_events.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

constexpr std::int64_t kDay = 86'400'000;

// Lots expire 30 days after they are earned; a member with no order for 20 days is lapsed.
const char* kProgram = R"({"schema":"loyalty-program/1","id":"sweep","currency":"PEN",
  "utc_offset":"-05:00","lapsed_days":20,"expiry":{"policy":"rolling","days":30},
  "earn":[{"id":"base","type":"per_spend","points":1,"per_minor":100}]})";

class Sweep : public ::testing::Test {
 protected:
  std::vector<std::string> flags(const Receiver& receiver) {
    const std::string secret = dir_.path() + "/webhook.secret", program = dir_.path() + "/p.json";
    std::ofstream(secret) << "whsec_sweep\n";
    std::ofstream(program) << kProgram;
    return {
        "--program", program,      "--webhook-url", receiver.url(),       "--webhook-secret-file",
        secret,      "--sweep-ms", "100",           "--webhook-retry-ms", "200"};
  }
  std::string db() const { return dir_.path() + "/sweep.db"; }
  int post(const ServerProcess& s, const std::string& path, const json& body) {
    const std::string k = "sw-" + std::to_string(++counter_) + "-" + std::to_string(srv::now_ms());
    auto r = s.client()->Post(path, admin(k), body.dump(), "application/json");
    return r ? r->status : 0;
  }
  // A member enrolled now with one order of 10 000 (100 points) `days_ago`; the order's time.
  std::string member_with_order(const ServerProcess& s, const std::string& id,
                                std::int64_t days_ago) {
    EXPECT_EQ(post(s, "/v1/members", {{"member_id", id}, {"email", id + "@example.com"}}), 201);
    const std::string at = srv::format_rfc3339(srv::now_ms() - days_ago * kDay, -300);
    EXPECT_EQ(post(s, "/v1/orders",
                   json::parse(R"({"member_id":")" + id + R"(","order_id":"o-1","at":")" + at +
                               R"(","cart":)" + cart_json(10000) + "}")),
              200);
    return at;
  }
  // Time-driven deliveries by member and type, and how often each id came.
  static std::map<std::string, int> timed(const std::vector<Delivery>& got) {
    std::map<std::string, int> out;
    for (const auto& d : got) {
      const json body = json::parse(d.body);
      const std::string type = body["type"];
      if (type == "points.expiring" || type == "points.expired" || type == "member.lapsed")
        ++out[body["data"]["member_id"].get<std::string>() + " " + type];
    }
    return out;
  }
  static std::string said(const std::vector<Delivery>& got) {
    std::string out;
    for (const auto& d : got) out += d.body + "\n";
    return out;
  }
  static std::map<std::string, int> per_id(const std::vector<Delivery>& got) {
    std::map<std::string, int> out;
    for (const auto& d : got) ++out[d.event_id];
    return out;
  }

  TempDir dir_;
  int counter_ = 0;
};

const std::map<std::string, int> kDue = {{"soon member.lapsed", 1},
                                         {"soon points.expiring", 1},
                                         {"gone member.lapsed", 1},
                                         {"gone points.expired", 1}};

TEST_F(Sweep, ExpiringExpiredAndLapsedComeOnceFromTheSweep) {
  Receiver receiver(200);
  ServerProcess server(db(), flags(receiver));
  member_with_order(server, "soon", 25);  // expires in 5 days (notice 14), lapsed 5 days ago
  member_with_order(server, "gone", 40);  // expired 10 days ago, lapsed 20 days ago
  member_with_order(server, "fresh", 1);  // notice in 15 days, lapse in 19: nothing yet
  ASSERT_TRUE(receiver.wait_for([](const auto& got) { return timed(got) == kDue; },
                                std::chrono::seconds(10)))
      << said(receiver.deliveries());
  // Many more sweep rounds send nothing again: each member's next due instant lies ahead.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto got = receiver.deliveries();
  EXPECT_EQ(timed(got), kDue);
  for (const auto& [id, n] : per_id(got)) EXPECT_EQ(n, 1) << id;
  for (const auto& d : got) {
    const json body = json::parse(d.body);
    if (body["type"] == "points.expiring") EXPECT_EQ(body["data"]["points"], 100) << d.body;
    if (body["type"] == "points.expired") EXPECT_EQ(body["data"]["points"], 100) << d.body;
    if (body["type"] == "member.lapsed") EXPECT_EQ(body["data"]["lapsed_days"], 20) << d.body;
  }
  // What is scheduled: fresh's next look is its notice (order + 30 - 14 days = 15 days from
  // now, before its lapse in 19), and nobody is due any more.
  const std::string fresh = query(db(), "SELECT due_ms FROM member_sweep WHERE member_id='fresh'");
  const std::int64_t due = std::stoll(fresh.substr(fresh.find('=') + 1));
  EXPECT_NEAR(static_cast<double>(due - srv::now_ms()), 15.0 * kDay, 60'000.0) << fresh;
  EXPECT_EQ(query(db(), "SELECT COUNT(*) AS n FROM member_sweep WHERE due_ms <= " +
                            std::to_string(srv::now_ms())),
            "n=0\n");
}

TEST_F(Sweep, TwoInstancesSweepingTheSameMembersSendEachEventOnce) {
  if (!on_postgres()) GTEST_SKIP() << "one SQLite file is one process (PostgreSQL run covers it)";
  Receiver receiver(200);
  ServerProcess first(db(), flags(receiver));
  ServerProcess second(db(), flags(receiver));
  member_with_order(first, "soon", 25);
  member_with_order(second, "gone", 40);
  ASSERT_TRUE(receiver.wait_for([](const auto& got) { return timed(got) == kDue; },
                                std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(timed(receiver.deliveries()), kDue);
  for (const auto& [id, n] : per_id(receiver.deliveries())) EXPECT_EQ(n, 1) << id;
}

TEST_F(Sweep, MembersStoredBeforeTheScheduleAreScheduledFromTheirLedger) {
  Receiver receiver(200);
  std::string order_at;
  {
    Receiver quiet(503);  // first server: deliveries fail, nothing reaches `receiver`
    ServerProcess server(db(), flags(quiet));
    order_at = member_with_order(server, "old", 40);
  }
  // As a database written before migration 6: no schedule, the migration not recorded (and no
  // delivery on record: the lapse comes from the sweep alone; the expiry went out with the write).
  query(db(), "DROP TABLE member_sweep");
  query(db(), "DELETE FROM schema_migrations WHERE version = 6");
  query(db(), "DELETE FROM webhook_outbox");
  ServerProcess server(db(), flags(receiver));
  ASSERT_TRUE(receiver.wait_for(
      [](const auto& got) {
        const auto t = timed(got);
        return t.count("old member.lapsed") > 0;
      },
      std::chrono::seconds(10)));
  for (const auto& d : receiver.deliveries()) {
    const json body = json::parse(d.body);
    if (body["type"] == "member.lapsed")
      EXPECT_EQ(body["data"]["last_order_at"].get<std::string>().substr(0, 19),
                srv::format_rfc3339(srv::parse_rfc3339(order_at).value(), 0).substr(0, 19))
          << "the last order read back from the events table";
  }
  EXPECT_EQ(query(db(), "SELECT version FROM schema_migrations ORDER BY version"),
            every_migration());
}

TEST(SweepSchedule, TheNextInstantIsTheFirstOfChangeNoticeAndLapse) {
  const std::int64_t now = 1'000 * kDay;
  const json view = {{"next_expiry", {{"at", srv::format_rfc3339(now + 20 * kDay, 0)}}}};
  srv::SweepSchedule s{&view, now + 30 * kDay, now, 14, 90, now - 80 * kDay, false};
  EXPECT_EQ(srv::next_sweep_ms(s), now + 6 * kDay) << "the notice, 14 days before the expiry";
  s.notice_days = 25;  // inside the window: a sweep sent it, so the expiry itself is next
  EXPECT_EQ(srv::next_sweep_ms(s), now + 10 * kDay) << "the lapse, 90 days after the order";
  s.after_write = true;  // ... but a write inside the window is due at once
  EXPECT_EQ(srv::next_sweep_ms(s), now);
  const json none = json::object();
  EXPECT_EQ(srv::next_sweep_ms({&none, std::nullopt, now, 14, 90, std::nullopt, false}),
            std::nullopt)
      << "no lot, no order, nothing that time changes";
  EXPECT_EQ(srv::next_sweep_ms({&none, now + kDay, now, 14, 90, now - 90 * kDay, false}),
            now + kDay)
      << "a lapse at this very instant was sent by this sweep";
  EXPECT_EQ(srv::next_sweep_ms({&none, now + kDay, now, 14, 90, now - 90 * kDay, true}), now)
      << "a write whose (imported) order is lapsed already";
}

}  // namespace
