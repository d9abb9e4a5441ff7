// Differential libFuzzer target: the core's JSON reader (core/src/json_fast.hpp) against nlohmann.
// The same bytes go to both; both must accept them with the same values (same types too: signed
// and unsigned integers, doubles bit for bit) or both refuse them. The reader's two deliberate
// differences (docs/decisions.md, "One JSON reading path") are held as rules of their own: a text
// with a NUL byte outside a string's escapes is refused, whatever nlohmann says, and a text
// nested deeper than the limit is `too_large`. A text that is one number with a fraction or an
// exponent also goes to nearest_double (core/src/decimal.hpp: the WebAssembly build's strtod),
// which must give nlohmann's double bit for bit; the corpus's single numbers keep that side fed.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "decimal.hpp"
#include "document.hpp"
#include "json_fast.hpp"

namespace {

using json = nlohmann::json;
using loyalty::Node;

[[noreturn]] void broken(const char* what, std::string_view text, const std::string& detail = "") {
  std::fprintf(stderr, "fuzz_json: %s\n  input (%zu bytes): %.*s\n  %s\n", what, text.size(),
               static_cast<int>(text.size() > 2000 ? 2000 : text.size()), text.data(),
               detail.c_str());
  std::abort();
}

// The reader's node and nlohmann's value are the same value of the same type.
bool same(const Node& n, const json& j) {
  switch (n.type()) {
    case Node::Type::null:
      return j.is_null();
    case Node::Type::boolean:
      return j.is_boolean() && j.get<bool>() == n.get_boolean();
    case Node::Type::integer:
      return j.is_number_integer() && !j.is_number_unsigned() &&
             j.get<std::int64_t>() == n.get_integer();
    case Node::Type::unsigned_integer:
      return j.is_number_unsigned() && j.get<std::uint64_t>() == n.get_unsigned();
    case Node::Type::floating: {
      if (!j.is_number_float()) return false;
      const double a = n.get_floating(), b = j.get<double>();
      return std::memcmp(&a, &b, sizeof a) == 0;
    }
    case Node::Type::string:
      return j.is_string() && j.get_ref<const std::string&>() == n.get_string();
    case Node::Type::array: {
      if (!j.is_array() || j.size() != n.items().size()) return false;
      std::size_t i = 0;
      for (const Node& item : n.items())
        if (!same(item, j[i++])) return false;
      return true;
    }
    case Node::Type::object: {
      if (!j.is_object() || j.size() != n.members().size()) return false;
      auto it = j.begin();  // both in ascending key order
      for (const loyalty::Member& m : n.members()) {
        if (it.key() != m.key || !same(m.value, it.value())) return false;
        ++it;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr int kDepth = 64;

  loyalty::Document doc;
  loyalty::Error error;
  const bool read = loyalty::read_json(text, doc, kDepth, error);
  if (!read &&
      (error.message.empty() || !error.path.empty() ||
       (error.code != "invalid_json" && error.code != "too_large" && error.code != "overflow")))
    broken("a refusal without a proper error", text, error.code + ": " + error.message);

  if (text.find('\0') != std::string_view::npos) {
    if (read) broken("a text with a NUL byte was accepted", text);
    return 0;
  }
  if (!read && error.code == "too_large") return 0;  // nlohmann has no depth limit

  json tree;
  bool parsed = true;
  try {
    tree = json::parse(text);
  } catch (const json::exception&) {
    parsed = false;
  }
  if (read != parsed)
    broken(read ? "the reader accepted what nlohmann refuses"
                : "the reader refused what nlohmann accepts",
           text, read ? "" : error.message);
  if (read && !same(doc.root(), tree))
    broken("the reader and nlohmann read different values", text,
           "reader: " + doc.root().dump() + "\n  nlohmann: " + tree.dump());
  if (read && tree.is_number_float()) {
    std::string_view number = text;
    if (number.starts_with("\xEF\xBB\xBF")) number.remove_prefix(3);  // a byte-order mark
    const std::size_t first = number.find_first_not_of(" \t\n\r");
    const std::size_t last = number.find_last_not_of(" \t\n\r");
    const double ours = loyalty::nearest_double(number.substr(first, last - first + 1));
    const double theirs = tree.get<double>();
    if (std::memcmp(&ours, &theirs, sizeof ours) != 0)
      broken("nearest_double and nlohmann read different doubles", text,
             loyalty::Node::floating(ours).dump() + " vs " + tree.dump());
  }
  return 0;
}
