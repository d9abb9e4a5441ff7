// Wall-clock time and RFC 3339 with an offset ("2026-11-20T17:30:00-05:00").
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace srv {

std::int64_t now_ms();
// "+hh:mm"/"-hh:mm"/"Z" to minutes east of UTC; nullopt when malformed.
std::optional<int> parse_offset(const std::string& offset);
// Formats seconds precision in the given offset (minutes east of UTC).
std::string format_rfc3339(std::int64_t ms, int offset_minutes);
std::string format_utc(std::int64_t ms);  // with milliseconds, for logs
// Parses RFC 3339 with an offset (fractions allowed) to Unix milliseconds.
std::optional<std::int64_t> parse_rfc3339(const std::string& s);

}  // namespace srv
