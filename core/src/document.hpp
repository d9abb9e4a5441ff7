// A parsed request, read-only: the tree the core's readers (In, json_read.hpp) walk.
//
// Why not nlohmann's tree: it costs an allocation per member and per long string, and as many
// frees, a large share of a preview's time (docs/performance.md). A Document keeps its nodes in a
// few arena blocks and its strings in its own copy of the text, and an object is a sorted array of
// members. The values are nlohmann's: members sorted by key with the last of duplicate keys
// winning, integers without a sign unsigned, those with one signed, other numbers double — so a
// Document read by the fast reader and one converted from nlohmann's tree are the same, and
// to_json() gives nlohmann's tree back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace loyalty {

struct Member;

// Equal names, lengths first: most names differ in length. Byte loops rather than memcmp:
// names are short, and memcmp is an out-of-line byte loop in the WebAssembly build.
[[gnu::always_inline]] inline bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// a < b bytewise, as std::string_view and nlohmann's std::map order them.
[[gnu::always_inline]] inline bool name_less(std::string_view a, std::string_view b) {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  return a.size() < b.size();
}

class Node {
 public:
  enum class Type : std::uint8_t {
    null,
    boolean,
    integer,           // read with a sign: negative, or -0
    unsigned_integer,  // read without a sign
    floating,
    string,
    array,
    object
  };

  Node() = default;
  static Node boolean(bool b);
  static Node integer(std::int64_t n);
  static Node unsigned_integer(std::uint64_t n);
  static Node floating(double d);
  static Node string(std::string_view s);  // `s` must live as long as the node
  static Node array(const Node* items, std::size_t n);
  static Node object(const Member* members, std::size_t n);  // sorted, unique keys

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_boolean() const { return type_ == Type::boolean; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }
  bool is_number_integer() const {
    return type_ == Type::integer || type_ == Type::unsigned_integer;
  }
  bool is_number_unsigned() const { return type_ == Type::unsigned_integer; }
  bool is_number_float() const { return type_ == Type::floating; }

  // Each for its own type only.
  bool get_boolean() const { return as_.boolean; }
  std::int64_t get_integer() const { return as_.integer; }  // unsigned ones above 2^63 wrap
  std::uint64_t get_unsigned() const { return as_.unsigned_integer; }
  double get_floating() const { return as_.floating; }
  std::string_view get_string() const { return {as_.chars, size_}; }
  std::span<const Node> items() const { return {as_.items, size_}; }
  std::span<const Member> members() const;

  // A member of an object by key; nullptr when absent or when this is not an object.
  const Node* find(std::string_view key) const;

  nlohmann::json to_json() const;
  std::string dump() const;  // for error messages, as nlohmann would dump to_json()

 private:
  Type type_ = Type::null;
  std::size_t size_ = 0;  // of a string, an array or an object
  union {
    bool boolean;
    std::int64_t integer;
    std::uint64_t unsigned_integer;
    double floating;
    const char* chars;
    const Node* items;
    const Member* members;
  } as_{};
};

struct Member {
  std::string_view key;
  Node value;
};

inline std::span<const Member> Node::members() const {
  return {as_.members, size_};
}

// Bump allocation in blocks that are freed together.
class Arena {
 public:
  void* allocate(std::size_t bytes);  // aligned for Node and Member
  // The size of the first block, if none is allocated yet (later ones double from it).
  void first_block(std::size_t bytes) {
    if (blocks_.empty()) next_block_ = bytes;
  }
  template <typename T>
  T* copy(std::span<const T> items) {
    if (items.empty()) return nullptr;
    T* out = static_cast<T*>(allocate(items.size() * sizeof(T)));
    std::uninitialized_copy(items.begin(), items.end(), out);
    return out;
  }

 private:
  std::vector<std::unique_ptr<std::max_align_t[]>> blocks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
  std::size_t next_block_ = 4096;
};

// A document and the memory its nodes live in. Nodes (and In's over them) must not outlive it.
class Document {
 public:
  Document() = default;
  // nlohmann's tree as a Document: the parser's fallback path, and tests.
  explicit Document(const nlohmann::json& tree);
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  Document(Document&&) = default;
  Document& operator=(Document&&) = default;

  const Node& root() const { return root_; }

  // For readers that build a document: a copy of `text` to point strings into (and decode
  // escapes in place), the arena for the nodes, and the root once read.
  char* keep_text(std::string_view text);
  Arena& arena() { return arena_; }
  void set_root(const Node& root) { root_ = root; }

 private:
  Node convert(const nlohmann::json& tree);

  Arena arena_;
  Node root_;
};

}  // namespace loyalty
