// A member state document as the engine wrote it, read through typed accessors, so a door (the
// server) never searches the JSON text for what it needs, and knows which parts are the member's
// to read and which only the next `apply` needs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loyalty {

class MemberDocument {
 public:
  // Parses a state (the response of replay, apply or advance). Nullopt when it is not one; the
  // reason goes to `error` when given. The orders a refund may reference, most of a regular's
  // state, are skipped unless `with_orders` (only order_program_version reads them).
  static std::optional<MemberDocument> parse(std::string_view state_json,
                                             std::string* error = nullptr,
                                             bool with_orders = false);

  std::string member_id() const;
  std::optional<std::int64_t> clock_ms() const;  // the instant the state was brought to
  std::int64_t lifetime_orders() const;
  std::string referred_by() const;
  // History entries ever written for the member; the state holds the latest of them.
  std::int64_t history_total() const;
  std::vector<std::string> history() const;  // compact JSON entries, oldest first
  // The orders a refund may still reference, each as compact JSON, by order id (parsed
  // `with_orders` only). A door may keep them apart and hand `apply` the one an event names.
  std::vector<std::pair<std::string, std::string>> orders() const;
  // The program version an order still held in the state was evaluated under.
  std::optional<std::int64_t> order_program_version(std::string_view order_id) const;
  // The state as its member reads it: all of it but the orders a refund may still reference
  // and the event ids seen (the next apply's business, and most of a regular's state). Without
  // `with_history` the history is left empty. Sorted keys, compact, like the engine's output.
  std::string view(bool with_history = true) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace loyalty
