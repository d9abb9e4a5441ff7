// Embind glue for the WebAssembly door. Thin on purpose: it converts strings and catches, and
// decides nothing. Every answer is the core's own JSON bytes; the only answers written here are
// for failures the core cannot report itself (an exception escaping it, memory exhausted), and
// they use the spec's error object, because a C++ exception reaching JavaScript arrives as a bare
// number (shared/notes/toolchain.md, trap 4).
#include <emscripten/bind.h>

#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>

#include "loyalty/loyalty.hpp"

namespace {

// Fixed texts: nothing from the exception goes into them, so they are always valid JSON.
constexpr const char* kOutOfMemory =
    R"({"error":{"code":"too_large","message":"out of memory while answering the request","path":""}})";
constexpr const char* kInternal =
    R"({"error":{"code":"invalid_request","message":"internal error in the rules core","path":""}})";

template <class F>
std::string guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return kOutOfMemory;
  } catch (...) {
    return kInternal;
  }
}

std::string call(const std::string& operation, const std::string& request) {
  return guarded([&] { return loyalty::call(operation, request); });
}

// JS `Engine`: a loaded program. Holds no engine when the program was rejected (or when
// constructing it failed outright); error() then has the error response.
class WasmEngine {
 public:
  explicit WasmEngine(const std::string& program) {
    std::string error = guarded([&] {
      engine_.emplace(program);
      return std::string();
    });
    if (!error.empty()) {
      engine_.reset();
      error_ = std::move(error);
    }
  }

  bool ok() const { return engine_ && engine_->ok(); }

  std::string error() const {
    return guarded([&] { return engine_ ? engine_->error_json() : error_; });
  }

  std::string call(const std::string& operation, const std::string& request) const {
    return guarded([&] {
      if (!engine_) return error_;  // same answer as the core gives for a rejected program
      return engine_->call(operation, request);
    });
  }

 private:
  std::optional<loyalty::Engine> engine_;
  std::string error_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(loyalty_core) {
  emscripten::function("call", &call);
  emscripten::class_<WasmEngine>("Engine")
      .constructor<const std::string&>()
      .function("ok", &WasmEngine::ok)
      .function("error", &WasmEngine::error)
      .function("call", &WasmEngine::call);
}
