// One JSON line per request on stderr. Never tokens, keys or bodies.
#pragma once
#include <string>

namespace srv {

struct RequestLog {
  std::string method, path, remote, principal, error_code;
  int status = 0;
  double ms = 0;
  std::size_t bytes_in = 0, bytes_out = 0;
};

void log_request(const RequestLog& r);
void log_event(const std::string& what, const std::string& detail);  // startup, shutdown

}  // namespace srv
