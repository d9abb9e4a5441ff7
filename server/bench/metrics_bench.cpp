// Metrics at the size of a real shop (issue 21): fills a database with MEMBERS members × EVENTS
// history entries each, spread over two years, through the store's own write path (one WriteSet
// per member: the entries and their kept totals, as the server commits an event), then times the
// metrics answer from the kept totals (the work of GET /v1/metrics, less HTTP) for a 1-day, a
// 30-day and the whole-range window, and the old answer from every stored entry when asked.
// usage: loyalty-metrics-bench DB_OR_URL [MEMBERS=100000] [EVENTS=50] [--history]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "loyalty/loyalty.hpp"
#include "loyalty/metrics.hpp"
#include "loyalty/time.hpp"
#include "metrics_kept.hpp"
#include "store.hpp"

namespace {

constexpr long long kDayMs = 86'400'000;
constexpr long long kStartMs = 1'735'707'600'000LL;  // 2025-01-01T00:00:00-05:00
constexpr int kRangeDays = 730;
constexpr int kOffsetSeconds = -5 * 3600;

const char* const kProgram = R"({"schema":"loyalty-program/1","id":"bench","version":1,
"currency":"PEN","utc_offset":"-05:00",
"earn":[{"id":"base","type":"per_spend","points":1,"per_minor":100}],
"tiers":{"basis":"spend","period":"lifetime","levels":[{"id":"member","min":0},
{"id":"silver","min":200000},{"id":"gold","min":600000}]},
"rewards":[{"id":"5-off","type":"fixed_discount","cost":500,"amount_minor":500}],
"point_value_minor":"0.25"})";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string at(long long ms) {
  return loyalty::format_rfc3339(ms, kOffsetSeconds);
}

// One member's entries as the engine writes them: an enrolment, then orders, with redemptions,
// refunds, adjustments and expiries among them, oldest first.
std::vector<std::string> member_history(const std::string& id, int events, std::mt19937& rng) {
  std::vector<std::string> out;
  long long t = kStartMs + static_cast<long long>(rng() % (kRangeDays / 2)) * kDayMs +
                static_cast<long long>(rng() % 40'000'000);
  const long long step = (kStartMs + kRangeDays * kDayMs - t) / events;
  out.push_back(R"({"at":")" + at(t) + R"(","channel":"web","event_id":")" + id +
                R"(-e","kind":"enroll","lines":[],"points":0,"program_version":1})");
  long long spend = 0, balance = 0;
  const char* tiers[] = {"member", "silver", "gold"};
  int tier = 0;
  for (int i = 1; i < events; ++i) {
    t += step / 2 + static_cast<long long>(rng() % static_cast<unsigned long long>(step));
    const std::string head = R"({"at":")" + at(t) + R"(","event_id":")" + id + "-" +
                             std::to_string(i) + R"(","lines":[],"program_version":1,)";
    const int roll = static_cast<int>(rng() % 100);
    if (roll < 8 && balance >= 500) {
      out.push_back(head + R"("kind":"redeem","order_id":"o)" + std::to_string(i) +
                    R"(","points":-500})");
      balance -= 500;
    } else if (roll < 12 && balance >= 100) {
      out.push_back(head + R"("kind":"expire","points":-100})");
      balance -= 100;
    } else if (roll < 16 && balance >= 50) {
      out.push_back(head + R"("kind":"refund","order_id":"o1","points":-50})");
      balance -= 50;
    } else if (roll < 20) {
      out.push_back(head + R"("kind":"adjust","points":25})");
      balance += 25;
    } else {
      const long long minor = 1000 + static_cast<long long>(rng() % 20000);
      spend += minor;
      balance += minor / 100;
      const int now = spend >= 600000 ? 2 : spend >= 200000 ? 1 : 0;
      std::string moved;
      if (now != tier)
        moved = std::string(R"(,"tier":{"after":")") + tiers[now] + R"(","before":")" +
                tiers[tier] + R"("})";
      tier = now;
      out.push_back(head + R"("kind":"earn","order_id":"o)" + std::to_string(i) + R"(","points":)" +
                    std::to_string(minor / 100) + R"(,"spend_minor":)" + std::to_string(minor) +
                    moved + "}");
    }
  }
  return out;
}

void time_window(srv::Store& store, const loyalty::Engine& engine, const char* name,
                 long long from_ms, long long until_ms) {
  std::string err;
  const auto q = loyalty::metrics_query(
      engine, R"({"from":")" + at(from_ms) + R"(","until":")" + at(until_ms) + R"("})", err);
  if (!q) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return;
  }
  for (int run = 0; run < 3; ++run) {
    const auto t = std::chrono::steady_clock::now();
    const std::string answer = srv::kept_metrics(store, engine, *q);
    std::printf("%-11s run %d: %.3f s  (%zu bytes)%s\n", name, run + 1, seconds_since(t),
                answer.size(), run == 0 ? ("  " + answer.substr(0, 160)).c_str() : "");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_OR_URL [MEMBERS] [EVENTS] [--history]\n", argv[0]);
    return 2;
  }
  const int members = argc > 2 ? std::atoi(argv[2]) : 100000;
  const int events = argc > 3 ? std::atoi(argv[3]) : 50;
  const bool history = argc > 4 && std::strcmp(argv[4], "--history") == 0;
  srv::StoreOptions options;
  options.sync = "off";
  auto store = srv::open_store(argv[1], options);
  const loyalty::Engine engine(kProgram);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.error_json().c_str());
    return 1;
  }
  std::string err;
  if (!store->insert_program({1, kProgram, at(kStartMs), ""}, err)) {
    std::fprintf(stderr, "program: %s\n", err.c_str());
    return 1;
  }
  std::mt19937 rng(21);
  const auto fill = std::chrono::steady_clock::now();
  for (int m = 0; m < members; ++m) {
    srv::WriteSet w;
    w.member_id = "m-" + std::to_string(m);
    w.history = member_history(w.member_id, events, rng);
    w.metrics = srv::metrics_write(engine, w.history);
    auto txn = store->begin_write(w.member_id);
    if (txn->commit(w, err) != srv::CommitResult::ok) {
      std::fprintf(stderr, "commit: %s\n", err.c_str());
      return 1;
    }
    if ((m + 1) % 10000 == 0)
      std::fprintf(stderr, "%d members stored, %.0f s\n", m + 1, seconds_since(fill));
  }
  std::printf("filled %d members x %d entries in %.1f s\n", members, events, seconds_since(fill));
  const long long end = kStartMs + kRangeDays * kDayMs;
  time_window(*store, engine, "1 day", kStartMs + 500 * kDayMs, kStartMs + 501 * kDayMs);
  time_window(*store, engine, "30 days", kStartMs + 500 * kDayMs, kStartMs + 530 * kDayMs);
  time_window(*store, engine, "whole range", kStartMs - kDayMs, end + kDayMs);
  if (history) {
    const auto t = std::chrono::steady_clock::now();
    auto all = store->all_member_history();
    std::printf("old path: all_member_history alone %.3f s for %zu members\n", seconds_since(t),
                all.size());
  }
  return 0;
}
