// GET /v1/members/me answers the view stored with the snapshot until time alone changes what the
// member reads (loyalty::Engine::dated_view), and runs advance from that instant on: either way
// the very bytes advance + MemberDocument::view give at the same now, and nothing is written.
// The server's clock is libfaketime's, read from a file the test rewrites (as
// bench/member_growth.py does), so instants are exact.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include <loyalty/loyalty.hpp>
#include <loyalty/member.hpp>

#include "clock.hpp"
#include "harness.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

const char* const kFaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
constexpr long long kHour = 3600LL * 1000, kDay = 24 * kHour;
// 2031-03-10T15:00:00Z, 10:00 in the program's -05:00.
constexpr long long kT0 = 1930921200LL * 1000;

class DatedReads : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kFaketime, R_OK) != 0) GTEST_SKIP() << "libfaketime is not installed";
    set_clock(kT0);
    server_ = std::make_unique<ServerProcess>(
        db(), std::vector<std::string>{},
        std::vector<std::string>{std::string("LD_PRELOAD=") + kFaketime,
                                 "FAKETIME_TIMESTAMP_FILE=" + dir_.path() + "/clock",
                                 "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1",
                                 "TZ=UTC"});
    http_ = server_->client();
  }
  std::string db() const { return dir_.path() + "/test.db"; }
  // The server's wall clock from now on (frozen there until moved).
  void set_clock(long long ms) {
    now_ = ms;
    std::ofstream(dir_.path() + "/clock")
        << srv::format_utc(ms).substr(0, 10) << ' ' << srv::format_utc(ms).substr(11, 8) << '\n';
  }
  std::string key() { return "k-" + std::to_string(++counter_); }
  json publish(json doc) {
    auto r = http_->Put("/v1/program", admin(key()), doc.dump(), "application/json");
    EXPECT_EQ(r->status, 200) << r->body;
    return doc;
  }
  void enrol_and_order(const std::string& member) {
    auto e = http_->Post("/v1/members", admin(key()),
                         json{{"member_id", member}, {"email", member + "@example.com"}}.dump(),
                         "application/json");
    ASSERT_EQ(e->status, 201) << e->body;
    auto o = http_->Post(
        "/v1/orders", admin(key()),
        R"({"member_id":")" + member + R"(","order_id":"o-1","cart":)" + cart_json(5000) + "}",
        "application/json");
    ASSERT_EQ(o->status, 200) << o->body;
  }
  // GET /v1/members/me as the member, its bytes.
  std::string me(const std::string& member) {
    // Valid for 40 years of real time: the server's clock is years ahead of the test's.
    auto r = http_->Get("/v1/members/me", shopper(token(member, 40LL * 365 * 86400)));
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return r ? r->body : "";
  }
  // Every column of the member's row, and how many events and history entries are stored.
  std::string stored(const std::string& member) {
    std::string out;
    for (const std::string& sql : {"SELECT * FROM members WHERE member_id = '" + member + "'",
                                   std::string("SELECT COUNT(*) AS events FROM events"),
                                   std::string("SELECT COUNT(*) AS history FROM history"),
                                   std::string("SELECT COUNT(*) AS idempotency FROM idempotency")})
      out += query(db(), sql);
    return out;
  }
  std::string column(const std::string& member, const std::string& name) {
    const std::string row = stored(member);
    const auto at = row.find("\n" + name + "=");
    if (at == std::string::npos) return "(none)";
    const auto from = at + name.size() + 2;
    return row.substr(from, row.find('\n', from) - from);
  }
  // What the server answered before stored views: advance of the stored snapshot to now under
  // `program`, the member's part of it.
  std::string slow_read(const json& program, const std::string& member) {
    const loyalty::Engine engine(program.dump());
    const auto doc = loyalty::MemberDocument::parse(engine.advance(column(member, "state"), now_));
    return doc ? doc->view() : "not a state";
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> http_;
  long long now_ = 0;
  int counter_ = 0;
};

// Points pending a day, lots expiring 3 days after, tiers over a rolling 30 days (whose period
// bounds move with every read): what a read must restate, and what it must see happen.
json timed_program() {
  json doc = json::parse(read_file(program_path("basic.json")));
  doc["version"] = 2;
  doc["pending_days"] = 1;
  doc["expiry"] = {{"policy", "rolling"}, {"days", 3}};
  doc["tiers"] = {{"basis", "spend"},
                  {"period", {{"rolling_days", 30}}},
                  {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "gold"}, {"min", 100000}}}}};
  return doc;
}

TEST_F(DatedReads, BeforeTheInstantAReadIsTheSlowReadAndAfterItShowsWhatCameDue) {
  const json program = publish(timed_program());
  enrol_and_order("ana");
  // The first thing due: the order's points, pending until a day later.
  EXPECT_EQ(column("ana", "view_until"), std::to_string(kT0 + kDay));
  EXPECT_EQ(column("ana", "view_version"), "2");
  const std::string at_write = stored("ana");

  for (const long long t : {kT0, kT0 + kHour, kT0 + kDay - 1000}) {
    set_clock(t);
    const std::string read = me("ana");
    EXPECT_EQ(read, slow_read(program, "ana")) << srv::format_utc(t);
    const json view = json::parse(read);
    EXPECT_EQ(view["balance"], 0);
    EXPECT_EQ(view["pending"].size(), 1u);
    EXPECT_EQ(view["internal"]["clock"], srv::format_rfc3339(t, -300));
  }

  // At the release, then past the lot's expiry: shown at once, with no write.
  set_clock(kT0 + kDay);
  std::string read = me("ana");
  EXPECT_EQ(read, slow_read(program, "ana"));
  json view = json::parse(read);
  EXPECT_EQ(view["balance"], 50) << read;
  EXPECT_EQ(view["pending"].size(), 0u);
  EXPECT_EQ(view["history"].back()["kind"], "pending_released");

  set_clock(kT0 + 4 * kDay + kHour);
  read = me("ana");
  EXPECT_EQ(read, slow_read(program, "ana"));
  view = json::parse(read);
  EXPECT_EQ(view["balance"], 0) << read;
  EXPECT_EQ(view["lifetime"]["expired"], 50);
  EXPECT_EQ(view["history"].back()["kind"], "expire");

  // Reads stored nothing: the row (snapshot, view, instant), the ledger, the entries, the keys.
  EXPECT_EQ(stored("ana"), at_write);

  // The next write stores what came due, and the next instant: the 5 points' lot expiring.
  auto adj = http_->Post("/v1/adjustments", admin(key()),
                         R"({"member_id":"ana","points":5,"reason":"r"})", "application/json");
  ASSERT_EQ(adj->status, 200) << adj->body;
  EXPECT_EQ(column("ana", "view_until"), std::to_string(kT0 + 7 * kDay + kHour));
  set_clock(kT0 + 7 * kDay);
  EXPECT_EQ(me("ana"), slow_read(program, "ana"));
}

TEST_F(DatedReads, AViewMadeUnderAnotherVersionIsNotAnswered) {
  publish(timed_program());
  enrol_and_order("bo");
  set_clock(kT0 + kHour);
  const json v2 = json::parse(me("bo"));
  EXPECT_TRUE(v2["tier"].is_object());
  // A new version without tiers: the stored view (made under 2, due a day later) is not it.
  json v3 = timed_program();
  v3["version"] = 3;
  v3.erase("tiers");
  publish(v3);
  const std::string read = me("bo");
  EXPECT_EQ(read, slow_read(v3, "bo"));
  EXPECT_TRUE(json::parse(read)["tier"].is_null()) << read;
}

// The shortcut is taken: a stored view marked by hand (balance 7, same length, so its marks still
// fit) is what a read before the instant answers, and the instant ends it.
TEST_F(DatedReads, AReadBeforeTheInstantIsTheStoredView) {
  const json program = publish(timed_program());
  enrol_and_order("cy");
  std::string view = column("cy", "state");
  ASSERT_EQ(view.rfind("{\"balance\":0,", 0), 0u) << view;
  view[11] = '7';
  std::string quoted;
  for (char c : view) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  query(db(), "UPDATE members SET view = '" + quoted + "' WHERE member_id = 'cy'");

  set_clock(kT0 + kHour);
  EXPECT_EQ(json::parse(me("cy"))["balance"], 7);
  set_clock(kT0 + kDay);
  const std::string read = me("cy");
  EXPECT_EQ(json::parse(read)["balance"], 50);
  EXPECT_EQ(read, slow_read(program, "cy"));
}

}  // namespace
