#include "log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "clock.hpp"
#include "personal_data.hpp"

namespace srv {
namespace {
std::mutex g_log_mutex;
void emit(const nlohmann::json& j) {
  const std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(g_log_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}
}  // namespace

void log_request(const RequestLog& r) {
  nlohmann::json j = {{"ts", format_utc(now_ms())},
                      {"method", r.method},
                      {"path", loggable_target(r.path)},
                      {"status", r.status},
                      {"ms", static_cast<double>(static_cast<long>(r.ms * 1000)) / 1000},
                      {"remote", r.remote},
                      {"in", r.bytes_in},
                      {"out", r.bytes_out}};
  // The kind of caller only: a member's id in a log line would outlive their erasure.
  if (!r.principal.empty()) j["who"] = r.principal.substr(0, r.principal.find(':'));
  if (!r.error_code.empty()) j["error"] = r.error_code;
  emit(j);
}

void log_event(const std::string& what, const std::string& detail) {
  emit({{"ts", format_utc(now_ms())}, {"event", what}, {"detail", detail}});
}

}  // namespace srv
