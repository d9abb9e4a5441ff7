// Writes compact JSON straight into a string, byte for byte what nlohmann's
// dump(-1, ' ', false, error_handler_t::replace) gives for the same document, without building a
// tree first (a preview spent as long building and dumping its response tree as computing it).
//
// The writer does not sort: the caller writes members in ascending key order (std::map order,
// i.e. bytewise), as the documents it replaces had them. tests/unit/preview_writer_test.cpp
// compares whole responses with the tree-built ones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace loyalty {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);  // then the member's value

  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& null();
  JsonWriter& value(const nlohmann::json& j);  // any tree, as nlohmann dumps it
  // A document written elsewhere by a JsonWriter (or dumped the same way), taken verbatim.
  JsonWriter& raw(std::string_view json_text);

  // Shorthands for one member. Overloads, not a template: a template instantiated per literal
  // length (char[17], char[18], ...) costs the wasm module bytes for nothing.
  JsonWriter& member(std::string_view k, std::int64_t v) { return key(k).value(v); }
  JsonWriter& member(std::string_view k, std::string_view v) { return key(k).value(v); }
  JsonWriter& member(std::string_view k, const char* v) { return key(k).value(v); }
  JsonWriter& member(std::string_view k, const std::string& v) { return key(k).value(v); }

  // A literal name passes its length along. In the WebAssembly build string_view(const char*)
  // is an out-of-line strlen at every call; these forwarders are always inlined, so nothing is
  // compiled per literal length.
  template <std::size_t N>
  [[gnu::always_inline]] JsonWriter& key(const char (&k)[N]) {
    return key(std::string_view(k, N - 1));
  }
  template <std::size_t N, typename V>
  [[gnu::always_inline]] JsonWriter& member(const char (&k)[N], const V& v) {
    return member(std::string_view(k, N - 1), v);
  }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate() {
    if (comma_) out_ += ',';
    comma_ = true;
  }

  std::string& out_;
  bool comma_ = false;  // a value precedes at this level
};

// Appends `s` as a JSON string literal, escaped as nlohmann's dump escapes it.
void append_json_string(std::string& out, std::string_view s);

}  // namespace loyalty
