// Engine::dated_view (loyalty.hpp): what a member reads of a stored state, made once, answers
// every read before its `until_ms` byte for byte as `advance` + MemberDocument::view would, and
// at `until_ms` time alone has changed something else (the instant is neither late nor early).
// LOYALTY_SEED=<n> replays one case.
#include <cstdlib>
#include <random>

#include "../support/generate.hpp"
#include "loyalty/loyalty.hpp"
#include "loyalty/member.hpp"
#include "loyalty/time.hpp"
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::vector<std::uint64_t> seeds(int count) {
  if (const char* one = std::getenv("LOYALTY_SEED")) return {std::strtoull(one, nullptr, 10)};
  std::vector<std::uint64_t> out;
  for (int i = 0; i < property_cases(count); ++i)
    out.push_back(5000 + static_cast<std::uint64_t>(i));
  return out;
}

// The read the server did before dated views: advance to now, then the member's part.
std::string slow_read(const Engine& engine, const std::string& state, std::int64_t now_ms) {
  const auto doc = MemberDocument::parse(engine.advance(state, now_ms));
  return doc ? doc->view() : "not a state";
}

std::string tier_period(const json& program) {
  if (!program.contains("tiers")) return "none";
  const json& period = program["tiers"]["period"];
  return period.is_string() ? period.get<std::string>() : "rolling";
}

TEST(DatedView, ReadsBeforeTheInstantAreAdvanceAndTheInstantChangesWhatIsRead) {
  int reads_before = 0, changed_at = 0, never = 0;
  std::map<std::string, int> changed_by;  // program features of the cases with an instant
  for (const auto seed : seeds(600)) {
    SCOPED_TRACE("LOYALTY_SEED=" + std::to_string(seed));
    Generator g(seed);
    const json program = g.program();
    const std::string full =
        call("replay", json{{"program", program}, {"events", g.history(program, 30)}}.dump());
    ASSERT_FALSE(is_error(full)) << full;
    const Engine engine(program.dump());
    ASSERT_TRUE(engine.ok());
    // The server stores the member's view (no orders, no seen ids): both give the same.
    const std::string stored = MemberDocument::parse(full)->view();
    std::string error;
    const auto dated = engine.dated_view(stored, &error);
    ASSERT_TRUE(dated) << error;
    const auto from_full = engine.dated_view(full);
    ASSERT_TRUE(from_full);
    EXPECT_EQ(from_full->view, dated->view);
    EXPECT_EQ(from_full->until_ms, dated->until_ms);
    const std::int64_t clock = *MemberDocument::parse(stored)->clock_ms();
    if (dated->until_ms) EXPECT_GT(*dated->until_ms, clock);

    std::mt19937_64 rng(seed);
    const std::int64_t until = dated->until_ms.value_or(clock + 40 * 365 * kDayMs);
    std::vector<std::int64_t> instants = {clock - kDayMs, clock, clock + 1, until - 1,
                                          until - 1000};
    for (int i = 0; i < 6; ++i)
      instants.push_back(
          clock + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(until - clock)));
    for (int i = 0; i < 3; ++i)  // whole seconds, as the server reads
      instants.push_back(instants[instants.size() - 1 - i] / 1000 * 1000);
    // Before the clock nothing is settled (the slow read answers there).
    EXPECT_FALSE(engine.view_at(dated->view, dated->marks, clock - 1));
    for (const std::int64_t t : instants) {
      if (t < clock || t >= until) continue;
      const auto fast = engine.view_at(dated->view, dated->marks, t);
      ASSERT_TRUE(fast) << dated->marks;
      ASSERT_EQ(*fast, slow_read(engine, stored, t)) << "at " << engine.store_time(t);
      ++reads_before;
    }
    if (!dated->until_ms) {
      ++never;
    } else {
      // At the instant the re-dated view is no longer what is read: something else moved.
      const auto fast = engine.view_at(dated->view, dated->marks, until);
      ASSERT_TRUE(fast);
      ASSERT_NE(*fast, slow_read(engine, stored, until)) << "at " << engine.store_time(until);
      ++changed_at;
      ++changed_by["tiers: " + tier_period(program)];
      if (program.contains("expiry")) ++changed_by["expiry"];
      if (program.contains("pending_days")) ++changed_by["pending"];
    }
    if (HasFailure()) break;
  }
  // Both halves of the promise were exercised, and the instant came from each kind of program.
  EXPECT_GT(reads_before, 0);
  EXPECT_GT(changed_at, 0);
  if (!std::getenv("LOYALTY_SEED")) {
    EXPECT_GT(never, 0);
    for (const char* kind : {"tiers: none", "tiers: lifetime", "tiers: calendar_year",
                             "tiers: rolling", "expiry", "pending"})
      EXPECT_GT(changed_by[kind], 0) << kind;
  }
}

// A member with nothing due reads the same forever, and a bad state or bad marks are refused
// rather than answered.
TEST(DatedView, NothingDueMeansNoInstantAndBadInputIsRefused) {
  const json prog = program(
      {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}}});
  const std::string state = call(
      "replay", json{{"program", prog},
                     {"events",
                      {enroll("e1", "2026-01-05T10:00:00-05:00"),
                       order("e2", "2026-01-06T10:00:00-05:00", "o-1", line("latte", 1200, 2))}}}
                    .dump());
  const Engine engine(prog.dump());
  const auto dated = engine.dated_view(state);
  ASSERT_TRUE(dated);
  EXPECT_FALSE(dated->until_ms);
  const std::int64_t later = *parse_rfc3339("2056-03-01T00:00:00Z");
  EXPECT_EQ(*engine.view_at(dated->view, dated->marks, later), slow_read(engine, state, later));

  std::string error;
  EXPECT_FALSE(engine.dated_view("{\"balance\":", &error));
  EXPECT_TRUE(is_error(error)) << error;
  EXPECT_FALSE(engine.dated_view("null"));
  EXPECT_FALSE(engine.view_at(dated->view, "", later));
  EXPECT_FALSE(engine.view_at(dated->view, "99999999:25:0;", later));
  EXPECT_FALSE(engine.view_at(dated->view, "0:5:0;", later));
  EXPECT_FALSE(engine.view_at(dated->view, dated->marks + "x", later));
}

// A calendar contribution is dropped when the refund window's start enters a later year (the
// state keeps what a refund inside the window can read): with a long window that comes before
// the period ends, and generated members (two years of events) never reach it.
TEST(DatedView, TheWindowLeavingACalendarYearIsAnInstant) {
  const json prog = program(
      {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}},
       {"tiers",
        {{"basis", "spend"},
         {"period", "calendar_year"},
         {"retain", "none"},
         {"levels", {{{"id", "member"}, {"min", 0}}, {{"id", "gold"}, {"min", 100000}}}}}},
       {"limits", {{"refund_days", 1000}}}});
  const std::string state = call(
      "replay", json{{"program", prog},
                     {"events",
                      {enroll("e1", "2023-02-01T10:00:00-05:00"),
                       order("e2", "2023-03-01T10:00:00-05:00", "o-1", line("latte", 5000, 1)),
                       order("e3", "2026-06-01T10:00:00-05:00", "o-2", line("latte", 5000, 1))}}}
                    .dump());
  ASSERT_FALSE(is_error(state)) << state;
  EXPECT_EQ(json::parse(state)["internal"]["qualifying"].size(), 2u);
  const Engine engine(prog.dump());
  const auto dated = engine.dated_view(state);
  ASSERT_TRUE(dated);
  // The window (1000 days back) starts in 2024 from 2024-01-01 + 1000 days: 2023 is let go then,
  // before the period ends on 2027-01-01.
  const std::int64_t trim = *parse_rfc3339("2024-01-01T00:00:00-05:00") + 1000 * kDayMs;
  ASSERT_EQ(dated->until_ms, trim);
  EXPECT_EQ(*engine.view_at(dated->view, dated->marks, trim - 1),
            slow_read(engine, state, trim - 1));
  const std::string after = slow_read(engine, state, trim);
  EXPECT_NE(*engine.view_at(dated->view, dated->marks, trim), after);
  EXPECT_EQ(json::parse(after)["internal"]["qualifying"].size(), 1u);
}

}  // namespace
}  // namespace loyalty::testing
