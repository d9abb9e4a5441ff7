// libFuzzer target for the core's JSON doors. The first byte picks the operation (and which
// door), the rest is the request. Beyond "no crash, no sanitizer report" it checks the promises
// every door relies on: each answer is a JSON object, an error answer has exactly code, message
// and path, answers are deterministic, and a loaded Engine answers a request minus "program"
// with the same bytes as the one-shot call.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json_write.hpp"
#include "loyalty/loyalty.hpp"

namespace {

constexpr std::string_view kOperations[] = {"validate", "replay",  "apply",
                                            "preview",  "catalog", "metrics"};

[[noreturn]] void broken(const char* what, std::string_view op, std::string_view a,
                         std::string_view b = {}) {
  std::fprintf(stderr, "fuzz: %s (operation %.*s)\n  first:  %.*s\n  second: %.*s\n", what,
               static_cast<int>(op.size()), op.data(),
               static_cast<int>(a.size() > 2000 ? 2000 : a.size()), a.data(),
               static_cast<int>(b.size() > 2000 ? 2000 : b.size()), b.data());
  std::abort();
}

// Every response: one JSON object; an error one is {"error":{"code","message","path"}} with
// string members, and is_error() agrees with its shape.
void check_response(std::string_view op, const std::string& response) {
  const auto doc = nlohmann::json::parse(response, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) broken("response is not a JSON object", op, response);
  const bool error_shape = doc.size() == 1 && doc.contains("error");
  if (error_shape != loyalty::is_error(response))
    broken("is_error disagrees with the response", op, response);
  if (error_shape) {
    const auto& e = doc["error"];
    if (!e.is_object() || e.size() != 3 || !e.contains("code") || !e["code"].is_string() ||
        !e.contains("message") || !e["message"].is_string() || !e.contains("path") ||
        !e["path"].is_string())
      broken("malformed error object", op, response);
    const auto path = e["path"].get<std::string>();
    if (!path.empty() && path.front() != '/')
      broken("error path is not a JSON pointer", op, response);
  }
  // Compact with sorted keys: writing the parsed answer again gives the same bytes. Written by
  // the core's writer, whose doubles are the shortest that read back (nlohmann's dump writes
  // another form for about 1 in 1 000 doubles; tests/unit/double_text_test.cpp).
  std::string again;
  loyalty::JsonWriter(again).value(doc);
  if (again != response) broken("response is not compact sorted JSON", op, response);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const unsigned selector = data[0];
  const std::string_view op = kOperations[selector % 6];
  const std::string_view request(reinterpret_cast<const char*>(data + 1), size - 1);

  // One-shot door.
  const std::string response = loyalty::call(op, request);
  check_response(op, response);
  if (loyalty::call(op, request) != response) broken("call is not deterministic", op, response);

  if (selector & 0x40) {
    // The bytes as a program document, then every operation through the Engine with an empty
    // request: no crash, well-formed answers.
    const loyalty::Engine engine(request);
    if (!engine.ok()) {
      check_response("engine", engine.error_json());
      if (!loyalty::is_error(engine.error_json()))
        broken("rejected program without an error", op, engine.error_json());
    } else {
      for (auto each : kOperations) check_response(each, engine.call(each, "{}"));
    }
    return 0;
  }

  // Engine door: the same request minus "program" must give the same bytes.
  // validate is left out: through an Engine its warning paths are relative to the program
  // document, one-shot relative to the request ("/program/..."), a known difference.
  if (op == "validate") return 0;
  // nlohmann stops at a NUL byte; every door of the core refuses a request holding one (with the
  // first error its reader meets, which may come before the NUL).
  if (request.find('\0') != std::string_view::npos) {
    if (!loyalty::is_error(response))
      broken("a request with a NUL byte was answered", op, response);
    return 0;
  }
  const auto doc = nlohmann::json::parse(request, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("program")) return 0;
  const loyalty::Engine engine(doc["program"].dump());
  if (!engine.ok()) {
    check_response("engine", engine.error_json());
    return 0;
  }
  auto rest = doc;
  rest.erase("program");
  const std::string through_engine = engine.call(op, rest.dump());
  check_response(op, through_engine);
  // The whole request may exceed the nesting limit where the program alone does not.
  const bool limit_hit = response.find("\"code\":\"too_large\"") != std::string::npos;
  if (through_engine != response && !limit_hit)
    broken("Engine and call disagree", op, response, through_engine);
  return 0;
}
