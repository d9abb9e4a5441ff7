// The HTTP request and answer as the routes see them, free of any HTTP library: the transport
// (http_server.*) fills a Request and writes a Response; routes.cpp only maps one to the other.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace srv {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded, without the query
  HeaderList params;   // query parameters, percent-decoded ('+' is a space)
  HeaderList headers;  // as received; names compared case-insensitively
  std::string body;
  std::string remote;  // the peer's address

  bool has_header(std::string_view name) const;
  std::string header(std::string_view name) const;  // "" when absent
  bool has_param(std::string_view name) const;
  std::string param(std::string_view name) const;  // "" when absent
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  HeaderList headers;
  bool head_only = false;  // answer to HEAD: Content-Length of `body`, no body bytes
  std::string error_code;  // for the access log: the error object's code, if any
  std::string principal;   // for the access log: "admin", "member:<id>" or ""

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  bool has_header(std::string_view name) const;
};

// Splits "/a%20b?x=1&y=%2B" into a decoded path and decoded parameters. False when the
// percent-encoding is malformed.
bool split_target(std::string_view target, std::string& path, HeaderList& params);

}  // namespace srv
