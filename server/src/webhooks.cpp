#include "webhooks.hpp"

#include "clock.hpp"
#include "loyalty/loyalty.hpp"
#include "loyalty/time.hpp"
#include "webhook_events.hpp"
#include "webhook_signature.hpp"

namespace srv {
namespace {

using nlohmann::json;

constexpr int kRoundSize = 20;

json parse_or_null(const std::string* text) {
  return text ? json::parse(*text, nullptr, false) : json();
}

}  // namespace

Webhooks::Webhooks(Store& store, WebhookConfig config)
    : store_(store), config_(std::move(config)) {}

std::vector<OutboxRow> Webhooks::rows_for(const loyalty::Engine& engine,
                                          const std::string& member_id, const std::string& event_id,
                                          const std::string* before, const std::string& after,
                                          const std::vector<std::string>& history,
                                          std::int64_t now_ms) const {
  if (!enabled()) return {};
  const json was = parse_or_null(before);
  const json now = json::parse(after, nullptr, false);
  std::vector<json> entries;
  for (const auto& h : history) entries.push_back(json::parse(h, nullptr, false));
  // The catalog says which rewards the member may use: asked only when the balance grew.
  json catalog;
  const auto balance = [](const json& s) {
    return s.is_object() && s["balance"].is_number_integer() ? s["balance"].get<std::int64_t>() : 0;
  };
  if (balance(now) > balance(was))
    catalog = json::parse(
        engine.call("catalog",
                    json{{"state", now}, {"now", loyalty::format_rfc3339(now_ms, 0)}}.dump()),
        nullptr, false);
  const auto events = webhook_events({member_id, event_id, before ? &was : nullptr, &now, &entries,
                                      catalog.is_object() ? &catalog : nullptr});
  return rows_of(events, now_ms);
}

std::vector<OutboxRow> Webhooks::rows_of(const std::vector<WebhookEvent>& events,
                                         std::int64_t now_ms) const {
  std::vector<OutboxRow> rows;
  const std::string created = loyalty::format_rfc3339(now_ms, 0);
  for (const auto& e : events)
    for (const auto& url : config_.urls)
      rows.push_back({e.id, url, webhook_body(e, created), now_ms, 0});
  return rows;
}

int Webhooks::deliver(std::int64_t now_ms) {
  if (!enabled() || delivering_.exchange(true)) return 0;
  struct Done {
    std::atomic<bool>& flag;
    ~Done() { flag = false; }
  } done{delivering_};
  // One row at a time, each leased for longer than its attempt can take: another instance
  // leaves it alone meanwhile, and after a crash it comes due again once the lease runs out.
  int posted = 0;
  for (; posted < kRoundSize; ++posted) {
    const auto due = store_.claim_webhooks(now_ms, 1, config_.timeout_ms + 5'000);
    if (due.empty()) break;
    attempt(due.front());
  }
  return posted;
}

void Webhooks::attempt(const OutboxRow& row) {
  WebhookTarget target;
  DeliveryResult result;
  if (!parse_webhook_url(row.url, target)) {
    result.error = "not an http(s) URL";
  } else {
    // Signed when sent: the receiver measures the signature's age from its own clock.
    const std::string signature = webhook_signature(config_.secret, srv::now_ms() / 1000, row.body);
    result = post_webhook(target, row.id, signature, row.body,
                          std::chrono::milliseconds(config_.timeout_ms));
  }
  const std::int64_t after = srv::now_ms();
  std::optional<std::int64_t> next;
  if (!result.delivered() && !webhook_gives_up(row.created_ms, after))
    next = after + webhook_retry_delay_ms(row.attempts + 1, config_.first_retry_ms);
  const std::string error = result.delivered() ? ""
                            : result.status    ? "HTTP " + std::to_string(result.status)
                                               : result.error;
  store_.webhook_attempted(row, after, result.delivered(), next, error);
}

}  // namespace srv
