// The public face of the loyalty rules core: the JSON operations of spec/engine.md and a
// loaded Engine that reuses one parsed program across calls. Nothing here throws: every
// failure comes back as the spec's error object, so the server, the CLI and the WebAssembly
// layer can pass answers through without deciding anything themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace loyalty {

// Input limits. A request over max_request_bytes, or nested deeper than max_depth, is answered
// with the `too_large` error before any parsing happens.
struct Limits {
  std::size_t max_request_bytes = 16u << 20;  // 16 MiB
  int max_depth = 64;  // at most 512 is honoured (the reader recurses, a frame a level)
};

// True when the JSON text opens more than max_depth nested objects/arrays (strings skipped).
// The doors use it to refuse deep documents before any parser recurses through them.
bool nests_deeper_than(std::string_view text, int max_depth);

// The operations: validate, replay, apply, advance, preview, catalog, metrics; and simulate where
// compiled in (LOYALTY_SIMULATE: native builds and the simulator's module).
bool is_operation(std::string_view operation);

// One-shot door: the request carries the program inline (`{"program": {...}, ...}`).
// Returns the response JSON (sorted keys, compact); an error is `{"error":{...}}`.
std::string call(std::string_view operation, std::string_view request_json,
                 const Limits& limits = {});

// True when a response produced by call() is an error object.
bool is_error(std::string_view response_json);

class Program;  // the parsed program document (core/src/program.hpp)

// What a member reads of a stored state (MemberDocument::view of its `advance` to now), made once
// when the state is written, so that a read before `until_ms` copies bytes instead of running the
// rules (docs/decisions.md, "Bounded members ...").
struct DatedView {
  std::string view;   // the view at the state's clock
  std::string marks;  // where `view` restates the instant it was read at, for Engine::view_at
  // The first instant after the state's clock at which the passage of time alone changes what the
  // member reads (a pending release, a lot, inactivity or voucher expiry, a rolling tier
  // contribution leaving its window, a calendar tier period ending), besides restating the
  // instant itself; nullopt: never. Milliseconds since the epoch.
  std::optional<std::int64_t> until_ms;
};

// A program parsed and validated once, then reused for many requests.
class Engine {
 public:
  // Parses the program document. Never throws: check ok(), error_json() has the error response.
  explicit Engine(std::string_view program_json, const Limits& limits = {});
  ~Engine();
  Engine(const Engine&);
  Engine& operator=(const Engine&);
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  bool ok() const { return program_ != nullptr; }
  const std::string& error_json() const { return error_; }

  // Same requests as loyalty::call minus the "program" member; same response bytes.
  std::string call(std::string_view operation, std::string_view request_json) const;

  // The state brought to `now_ms` by the passage of time only (the `advance` operation): for
  // reading, never to be stored. The response JSON, or an error object.
  std::string advance(std::string_view state_json, std::int64_t now_ms) const;
  // The DatedView of a state (a state as the engine wrote it, with or without its orders and seen
  // ids). Nullopt when it is not one, the error object in `error` when given. Pure: no clock.
  std::optional<DatedView> dated_view(std::string_view state_json,
                                      std::string* error = nullptr) const;
  // The member view at `now_ms` from a DatedView's `view` and `marks`, made under this program:
  // byte for byte MemberDocument::parse(advance(state, now_ms))->view() from the state's clock
  // until until_ms. Nullopt when the marks do not fit the view or now_ms is before the clock
  // (where `advance` settles nothing, so a read there is the slow one).
  std::optional<std::string> view_at(std::string_view view, std::string_view marks,
                                     std::int64_t now_ms) const;
  // An instant (milliseconds since the epoch) as RFC 3339 in the program's store time, with the
  // offset its zone has in force then: how a door dates an event it makes ("" when !ok()).
  std::string store_time(std::int64_t unix_ms) const;

  // The typed door, for callers that hold the program already (may be null when !ok()).
  const Program* program() const { return program_.get(); }

 private:
  std::shared_ptr<const Program> program_;
  std::string error_;
  Limits limits_;
};

}  // namespace loyalty
