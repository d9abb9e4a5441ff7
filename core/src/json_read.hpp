// Strict reading of JSON input: every reader names the JSON pointer of what it reads, so an
// error points at the exact field (`/earn/2/factor`), and unknown members are rejected so a
// typo never silently changes a program.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "document.hpp"
#include "error.hpp"

namespace loyalty {

using json = nlohmann::json;

// A position in an input document: the value, its JSON pointer, and the error code that a
// problem with it is reported under (invalid_program, invalid_cart, ...).
//
// The pointer is built only when an error needs it: a child In refers to its parent and its own
// step (a member name or an index), so reading a field allocates nothing. A child must not
// outlive its parent, nor the member name it was read with (a literal or a key of the document).
struct In {
  const Node& v;
  const char* code;

  // A root: `base` is the pointer of `value` in the whole request ("" or e.g. "/events/3"); it
  // must outlive the In, like the document.
  In(const Node& value, std::string_view base, const char* error_code)
      : v(value), code(error_code), base_(base) {}
  // The same position as `at`, reported under another error code.
  In(const In& at, const char* error_code) : v(at.v), code(error_code), parent_(&at) {}
  In(const In&) = default;

  std::string path() const;

  In at(std::string_view key) const;  // a member that must exist
  In at(std::size_t index) const;
  std::optional<In> find(std::string_view key) const;  // absent or null -> nullopt
  bool has(std::string_view key) const { return find(key).has_value(); }
  In member(const Node& value, std::string_view key) const;  // `value` is this[key]

  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_at(std::string_view key, const std::string& message) const;

  // The allowed names are literals, compared as they are read (no strlen first).
  std::span<const Member> object(std::initializer_list<const char*> allowed) const;
  // object() and the lookups of its members in one pass, for objects read many times a request
  // (cart lines): slots[i] becomes the member called names[i], or nullptr. Errors are object()'s.
  void fields(std::span<const std::string_view> names, const Node** slots) const;
  // A member found by fields(): as at() gives it (an absent one is an error) ...
  In required(const Node* slot, std::string_view key) const {
    if (!slot) fail_at(key, std::string(key) + " is required");
    return member(*slot, key);
  }
  // ... and as find() gives it (absent or null: nullopt).
  std::optional<In> optional(const Node* slot, std::string_view key) const {
    if (!slot || slot->is_null()) return std::nullopt;
    return member(*slot, key);
  }
  std::span<const Node> array() const;
  std::string string() const;           // non-empty string
  std::string string_or_empty() const;  // any string
  std::int64_t integer(std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) const;
  bool boolean() const;

  std::string string(std::string_view key, std::string_view fallback) const;
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min = INT64_MIN,
                       std::int64_t max = INT64_MAX) const;
  std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t min = INT64_MIN,
                                               std::int64_t max = INT64_MAX) const;
  bool boolean(std::string_view key, bool fallback) const;
  std::vector<std::string> strings(std::string_view key) const;  // absent -> empty
  std::map<std::string, std::int64_t> integers_by_key() const;   // {"a": 1, "b": 2}

  // A literal name passes its length along: in the WebAssembly build string_view(const char*)
  // is an out-of-line strlen at every call. Always inlined, so nothing is compiled per length.
  template <std::size_t N>
  [[gnu::always_inline]] In at(const char (&key)[N]) const {
    return at(std::string_view(key, N - 1));
  }
  template <std::size_t N>
  [[gnu::always_inline]] std::optional<In> find(const char (&key)[N]) const {
    return find(std::string_view(key, N - 1));
  }
  template <std::size_t N>
  [[gnu::always_inline]] std::string string(const char (&key)[N], std::string_view fallback) const {
    return string(std::string_view(key, N - 1), fallback);
  }
  template <std::size_t N>
  [[gnu::always_inline]] std::int64_t integer(const char (&key)[N], std::int64_t fallback,
                                              std::int64_t min = INT64_MIN,
                                              std::int64_t max = INT64_MAX) const {
    return integer(std::string_view(key, N - 1), fallback, min, max);
  }
  template <std::size_t N>
  [[gnu::always_inline]] std::optional<std::int64_t> optional_integer(
      const char (&key)[N], std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) const {
    return optional_integer(std::string_view(key, N - 1), min, max);
  }

 private:
  enum class Step : unsigned char { none, key, index };
  In(const Node& value, const In* parent, Step step, std::string_view key, std::size_t index)
      : v(value), code(parent->code), parent_(parent), step_(step), key_(key), index_(index) {}
  void append_path(std::string& out) const;

  std::string_view base_;  // roots only (a string member made every In a constructor call)
  const In* parent_ = nullptr;
  Step step_ = Step::none;
  std::string_view key_;
  std::size_t index_ = 0;
};

// Builds a JSON object member by member: `json j = Obj()("id", id)("points", 3);` gives what
// json{{"id", id}, {"points", 3}} gives (keys sorted; of two equal keys the first wins) with a
// fraction of the code and none of the temporary arrays of nlohmann's initializer lists: in the
// WebAssembly module those cost download size and a share of every preview (docs/performance.md).
class Obj {
 public:
  Obj& operator()(const char* key, json value);
  // Moves the members out: use once, at the end of the expression that built them.
  operator json() { return json(std::move(members_)); }

 private:
  json::object_t members_;
};

std::string pointer_append(const std::string& path, std::string_view key);
void append_pointer_token(std::string& out, std::string_view key);  // "/" + key, escaped
std::string type_name(const Node& v);

}  // namespace loyalty
