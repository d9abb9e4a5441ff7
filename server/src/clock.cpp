// The wall clock, and RFC 3339 text through the core's own calendar code (loyalty/time.hpp).
#include "clock.hpp"

#include <chrono>
#include <cstdio>

#include <loyalty/time.hpp>

namespace srv {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<int> parse_offset(const std::string& o) {
  const auto seconds = loyalty::parse_utc_offset(o);
  if (!seconds) return std::nullopt;
  return *seconds / 60;
}

std::string format_rfc3339(std::int64_t ms, int offset_minutes) {
  return loyalty::format_rfc3339(floor_div(ms, 1000) * 1000, offset_minutes * 60);
}

std::string format_utc(std::int64_t ms) {
  const std::string s = loyalty::format_rfc3339(floor_div(ms, 1000) * 1000, 0);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03lld",
                static_cast<long long>(ms - floor_div(ms, 1000) * 1000));
  return s.substr(0, 19) + frac + "Z";
}

std::optional<std::int64_t> parse_rfc3339(const std::string& s) {
  return loyalty::parse_rfc3339(s);
}

}  // namespace srv
