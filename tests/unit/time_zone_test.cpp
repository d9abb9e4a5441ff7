// A program's `time_zone`: store-local time follows daylight saving as the shop's clocks do, for
// windows, calendar-year tiers, birthdays and per-day limits, on both sides of each change; the
// timestamps the engine writes carry the offset in force; bad zones are `invalid_program`.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

json zoned(const std::string& zone, json extra = json::object()) {
  json p = program(std::move(extra));
  p.erase("utc_offset");
  p["time_zone"] = zone;
  return p;
}

// Double points on Fridays 16:00-18:00 store time; a 10.00 cart earns 10, or 20 in the window.
json friday_double(const std::string& zone) {
  return zoned(zone, {{"earn",
                       {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}},
                        {{"id", "double-friday"},
                         {"type", "multiplier"},
                         {"factor", 2},
                         {"when", {{"days", {"fri"}}, {"hours", {"16:00", "18:00"}}}}}}}});
}

long long points_at(const json& prog, const std::string& at) {
  const json r = preview(prog, cart({line("a", 1000, 1)}, at));
  EXPECT_FALSE(r.contains("error")) << r.dump();
  return r.value("/points/total"_json_pointer, -1LL);
}

TEST(TimeZone, FridayWindowInNewYorkFollowsDaylightSaving) {
  const json p = friday_double("America/New_York");
  // July (EDT, -04:00): 16:00-18:00 is 20:00-22:00 UTC.
  EXPECT_EQ(points_at(p, "2026-07-17T19:59:59Z"), 10);
  EXPECT_EQ(points_at(p, "2026-07-17T20:00:00Z"), 20);
  EXPECT_EQ(points_at(p, "2026-07-17T21:59:59Z"), 20);
  EXPECT_EQ(points_at(p, "2026-07-17T22:00:00Z"), 10);
  // January (EST, -05:00): 21:00-23:00 UTC.
  EXPECT_EQ(points_at(p, "2026-01-16T20:30:00Z"), 10);
  EXPECT_EQ(points_at(p, "2026-01-16T21:00:00Z"), 20);
  EXPECT_EQ(points_at(p, "2026-01-16T22:59:59Z"), 20);
  EXPECT_EQ(points_at(p, "2026-01-16T23:00:00Z"), 10);
}

TEST(TimeZone, FridayWindowInWarsawFollowsDaylightSaving) {
  const json p = friday_double("Europe/Warsaw");
  // July (CEST, +02:00): 14:00-16:00 UTC.
  EXPECT_EQ(points_at(p, "2026-07-17T13:59:59Z"), 10);
  EXPECT_EQ(points_at(p, "2026-07-17T14:00:00Z"), 20);
  EXPECT_EQ(points_at(p, "2026-07-17T16:00:00Z"), 10);
  // January (CET, +01:00): 15:00-17:00 UTC.
  EXPECT_EQ(points_at(p, "2026-01-16T14:30:00Z"), 10);
  EXPECT_EQ(points_at(p, "2026-01-16T15:00:00Z"), 20);
  EXPECT_EQ(points_at(p, "2026-01-16T16:59:59Z"), 20);
  EXPECT_EQ(points_at(p, "2026-01-16T17:00:00Z"), 10);
}

TEST(TimeZone, AFixedOffsetMissesTheSummerWindow) {
  // What the issue reports: a fixed -05:00 runs the window 17:00-19:00 on July's clocks.
  json fixed = friday_double("America/New_York");
  fixed.erase("time_zone");
  fixed["utc_offset"] = "-05:00";
  EXPECT_EQ(points_at(fixed, "2026-07-17T20:30:00Z"), 10);  // 16:30 EDT
  EXPECT_EQ(points_at(friday_double("America/New_York"), "2026-07-17T20:30:00Z"), 20);
}

json sunday_window(const std::string& from, const std::string& to) {
  return zoned("America/New_York",
               {{"earn",
                 {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}},
                  {{"id", "night"},
                   {"type", "multiplier"},
                   {"factor", 2},
                   {"when", {{"days", {"sun"}}, {"hours", {from, to}}}}}}}});
}

TEST(TimeZone, AWindowInsideTheSkippedHourIsEmpty) {
  const json p = sunday_window("02:00", "03:00");
  // 2026-03-08: New York clocks go from 01:59:59 EST (06:59:59Z) to 03:00:00 EDT (07:00:00Z).
  for (int minute = 0; minute < 4 * 60; minute += 5) {
    char at[32];
    std::snprintf(at, sizeof at, "2026-03-08T%02d:%02d:00Z", 5 + minute / 60, minute % 60);
    EXPECT_EQ(points_at(p, at), 10) << at;
  }
  EXPECT_EQ(points_at(p, "2026-03-08T06:59:59Z"), 10);
  // The same window a week earlier, when 02:00-03:00 exists: 07:00-08:00 UTC.
  EXPECT_EQ(points_at(p, "2026-03-01T07:30:00Z"), 20);
}

TEST(TimeZone, AWindowOnTheRepeatedHourHoldsBothTimes) {
  const json p = sunday_window("01:00", "02:00");
  // 2026-11-01: 01:00-02:00 happens at 05:00-06:00 UTC (EDT) and again at 06:00-07:00 (EST).
  EXPECT_EQ(points_at(p, "2026-11-01T04:59:59Z"), 10);
  EXPECT_EQ(points_at(p, "2026-11-01T05:00:00Z"), 20);
  EXPECT_EQ(points_at(p, "2026-11-01T05:30:00Z"), 20);
  EXPECT_EQ(points_at(p, "2026-11-01T06:30:00Z"), 20);
  EXPECT_EQ(points_at(p, "2026-11-01T06:59:59Z"), 20);
  EXPECT_EQ(points_at(p, "2026-11-01T07:00:00Z"), 10);
}

json tiered_in(const std::string& zone) {
  return zoned(
      zone, {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}},
             {"tiers",
              {{"basis", "spend"},
               {"period", "calendar_year"},
               {"retain", "none"},
               {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "silver"}, {"min", 50000}}}}}}});
}

TEST(TimeZone, CalendarYearTiersTurnAtLocalMidnightInSummerTime) {
  // Sydney is on daylight saving (+11:00) at New Year: 2027 starts at 13:00 UTC on Dec 31.
  const json p = tiered_in("Australia/Sydney");
  const json events = {enroll("e1", "2026-06-01T10:00:00+10:00"),
                       order("e2", "2026-12-31T12:59:59Z", "o-1", {line("a", 50000, 1)})};
  const json in_2026 = replay(p, events, "2026-12-31T12:59:59Z");
  EXPECT_EQ(in_2026["tier"]["id"], "silver");
  EXPECT_EQ(in_2026["tier"]["period_end"], "2027-01-01T00:00:00+11:00");
  const json in_2027 = replay(p, events, "2026-12-31T13:00:00Z");
  EXPECT_EQ(in_2027["tier"]["id"], "member");
  EXPECT_EQ(in_2027["tier"]["period_start"], "2027-01-01T00:00:00+11:00");
  EXPECT_EQ(in_2027["tier"]["qualifying"], 0);
  // An order one second later already counts for 2027.
  const json late = replay(p,
                           {enroll("e1", "2026-06-01T10:00:00+10:00"),
                            order("e2", "2026-12-31T13:00:00Z", "o-1", {line("a", 50000, 1)})},
                           "2027-01-02T00:00:00+11:00");
  EXPECT_EQ(late["tier"]["id"], "silver");
  EXPECT_EQ(late["history"][1]["at"], "2027-01-01T00:00:00+11:00");
}

json tick(const std::string& id, const std::string& at) {
  return {{"id", id}, {"at", at}, {"type", "tick"}, {"member_id", "m-1"}};
}

TEST(TimeZone, BirthdayMonthStartsAtLocalMidnightInSummerTime) {
  const json p = zoned("America/New_York",
                       {{"earn", {{{"id", "bday"}, {"type", "birthday"}, {"points", 50}}}}});
  const json enrolled = enroll("e0", "2026-01-10T10:00:00-05:00", {{"birthday", "07-01"}});
  // 03:59:59Z is still June 30 in New York (EDT); 04:00:00Z is July 1, 00:00.
  EXPECT_EQ(replay(p, {enrolled, tick("e1", "2026-07-01T03:59:59Z")})["balance"], 0);
  const json s = replay(p, {enrolled, tick("e1", "2026-07-01T04:00:00Z")});
  EXPECT_EQ(s["balance"], 50);
  const json b = history_of(s, "birthday");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["at"], "2026-07-01T00:00:00-04:00");
}

json action(const std::string& id, const std::string& at) {
  return {{"id", id}, {"at", at}, {"type", "action"}, {"member_id", "m-1"}, {"action", "review"}};
}

TEST(TimeZone, PerDayLimitFollowsTheShortDay) {
  const json p = zoned("America/New_York", {{"earn",
                                             {{{"id", "review"},
                                               {"type", "action"},
                                               {"action", "review"},
                                               {"points", 20},
                                               {"limit", {{"count", 1}, {"per", "day"}}}}}}});
  // 2026-03-08 has 23 hours in New York: 05:00Z (00:00 EST) to 04:00Z next day (00:00 EDT).
  const json s = replay(p, {enroll("e0", "2026-03-01T10:00:00-05:00"),
                            action("e1", "2026-03-08T04:59:59Z"),    // Mar 7, 23:59:59 EST
                            action("e2", "2026-03-08T05:00:00Z"),    // Mar 8, 00:00 EST
                            action("e3", "2026-03-09T03:59:59Z"),    // Mar 8, 23:59:59 EDT
                            action("e4", "2026-03-09T04:00:00Z")});  // Mar 9, 00:00 EDT
  EXPECT_EQ(s["balance"], 60);
  const json r = history_of(s, "rejected");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["event_id"], "e3");
  EXPECT_EQ(r[0]["error"]["code"], "limit_exceeded");
}

TEST(TimeZone, WrittenTimestampsCarryTheOffsetInForce) {
  const json p = zoned("Europe/Warsaw");
  const json s = replay(p, {enroll("e1", "2026-01-05T15:00:00Z"),
                            order("e2", "2026-07-06T03:30:00-05:00", "o-1", {line("a", 1000, 1)})});
  ASSERT_FALSE(s.contains("error")) << s.dump();
  EXPECT_EQ(s["history"][0]["at"], "2026-01-05T16:00:00+01:00");
  EXPECT_EQ(s["history"][1]["at"], "2026-07-06T10:30:00+02:00");
  // A zone at UTC writes "Z", as "+00:00" always has.
  EXPECT_EQ(replay(zoned("Europe/London"),
                   {enroll("e1", "2026-01-05T15:00:00+01:00")})["history"][0]["at"],
            "2026-01-05T14:00:00Z");
}

TEST(TimeZone, APosixRuleWorksLikeItsIanaName) {
  const json named = friday_double("America/New_York");
  const json rule = friday_double("EST5EDT,M3.2.0,M11.1.0");
  for (const char* at : {"2026-07-17T20:30:00Z", "2026-01-16T20:30:00Z", "2026-01-16T21:30:00Z"})
    EXPECT_EQ(points_at(named, at), points_at(rule, at)) << at;
  // Lima's rule has no daylight saving: 16:30 is 21:30 UTC all year.
  EXPECT_EQ(points_at(friday_double("<-05>5"), "2026-07-17T21:30:00Z"), 20);
  EXPECT_EQ(points_at(friday_double("America/Lima"), "2026-01-16T21:30:00Z"), 20);
}

TEST(TimeZone, UnknownZoneIsAnInvalidProgram) {
  for (const json& bad : {json("Mars/Olympus_Mons"), json("america/new_york"),
                          json("EST5EDT,M3.2.0"), json(""), json(5)}) {
    json p = zoned("UTC");
    p["time_zone"] = bad;
    const json e = error_of(run("validate", {{"program", p}}));
    EXPECT_EQ(e.value("code", ""), "invalid_program") << bad;
    EXPECT_EQ(e.value("path", ""), "/time_zone") << bad;
  }
}

TEST(TimeZone, TimeZoneTogetherWithUtcOffsetIsAnInvalidProgram) {
  json p = zoned("America/New_York");
  p["utc_offset"] = "-05:00";
  const json e = error_of(run("validate", {{"program", p}}));
  EXPECT_EQ(e.value("code", ""), "invalid_program");
  EXPECT_EQ(e.value("path", ""), "/utc_offset");
  const json engine_side = error_of(
      run("preview", {{"program", p}, {"state", nullptr}, {"cart", cart({line("a", 1000, 1)})}}));
  EXPECT_EQ(engine_side.value("path", ""), "/utc_offset");
}

TEST(TimeZone, NeitherFieldMeansUtc) {
  json p = program();
  p.erase("utc_offset");
  EXPECT_EQ(replay(p, {enroll("e1", "2026-07-05T15:00:00+02:00")})["history"][0]["at"],
            "2026-07-05T13:00:00Z");
}

}  // namespace
}  // namespace loyalty::testing
