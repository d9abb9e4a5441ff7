#include "zone.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "time.hpp"

namespace loyalty {
namespace {

// The day (days since 1970-01-01) a change falls on in a given year.
i64 change_day(const ZoneChange& c, int year) {
  const i64 jan1 = days_from_civil(year, 1, 1);
  switch (c.kind) {
    case ZoneChange::Day::julian:  // Feb 29 is never counted: J60 is always March 1
      return jan1 + c.day - 1 + (c.day >= 60 && days_in_month(year, 2) == 29);
    case ZoneChange::Day::zero_based:
      return jan1 + c.day;
    case ZoneChange::Day::month_week_day:
      break;
  }
  const i64 first = days_from_civil(year, static_cast<unsigned>(c.month), 1);
  const int first_weekday = static_cast<int>(((first + 4) % 7 + 7) % 7);  // 0 = Sunday
  i64 d = first + (c.day - first_weekday + 7) % 7 + i64{7} * (c.week - 1);
  const i64 next_month = first + days_in_month(year, c.month);
  while (d >= next_month) d -= 7;  // week 5 means the last such weekday of the month
  return d;
}

struct Change {
  i64 at;  // seconds since the epoch, UTC
  bool to_dst;
};

// The changes of the years around `year` in time order. At one instant, leaving daylight saving
// sorts first, so a rule that starts it on Jan 1 at 00:00 and ends it on Dec 31 at 24:00 plus
// the saving (the tz database's way of saying "all year") stays in it.
std::array<Change, 6> changes_around(const Zone& z, int year) {
  std::array<Change, 6> out{};
  for (int i = 0; i < 3; ++i) {
    const int y = year - 1 + i;
    out[2 * i] = {change_day(z.dst_start, y) * 86400 + z.dst_start.time - z.std_offset, true};
    out[2 * i + 1] = {change_day(z.dst_end, y) * 86400 + z.dst_end.time - z.dst_offset, false};
  }
  std::sort(out.begin(), out.end(), [](const Change& a, const Change& b) {
    return a.at != b.at ? a.at < b.at : (!a.to_dst && b.to_dst);
  });
  return out;
}

int year_of(i64 utc_seconds) {
  int y, m, d;
  civil_from_days(floor_div(utc_seconds, 86400), y, m, d);
  return y;
}

// --- POSIX TZ rule text ---

struct Reader {
  std::string_view s;
  std::size_t pos = 0;
  bool done() const { return pos == s.size(); }
  bool peek(char c) const { return pos < s.size() && s[pos] == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++pos;
    return true;
  }
  bool number(int lo, int hi, int& out) {
    const std::size_t start = pos;
    out = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 4)
      out = out * 10 + (s[pos++] - '0');
    return pos > start && out >= lo && out <= hi;
  }
  // An abbreviation: three or more letters, or <...> of letters, digits, '+' and '-'.
  bool name() {
    const std::size_t start = pos;
    if (take('<')) {
      while (pos < s.size() &&
             (std::isalnum(static_cast<unsigned char>(s[pos])) || s[pos] == '+' || s[pos] == '-'))
        ++pos;
      return pos - start - 1 >= 3 && take('>');
    }
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
    return pos - start >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds, hours up to max_hours.
  bool clock(int max_hours, int& seconds) {
    int sign = 1;
    if (take('-'))
      sign = -1;
    else
      take('+');
    int h, m = 0, sec = 0;
    if (!number(0, max_hours, h)) return false;
    if (take(':') && (!number(0, 59, m) || (take(':') && !number(0, 59, sec)))) return false;
    seconds = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool change(ZoneChange& c) {
    if (take('M')) {
      c.kind = ZoneChange::Day::month_week_day;
      if (!number(1, 12, c.month) || !take('.') || !number(1, 5, c.week) || !take('.') ||
          !number(0, 6, c.day))
        return false;
    } else if (take('J')) {
      c.kind = ZoneChange::Day::julian;
      if (!number(1, 365, c.day)) return false;
    } else {
      c.kind = ZoneChange::Day::zero_based;
      if (!number(0, 365, c.day)) return false;
    }
    c.time = 7200;
    return !take('/') || clock(167, c.time);
  }
};

}  // namespace

int Zone::offset_at(i64 utc_seconds) const {
  if (!has_dst) return std_offset;
  const auto changes = changes_around(*this, year_of(utc_seconds));
  bool dst = !changes[0].to_dst;  // before the first change: the state it leaves
  for (const Change& c : changes) {
    if (c.at > utc_seconds) break;
    dst = c.to_dst;
  }
  return dst ? dst_offset : std_offset;
}

i64 Zone::instant_of(i64 local_seconds) const {
  if (!has_dst) return local_seconds - std_offset;
  const i64 a = local_seconds - std::max(std_offset, dst_offset);  // the earlier candidate
  const i64 b = local_seconds - std::min(std_offset, dst_offset);
  if (a + offset_at(a) == local_seconds) return a;
  if (b + offset_at(b) == local_seconds) return b;
  // Skipped: the clock jumped over local_seconds at a change in (a, b].
  for (const Change& c : changes_around(*this, year_of(b)))
    if (c.at > a && c.at <= b) return c.at;
  return b;
}

bool parse_posix_zone(std::string_view rule, Zone& out) {
  Reader r{rule};
  Zone z;
  int west;
  if (!r.name() || !r.clock(24, west)) return false;
  z.std_offset = -west;  // POSIX counts hours west of Greenwich
  if (!r.done()) {
    if (!r.name()) return false;
    z.has_dst = true;
    z.dst_offset = z.std_offset + 3600;
    if (!r.peek(',')) {
      if (!r.clock(24, west)) return false;
      z.dst_offset = -west;
    }
    if (!r.take(',') || !r.change(z.dst_start) || !r.take(',') || !r.change(z.dst_end))
      return false;
  }
  // RFC 3339 offsets have no seconds: a timestamp written in this zone must be exact.
  if (!r.done() || z.std_offset % 60 != 0 || z.dst_offset % 60 != 0) return false;
  out = z;
  return true;
}

bool find_zone(std::string_view name_or_rule, Zone& out) {
  const std::string_view rule = iana_zone_rule(name_or_rule);
  return parse_posix_zone(rule.empty() ? name_or_rule : rule, out);
}

}  // namespace loyalty
