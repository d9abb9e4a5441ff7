#include "json_read.hpp"

#include <algorithm>

namespace loyalty {

Obj& Obj::operator()(const char* key, json value) {
  members_.emplace(key, std::move(value));
  return *this;
}

void append_pointer_token(std::string& out, std::string_view key) {
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
}

std::string pointer_append(const std::string& path, std::string_view key) {
  std::string out = path;
  out.reserve(path.size() + key.size() + 1);
  append_pointer_token(out, key);
  return out;
}

void In::append_path(std::string& out) const {
  if (parent_)
    parent_->append_path(out);
  else
    out += base_;
  if (step_ == Step::key) {
    append_pointer_token(out, key_);
  } else if (step_ == Step::index) {
    out += '/';
    out += std::to_string(index_);
  }
}

std::string In::path() const {
  std::string out;
  append_path(out);
  return out;
}

std::string type_name(const Node& v) {
  switch (v.type()) {
    case Node::Type::null:
      return "null";
    case Node::Type::boolean:
      return "a boolean";
    case Node::Type::string:
      return "a string";
    case Node::Type::array:
      return "an array";
    case Node::Type::object:
      return "an object";
    case Node::Type::floating:
      return "a fractional number";
    default:
      return "a number";
  }
}

namespace {
// "factor" for /earn/2/factor; the whole pointer when the value is an array item.
std::string field_name(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
  if (last.empty() || last.find_first_not_of("0123456789") == std::string::npos)
    return path.empty() ? "the request" : path;
  std::string out;
  for (std::size_t i = 0; i < last.size(); ++i) {
    if (last[i] == '~' && i + 1 < last.size()) {
      out += last[++i] == '1' ? '/' : '~';
    } else {
      out += last[i];
    }
  }
  return out;
}
}  // namespace

// Messages that start with "must" name the field they are about: "factor must be ...".
void In::fail(const std::string& message) const {
  const std::string p = path();
  loyalty::fail(code, p, message.starts_with("must") ? field_name(p) + " " + message : message);
}

void In::fail_at(std::string_view key, const std::string& message) const {
  std::string p = path();
  append_pointer_token(p, key);
  loyalty::fail(code, std::move(p), message);
}

In In::member(const Node& value, std::string_view key) const {
  return In(value, this, Step::key, key, 0);
}

In In::at(std::string_view key) const {
  const Node* found = v.find(key);
  if (!found) fail_at(key, std::string(key) + " is required");
  return member(*found, key);
}

In In::at(std::size_t index) const {
  return In(v.items()[index], this, Step::index, {}, index);
}

std::optional<In> In::find(std::string_view key) const {
  const Node* found = v.find(key);
  if (!found || found->is_null()) return std::nullopt;
  return member(*found, key);
}

namespace {
// Whether the literal `a` spells `key`, read no further than a's terminator (a key may hold a
// NUL byte: "\u0000").
bool is_literal(const char* a, std::string_view key) {
  std::size_t i = 0;
  for (; i < key.size(); ++i)
    if (a[i] == '\0' || a[i] != key[i]) return false;
  return a[i] == '\0';
}
}  // namespace

std::span<const Member> In::object(std::initializer_list<const char*> allowed) const {
  if (!v.is_object()) fail("must be an object, got " + type_name(v));
  for (const auto& [key, value] : v.members()) {
    bool known = false;
    for (const char* a : allowed) known = known || is_literal(a, key);
    if (!known) fail_at(key, "unknown field \"" + std::string(key) + "\"");
  }
  return v.members();
}

void In::fields(std::span<const std::string_view> names, const Node** slots) const {
  if (!v.is_object()) fail("must be an object, got " + type_name(v));
  std::fill_n(slots, names.size(), nullptr);
  for (const auto& m : v.members()) {
    std::size_t i = 0;
    while (i < names.size() && !same_name(names[i], m.key)) ++i;
    if (i == names.size()) fail_at(m.key, "unknown field \"" + std::string(m.key) + "\"");
    slots[i] = &m.value;
  }
}

std::span<const Node> In::array() const {
  if (!v.is_array()) fail("must be an array, got " + type_name(v));
  return v.items();
}

std::string In::string_or_empty() const {
  if (!v.is_string()) fail("must be a string, got " + type_name(v));
  return std::string(v.get_string());
}

std::string In::string() const {
  std::string s = string_or_empty();
  if (s.empty()) fail("must not be empty");
  return s;
}

std::int64_t In::integer(std::int64_t min, std::int64_t max) const {
  if (v.is_number_unsigned() && v.get_unsigned() > static_cast<std::uint64_t>(INT64_MAX)) {
    loyalty::fail("overflow", path(), "number does not fit in 64 bits");
  }
  if (v.is_number_float()) {
    const double d = v.get_floating();
    if (d > 9.2e18 || d < -9.2e18)
      loyalty::fail("overflow", path(), "number does not fit in 64 bits");
    fail("must be a whole number, got a fractional number");
  }
  if (!v.is_number_integer()) fail("must be a whole number, got " + type_name(v));
  const std::int64_t n = v.get_integer();
  if (n < min) fail("must be at least " + std::to_string(min) + ", got " + std::to_string(n));
  if (n > max) fail("must be at most " + std::to_string(max) + ", got " + std::to_string(n));
  return n;
}

bool In::boolean() const {
  if (!v.is_boolean()) fail("must be true or false, got " + type_name(v));
  return v.get_boolean();
}

std::string In::string(std::string_view key, std::string_view fallback) const {
  auto f = find(key);
  return f ? f->string() : std::string(fallback);
}

std::int64_t In::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                         std::int64_t max) const {
  auto f = find(key);
  return f ? f->integer(min, max) : fallback;
}

std::optional<std::int64_t> In::optional_integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max) const {
  auto f = find(key);
  if (!f) return std::nullopt;
  return f->integer(min, max);
}

bool In::boolean(std::string_view key, bool fallback) const {
  auto f = find(key);
  return f ? f->boolean() : fallback;
}

std::vector<std::string> In::strings(std::string_view key) const {
  std::vector<std::string> out;
  auto f = find(key);
  if (!f) return out;
  const auto& arr = f->array();
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) out.push_back(f->at(i).string());
  return out;
}

std::map<std::string, std::int64_t> In::integers_by_key() const {
  if (!v.is_object()) fail("must be an object, got " + type_name(v));
  std::map<std::string, std::int64_t> out;
  for (const auto& [key, value] : v.members())
    out.emplace_hint(out.end(), key, member(value, key).integer());
  return out;
}

}  // namespace loyalty
