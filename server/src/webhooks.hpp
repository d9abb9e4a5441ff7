// Webhooks through a transactional outbox (spec/sync.md, "Webhooks"): the rows one accepted write
// adds (stored in its own transaction by the store), and the delivery rounds that post due rows,
// signed, and record each outcome with its next attempt. Any instance may deliver; a claimed row
// is leased, so instances do not post one row at once, and a crashed instance's rows come due
// again.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "store.hpp"
#include "webhook_client.hpp"
#include "webhook_events.hpp"

namespace loyalty {
class Engine;
}

namespace srv {

struct WebhookConfig {
  std::vector<std::string> urls;
  std::string secret;
  std::int64_t first_retry_ms = 30'000;
  std::int64_t timeout_ms = 5'000;
  std::int64_t expiry_notice_days = 14;  // points.expiring goes out this long before
};

class Webhooks {
 public:
  Webhooks(Store& store, WebhookConfig config);
  bool enabled() const { return !config_.urls.empty(); }

  // The outbox rows of one accepted write: its webhook events (webhook_events.hpp) for every
  // receiver. `before` is the stored state (null for a new member), `after` the new one.
  std::vector<OutboxRow> rows_for(const loyalty::Engine& engine, const std::string& member_id,
                                  const std::string& event_id, const std::string* before,
                                  const std::string& after, const std::vector<std::string>& history,
                                  std::int64_t now_ms) const;

  // The outbox rows of `events` (a sweep's) for every receiver, created at `now_ms`.
  std::vector<OutboxRow> rows_of(const std::vector<WebhookEvent>& events,
                                 std::int64_t now_ms) const;
  std::int64_t expiry_notice_days() const { return config_.expiry_notice_days; }

  // One delivery round: posts what is due and records each outcome. Returns how many it posted.
  int deliver(std::int64_t now_ms);

 private:
  void attempt(const OutboxRow& row);  // posts one row and records the outcome

  Store& store_;
  WebhookConfig config_;
  std::atomic<bool> delivering_{false};  // one round at a time per instance
};

}  // namespace srv
