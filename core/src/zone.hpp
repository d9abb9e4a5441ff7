// A store's time zone: the one place that maps instants to the shop's wall clock and back.
// A zone is a fixed offset (the program's `utc_offset`) or a POSIX TZ rule (its `time_zone`,
// written out or named by IANA name through the compiled table in tz_table.cpp), applied to
// every year. Policy for the two odd hours of a daylight-saving change: an instant always has
// exactly one wall-clock reading, so a skipped local time is never the reading of any instant
// and a repeated one is the reading of two; a local time mapped back to an instant takes the
// earliest instant showing it, or, when it was skipped, the instant the clock jumped past it.
#pragma once

#include <string_view>

#include "checked.hpp"

namespace loyalty {

// One yearly change of a POSIX TZ rule: the day ("Jn", "n" or "Mm.w.d") and the local time of
// day, in the offset in force before the change, at which it happens.
struct ZoneChange {
  enum class Day : unsigned char { julian, zero_based, month_week_day };
  Day kind = Day::month_week_day;
  int day = 0;              // Jn: 1..365 (Feb 29 never counted); n: 0..365; Mm.w.d: d, 0 = Sunday
  int month = 0, week = 0;  // Mm.w.d only; week 5 = the last one of the month
  int time = 7200;          // seconds after local midnight, -167 h .. +167 h
};

struct Zone {
  int std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int dst_offset = 0;  // seconds east of UTC while daylight saving is in force
  ZoneChange dst_start, dst_end;

  static Zone fixed(int offset_seconds) {
    Zone z;
    z.std_offset = offset_seconds;
    return z;
  }

  // The offset in force at an instant (seconds since the epoch, UTC).
  int offset_at(i64 utc_seconds) const;
  // The earliest instant whose wall clock reads local_seconds (seconds since the epoch, local);
  // for a local time that was skipped, the instant the clock jumped past it.
  i64 instant_of(i64 local_seconds) const;
};

// A POSIX TZ rule as in the tz database's footers ("EST5EDT,M3.2.0,M11.1.0", "<-05>5"); false
// when the text is not one, or names daylight saving without the rules of its changes.
bool parse_posix_zone(std::string_view rule, Zone& out);
// The POSIX rule of an IANA zone name from the compiled table ("" when the name is unknown).
std::string_view iana_zone_rule(std::string_view name);
// An IANA name, else a POSIX TZ rule.
bool find_zone(std::string_view name_or_rule, Zone& out);

}  // namespace loyalty
