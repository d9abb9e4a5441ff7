#include "rate_limit.hpp"

#include <algorithm>

namespace srv {

bool RateLimiter::allow(const std::string& client, std::int64_t now_ms) {
  if (!enabled()) return true;
  std::lock_guard lock(mutex_);
  if (now_ms - last_sweep_ms_ > 60000) {  // forget clients idle long enough to be full again
    std::erase_if(buckets_, [&](const auto& kv) {
      return kv.second.tokens + (now_ms - kv.second.last_ms) / 1000.0 * rate_ >= burst_;
    });
    last_sweep_ms_ = now_ms;
  }
  auto [it, inserted] = buckets_.try_emplace(client, Bucket{burst_, now_ms});
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + (now_ms - b.last_ms) / 1000.0 * rate_);
  b.last_ms = now_ms;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace srv
