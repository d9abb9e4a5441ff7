#include "explain.hpp"

#include <cstring>

#include "error.hpp"
#include "json_write.hpp"

namespace loyalty {

void Explain::too_many() const {
  // A programming error (a new explanation with more arguments, or a second text one): reported,
  // never dropped. Not std::logic_error, which the wasm module would link for this alone.
  fail("internal", "", std::string("explanation ") + key_ + " has more arguments than it holds");
}

Explain& Explain::arg(const char* name, std::string value) & {
  add(name, Kind::text);
  has_text_ = true;
  text_ = std::move(value);
  return *this;
}

nlohmann::json Explain::to_json() const {
  if (!key_) return tree_ ? *tree_ : nlohmann::json();
  nlohmann::json args = nlohmann::json::object();
  for (unsigned i = 0; i < count_; ++i) {
    const Arg& a = args_[i];
    auto& slot = args[a.name];
    if (!slot.is_null()) continue;
    switch (a.kind) {
      case Kind::number:
        slot = a.number;
        break;
      case Kind::fixed:
        slot = to_string(Fixed{a.number});
        break;
      case Kind::text:
        slot = text_;
        break;
    }
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
    switch (a.kind) {
      case Kind::number:
        out.value(a.number);
        break;
      case Kind::fixed:
        out.value(std::string_view(to_string(Fixed{a.number})));
        break;
      case Kind::text:
        out.value(std::string_view(text_));
        break;
    }
  }
  out.end_object().member("key", key_).end_object();
}

}  // namespace loyalty
