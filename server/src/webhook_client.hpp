// One webhook delivery over HTTP or HTTPS (Boost.Beast; HTTPS verifies the receiver's certificate
// against the system's trust store and its host name): a JSON POST with the signature and the
// event id, bounded in time. The outbox decides what to do with the answer.
#pragma once

#include <chrono>
#include <string>

namespace srv {

struct WebhookTarget {
  bool tls = false;
  std::string host, port, target;  // target: path and query
};

// "http://host[:port]/path" or "https://..."; false for anything else.
bool parse_webhook_url(const std::string& url, WebhookTarget& out);

struct DeliveryResult {
  int status = 0;     // the receiver's HTTP status; 0 when none came back
  std::string error;  // why none came back (connect, TLS, timeout)
  bool delivered() const { return status >= 200 && status < 300; }
};

DeliveryResult post_webhook(const WebhookTarget& to, const std::string& event_id,
                            const std::string& signature, const std::string& body,
                            std::chrono::milliseconds timeout);

}  // namespace srv
