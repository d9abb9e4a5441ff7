// Records every HTTP exchange a test client makes, one JSON line each, when the environment
// variable LOYALTY_RECORD_RESPONSES names a file: server/openapi-test checks each recorded answer
// against server/openapi.yaml. Only the tests record; the server has no hook for it. Header-only so
// the test target's source list stays as it is.
#pragma once
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

namespace srvtest {

inline void append_exchange(const std::string& file, const httplib::Request& req,
                            const httplib::Response& res) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  nlohmann::json headers = nlohmann::json::array(), response_headers = nlohmann::json::object();
  for (const auto& h : req.headers) headers.push_back(h.first);
  for (const auto& h : res.headers) response_headers[h.first] = h.second;
  nlohmann::json line = {
      {"test", test ? std::string(test->test_suite_name()) + "." + test->name() : ""},
      {"method", req.method},
      {"path", req.path},  // as the test wrote it, query included
      {"request_headers", headers},
      {"request_content_type", req.get_header_value("Content-Type")},
      {"status", res.status},
      {"content_type", res.get_header_value("Content-Type")},
      {"response_headers", response_headers},
      {"body", res.body}};
  // Huge bodies (the 413 tests) are left out; the validator reads bodies of accepted requests.
  if (req.body.size() <= 65536) line["request_body"] = req.body;
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // One write() per line on an O_APPEND file: lines from parallel tests never interleave.
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  [[maybe_unused]] const ssize_t written = ::write(fd, text.data(), text.size());
  ::close(fd);
}

inline void record_exchanges(httplib::Client& client) {
  const char* file = std::getenv("LOYALTY_RECORD_RESPONSES");
  if (!file || !*file) return;
  client.set_logger([file = std::string(file)](const auto& req, const auto& res) {
    append_exchange(file, req, res);
  });
}

}  // namespace srvtest
