// The WebAssembly door, declared with Embind: the free function call(op, json) and class Engine
// (constructor, ok, error, call; Embind adds delete()), plus the byte path the JS layer uses for
// every call (inputView, callInput: see below). Thin on purpose: it converts and catches, and
// decides nothing. Every answer is the core's own JSON bytes; the only answers
// written here are for failures the core cannot report itself (an exception escaping it, memory
// exhausted), and they use the spec's error object: errors are values, nothing is thrown into
// JavaScript (a C++ exception reaching it arrives as a bare number: shared/notes/toolchain.md).
#include <emscripten/bind.h>

#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "loyalty/loyalty.hpp"

namespace {

// Fixed texts: nothing from the exception goes into them, so they are always valid JSON.
constexpr const char* kOutOfMemory =
    R"({"error":{"code":"too_large","message":"out of memory while answering the request","path":""}})";
constexpr const char* kInternal =
    R"({"error":{"code":"invalid_request","message":"internal error in the rules core","path":""}})";

template <class F>
std::string guarded(F&& f) {
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

// The byte path. Embind's std::string conversion copies each argument through a buffer it
// allocates, and each answer through another: about half of a guest preview's time in this
// module (docs/performance.md). Instead JavaScript encodes the operation and the request straight
// into `kept_input` through a view (inputView), the call reads them there (callInput), and the
// answer goes back as a view of `kept_answer`, which JavaScript decodes at once. Both strings are
// kept from call to call; JavaScript gives a large input back with inputView(0).
std::string kept_input;
std::string kept_answer;

emscripten::val bytes_view(std::string& s, std::size_t size) {
  return emscripten::val(
      emscripten::typed_memory_view(size, reinterpret_cast<unsigned char*>(s.data())));
}

// A view of `size` writable bytes at the start of the input, or null when memory ran out.
emscripten::val input_view(std::size_t size) {
  try {
    if (size == 0) std::string().swap(kept_input);
    if (kept_input.size() < size) kept_input.resize(size);
    return bytes_view(kept_input, size);
  } catch (const std::bad_alloc&) {
    return emscripten::val::null();
  }
}

// Answers the operation in the input's first `operation_size` bytes with the request in the
// `request_size` bytes after them; `run` is the free call or an engine's.
template <class Run>
emscripten::val answer_input(std::size_t operation_size, std::size_t request_size, Run&& run) {
  const std::string_view in(kept_input);
  if (operation_size > in.size() || request_size > in.size() - operation_size) {
    kept_answer = kInternal;  // a caller that wrote past the view it was given
  } else {
    kept_answer = run(in.substr(0, operation_size), in.substr(operation_size, request_size));
  }
  return bytes_view(kept_answer, kept_answer.size());
}

emscripten::val call_input(std::size_t operation_size, std::size_t request_size) {
  return answer_input(operation_size, request_size, [](auto operation, auto request) {
    return guarded([&] { return loyalty::call(operation, request); });
  });
}

// JS `Engine`: a loaded program. Holds no engine when the program was rejected (or when
// constructing it failed outright); error() then has the error response.
class WasmEngine {
 public:
  explicit WasmEngine(const std::string& program) {
    error_ = guarded([&] {
      engine_.emplace(program);
      return std::string();
    });
    if (!error_.empty()) engine_.reset();
  }

  bool ok() const { return engine_ && engine_->ok(); }
  std::string error() const { return engine_ ? engine_->error_json() : error_; }
  std::string call(const std::string& operation, const std::string& request) const {
    return respond(operation, request);
  }
  emscripten::val call_input(std::size_t operation_size, std::size_t request_size) const {
    return answer_input(operation_size, request_size, [this](auto operation, auto request) {
      return respond(operation, request);
    });
  }

 private:
  std::string respond(std::string_view operation, std::string_view request) const {
    // Same answer as the core gives for a rejected program.
    if (!engine_) return error_;
    return guarded([&] { return engine_->call(operation, request); });
  }

  std::optional<loyalty::Engine> engine_;
  std::string error_;
};

// Live allocations: every operator new counts one up, every delete one down. The memory tests
// (wasm/test/memory.test.mjs) compare this count before and after many calls: the module's
// memory never shrinks, so its size could not show a leak that stays under the high-water mark.
std::size_t live_allocations = 0;

void* counted(void* p) {
  if (p) ++live_allocations;
  return p;
}

void uncount(void* p) {
  if (p) --live_allocations;
}

std::size_t live_allocation_count() {
  return live_allocations;
}

}  // namespace

void* operator new(std::size_t size) {
  if (void* p = counted(std::malloc(size ? size : 1))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void* operator new(std::size_t size, std::align_val_t align) {
  const auto a = static_cast<std::size_t>(align);
  if (void* p = counted(std::aligned_alloc(a, (size + a - 1) / a * a))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return operator new(size, align);
}
void operator delete(void* p) noexcept {
  uncount(p);
  std::free(p);
}
void operator delete[](void* p) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  operator delete(p);
}

EMSCRIPTEN_BINDINGS(loyalty_core) {
  emscripten::function("call", &call);
  emscripten::function("inputView", &input_view);
  emscripten::function("callInput", &call_input);
  emscripten::function("liveAllocations", &live_allocation_count);
  emscripten::class_<WasmEngine>("Engine")
      .constructor<const std::string&>()
      .function("ok", &WasmEngine::ok)
      .function("error", &WasmEngine::error)
      .function("call", &WasmEngine::call)
      .function("callInput", &WasmEngine::call_input);
}
