// Store time zones below the JSON: POSIX TZ rules as the tz database writes them, the offset in
// force on both sides of each change, local times mapped back to instants (skipped and repeated
// hours), and the compiled table of IANA names read back whole.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "time.hpp"
#include "zone.hpp"

namespace loyalty {
namespace {

i64 utc(const char* rfc3339) {
  Timestamp t;
  EXPECT_TRUE(parse_timestamp(rfc3339, t)) << rfc3339;
  return t.ms / 1000;
}

Zone zone(const char* name) {
  Zone z;
  EXPECT_TRUE(find_zone(name, z)) << name;
  return z;
}

int hours_at(const Zone& z, const char* rfc3339) {
  const int offset = z.offset_at(utc(rfc3339));
  EXPECT_EQ(offset % 60, 0);
  return offset;
}

constexpr int kH = 3600;

TEST(ZoneRules, NewYorkChangesAtTwoInTheMorningLocal) {
  const Zone ny = zone("America/New_York");
  EXPECT_EQ(hours_at(ny, "2026-01-16T12:00:00Z"), -5 * kH);
  EXPECT_EQ(hours_at(ny, "2026-07-17T12:00:00Z"), -4 * kH);
  // Spring forward on the second Sunday of March: 02:00 EST is 07:00 UTC.
  EXPECT_EQ(hours_at(ny, "2026-03-08T06:59:59Z"), -5 * kH);
  EXPECT_EQ(hours_at(ny, "2026-03-08T07:00:00Z"), -4 * kH);
  // Fall back on the first Sunday of November: 02:00 EDT is 06:00 UTC.
  EXPECT_EQ(hours_at(ny, "2026-11-01T05:59:59Z"), -4 * kH);
  EXPECT_EQ(hours_at(ny, "2026-11-01T06:00:00Z"), -5 * kH);
}

TEST(ZoneRules, WarsawChangesOnTheLastSundayAtOneUtc) {
  const Zone waw = zone("Europe/Warsaw");
  EXPECT_EQ(hours_at(waw, "2026-01-16T12:00:00Z"), 1 * kH);
  EXPECT_EQ(hours_at(waw, "2026-07-17T12:00:00Z"), 2 * kH);
  EXPECT_EQ(hours_at(waw, "2026-03-29T00:59:59Z"), 1 * kH);  // M3.5.0: March 29, 2026
  EXPECT_EQ(hours_at(waw, "2026-03-29T01:00:00Z"), 2 * kH);
  EXPECT_EQ(hours_at(waw, "2026-10-25T00:59:59Z"), 2 * kH);  // M10.5.0/3: 03:00 CEST
  EXPECT_EQ(hours_at(waw, "2026-10-25T01:00:00Z"), 1 * kH);
}

TEST(ZoneRules, SydneyKeepsDaylightSavingOverNewYear) {
  const Zone syd = zone("Australia/Sydney");  // AEST-10AEDT,M10.1.0,M4.1.0/3
  EXPECT_EQ(hours_at(syd, "2026-12-31T13:00:00Z"), 11 * kH);
  EXPECT_EQ(hours_at(syd, "2026-07-01T00:00:00Z"), 10 * kH);
  EXPECT_EQ(hours_at(syd, "2026-04-04T15:59:59Z"), 11 * kH);  // Sunday April 5, 03:00 AEDT
  EXPECT_EQ(hours_at(syd, "2026-04-04T16:00:00Z"), 10 * kH);
  EXPECT_EQ(hours_at(syd, "2026-10-03T15:59:59Z"), 10 * kH);  // Sunday October 4, 02:00 AEST
  EXPECT_EQ(hours_at(syd, "2026-10-03T16:00:00Z"), 11 * kH);
}

TEST(ZoneRules, LimaHasNoDaylightSaving) {
  const Zone lima = zone("America/Lima");  // <-05>5
  EXPECT_FALSE(lima.has_dst);
  EXPECT_EQ(hours_at(lima, "2026-01-16T12:00:00Z"), -5 * kH);
  EXPECT_EQ(hours_at(lima, "2026-07-17T12:00:00Z"), -5 * kH);
  EXPECT_EQ(lima.instant_of(utc("2026-07-17T16:00:00Z")), utc("2026-07-17T21:00:00Z"));
}

TEST(ZoneRules, NegativeAndPastMidnightChangeTimes) {
  // Nuuk changes at -01:00 (Saturday 23:00) local; Santiago at 24:00 (Sunday 00:00) local.
  const Zone nuuk = zone("America/Nuuk");                      // <-02>2<-01>,M3.5.0/-1,M10.5.0/0
  EXPECT_EQ(hours_at(nuuk, "2026-03-29T00:59:59Z"), -2 * kH);  // Sat Mar 28, 22:59:59 -02
  EXPECT_EQ(hours_at(nuuk, "2026-03-29T01:00:00Z"), -1 * kH);
  const Zone scl = zone("America/Santiago");                  // <-04>4<-03>,M9.1.6/24,M4.1.6/24
  EXPECT_EQ(hours_at(scl, "2026-09-06T03:59:59Z"), -4 * kH);  // Sat Sep 5, 23:59:59 -04
  EXPECT_EQ(hours_at(scl, "2026-09-06T04:00:00Z"), -3 * kH);
  EXPECT_EQ(hours_at(scl, "2026-04-05T02:59:59Z"), -3 * kH);  // Sat Apr 4, 24:00 -03
  EXPECT_EQ(hours_at(scl, "2026-04-05T03:00:00Z"), -4 * kH);
  // Santiago's local midnight of Sunday Sep 6 never happens: the day starts when the clock
  // jumps to 01:00.
  EXPECT_EQ(scl.instant_of(utc("2026-09-06T00:00:00Z")), utc("2026-09-06T04:00:00Z"));
}

TEST(ZoneRules, JulianDaysSkipOrCountFebruaryTwentyNinth) {
  Zone z;
  // Jn never counts Feb 29: J60 is March 1 in 2028 (leap) as in 2027.
  ASSERT_TRUE(parse_posix_zone("AAA3BBB,J60/0,J300/0", z));
  EXPECT_EQ(hours_at(z, "2028-03-01T02:59:59Z"), -3 * kH);
  EXPECT_EQ(hours_at(z, "2028-03-01T03:00:00Z"), -2 * kH);
  EXPECT_EQ(hours_at(z, "2027-03-01T03:00:00Z"), -2 * kH);
  // n counts it, from 0: day 59 is Feb 29 in 2028 and March 1 in 2027.
  ASSERT_TRUE(parse_posix_zone("AAA3BBB,59/0,300/0", z));
  EXPECT_EQ(hours_at(z, "2028-02-29T03:00:00Z"), -2 * kH);
  EXPECT_EQ(hours_at(z, "2027-02-28T12:00:00Z"), -3 * kH);
  EXPECT_EQ(hours_at(z, "2027-03-01T03:00:00Z"), -2 * kH);
}

TEST(ZoneRules, ChangeTimesWithMinutesAndTheDefaultTwoOClock) {
  Zone z;
  ASSERT_TRUE(parse_posix_zone("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", z));  // Chatham
  EXPECT_EQ(z.std_offset, 12 * kH + 45 * 60);
  EXPECT_EQ(z.dst_offset, 13 * kH + 45 * 60);
  EXPECT_EQ(z.dst_start.time, 2 * kH + 45 * 60);
  ASSERT_TRUE(parse_posix_zone("EST5EDT,M3.2.0,M11.1.0/2", z));
  EXPECT_EQ(z.dst_start.time, 2 * kH);  // no "/time" means 02:00
  EXPECT_EQ(z.dst_offset, -4 * kH);     // no DST offset means one hour ahead of standard
}

TEST(ZoneRules, DaylightSavingAllYear) {
  Zone z;  // the tz database's way of saying "always": Jan 1 00:00 to Dec 31 24:00 + 1 h
  ASSERT_TRUE(parse_posix_zone("EST5EDT,0/0,J365/25", z));
  for (const char* at : {"2026-01-01T05:00:00Z", "2026-07-01T00:00:00Z", "2026-12-31T23:00:00Z",
                         "2027-01-01T04:30:00Z", "2027-01-01T05:00:00Z"})
    EXPECT_EQ(hours_at(z, at), -4 * kH) << at;
}

TEST(ZoneRules, NegativeDaylightSavingInDublin) {
  const Zone dub = zone("Europe/Dublin");  // IST-1GMT0,M10.5.0,M3.5.0/1: winter is the "DST"
  EXPECT_EQ(hours_at(dub, "2026-01-16T12:00:00Z"), 0);
  EXPECT_EQ(hours_at(dub, "2026-07-17T12:00:00Z"), 1 * kH);
}

TEST(ZoneRules, SkippedLocalTimeMapsToTheJump) {
  const Zone ny = zone("America/New_York");
  // 02:30 on 2026-03-08 never shows on a New York clock: the clock jumps at 07:00 UTC.
  EXPECT_EQ(ny.instant_of(utc("2026-03-08T02:30:00Z")), utc("2026-03-08T07:00:00Z"));
  EXPECT_EQ(ny.instant_of(utc("2026-03-08T01:59:59Z")), utc("2026-03-08T06:59:59Z"));
  EXPECT_EQ(ny.instant_of(utc("2026-03-08T03:00:00Z")), utc("2026-03-08T07:00:00Z"));
}

TEST(ZoneRules, RepeatedLocalTimeMapsToItsFirstPass) {
  const Zone ny = zone("America/New_York");
  // 01:30 on 2026-11-01 shows twice: 05:30 UTC (EDT) and 06:30 UTC (EST).
  EXPECT_EQ(ny.instant_of(utc("2026-11-01T01:30:00Z")), utc("2026-11-01T05:30:00Z"));
  EXPECT_EQ(ny.instant_of(utc("2026-11-01T02:00:00Z")), utc("2026-11-01T07:00:00Z"));
}

TEST(ZoneRules, WrittenTimestampsCarryTheOffsetInForce) {
  const Zone ny = zone("America/New_York");
  EXPECT_EQ(format_timestamp(Timestamp{utc("2026-07-17T20:30:00Z") * 1000}, ny),
            "2026-07-17T16:30:00-04:00");
  EXPECT_EQ(format_timestamp(Timestamp{utc("2026-01-16T21:30:00Z") * 1000}, ny),
            "2026-01-16T16:30:00-05:00");
  EXPECT_EQ(format_timestamp(Timestamp{utc("2026-11-01T05:30:00Z") * 1000}, ny),
            "2026-11-01T01:30:00-04:00");
  EXPECT_EQ(format_timestamp(Timestamp{utc("2026-11-01T06:30:00Z") * 1000}, ny),
            "2026-11-01T01:30:00-05:00");
}

TEST(ZoneRules, LocalCalendarPeriodsStartAtLocalMidnight) {
  const Zone ny = zone("America/New_York");
  const Timestamp t{utc("2026-03-08T12:00:00Z") * 1000};  // the 23-hour day
  EXPECT_EQ(period_start(t, Period::day, ny).ms / 1000, utc("2026-03-08T05:00:00Z"));
  EXPECT_EQ(period_start(Timestamp{utc("2026-03-09T12:00:00Z") * 1000}, Period::day, ny).ms / 1000,
            utc("2026-03-09T04:00:00Z"));
  EXPECT_EQ(period_start(t, Period::month, ny).ms / 1000, utc("2026-03-01T05:00:00Z"));
  EXPECT_EQ(period_start(Timestamp{utc("2026-07-17T12:00:00Z") * 1000}, Period::week, ny).ms / 1000,
            utc("2026-07-13T04:00:00Z"));  // Monday
  EXPECT_EQ(year_start(2027, zone("Australia/Sydney")).ms / 1000, utc("2026-12-31T13:00:00Z"));
}

TEST(ZoneRules, RulesThatAreNotPosixAreRefused) {
  Zone z;
  for (const char* bad :
       {"", "America/Nowhere", "EST", "EST5EDT", "ES5", "EST25", "EST5EDT,M3.2.0",
        "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0",
        "EST5EDT,J0,J365", "EST5EDT,J366,J1", "EST5EDT,366,1", "EST5EDT,M3.2.0/168,M11.1.0",
        "EST5EDT,M3.2.0,M11.1.0x", "<AB>5", "<-05", "XXX5:30:15", "EST5 "})
    EXPECT_FALSE(parse_posix_zone(bad, z)) << bad;
  for (const char* good : {"UTC0", "<-05>5", "<+0530>-5:30", "EST+5", "AAA-14",
                           "EST5EDT,M3.2.0/-167,M11.1.0/167", "EST5EDT4,M3.2.0,M11.1.0"})
    EXPECT_TRUE(parse_posix_zone(good, z)) << good;
}

// Every name of the compiled table decodes to the rule its TZif footer has, and parses.
TEST(ZoneRules, TheCompiledTableReadsBackWhole) {
  const std::pair<const char*, const char*> table[] = {
#include "tz_table_names.inc"
  };
  ASSERT_GT(std::size(table), 590u);
  for (const auto& [name, rule] : table) {
    EXPECT_EQ(iana_zone_rule(name), rule) << name;
    Zone z;
    EXPECT_TRUE(parse_posix_zone(rule, z)) << name << " " << rule;
  }
  EXPECT_EQ(iana_zone_rule("America/New_Yor"), "");
  EXPECT_EQ(iana_zone_rule("America/New_York "), "");
  EXPECT_EQ(iana_zone_rule("america/new_york"), "");
  EXPECT_EQ(iana_zone_rule("Zzz"), "");
}

}  // namespace
}  // namespace loyalty
