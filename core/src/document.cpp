#include "document.hpp"

#include <algorithm>
#include <cstring>

#include "json_write.hpp"

namespace loyalty {

Node Node::boolean(bool b) {
  Node n;
  n.type_ = Type::boolean;
  n.as_.boolean = b;
  return n;
}

Node Node::integer(std::int64_t value) {
  Node n;
  n.type_ = Type::integer;
  n.as_.integer = value;
  return n;
}

Node Node::unsigned_integer(std::uint64_t value) {
  Node n;
  n.type_ = Type::unsigned_integer;
  n.as_.unsigned_integer = value;
  return n;
}

Node Node::floating(double d) {
  Node n;
  n.type_ = Type::floating;
  n.as_.floating = d;
  return n;
}

Node Node::string(std::string_view s) {
  Node n;
  n.type_ = Type::string;
  n.as_.chars = s.data();
  n.size_ = s.size();
  return n;
}

Node Node::array(const Node* items, std::size_t size) {
  Node n;
  n.type_ = Type::array;
  n.as_.items = items;
  n.size_ = size;
  return n;
}

Node Node::object(const Member* members, std::size_t size) {
  Node n;
  n.type_ = Type::object;
  n.as_.members = members;
  n.size_ = size;
  return n;
}

const Node* Node::find(std::string_view key) const {
  if (type_ != Type::object) return nullptr;
  const auto all = members();
  // Most objects have a handful of members: comparing lengths first skips most of them.
  if (all.size() <= 16) {
    for (const Member& m : all)
      if (same_name(m.key, key)) return &m.value;
    return nullptr;
  }
  const auto it =
      std::lower_bound(all.begin(), all.end(), key,
                       [](const Member& m, std::string_view k) { return name_less(m.key, k); });
  return it != all.end() && same_name(it->key, key) ? &it->value : nullptr;
}

std::string Node::dump() const {
  std::string out;
  JsonWriter(out).value(to_json());
  return out;
}

nlohmann::json Node::to_json() const {
  using json = nlohmann::json;
  switch (type_) {
    case Type::null:
      return nullptr;
    case Type::boolean:
      return as_.boolean;
    case Type::integer:
      return as_.integer;
    case Type::unsigned_integer:
      return as_.unsigned_integer;
    case Type::floating:
      return as_.floating;
    case Type::string:
      return std::string(get_string());
    case Type::array: {
      json out = json::array();
      for (const Node& item : items()) out.push_back(item.to_json());
      return out;
    }
    case Type::object: {
      json::object_t out;
      for (const Member& m : members()) out.emplace_hint(out.end(), m.key, m.value.to_json());
      return out;
    }
  }
  return nullptr;
}

void* Arena::allocate(std::size_t bytes) {
  constexpr std::size_t kAlign = alignof(std::max_align_t);
  bytes = (bytes + kAlign - 1) / kAlign * kAlign;
  if (bytes > left_) {
    // Blocks double, so a large document takes few of them; an allocation too large for the
    // next block gets one of its own size. Not zeroed: every byte is written before it is read.
    const std::size_t size =
        std::max(bytes, next_block_ << std::min<std::size_t>(blocks_.size(), 12));
    blocks_.emplace_back(new std::max_align_t[size / kAlign]);
    next_ = reinterpret_cast<char*>(blocks_.back().get());
    left_ = size;
  }
  void* out = next_;
  next_ += bytes;
  left_ -= bytes;
  return out;
}

char* Document::keep_text(std::string_view text) {
  // The text comes first, so the first block can be sized for the whole document: its nodes
  // take up to about three times its text.
  arena_.first_block(std::min<std::size_t>(text.size() * 4 + 1024, std::size_t{1} << 20));
  char* out = static_cast<char*>(arena_.allocate(text.size() + 1));
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

Document::Document(const nlohmann::json& tree) : root_(convert(tree)) {}

Node Document::convert(const nlohmann::json& tree) {
  using json = nlohmann::json;
  switch (tree.type()) {
    case json::value_t::boolean:
      return Node::boolean(tree.get<bool>());
    case json::value_t::number_integer:
      return Node::integer(tree.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return Node::unsigned_integer(tree.get<std::uint64_t>());
    case json::value_t::number_float:
      return Node::floating(tree.get<double>());
    case json::value_t::string: {
      const auto& s = tree.get_ref<const std::string&>();
      return Node::string(std::string_view(keep_text(s), s.size()));
    }
    case json::value_t::array: {
      const auto& items = tree.get_ref<const json::array_t&>();
      auto* out = static_cast<Node*>(arena_.allocate(items.size() * sizeof(Node)));
      for (std::size_t i = 0; i < items.size(); ++i) new (out + i) Node(convert(items[i]));
      return Node::array(out, items.size());
    }
    case json::value_t::object: {
      const auto& members = tree.get_ref<const json::object_t&>();
      auto* out = static_cast<Member*>(arena_.allocate(members.size() * sizeof(Member)));
      std::size_t i = 0;
      for (const auto& [key, value] : members) {
        const char* k = keep_text(key);
        new (out + i++) Member{std::string_view(k, key.size()), convert(value)};
      }
      return Node::object(out, members.size());
    }
    default:  // null, and the binary type JSON text cannot produce
      return Node();
  }
}

}  // namespace loyalty
