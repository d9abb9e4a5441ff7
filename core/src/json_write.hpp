// Writes compact JSON straight into a string, byte for byte what nlohmann's
// dump(-1, ' ', false, error_handler_t::replace) gives for the same document, without building a
// tree first: building and dumping a response tree costs a preview about as much as computing the
// answer (docs/performance.md).
//
// The writer does not sort: the caller writes members in ascending key order (std::map order,
// i.e. bytewise), as the documents it replaces had them. Debug builds (no NDEBUG, as the
// sanitizer build) assert it at every key; tests/unit/preview_writer_test.cpp compares whole
// responses with the tree-built ones.
//
// It writes through a cursor into spare room at the end of the string rather than appending
// piece by piece: in the WebAssembly build every std::string append is an out-of-line libc++
// call (capacity check, short-string branches, a memcpy call), and a preview writes hundreds of
// pieces. The string is trimmed to the text by finish() or by the destructor; until then it holds
// the spare bytes past the text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace loyalty {

class JsonWriter {
 public:
  // Appends to `out`, with room for `expected` bytes made up front (more is made as needed).
  explicit JsonWriter(std::string& out, std::size_t expected = 0);
  ~JsonWriter() { finish(); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  // The string with the text written so far and nothing past it. Writing may go on after.
  std::string& finish();

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
  JsonWriter& member(std::string_view k, bool v) { return key(k).value(v); }
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
  // At least `n` bytes of room at the cursor.
  char* room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) grow(n);
    return cur_;
  }
  // Out of line, like the escaping: the rare paths stay out of the callers (wasm bytes).
  [[gnu::noinline]] void grow(std::size_t n);
  void put(char c) { *room(1) = c, ++cur_; }
  void put(std::string_view s) {
    char* d = room(s.size());
    if (!s.empty()) std::memcpy(d, s.data(), s.size());
    cur_ = d + s.size();
  }
  void separate() {
    if (comma_) put(',');
    comma_ = true;
  }
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void string(std::string_view s);
  [[gnu::noinline]] void escaped(std::string_view s, const unsigned char* p);

  // Debug builds: the keys written so far at each open level (the last one), to assert their
  // order. Present in every build so that the class is the same whatever NDEBUG says.
  struct Level {
    bool object;
    bool any_key;
    std::string last_key;
  };
  void check_key_order(std::string_view k);
  std::vector<Level> levels_;

  std::string& out_;
  char* cur_;           // where the next byte goes, in out_'s spare room
  char* end_;           // the end of the room
  bool comma_ = false;  // a value precedes at this level
};

// Appends `s` as a JSON string literal, escaped as nlohmann's dump escapes it.
void append_json_string(std::string& out, std::string_view s);

}  // namespace loyalty
