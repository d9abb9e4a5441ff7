// Metrics from the totals kept at write time (docs/decisions.md, "Metrics from aggregates (issue
// 21)"): on generated ledgers — members enrolling on several days, orders (some imported into
// past days), redemptions, refunds, adjustments, expiries, tier moves, a new program version
// published halfway — GET /v1/metrics over whole days equals, field for field, what the core's
// `metrics` gives from every stored history entry (source=history, the old path); liability is
// Σ balances; the points ledger CSV adds up to the balances. The server's clock is libfaketime's
// (as in reads_test.cpp), so days are exact.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "../src/clock.hpp"
#include "harness.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

const char* const kFaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
constexpr long long kHour = 3600LL * 1000, kDay = 24 * kHour;
// 2031-03-10T05:00:00Z: a midnight in the program's -05:00.
constexpr long long kMidnight0 = 1930885200LL * 1000;
constexpr int kDays = 12, kMembers = 16;

std::string local(long long ms) {
  return srv::format_rfc3339(ms, -300);
}
// The store-local midnight `day` days after the first one.
std::string midnight(int day) {
  return local(kMidnight0 + day * kDay);
}

json program_version(int version) {
  json doc = json::parse(read_file(program_path("basic.json")));
  doc["version"] = version;
  doc["expiry"] = {{"policy", "rolling"}, {"days", 3}};
  doc["tiers"] = {{"basis", "spend"},
                  {"period", {{"rolling_days", 30}}},
                  {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "gold"}, {"min", 40000}}}}};
  doc["membership"] = {{"id", "plus"},      {"name", "Plus"},  {"fee_minor", 1990},
                       {"period", "month"}, {"trial_days", 2}, {"grace_days", 1}};
  if (version >= 3) {
    doc["earn"][0]["points"] = 2;  // the new version doubles the points of an order
    doc["point_value_minor"] = "0.5";
  }
  return doc;
}

class KeptMetrics : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kFaketime, R_OK) != 0) GTEST_SKIP() << "libfaketime is not installed";
    set_clock(kMidnight0 + 9 * kHour);
    start();
    publish(program_version(2));
  }
  void start() {
    server_.reset();
    server_ = std::make_unique<ServerProcess>(
        dir_.path() + "/test.db", std::vector<std::string>{},
        std::vector<std::string>{std::string("LD_PRELOAD=") + kFaketime,
                                 "FAKETIME_TIMESTAMP_FILE=" + dir_.path() + "/clock",
                                 "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1",
                                 "TZ=UTC"});
    http_ = server_->client();
  }
  void set_clock(long long ms) {
    now_ = ms;
    std::ofstream(dir_.path() + "/clock")
        << srv::format_utc(ms).substr(0, 10) << ' ' << srv::format_utc(ms).substr(11, 8) << '\n';
  }
  std::string key() { return "k-" + std::to_string(++counter_); }
  void publish(const json& doc) {
    auto r = http_->Put("/v1/program", admin(key()), doc.dump(), "application/json");
    ASSERT_EQ(r->status, 200) << r->body;
  }
  int post(const std::string& path, const json& body) {
    auto r = http_->Post(path, admin(key()), body.dump(), "application/json");
    return r ? r->status : 0;
  }
  json metrics(const std::string& from, const std::string& until, const std::string& extra = "") {
    auto r = http_->Get("/v1/metrics?from=" + escaped(from) + "&until=" + escaped(until) + extra,
                        admin());
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return r ? json::parse(r->body) : json();
  }
  static std::string escaped(std::string t) {
    for (std::size_t i = t.find('+'); i != std::string::npos; i = t.find('+', i))
      t.replace(i, 1, "%2B");
    return t;
  }
  long long balance(const std::string& member) {
    auto r = http_->Get("/v1/members/me", shopper(token(member, 40LL * 365 * 86400)));
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body)["balance"].get<long long>();
  }

  // Days of a shop: each member acts at most once a day at their own minute. Some orders are
  // imported into the day before (an entry on a past day, written later).
  void run_days(int first, int last, std::mt19937& rng) {
    for (int day = first; day < last; ++day) {
      for (int m = 0; m < kMembers; ++m) {
        set_clock(kMidnight0 + day * kDay + 8 * kHour + m * 7 * 60 * 1000);
        const std::string id = "m-" + std::to_string(m);
        if (day == m % 6) {
          ASSERT_EQ(post("/v1/members", {{"member_id", id}, {"email", id + "@example.com"}}), 201);
          continue;
        }
        if (day < m % 6) continue;
        const int roll = static_cast<int>(rng() % 100);
        if (roll < 55) {
          const std::string order_id = "o-" + std::to_string(day) + "-" + std::to_string(m);
          json body = {
              {"member_id", id},
              {"order_id", order_id},
              {"cart", json::parse(cart_json(1000 + static_cast<long long>(rng() % 30000)))}};
          if (roll < 8) body["at"] = local(now_ - kDay);  // imported into the day before
          if (roll % 4 == 0) {
            json with = body;
            with["redeem"] = json::array({{{"reward", "5-off"}}});
            if (post("/v1/orders", with) == 200) {
              orders_.push_back({id, order_id});
              continue;
            }
          }
          ASSERT_EQ(post("/v1/orders", body), 200);
          orders_.push_back({id, order_id});
        } else if (roll < 68 && !orders_.empty()) {
          const auto& [member, order_id] = orders_[rng() % orders_.size()];
          post("/v1/refunds", {{"member_id", member},
                               {"order_id", order_id},
                               {"lines", json::array({{{"sku", "latte"}, {"quantity", 1}}})}});
        } else if (roll < 80) {
          post("/v1/adjustments",
               {{"member_id", id}, {"points", roll % 2 ? 40 : -30}, {"reason", "service"}});
        } else if (roll < 92) {  // the paid membership: started, else paid; now and then cancelled
          const std::string path = "/v1/members/" + id + "/membership";
          if (roll == 91)
            post(path, {{"type", "membership_cancel"}});
          else if (post(path, {{"type", "membership_start"}}) != 200)
            post(path, {{"type", "membership_payment"}, {"amount_minor", 1990}});
        }
      }
    }
  }

  // Kept totals against every stored entry, field for field; the kept answer adds `liability`.
  void expect_same_as_history(const std::string& from, const std::string& until,
                              const std::string& extra = "") {
    json kept = metrics(from, until, extra);
    const json history = metrics(from, until, extra + "&source=history");
    EXPECT_TRUE(kept.contains("liability")) << from << " " << until;
    kept.erase("liability");
    EXPECT_EQ(kept, history) << from << " – " << until << extra;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> http_;
  long long now_ = 0;
  int counter_ = 0;
  std::vector<std::pair<std::string, std::string>> orders_;  // member, order id
};

TEST_F(KeptMetrics, WholeDaysFromTotalsEqualEveryStoredEntryAndAPublishChangesNoPastFigure) {
  std::mt19937 rng(21);
  run_days(0, kDays / 2, rng);
  // Before and right after the publish: every window ending before it reads the same.
  const std::vector<std::pair<int, int>> past = {{0, 1}, {2, 3}, {1, 5}, {0, 6}, {-30, 6}};
  // The liability's money value is the only figure a publish may change: the outstanding points
  // are valued at the point value in force now (version 3 gives points a value).
  auto past_figures = [&](int from, int until) {
    json m = metrics(midnight(from), midnight(until));
    m["liability"].erase("value_minor");
    return m;
  };
  std::vector<json> before;
  for (const auto& [from, until] : past) before.push_back(past_figures(from, until));
  publish(program_version(3));
  for (std::size_t i = 0; i < past.size(); ++i)
    EXPECT_EQ(past_figures(past[i].first, past[i].second), before[i]);
  run_days(kDays / 2, kDays, rng);
  for (std::size_t i = 0; i < past.size(); ++i) {
    // Orders imported into day 5 after the publish change day 5 and nothing before it.
    if (past[i].second <= kDays / 2 - 1)
      EXPECT_EQ(past_figures(past[i].first, past[i].second), before[i]);
  }

  for (const auto& [from, until] : std::vector<std::pair<int, int>>{
           {0, 1}, {3, 4}, {5, 6}, {6, 7}, {2, 9}, {0, kDays + 1}, {-400, kDays + 400}})
    for (const std::string extra : {"", "&churn_days=2", "&churn_days=5&total_customers=40"})
      expect_same_as_history(midnight(from), midnight(until), extra);
  // A window that splits a day is read from the entries themselves: the same answer either way.
  const json split = metrics(local(kMidnight0 + 30 * kHour), midnight(kDays));
  EXPECT_EQ(split, metrics(local(kMidnight0 + 30 * kHour), midnight(kDays), "&source=history"));
  EXPECT_FALSE(split.contains("liability"));
  // The ledger really has every kind of figure (else the comparison proves little).
  const json all = metrics(midnight(0), midnight(kDays));
  EXPECT_GT(all["points"]["redeemed"].get<long long>(), 0);
  EXPECT_GT(all["points"]["expired"].get<long long>(), 0);
  EXPECT_GT(all["tier_distribution"]["gold"].get<long long>(), 0);
  EXPECT_GT(all["membership"]["payments"].get<long long>(), 0);
  EXPECT_GT(all["membership"]["by_status"]["active"].get<long long>() +
                all["membership"]["by_status"]["cancelled"].get<long long>(),
            0);
  EXPECT_GT(all["members"]["churned"].get<long long>(), -1);
}

// A database from before migration 9: its ledger is added to the totals once, at the next start.
TEST_F(KeptMetrics, ALedgerStoredBeforeTheTotalsIsAddedToThemOnceAtStart) {
  std::mt19937 rng(5);
  run_days(0, kDays / 2, rng);
  publish(program_version(3));
  run_days(kDays / 2, kDays, rng);
  const json kept = metrics(midnight(0), midnight(kDays));
  server_.reset();
  const std::string db = dir_.path() + "/test.db";
  for (const char* table :
       {"metrics_daily", "metrics_members", "metrics_member_days", "metrics_marks"})
    query(db, std::string("DELETE FROM ") + table);
  query(db, "INSERT INTO metrics_backfill(pending) VALUES (1)");
  start();
  EXPECT_EQ(metrics(midnight(0), midnight(kDays)), kept);
  for (const auto& [from, until] :
       std::vector<std::pair<int, int>>{{0, 1}, {4, 9}, {-5, kDays + 1}})
    expect_same_as_history(midnight(from), midnight(until), "&churn_days=3");
  EXPECT_EQ(query(db, "SELECT COUNT(*) AS n FROM metrics_backfill"), "n=0\n");
  start();  // once: a second start adds nothing
  EXPECT_EQ(metrics(midnight(0), midnight(kDays)), kept);
}

TEST_F(KeptMetrics, LiabilityIsTheSumOfBalancesAndTheLedgerCsvAddsUpToThem) {
  std::mt19937 rng(7);
  run_days(0, kDays / 2, rng);
  publish(program_version(3));
  run_days(kDays / 2, kDays, rng);
  // One more write per member at the same instant stores the expiries due by now, so each
  // stored ledger is the balance the member reads.
  set_clock(kMidnight0 + kDays * kDay + 10 * kHour);
  long long positive = 0, net = 0;
  for (int m = 0; m < kMembers; ++m) {
    const std::string id = "m-" + std::to_string(m);
    ASSERT_EQ(post("/v1/adjustments", {{"member_id", id}, {"points", 1}, {"reason", "close"}}),
              200);
    const long long b = balance(id);
    positive += std::max(0LL, b);
    net += b;
  }
  const json m = metrics(midnight(-10), midnight(kDays + 1));
  EXPECT_EQ(m["liability"]["points"], positive);
  EXPECT_EQ(m["liability"]["value_minor"], positive / 2);  // point_value_minor "0.5", floored

  auto r = http_->Get("/v1/metrics/ledger.csv?from=" + escaped(midnight(-10)) +
                          "&until=" + escaped(midnight(kDays + 1)),
                      admin());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  std::istringstream csv(r->body);
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "day,earned,redeemed,reversed,expired,balance_end");
  long long balance_end = 0, earned = 0, redeemed = 0, expired = 0, reversed = 0;
  int rows = 0;
  while (std::getline(csv, line)) {
    std::istringstream row(line);
    std::string day, cell;
    std::getline(row, day, ',');
    std::vector<long long> v;
    while (std::getline(row, cell, ',')) v.push_back(std::stoll(cell));
    ASSERT_EQ(v.size(), 5u) << line;
    EXPECT_EQ(v[4], balance_end + v[0] - v[1] - v[2] - v[3]) << line;
    earned += v[0];
    redeemed += v[1];
    reversed += v[2];
    expired += v[3];
    balance_end = v[4];
    if (rows == 0) EXPECT_EQ(day, "2031-02-28");
    ++rows;
  }
  EXPECT_EQ(rows, kDays + 11);
  EXPECT_EQ(balance_end, net);  // the columns add up to the members' balances
  EXPECT_EQ(earned, m["points"]["issued"]);
  EXPECT_EQ(redeemed, m["points"]["redeemed"]);
  EXPECT_EQ(expired, m["points"]["expired"]);
  EXPECT_GT(reversed, 0);  // refunds and negative adjustments took points back

  auto split = http_->Get("/v1/metrics/ledger.csv?from=" + escaped(local(kMidnight0 + kHour)) +
                              "&until=" + escaped(midnight(2)),
                          admin());
  EXPECT_EQ(split->status, 400);
  EXPECT_EQ(http_
                ->Get("/v1/metrics/ledger.csv?from=" + escaped(midnight(0)) +
                      "&until=" + escaped(midnight(2)))
                ->status,
            403);
}

}  // namespace
