// The explanation of a history line: a key ("earn.per_spend") and its arguments, the
// {"args": {...}, "key": "..."} object of the state and preview documents.
//
// Lines the engine computes on every order keep their arguments as plain values until they are
// written: an nlohmann object per line would cost allocations on every order. Lines read back from
// a state document, and the engine's rarer lines, hold the tree as it is.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fixed.hpp"

namespace loyalty {

class JsonWriter;

class Explain {
 public:
  Explain() = default;
  Explain(nlohmann::json tree) : tree_(std::move(tree)) {}  // NOLINT: implicit on purpose

  // A typed explanation; `key` and the argument names are string literals.
  static Explain of(const char* key) {
    Explain e;
    e.key_ = key;
    return e;
  }
  Explain& arg(const char* name, std::int64_t value) & {
    add(name, Kind::number).number = value;
    return *this;
  }
  Explain& arg(const char* name, std::string_view value) &;
  // A factor, kept as a number and written as its decimal text ("1.25") only when written.
  Explain& arg(const char* name, Fixed value) & {
    add(name, Kind::fixed).number = value.raw;
    return *this;
  }
  // On a temporary (`Explain::of(...).arg(...)`) the chain stays an rvalue, so what it builds is
  // moved into place rather than copied (each copy also copied the unused tree).
  Explain&& arg(const char* name, std::int64_t value) && { return std::move(arg(name, value)); }
  Explain&& arg(const char* name, std::string_view value) && { return std::move(arg(name, value)); }
  Explain&& arg(const char* name, Fixed value) && { return std::move(arg(name, value)); }

  nlohmann::json to_json() const;
  void write(JsonWriter& out) const;  // what to_json() dumps to, byte for byte

 private:
  enum class Kind : unsigned char { number, fixed, text };
  struct Arg {  // trivially copyable: moving an explanation is a copy of bytes and one string
    const char* name = nullptr;
    // The value; a factor's raw fixed-point value; a text's offset in text_ (high 32 bits) and
    // length (low 32 bits).
    std::int64_t number = 0;
    Kind kind = Kind::number;
  };
  // Inline: every line of every order adds two or three arguments.
  Arg& add(const char* name, Kind kind) {
    if (count_ == args_.size()) too_many();
    Arg& a = args_[count_++];
    a.name = name;
    a.kind = kind;
    return a;
  }
  [[noreturn]] void too_many() const;
  std::string_view text_of(const Arg& a) const;

  const char* key_ = nullptr;  // set: typed; null: the tree
  std::array<Arg, 4> args_;    // the most any explanation has (prize.voucher, challenge.step)
  unsigned char count_ = 0;
  std::string text_;  // the text arguments, one after the other
  // Held by explanations read back from a state document only. Optional so that the typed ones
  // (every line an order computes, moved several times) skip json's destructor, an out-of-line
  // call even for null.
  std::optional<nlohmann::json> tree_;
};

}  // namespace loyalty
