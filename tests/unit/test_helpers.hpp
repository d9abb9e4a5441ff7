// Small helpers for the feature tests: build requests as JSON values, run them through the
// public JSON door, and read the answer back as JSON.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "loyalty/loyalty.hpp"

namespace loyalty::testing {

using nlohmann::json;

// How many cases a property test runs: all of them, or LOYALTY_PROPERTY_PERCENT of them (the
// sanitizer tree runs a tenth: it looks for memory errors, the release tree for wrong answers).
inline int property_cases(int all, int at_least = 1) {
  if (const char* percent = std::getenv("LOYALTY_PROPERTY_PERCENT"))
    return std::max(at_least, all * std::atoi(percent) / 100);
  return all;
}

// A minimal valid program in PEN at Lima's offset; callers add what they test.
inline json program(json extra = json::object()) {
  json p = {{"schema", "loyalty-program/1"},
            {"id", "test"},
            {"currency", "PEN"},
            {"utc_offset", "-05:00"}};
  for (auto& [k, v] : extra.items()) p[k] = v;
  return p;
}

inline json line(const std::string& sku, long long price, long long qty,
                 const std::string& category = "") {
  json l = {{"sku", sku}, {"unit_price_minor", price}, {"quantity", qty}};
  if (!category.empty()) l["category"] = category;
  return l;
}

inline json cart(json lines, const std::string& at = "2026-11-18T10:00:00-05:00") {
  // Clang reads a braced list of one line, `{line(...)}`, as that line (GCC as a list of one).
  if (lines.is_object()) lines = json::array({std::move(lines)});
  return {{"currency", "PEN"}, {"at", at}, {"lines", std::move(lines)}};
}

// Runs one operation; the answer parsed back.
inline json run(const std::string& op, const json& request) {
  const std::string out = loyalty::call(op, request.dump());
  return json::parse(out);
}

inline json preview(const json& prog, const json& c, json extra = json::object()) {
  json r = {{"program", prog}, {"state", nullptr}, {"cart", c}};
  for (auto& [k, v] : extra.items()) r[k] = v;
  return run("preview", r);
}

inline json replay(const json& prog, const json& events, const std::string& now = "") {
  // A braced list of one event may arrive as that event rather than a list of one.
  json r = {{"program", prog}, {"events", events.is_object() ? json::array({events}) : events}};
  if (!now.empty()) r["now"] = now;
  return run("replay", r);
}

inline json enroll(const std::string& id, const std::string& at, json extra = json::object()) {
  json e = {{"id", id}, {"at", at}, {"type", "enroll"}, {"member_id", "m-1"}};
  for (auto& [k, v] : extra.items()) e[k] = v;
  return e;
}

inline json order(const std::string& id, const std::string& at, const std::string& order_id,
                  json lines, json extra = json::object()) {
  json e = {{"id", id},
            {"at", at},
            {"type", "order"},
            {"member_id", "m-1"},
            {"order_id", order_id},
            {"cart", cart(std::move(lines), at)}};
  for (auto& [k, v] : extra.items()) e[k] = v;
  return e;
}

// The error object of an answer (fails the test when the answer is not an error).
inline json error_of(const json& answer) {
  EXPECT_TRUE(answer.contains("error")) << answer.dump();
  return answer.contains("error") ? answer["error"] : json::object();
}

// The history entries of a given kind.
inline json history_of(const json& state, const std::string& kind) {
  json out = json::array();
  for (const auto& h : state.at("history"))
    if (h.at("kind") == kind) out.push_back(h);
  return out;
}

}  // namespace loyalty::testing
