#include "explain.hpp"

#include <cstring>

#include "error.hpp"
#include "json_write.hpp"

namespace loyalty {

Explain::Arg& Explain::add(const char* name) {
  // A programming error (a new explanation with more arguments): reported, never dropped. Not
  // std::logic_error, which the wasm module would link for this alone.
  if (count_ == args_.size())
    fail("internal", "", std::string("explanation ") + key_ + " has more arguments than it holds");
  Arg& a = args_[count_++];
  a.name = name;
  return a;
}

Explain& Explain::arg(const char* name, std::int64_t value) & {
  add(name).number = value;
  return *this;
}

Explain& Explain::arg(const char* name, std::string value) & {
  Arg& a = add(name);
  a.text = std::move(value);
  a.is_text = true;
  return *this;
}

nlohmann::json Explain::to_json() const {
  if (!key_) return tree_ ? *tree_ : nlohmann::json();
  nlohmann::json args = nlohmann::json::object();
  for (unsigned i = 0; i < count_; ++i) {
    const Arg& a = args_[i];
    auto& slot = args[a.name];
    if (slot.is_null()) slot = a.is_text ? nlohmann::json(a.text) : nlohmann::json(a.number);
  }
  nlohmann::json out = nlohmann::json::object();
  out["args"] = std::move(args);
  out["key"] = key_;
  return out;
}

void Explain::write(JsonWriter& out) const {
  if (!key_) {
    if (tree_)
      out.value(*tree_);
    else
      out.null();
    return;
  }
  // Arguments in ascending name order, as the tree's map has them.
  std::array<const Arg*, std::tuple_size_v<decltype(args_)>> sorted{};
  for (unsigned i = 0; i < count_; ++i) {
    unsigned j = i;
    for (; j > 0 && std::strcmp(sorted[j - 1]->name, args_[i].name) > 0; --j)
      sorted[j] = sorted[j - 1];
    sorted[j] = &args_[i];
  }
  out.begin_object().key("args").begin_object();
  for (unsigned i = 0; i < count_; ++i) {
    const Arg& a = *sorted[i];
    out.key(a.name);
    if (a.is_text)
      out.value(std::string_view(a.text));
    else
      out.value(a.number);
  }
  out.end_object().member("key", key_).end_object();
}

}  // namespace loyalty
