#include "explain.hpp"

#include <cstring>

#include "error.hpp"
#include "json_write.hpp"

namespace loyalty {

void Explain::too_many() const {
  // A programming error (a new explanation with more arguments than it holds, or gigabytes of
  // text): reported, never dropped. Not std::logic_error, which the wasm module would link for
  // this alone.
  fail("internal", "", std::string("explanation ") + key_ + " does not fit its arguments");
}

Explain& Explain::arg(const char* name, std::string_view value) & {
  if (text_.size() + value.size() > UINT32_MAX) too_many();
  add(name, Kind::text).number =
      static_cast<std::int64_t>(text_.size()) << 32 | static_cast<std::int64_t>(value.size());
  text_ += value;
  return *this;
}

std::string_view Explain::text_of(const Arg& a) const {
  return std::string_view(text_).substr(static_cast<std::size_t>(a.number >> 32),
                                        static_cast<std::size_t>(a.number & 0xffffffff));
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
        slot = std::string(text_of(a));
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
        out.value(text_of(a));
        break;
    }
  }
  out.end_object().member("key", key_).end_object();
}

}  // namespace loyalty
