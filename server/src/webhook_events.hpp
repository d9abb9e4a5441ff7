// What the merchant's backend hears (spec/sync.md, "Webhooks"): the webhook events one committed
// write gives, derived from what the core answered (the history entries the write stored and the
// member's state before and after). Pure: the outbox stores them in the write's own transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace srv {

struct WebhookEvent {
  std::string id;    // stable: the same write, or the same instant of a sweep, gives the same id
  std::string type;  // "points.earned", ...
  nlohmann::json data;
};

struct WriteFacts {
  std::string member_id;
  std::string event_id;  // the ledger event the write stored (ids of its webhook events)
  const nlohmann::json* before = nullptr;  // the member's state before the write (null: new)
  const nlohmann::json* after = nullptr;   // the member's state after it
  const std::vector<nlohmann::json>* history = nullptr;  // the entries the write stored
  // The catalog after the write (its `rewards` with `cost` and `status`), for reward.unlocked;
  // null when the available balance did not grow.
  const nlohmann::json* catalog = nullptr;
};

std::vector<WebhookEvent> webhook_events(const WriteFacts& write);

// The time-driven events of the sweep, keyed by (member, kind, instant) so every instance that
// sweeps makes the same ids: points that expire within `notice_days` of `now_ms`, points that
// expired, a member with no order for `lapsed_days`, a membership whose status time moved.
struct SweepFacts {
  std::string member_id;
  const nlohmann::json* state = nullptr;  // the stored state (at its own clock)
  const nlohmann::json* view = nullptr;   // the same member brought to now by time alone
  std::int64_t now_ms = 0;
  std::int64_t notice_days = 14;
  std::int64_t lapsed_days = 90;
  std::int64_t last_order_ms = -1;  // -1: never ordered
};

std::vector<WebhookEvent> sweep_events(const SweepFacts& sweep);

// When the sweep must next look at a member whose view at `now_ms` is `view`: the first of the
// instant time alone next changes it (`until_ms`, Engine::dated_view), the expiry notice of its
// next lot, and its lapse — each only when after `now_ms`. A write (`after_write`) whose member
// is inside a notice window or lapsed already is due at once, so the notice goes out even when
// the write itself made the lot, and the lapse even when an imported order is that old (a sweep
// that finds it sent adds nothing: the ids are the same). Nullopt: nothing lies ahead.
struct SweepSchedule {
  const nlohmann::json* view = nullptr;
  std::optional<std::int64_t> until_ms;
  std::int64_t now_ms = 0;
  std::int64_t notice_days = 14;
  std::int64_t lapsed_days = 90;
  std::optional<std::int64_t> last_order_ms;
  bool after_write = false;
};
std::optional<std::int64_t> next_sweep_ms(const SweepSchedule& s);

// The JSON document a delivery posts: {"id", "type", "created_at", "data"}.
std::string webhook_body(const WebhookEvent& event, const std::string& created_at);

}  // namespace srv
