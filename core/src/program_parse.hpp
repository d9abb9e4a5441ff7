// The readers the program document's parts share (program.cpp, engagement_parse.cpp): limits,
// bounds, windows, conditions and the choice of one name from a list.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "program.hpp"

namespace loyalty {

constexpr i64 kMaxMoney = 1'000'000'000'000'000;  // 10^18 minor units: far above any real price
constexpr i64 kMaxPoints = 1'000'000'000'000'000;
// How far back `min_orders` may count: the state keeps order times this long (ledger.cpp).
constexpr i64 kMaxOrderWindowDays = 366;

template <typename T>
T pick(const In& in, std::initializer_list<std::pair<const char*, T>> choices) {
  const std::string s = in.string();
  for (const auto& [name, value] : choices) {
    if (s == name) return value;
  }
  std::string names;
  for (const auto& c : choices) names += std::string(names.empty() ? "" : ", ") + c.first;
  in.fail("must be one of " + names + ", got \"" + s + "\"");
}

Window parse_window(const In& in);
Limit parse_limit(const In& in);
void parse_conditions(const In& in, Conditions& c);  // match, when, audience, min_order_minor
// `voucher_days` or `voucher_expires: "end_of_day"`, never both.
VoucherExpiry parse_voucher_expiry(const In& in);

// The engagement parts (engagement_parse.cpp), read after rewards so references can be checked.
void parse_engagement(const In& in, Program& p);

}  // namespace loyalty
