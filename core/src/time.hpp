// Time as data: RFC 3339 timestamps with an offset, parsed to milliseconds since the epoch, and
// the store-local calendar (day of week, time of day, calendar periods) that windows and limits
// are measured in. Nothing here reads a clock.
#pragma once

#include <string>

#include "checked.hpp"
#include "json_read.hpp"

namespace loyalty {

struct Timestamp {
  i64 ms = 0;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

constexpr i64 kDayMs = 86'400'000;

// "2026-11-20T17:59:00-05:00", "2026-11-20T22:59:00.123Z"; throws with the reader's code.
Timestamp read_timestamp(const In& in);
bool parse_timestamp(std::string_view text, Timestamp& out);
// Seconds east of UTC from "-05:00" / "+05:30" / "Z".
bool parse_offset(std::string_view text, int& seconds);
// Formats in the given offset: "2026-11-20T17:59:00-05:00" (".123" only when ms are non-zero).
std::string format_timestamp(Timestamp t, int offset_seconds);

struct LocalTime {
  i64 day;  // days since 1970-01-01 in store-local time
  int year, month, mday;
  int weekday;  // 0 = Monday ... 6 = Sunday
  int second_of_day;
};
LocalTime local_time(Timestamp t, int offset_seconds);

enum class Period { day, week, month, year, lifetime };
bool parse_period(const std::string& name, Period& out);
// The start of the calendar period containing t (store-local); lifetime starts at the epoch.
Timestamp period_start(Timestamp t, Period p, int offset_seconds);
Timestamp year_start(int year, int offset_seconds);

}  // namespace loyalty
