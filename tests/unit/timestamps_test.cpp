// Timestamps: RFC 3339 with an offset only, real calendar dates, and every timestamp the engine
// writes is in the program's utc_offset whatever offset the input used.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

json catalog_at(const std::string& now) {
  return run("catalog", {{"program", program()}, {"state", nullptr}, {"now", now}});
}

TEST(Timestamps, AnOffsetIsRequiredAndDatesMustExist) {
  for (const char* bad : {"2026-11-20T17:59:00", "2026-02-30T10:00:00Z", "2026-11-20T24:00:00Z",
                          "2026-11-20", "20 Nov 2026", "2026-11-20T10:00:00+24:00"}) {
    const json e = error_of(catalog_at(bad));
    EXPECT_EQ(e.value("code", ""), "invalid_request") << bad;
    EXPECT_EQ(e.value("path", ""), "/now") << bad;
  }
  for (const char* good :
       {"2026-11-20T17:59:00Z", "2026-11-20T17:59:00.5+05:30", "2028-02-29T00:00:00-05:00"})
    EXPECT_FALSE(catalog_at(good).contains("error")) << good;
}

TEST(Timestamps, WrittenInTheProgramsOffset) {
  const json p = program(
      {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}}});
  const json s = replay(p, {enroll("e1", "2026-01-05T15:00:00Z"),
                            order("e2", "2026-01-06T03:30:00+01:00", "o-1", {line("a", 1000, 1)})});
  ASSERT_FALSE(s.contains("error")) << s.dump();
  EXPECT_EQ(s["history"][0]["at"], "2026-01-05T10:00:00-05:00");
  EXPECT_EQ(s["history"][1]["at"], "2026-01-05T21:30:00-05:00");
  // The same instants written with other offsets give the same bytes.
  const json same =
      replay(p, {enroll("e1", "2026-01-05T10:00:00-05:00"),
                 order("e2", "2026-01-05T21:30:00-05:00", "o-1", {line("a", 1000, 1)})});
  EXPECT_EQ(s, same);
}

}  // namespace
}  // namespace loyalty::testing
