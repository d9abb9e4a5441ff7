#include "time.hpp"

#include <utility>

#include "padded.hpp"

namespace loyalty {

// Howard Hinnant's civil calendar algorithms (public domain), proleptic Gregorian.
i64 days_from_civil(i64 y, unsigned m, unsigned d) {
  y -= m <= 2;
  const i64 era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<i64>(doe) - 719468;
}

void civil_from_days(i64 z, int& y, int& m, int& d) {
  z += 719468;
  const i64 era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<i64>(yoe) + era * 400 + (m <= 2));
}

i64 floor_div(i64 a, i64 b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Seconds east of UTC in force at t.
int offset_at(Timestamp t, const Zone& zone) {
  return zone.offset_at(floor_div(t.ms, 1000));
}

// The instant local midnight of `day` (days since 1970-01-01, store-local) began.
Timestamp start_of_local_day(i64 day, const Zone& zone) {
  return Timestamp{zone.instant_of(day * 86400) * 1000};
}

}  // namespace

bool parse_offset(std::string_view s, int& seconds) {
  if (s == "Z" || s == "z") {
    seconds = 0;
    return true;
  }
  int h, m;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || !digits(s, 1, 2, h) ||
      !digits(s, 4, 2, m) || h > 23 || m > 59)
    return false;
  seconds = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return true;
}

bool parse_timestamp(std::string_view s, Timestamp& out) {
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59)
    return false;
  std::size_t pos = 19;
  i64 ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 3) ms = ms * 10 + (s[pos] - '0');  // beyond milliseconds is truncated
      ++n;
      ++pos;
    }
    if (n == 0 || n > 9) return false;
    for (; n < 3; ++n) ms *= 10;
  }
  int offset;
  if (!parse_offset(s.substr(pos), offset)) return false;
  const i64 secs = days_from_civil(y, mo, d) * 86400 + i64{h} * 3600 + i64{mi} * 60 + se - offset;
  out.ms = secs * 1000 + ms;
  return true;
}

Timestamp read_timestamp(const In& in) {
  Timestamp t;
  if (!in.v.is_string() || !parse_timestamp(in.v.get_string(), t)) {
    in.fail("expected an RFC 3339 timestamp with an offset, got " + in.v.dump());
  }
  return t;
}

std::string format_timestamp(Timestamp t, const Zone& zone) {
  const int offset_seconds = offset_at(t, zone);
  const i64 local_ms = t.ms + static_cast<i64>(offset_seconds) * 1000;
  const i64 day = floor_div(local_ms, kDayMs);
  const i64 in_day = local_ms - day * kDayMs;
  int y, m, d;
  civil_from_days(day, y, m, d);
  const int secs = static_cast<int>(in_day / 1000), ms = static_cast<int>(in_day % 1000);
  std::string out;
  out.reserve(29);
  append_padded(out, y, 4);
  const std::pair<char, int> fields[] = {
      {'-', m}, {'-', d}, {'T', secs / 3600}, {':', secs / 60 % 60}, {':', secs % 60}};
  for (const auto& [separator, value] : fields) {
    out += separator;
    append_padded(out, value, 2);
  }
  if (ms) {
    out += '.';
    append_padded(out, ms, 3);
  }
  if (offset_seconds == 0) {
    out += 'Z';
  } else {
    const int a = offset_seconds < 0 ? -offset_seconds : offset_seconds;
    out += offset_seconds < 0 ? '-' : '+';
    append_padded(out, a / 3600, 2);
    out += ':';
    append_padded(out, a / 60 % 60, 2);
  }
  return out;
}

LocalTime local_time(Timestamp t, const Zone& zone) {
  LocalTime lt{};
  const i64 local_ms = t.ms + static_cast<i64>(offset_at(t, zone)) * 1000;
  lt.day = floor_div(local_ms, kDayMs);
  lt.second_of_day = static_cast<int>((local_ms - lt.day * kDayMs) / 1000);
  civil_from_days(lt.day, lt.year, lt.month, lt.mday);
  lt.weekday = static_cast<int>(((lt.day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
  return lt;
}

bool parse_period(const std::string& name, Period& out) {
  if (name == "day")
    out = Period::day;
  else if (name == "week")
    out = Period::week;
  else if (name == "month")
    out = Period::month;
  else if (name == "year")
    out = Period::year;
  else if (name == "lifetime")
    out = Period::lifetime;
  else
    return false;
  return true;
}

Timestamp year_start(int year, const Zone& zone) {
  return start_of_local_day(days_from_civil(year, 1, 1), zone);
}

Timestamp period_start(Timestamp t, Period p, const Zone& zone) {
  const LocalTime lt = local_time(t, zone);
  i64 day = lt.day;
  switch (p) {
    case Period::day:
      break;
    case Period::week:
      day -= lt.weekday;
      break;
    case Period::month:
      day = days_from_civil(lt.year, lt.month, 1);
      break;
    case Period::year:
      day = days_from_civil(lt.year, 1, 1);
      break;
    case Period::lifetime:
      return Timestamp{kLifetimeStartMs};
  }
  return start_of_local_day(day, zone);
}

}  // namespace loyalty
