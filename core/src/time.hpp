// Time as data: RFC 3339 timestamps with an offset, parsed to milliseconds since the epoch, and
// the store-local calendar (day of week, time of day, calendar periods) that windows and limits
// are measured in. Nothing here reads a clock.
#pragma once

#include <string>

#include "checked.hpp"
#include "json_read.hpp"
#include "zone.hpp"

namespace loyalty {

struct Timestamp {
  i64 ms = 0;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

constexpr i64 kDayMs = 86'400'000;
// 0000-01-01T00:00:00Z: before any timestamp the engine reads, and exact as a JavaScript number,
// so a state that went through JSON.parse in the browser keeps its lifetime counters.
constexpr i64 kLifetimeStartMs = -62'167'219'200'000;

// "2026-11-20T17:59:00-05:00", "2026-11-20T22:59:00.123Z"; throws with the reader's code.
Timestamp read_timestamp(const In& in);
bool parse_timestamp(std::string_view text, Timestamp& out);
// Seconds east of UTC from "-05:00" / "+05:30" / "Z".
bool parse_offset(std::string_view text, int& seconds);
// Formats in the offset the zone has in force at t: "2026-11-20T17:59:00-05:00" (".123" only
// when ms are non-zero, "Z" when the offset is zero).
std::string format_timestamp(Timestamp t, const Zone& zone);

struct LocalTime {
  i64 day;  // days since 1970-01-01 in store-local time
  int year, month, mday;
  int weekday;  // 0 = Monday ... 6 = Sunday
  int second_of_day;
};
// The store's wall clock at t.
LocalTime local_time(Timestamp t, const Zone& zone);

enum class Period { day, week, month, year, lifetime };
bool parse_period(const std::string& name, Period& out);
// The start of the calendar period containing t (store-local); lifetime starts at
// kLifetimeStartMs. A period starts at the first instant of its first local day
// (Zone::instant_of).
Timestamp period_start(Timestamp t, Period p, const Zone& zone);
Timestamp year_start(int year, const Zone& zone);

// The proleptic Gregorian calendar, in days since 1970-01-01.
i64 days_from_civil(i64 y, unsigned m, unsigned d);
void civil_from_days(i64 days, int& y, int& m, int& d);
int days_in_month(int y, int m);
i64 floor_div(i64 a, i64 b);

}  // namespace loyalty
