// The WebAssembly door: a handful of C exports and a few lines of JavaScript (EM_JS below) that
// put `call(op, json)` and class `Engine` on the module. Thin on purpose: it converts strings and
// catches, and decides nothing. Every answer is the core's own JSON bytes; the only answers
// written here are for failures the core cannot report itself (an exception escaping it, memory
// exhausted), and they use the spec's error object, because a C++ exception reaching JavaScript
// arrives as a bare number (shared/notes/toolchain.md, trap 4).
//
// No Embind: its JavaScript runtime would be most of the glue's download and its string
// conversion a good share of a preview's time (docs/performance.md). The module keeps
// the interface the JS layer (js/loyalty-core.mjs) uses: call(op, json) -> string, and
// new Engine(program) with ok(), error(), call(op, json) and delete().
#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>

#include <cstdlib>
#include <cstring>
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

// The last answer, read by the JavaScript side right after the call that produced it: its bytes
// and their count. `kept` owns them unless they are one of the fixed texts.
struct Answer {
  const char* data;
  std::size_t size;
};
Answer answer{"", 0};
std::string kept;

const Answer* fixed(const char* text) noexcept {
  std::string().swap(kept);
  answer = {text, std::strlen(text)};
  return &answer;
}

template <class F>
const Answer* guarded(F&& f) noexcept {
  try {
    kept = f();  // moved in: no allocation after the answer exists
    answer = {kept.data(), kept.size()};
    return &answer;
  } catch (const std::bad_alloc&) {
    return fixed(kOutOfMemory);
  } catch (...) {
    return fixed(kInternal);
  }
}

std::string_view text(const char* data, std::size_t size) {
  return {data, size};
}

// JS `Engine`: a loaded program. Holds no engine when the program was rejected (or when
// constructing it failed outright); error() then has the error response.
class WasmEngine {
 public:
  WasmEngine(const char* program, std::size_t size) {
    const Answer* failure = guarded([&] {
      engine_.emplace(text(program, size));
      return std::string();
    });
    if (failure->size != 0) {
      engine_.reset();
      error_.assign(failure->data, failure->size);
    }
  }

  bool ok() const { return engine_ && engine_->ok(); }
  const std::string& error() const { return engine_ ? engine_->error_json() : error_; }
  const std::optional<loyalty::Engine>& engine() const { return engine_; }

 private:
  std::optional<loyalty::Engine> engine_;
  std::string error_;
};

// Live allocations: every operator new and lc_alloc counts one up, every delete and lc_free one
// down. The memory tests (wasm/test/memory.test.mjs) compare this count before and after many
// calls: the module's memory never shrinks, so its size could not show a leak that stays under
// the high-water mark.
std::size_t live_allocations = 0;

void* counted(void* p) {
  if (p) ++live_allocations;
  return p;
}

void uncount(void* p) {
  if (p) --live_allocations;
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

extern "C" {

EMSCRIPTEN_KEEPALIVE void* lc_alloc(std::size_t size) {
  return counted(std::malloc(size ? size : 1));
}

EMSCRIPTEN_KEEPALIVE void lc_free(void* p) {
  uncount(p);
  std::free(p);
}

EMSCRIPTEN_KEEPALIVE std::size_t lc_live_allocations() {
  return live_allocations;
}

EMSCRIPTEN_KEEPALIVE const Answer* lc_call(const char* op, std::size_t op_size, const char* request,
                                           std::size_t request_size) {
  return guarded([&] { return loyalty::call(text(op, op_size), text(request, request_size)); });
}

EMSCRIPTEN_KEEPALIVE WasmEngine* lc_engine_new(const char* program, std::size_t size) {
  try {
    return new WasmEngine(program, size);
  } catch (...) {
    return nullptr;  // out of memory for the engine object itself
  }
}

EMSCRIPTEN_KEEPALIVE int lc_engine_ok(const WasmEngine* e) {
  return e->ok() ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE const Answer* lc_engine_error(const WasmEngine* e) {
  return guarded([&] { return e->error(); });
}

EMSCRIPTEN_KEEPALIVE const Answer* lc_engine_call(const WasmEngine* e, const char* op,
                                                  std::size_t op_size, const char* request,
                                                  std::size_t request_size) {
  return guarded([&] {
    // Same answer as the core gives for a rejected program.
    if (!e->engine()) return e->error();
    return e->engine()->call(text(op, op_size), text(request, request_size));
  });
}

EMSCRIPTEN_KEEPALIVE void lc_engine_delete(WasmEngine* e) {
  delete e;
}

}  // extern "C"

// Puts call() and Engine on the module. Strings go in as UTF-8, encoded straight into the
// module's memory (TextEncoder.encodeInto, which writes U+FFFD for a lone surrogate, as the JS
// layer does before; a UTF-16 unit takes at most 3 bytes) and come out through TextDecoder.
// A call's operation and request go into one input buffer kept from call to call: its first
// 256 bytes hold the operation (encoded again only when it changes), the rest the request. The
// views on it are kept too, until the buffer moves or the memory grows. Per call this saves two
// mallocs and frees, two typed-array views and most of the operation's encoding
// (docs/performance.md). A buffer that grew past 1 MB for a large request is given back after
// the call. An allocation that fails answers with the fixed out-of-memory error. (No line
// comments inside: the body is one line once the preprocessor has quoted it.)
EM_JS(void, lc_install, (), {
  var oom =
      '{"error":{"code":"too_large","message":"out of memory while answering the request","path":""}}';
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var OP_ROOM = 256;
  var input = 0, inputRoom = 0, opView = null, requestView = null, lastOp = null, lastOpBytes = 0;
  function put(s) {
    s = String(s);
    var room = s.length * 3;
    var p = _lc_alloc(room);
    var n = p ? encoder.encodeInto(s, HEAPU8.subarray(p, p + room)).written : 0;
    return [ p, n ];
  }
  function read(a) {
    var p = HEAPU32[a >> 2], n = HEAPU32[(a >> 2) + 1];
    return decoder.decode(HEAPU8.subarray(p, p + n));
  }
  function reserve(requestRoom) {
    if (OP_ROOM + requestRoom > inputRoom) {
      if (input) _lc_free(input);
      opView = requestView = lastOp = null;
      inputRoom = Math.max(OP_ROOM + requestRoom, 2 * inputRoom, 4096);
      input = _lc_alloc(inputRoom);
      if (!input) {
        inputRoom = 0;
        return false;
      }
    }
    if (!opView || opView.buffer != HEAPU8.buffer) {
      opView = HEAPU8.subarray(input, input + OP_ROOM);
      requestView = HEAPU8.subarray(input + OP_ROOM, input + inputRoom);
    }
    return true;
  }
  function withArgs(op, request, f) {
    op = String(op);
    request = String(request);
    if (op.length * 3 > OP_ROOM) {
      var o = put(op);
      if (!o[0]) return oom;
      try {
        return withArgsAt(o[0], o[1], request, f);
      } finally {
        _lc_free(o[0]);
      }
    }
    if (!reserve(request.length * 3)) return oom;
    if (op != lastOp) {
      lastOpBytes = encoder.encodeInto(op, opView).written;
      lastOp = op;
    }
    return withArgsAt(input, lastOpBytes, request, f);
  }
  function withArgsAt(op, opBytes, request, f) {
    if (!reserve(request.length * 3)) return oom;
    try {
      var r = encoder.encodeInto(request, requestView).written;
      return read(f(op, opBytes, input + OP_ROOM, r));
    } finally {
      if (inputRoom > 1048576) {
        _lc_free(input);
        input = inputRoom = 0;
        opView = requestView = lastOp = null;
      }
    }
  }
  Module['call'] = function(op, request) {
    return withArgs(op, request, _lc_call);
  };
  function Engine(program) {
    var a = put(program);
    if (!a[0]) throw new RangeError('out of memory');
    var p = _lc_engine_new(a[0], a[1]);
    _lc_free(a[0]);
    if (!p) throw new RangeError('out of memory');
    this.$p = p;
  }
  function live(e) {
    if (!e.$p) throw new Error('Engine used after delete()');
    return e.$p;
  }
  Engine.prototype.ok = function() {
    return _lc_engine_ok(live(this)) != 0;
  };
  Engine.prototype.error = function() {
    return read(_lc_engine_error(live(this)));
  };
  Engine.prototype.call = function(op, request) {
    var p = live(this);
    return withArgs(
        op, request, function(a, b, c, d) { return _lc_engine_call(p, a, b, c, d); });
  };
  Engine.prototype['delete'] = function() {
    _lc_engine_delete(live(this));
    this.$p = 0;
  };
  Module['Engine'] = Engine;
});

namespace {
struct Install {
  Install() { lc_install(); }
} install;
}  // namespace
