// The event-driven HTTP/1.1 transport (Boost.Beast over Asio): a few I/O threads own every
// connection; each request is read under deadlines and size limits, handed to a worker pool (the
// rules and the database never run on an I/O thread) and the answer is posted back to its
// connection. An idle keep-alive connection costs a socket and a few kilobytes, not a thread.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "routes.hpp"

namespace srv {

struct HttpLimits {
  std::size_t max_body = 1u << 20;          // 413 beyond it, Content-Length or chunked alike
  std::size_t max_header = 16u << 10;       // request line + header fields; 431 beyond it
  std::chrono::milliseconds idle{30000};    // keep-alive: wait for a next request's first byte
  std::chrono::milliseconds header{10000};  // from the first byte to the end of the headers
  std::chrono::milliseconds body{30000};    // from the end of the headers to the end of the body
  std::chrono::milliseconds write{30000};   // to write one answer (a client that never reads)
};

class HttpServer {
 public:
  HttpServer(Api& api, const HttpLimits& limits, int io_threads, int workers);
  ~HttpServer();
  // Binds and listens; returns the port (the real one for port 0). Throws on failure.
  int listen(const std::string& address, int port);
  // Runs `job` on a worker every `period` (the first run at once), while the server runs.
  void every(std::chrono::milliseconds period, std::function<void()> job);
  // Serves until SIGINT/SIGTERM or stop().
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace srv
