// Google Benchmark for the rules core: preview through the JSON door (a loaded Engine parsing
// the cart and a state without history, writing the response) and through the typed API, on a
// realistic program (10 earn rules, 3 tiers, 6 rewards) and carts of 1, 10 and 100 lines; plus
// replay of a long ledger and apply of one order on a long history.
#include <benchmark/benchmark.h>

#include "bench_fixtures.hpp"

namespace {

using namespace loyalty::bench;  // NOLINT: the fixtures

void BM_PreviewJson(benchmark::State& st) {
  const loyalty::Engine engine(program_text());
  const std::string request = json{
      {"state", member_state(engine)},
      {"cart", cart(static_cast<int>(st.range(0)))},
      {"redeem",
       {{{"reward", "5-off"}}}}}.dump();
  for (auto _ : st) benchmark::DoNotOptimize(engine.call("preview", request));
  st.counters["request_bytes"] = static_cast<double>(request.size());
}
BENCHMARK(BM_PreviewJson)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_PreviewTyped(benchmark::State& st) {
  const TypedPreview preview(static_cast<int>(st.range(0)));
  for (auto _ : st) benchmark::DoNotOptimize(preview.run());
}
BENCHMARK(BM_PreviewTyped)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

json long_history(int n) {
  json events = json::array();
  events.push_back({{"id", "e0"},
                    {"at", "2020-01-05T10:00:00-05:00"},
                    {"type", "enroll"},
                    {"member_id", "m-1"}});
  const long long start = 1578240000;  // 2020-01-05
  for (int i = 1; i < n; ++i) {
    const long long t = start + 3600LL * 7 * i;
    char at[40];
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (i % 10 == 9) {
      events.push_back(
          {{"id", "e" + std::to_string(i)}, {"at", at}, {"type", "action"}, {"action", "review"}});
    } else {
      json c = cart(3);
      c["at"] = at;
      events.push_back({{"id", "e" + std::to_string(i)},
                        {"at", at},
                        {"type", "order"},
                        {"order_id", "o" + std::to_string(i)},
                        {"cart", c}});
    }
  }
  return events;
}

void BM_Replay(benchmark::State& st) {
  const loyalty::Engine engine(program_text());
  const std::string request = json{{"events", long_history(static_cast<int>(st.range(0)))}}.dump();
  for (auto _ : st) benchmark::DoNotOptimize(engine.call("replay", request));
  st.SetComplexityN(st.range(0));
}
BENCHMARK(BM_Replay)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Complexity();

// The ledger work alone: events parsed once, then applied one by one (no JSON out).
void BM_ReplayTyped(benchmark::State& st) {
  const loyalty::Engine engine(program_text());
  const loyalty::Program& program = *engine.program();
  const loyalty::Document events(long_history(static_cast<int>(st.range(0))));
  std::vector<loyalty::Event> parsed;
  for (std::size_t i = 0; i < events.root().items().size(); ++i)
    parsed.push_back(loyalty::parse_event(
        loyalty::In{events.root().items()[i], "/events/" + std::to_string(i), "x"}));
  for (auto _ : st) {
    loyalty::MemberState state;
    for (const auto& e : parsed) loyalty::apply_event(program, state, e);
    benchmark::DoNotOptimize(state.ledger.balance);
  }
  st.SetComplexityN(st.range(0));
}
BENCHMARK(BM_ReplayTyped)
    ->Arg(1000)
    ->Arg(2000)
    ->Arg(5000)
    ->Arg(10000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

void BM_ApplyOnLongHistory(benchmark::State& st) {
  const loyalty::Engine engine(program_text());
  const std::string state =
      engine.call("replay", json{{"events", long_history(static_cast<int>(st.range(0)))}}.dump());
  json c = cart(10);
  c["at"] = "2027-06-01T12:00:00-05:00";
  const json event = {{"id", "new"},
                      {"at", "2027-06-01T12:00:00-05:00"},
                      {"type", "order"},
                      {"order_id", "new"},
                      {"cart", c}};
  const std::string request = "{\"state\":" + state + ",\"event\":" + event.dump() + "}";
  for (auto _ : st) benchmark::DoNotOptimize(engine.call("apply", request));
  st.counters["state_bytes"] = static_cast<double>(state.size());
}
BENCHMARK(BM_ApplyOnLongHistory)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
