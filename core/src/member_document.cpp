// loyalty::MemberDocument (include/loyalty/member.hpp) and the time functions of
// include/loyalty/time.hpp: the typed door onto what the engine writes.
#include <nlohmann/json.hpp>

#include "json_write.hpp"
#include "loyalty/member.hpp"
#include "loyalty/time.hpp"
#include "time.hpp"

namespace loyalty {

using nlohmann::json;

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
  Timestamp t;
  if (!parse_timestamp(text, t)) return std::nullopt;
  return t.ms;
}

std::string format_rfc3339(std::int64_t unix_ms, int offset_seconds) {
  return format_timestamp(Timestamp{unix_ms}, Zone::fixed(offset_seconds));
}

std::optional<int> parse_utc_offset(std::string_view text) {
  int seconds = 0;
  if (!parse_offset(text, seconds)) return std::nullopt;
  return seconds;
}

struct MemberDocument::Impl {
  json state;
};

namespace {

const json& member(const json& o, const char* key) {
  static const json kNull;
  if (!o.is_object()) return kNull;
  const auto it = o.find(key);
  return it == o.end() ? kNull : *it;
}

std::string text(const json& v) {
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::string dump(const json& v) {
  std::string out;
  JsonWriter(out).value(v);
  return out;
}

}  // namespace

std::optional<MemberDocument> MemberDocument::parse(std::string_view state_json, std::string* error,
                                                    bool with_orders) {
  // `internal.orders` is dropped while parsing (its key refused) unless asked for; the keys at
  // depth 1 say whether the parser is inside `internal` (`lifetime.orders` is kept).
  bool in_internal = false;
  const json::parser_callback_t skip_orders = [&in_internal](int depth, json::parse_event_t event,
                                                             json& parsed) {
    if (event != json::parse_event_t::key) return true;
    if (depth == 1) in_internal = parsed == "internal";
    return !(depth == 2 && in_internal && parsed == "orders");
  };
  json state = json::parse(state_json, with_orders ? nullptr : skip_orders, false);
  const char* problem = state.is_discarded()                     ? "not JSON"
                        : !state.is_object()                     ? "not an object"
                        : member(state, "error").is_object()     ? "an error response"
                        : !member(state, "internal").is_object() ? "no internal part"
                        : !member(state, "history").is_array()   ? "no history"
                                                                 : nullptr;
  if (problem) {
    if (error) *error = std::string("the member state is ") + problem;
    return std::nullopt;
  }
  MemberDocument d;
  d.impl_ = std::make_shared<const Impl>(Impl{std::move(state)});
  return d;
}

std::string MemberDocument::member_id() const {
  return text(member(impl_->state, "member_id"));
}

std::optional<std::int64_t> MemberDocument::clock_ms() const {
  return parse_rfc3339(text(member(member(impl_->state, "internal"), "clock")));
}

std::int64_t MemberDocument::lifetime_orders() const {
  const json& n = member(member(impl_->state, "lifetime"), "orders");
  return n.is_number_integer() ? n.get<std::int64_t>() : 0;
}

std::string MemberDocument::referred_by() const {
  return text(member(member(impl_->state, "internal"), "referred_by"));
}

std::int64_t MemberDocument::history_total() const {
  const json& n = member(member(impl_->state, "internal"), "history_total");
  return n.is_number_integer() ? n.get<std::int64_t>()
                               : static_cast<std::int64_t>(member(impl_->state, "history").size());
}

std::vector<std::string> MemberDocument::history() const {
  std::vector<std::string> out;
  for (const auto& h : member(impl_->state, "history")) out.push_back(dump(h));
  return out;
}

std::vector<std::pair<std::string, std::string>> MemberDocument::orders() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& o : member(member(impl_->state, "internal"), "orders"))
    out.emplace_back(text(member(o, "order_id")), dump(o));
  return out;
}

std::optional<std::int64_t> MemberDocument::order_program_version(std::string_view order_id) const {
  for (const auto& o : member(member(impl_->state, "internal"), "orders"))
    if (text(member(o, "order_id")) == order_id) {
      const json& v = member(o, "program_version");
      return v.is_number_integer() ? std::optional(v.get<std::int64_t>()) : std::nullopt;
    }
  return std::nullopt;
}

std::string MemberDocument::view(bool with_history) const {
  // Built member by member: the orders, most of a regular's state, are never copied.
  json v = json::object();
  for (const auto& [key, value] : impl_->state.items()) {
    if (key == "internal") {
      json internal = json::object();
      for (const auto& [k, x] : value.items())
        if (k != "orders" && k != "seen") internal[k] = x;
      v[key] = std::move(internal);
    } else {
      v[key] = key == "history" && !with_history ? json::array() : value;
    }
  }
  return dump(v);
}

}  // namespace loyalty
