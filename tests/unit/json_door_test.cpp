// The JSON door: malformed and oversized input, unknown operations and request members, and a
// loaded Engine answering byte for byte what the one-shot call answers.
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

const json kProgram = program(
    {{"earn", {{{"id", "base"}, {"type", "per_spend"}, {"points", 1}, {"per_minor", 100}}}},
     {"rewards",
      {{{"id", "5-off"}, {"type", "fixed_discount"}, {"cost", 50}, {"amount_minor", 500}}}}});

json code_and_path(const std::string& answer) {
  const json e = json::parse(answer).at("error");
  return {e.at("code"), e.at("path")};
}

TEST(JsonDoor, MalformedJsonIsInvalidJson) {
  EXPECT_EQ(code_and_path(loyalty::call("validate", "{\"program\": ")), json({"invalid_json", ""}));
  EXPECT_EQ(code_and_path(loyalty::call("validate", "")), json({"invalid_json", ""}));
  EXPECT_EQ(code_and_path(loyalty::call("validate", "{'a':1}")), json({"invalid_json", ""}));
  EXPECT_TRUE(loyalty::is_error(loyalty::call("validate", "{\"program\": {}} trailing")));
}

TEST(JsonDoor, DeepNestingIsTooLarge) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(code_and_path(loyalty::call("validate", deep)), json({"too_large", ""}));
  // 64 levels are fine as far as the limit goes (the request is then simply not an object).
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_EQ(code_and_path(loyalty::call("validate", ok))[0], "invalid_request");
  const std::string over = std::string(65, '[') + std::string(65, ']');
  EXPECT_EQ(code_and_path(loyalty::call("validate", over))[0], "too_large");
}

TEST(JsonDoor, FiftyMegabyteDocumentIsTooLarge) {
  std::string big =
      R"({"program":{"schema":"loyalty-program/1","id":"t","currency":"PEN","name":")";
  big.append(50u << 20, 'x');
  big += "\"}}";
  EXPECT_EQ(code_and_path(loyalty::call("validate", big)), json({"too_large", ""}));
}

TEST(JsonDoor, UnknownOperation) {
  const std::string r = loyalty::call("frobnicate", json{{"program", kProgram}}.dump());
  EXPECT_EQ(code_and_path(r)[0], "invalid_request");
  EXPECT_FALSE(loyalty::is_operation("frobnicate"));
  for (const char* op : {"validate", "replay", "apply", "preview", "catalog", "metrics"})
    EXPECT_TRUE(loyalty::is_operation(op)) << op;
}

TEST(JsonDoor, UnknownRequestMemberWithItsPointer) {
  EXPECT_EQ(
      code_and_path(loyalty::call("validate", json{{"program", kProgram}, {"bogus", 1}}.dump())),
      json({"invalid_request", "/bogus"}));
  json c = cart({line("a", 100, 1)});
  c["lines"][0]["colour"] = "red";
  EXPECT_EQ(
      code_and_path(loyalty::call("preview", json{{"program", kProgram}, {"cart", c}}.dump())),
      json({"invalid_cart", "/cart/lines/0/colour"}));
  const json ev = {
      {"id", "e1"}, {"at", "2026-01-01T10:00:00-05:00"}, {"type", "tick"}, {"typo", 1}};
  EXPECT_EQ(
      code_and_path(loyalty::call("replay", json{{"program", kProgram}, {"events", {ev}}}.dump())),
      json({"invalid_event", "/events/0/typo"}));
}

TEST(JsonDoor, MissingProgramAndNonObjectRequest) {
  EXPECT_EQ(code_and_path(loyalty::call("validate", "{}")), json({"invalid_request", "/program"}));
  EXPECT_EQ(code_and_path(loyalty::call("validate", "[]"))[0], "invalid_request");
}

TEST(JsonDoor, EngineAnswersByteIdenticallyToCall) {
  const Engine engine(kProgram.dump());
  ASSERT_TRUE(engine.ok()) << engine.error_json();
  const json events = {enroll("e1", "2026-01-05T10:00:00-05:00"),
                       order("e2", "2026-01-06T10:00:00-05:00", "o-1", {line("a", 12345, 1)})};
  const json state = replay(kProgram, events);
  const std::vector<std::pair<std::string, json>> requests = {
      {"validate", json::object()},
      {"replay", {{"events", events}, {"now", "2026-02-01T00:00:00-05:00"}}},
      {"apply",
       {{"state", state},
        {"event", order("e3", "2026-01-07T10:00:00-05:00", "o-2", {line("b", 999, 3)})}}},
      {"preview",
       {{"state", state},
        {"cart", cart({line("a", 5000, 1)})},
        {"redeem", {{{"reward", "5-off"}}}}}},
      {"catalog", {{"state", state}, {"now", "2026-01-08T10:00:00-05:00"}}},
      {"metrics",
       {{"members", {{{"member_id", "m-1"}, {"events", events}}}},
        {"from", "2026-01-01T00:00:00-05:00"},
        {"until", "2026-02-01T00:00:00-05:00"},
        {"total_customers", 10}}},
      // Errors too: the same bytes from both doors.
      {"preview", {{"cart", cart({line("a", -1, 1)})}}},
      {"replay", {{"events", {{{"id", "x"}, {"at", "not a time"}, {"type", "tick"}}}}}}};
  for (const auto& [op, req] : requests) {
    json with_program = req;
    with_program["program"] = kProgram;
    const std::string one_shot = loyalty::call(op, with_program.dump());
    EXPECT_EQ(engine.call(op, req.dump()), one_shot) << op << " " << req.dump();
  }
  // A loaded engine refuses a request that carries a program.
  EXPECT_EQ(code_and_path(engine.call("validate", json{{"program", kProgram}}.dump())),
            json({"invalid_request", "/program"}));
}

TEST(JsonDoor, ResponsesAreCompactWithSortedKeys) {
  const std::string r = loyalty::call(
      "preview", json{{"program", kProgram}, {"cart", cart({line("a", 5000, 1)})}}.dump());
  EXPECT_EQ(r, json::parse(r).dump());  // nlohmann dumps objects with sorted keys, compact
  EXPECT_EQ(r.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace loyalty::testing
