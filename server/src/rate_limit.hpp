// Token-bucket rate limit per client (a shopper's member id, else the remote address).
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace srv {

class RateLimiter {
 public:
  explicit RateLimiter(double per_second) : rate_(per_second), burst_(per_second * 2) {}
  bool enabled() const { return rate_ > 0; }
  // True when the client may go on; false = answer 429.
  bool allow(const std::string& client, std::int64_t now_ms);

 private:
  struct Bucket {
    double tokens;
    std::int64_t last_ms;
  };
  double rate_, burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::int64_t last_sweep_ms_ = 0;
};

}  // namespace srv
