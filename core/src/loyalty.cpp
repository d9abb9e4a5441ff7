// The JSON door: limits, parsing, dispatch, and the one place where failures become the spec's
// error object. Nothing thrown inside the core gets past this file.
#include "loyalty/loyalty.hpp"

#include <new>
#include <stdexcept>

#include "json_fast.hpp"
#include "json_write.hpp"
#include "member_read.hpp"
#include "metrics_membership.hpp"
#include "metrics_parts.hpp"
#include "operations.hpp"

namespace loyalty {
namespace {

using Handler = std::string (*)(const Program&, const In&);

std::string dump(const json& j) {
  std::string out;
  JsonWriter(out).value(j);
  return out;
}

// The operations that build their response as a tree, dumped here; preview writes its own text.
template <json (*Op)(const Program&, const In&)>
std::string dumped(const Program& p, const In& request) {
  return dump(Op(p, request));
}

struct Operation {
  std::string_view name;
  Handler handler;
};

constexpr Operation kOperations[] = {
    {"validate", dumped<op_validate>},
    {"replay", dumped<op_replay>},
    {"apply", dumped<op_apply>},
    {"advance", dumped<op_advance>},
    {"preview", op_preview},
    {"catalog", dumped<op_catalog>},
    {"metrics", dumped<op_metrics>},
#if LOYALTY_SIMULATE
    // The what-if simulator's operation: natively and in the simulator's build of the module,
    // not in the widget's (core/CMakeLists.txt, LOYALTY_SIMULATE).
    {"simulate", op_simulate},
#endif
};

Handler find_handler(std::string_view name) {
  for (const auto& op : kOperations)
    if (op.name == name) return op.handler;
  return nullptr;
}

std::string error_json(const Error& e) {
  return dump(Obj()("error", Obj()("code", e.code)("path", e.path)("message", e.message)));
}

// Rejects oversized and over-deep documents before the parser sees them.
void check_size(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_request_bytes)
    fail("too_large", "",
         "the request is " + std::to_string(text.size()) + " bytes; the limit is " +
             std::to_string(limits.max_request_bytes));
}

// Every request and program document is read by the core's own reader (json_fast.hpp); its
// errors (invalid_json with line and column, too_large for nesting, overflow) are the answer.
Document parse_request(std::string_view text, const Limits& limits) {
  check_size(text, limits);
  Document doc;
  Error error;
  if (!read_json(text, doc, limits.max_depth, error)) throw Failure(std::move(error));
  if (!doc.root().is_object()) fail("invalid_request", "", "the request must be a JSON object");
  return doc;
}

template <typename Body>
std::string guarded(Body body) {
  try {
    return body();
  } catch (const Failure& f) {
    return error_json(f.error());
  } catch (const std::bad_alloc&) {
    return error_json({"too_large", "", "the request needs more memory than is available"});
  } catch (const std::length_error&) {
    // The same request asks a container for more than it can hold: with 32-bit sizes (the
    // WebAssembly module) that is length_error where a native build runs out of memory.
    return error_json({"too_large", "", "the request needs more memory than is available"});
  } catch (const std::exception& e) {
    return error_json({"invalid_request", "", e.what()});
  } catch (...) {
    return error_json({"invalid_request", "", "unexpected failure"});
  }
}

std::string unknown_operation(std::string_view operation) {
  return error_json(
      {"invalid_request", "",
       "unknown operation \"" + std::string(operation) +
           "\"; expected validate, replay, apply, advance, preview, catalog or metrics"});
}

}  // namespace

bool is_operation(std::string_view operation) {
  return find_handler(operation) != nullptr;
}

bool nests_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

bool is_error(std::string_view response) {
  return response.starts_with("{\"error\":");
}

std::string call(std::string_view operation, std::string_view request_json, const Limits& limits) {
  const Handler handler = find_handler(operation);
  if (!handler) return unknown_operation(operation);
  return guarded([&] {
    const Document doc = parse_request(request_json, limits);
    const In root{doc.root(), "", "invalid_request"};
    // Program errors point into the program document itself (`/earn/2/factor`), the same
    // pointer a loaded Engine reports for the same document.
    const Program program = parse_program(In{root.at("program").v, "", "invalid_program"});
    return handler(program, root);
  });
}

Engine::Engine(std::string_view program_json, const Limits& limits) : limits_(limits) {
  error_ = guarded([&] {
    const Document doc = parse_request(program_json, limits);
    program_ =
        std::make_shared<const Program>(parse_program(In{doc.root(), "", "invalid_program"}));
    return std::string();
  });
}

Engine::~Engine() = default;
Engine::Engine(const Engine&) = default;
Engine& Engine::operator=(const Engine&) = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

std::string Engine::store_time(std::int64_t unix_ms) const {
  return program_ ? format_timestamp(Timestamp{unix_ms}, program_->zone) : std::string();
}

std::string Engine::call(std::string_view operation, std::string_view request_json) const {
  const Handler handler = find_handler(operation);
  if (!handler) return unknown_operation(operation);
  if (!program_) return error_;
  return guarded([&] {
    const Document doc = parse_request(request_json, limits_);
    if (doc.root().find("program"))
      fail("invalid_request", "/program", "a loaded engine takes requests without \"program\"");
    return handler(*program_, In{doc.root(), "", "invalid_request"});
  });
}

std::string Engine::advance(std::string_view state_json, std::int64_t now_ms) const {
  if (!program_) return error_;
  std::string request = "{\"now\":\"" + store_time(now_ms) + "\",\"state\":";
  request.append(state_json).push_back('}');
  return call("advance", request);
}

std::optional<DatedView> Engine::dated_view(std::string_view state_json, std::string* error) const {
  std::optional<DatedView> out;
  const std::string failed = program_ ? guarded([&] {
    const Document doc = parse_request(state_json, limits_);
    ReadyView r =
        ready_view(*program_, state_from_json(In{doc.root(), "", "invalid_request"}, *program_));
    out = DatedView{std::move(r.view), std::move(r.marks),
                    r.until ? std::optional(r.until->ms) : std::nullopt};
    return std::string();
  })
                                      : error_;
  if (!out && error) *error = failed;
  return out;
}

std::optional<std::string> Engine::view_at(std::string_view view, std::string_view marks,
                                           std::int64_t now_ms) const {
  if (!program_) return std::nullopt;
  return loyalty::view_at(*program_, view, marks, Timestamp{now_ms});
}

// The kept-totals door (loyalty/metrics.hpp): the same classification and response as `metrics`.
std::optional<MetricsEntry> metrics_entry(const Engine& engine, std::string_view entry_json,
                                          std::string* error) {
  std::optional<MetricsEntry> out;
  const Program* p = engine.program();
  if (!p) {
    if (error) *error = engine.error_json();
    return out;
  }
  const std::string failed = guarded([&] {
    const Document doc = parse_request(entry_json, Limits{});
    out = classify_for_metrics(*p, history_from(In{doc.root(), "", "invalid_request"}));
    return std::string();
  });
  if (!failed.empty() && error) *error = failed;
  return out;
}

std::optional<MetricsQuery> metrics_query(const Engine& engine, std::string_view request_json,
                                          std::string& error) {
  std::optional<MetricsQuery> out;
  const Program* p = engine.program();
  if (!p) {
    error = engine.error_json();
    return out;
  }
  error = guarded([&] {
    const Document doc = parse_request(request_json, Limits{});
    out = read_metrics_query(*p, In{doc.root(), "", "invalid_request"});
    return std::string();
  });
  return out;
}

std::string metrics_response(const Engine& engine, const MetricsQuery& query,
                             const MetricsTotals& totals) {
  const Program* p = engine.program();
  if (!p) return engine.error_json();
  return guarded([&] { return dump(metrics_json(*p, query, totals)); });
}

std::string membership_status_at(const Engine& engine, const std::vector<std::string>& entries,
                                 std::int64_t until_ms) {
  const Program* p = engine.program();
  if (!p || !p->membership) return "";
  std::string status;
  guarded([&] {
    std::vector<HistoryEntry> history;
    for (const auto& text : entries) {
      const Document doc = parse_request(text, Limits{});
      history.push_back(history_from(In{doc.root(), "", "invalid_request"}));
    }
    status = membership_status_from(*p, history, Timestamp{until_ms});
    return std::string();
  });
  return status;
}

}  // namespace loyalty
