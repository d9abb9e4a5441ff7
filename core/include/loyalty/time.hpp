// Time at the core's edge, for the doors that need it (the server): RFC 3339 with an offset to
// Unix milliseconds and back, with the core's own calendar code, so no door keeps a second copy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loyalty {

// "2026-11-20T17:59:00-05:00", "2026-11-20T22:59:00.123Z" -> Unix milliseconds.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);
// Formats in the given offset (seconds east of UTC); ".123" only when the ms are not zero.
std::string format_rfc3339(std::int64_t unix_ms, int offset_seconds);
// "-05:00", "+05:30", "Z" -> seconds east of UTC.
std::optional<int> parse_utc_offset(std::string_view text);

}  // namespace loyalty
