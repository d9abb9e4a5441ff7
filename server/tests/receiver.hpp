// A webhook receiver on loopback, as a merchant's backend: it records every delivery (signature,
// event id, body) and answers with the status the test sets, after an optional delay.
#pragma once
#include <httplib.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace srvtest {

struct Delivery {
  std::string signature, event_id, body;
  int answered = 0;
};

class Receiver {
 public:
  // `port` 0: any free one; another: that one (a receiver back at the same URL).
  explicit Receiver(int status = 200, std::chrono::milliseconds delay = {}, int port = 0) {
    answer(status, delay);
    server_.Post("/hooks", [this](const httplib::Request& req, httplib::Response& res) {
      int status = 0;
      std::chrono::milliseconds delay{};
      {
        std::lock_guard lock(mutex_);
        status = status_;
        delay = delay_;
      }
      std::this_thread::sleep_for(delay);
      std::lock_guard lock(mutex_);
      deliveries_.push_back({req.get_header_value("Loyalty-Signature"),
                             req.get_header_value("Loyalty-Event-Id"), req.body, status});
      res.status = status;
    });
    port_ = port ? (server_.bind_to_port("127.0.0.1", port) ? port : -1)
                 : server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  void answer(int status, std::chrono::milliseconds delay = {}) {
    std::lock_guard lock(mutex_);
    status_ = status;
    delay_ = delay;
  }
  std::vector<Delivery> deliveries() const {
    std::lock_guard lock(mutex_);
    return deliveries_;
  }
  // Polls until `done` holds for the deliveries so far, or `timeout` passes.
  bool wait_for(const std::function<bool(const std::vector<Delivery>&)>& done,
                std::chrono::milliseconds timeout) const {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (done(deliveries())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done(deliveries());
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks"; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  int status_ = 200;
  std::chrono::milliseconds delay_{};
  std::vector<Delivery> deliveries_;
};

}  // namespace srvtest
