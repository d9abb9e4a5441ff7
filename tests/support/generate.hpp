// Random programs, member histories and carts for property tests (C++ and, through the CLI,
// the WebAssembly parity test). Deterministic for a seed, so a failing case can be replayed.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace loyalty::testing {

using json = nlohmann::json;

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  json program();
  // Events for one member between 2025-01-01 and 2026-11-01, in random order of ids.
  json history(const json& program, int max_events = 25);
  json cart(const json& program, const std::string& at);
  json redeem(const json& program);
  std::string timestamp(std::int64_t from_s, std::int64_t to_s);

  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return pick(100) < percent; }

 private:
  json conditions(json rule, bool allow_match);
  std::mt19937_64 rng_;
  int next_id_ = 0;
};

}  // namespace loyalty::testing
