// The signature every webhook delivery carries (spec/sync.md, "Webhooks"), the scheme payment
// providers use: `Loyalty-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." +
// body)>`. The receiver recomputes it and refuses a stale `t`, so a captured delivery cannot be
// replayed later.
#pragma once

#include <cstdint>
#include <string>

namespace srv {

std::string webhook_signature(const std::string& secret, std::int64_t unix_seconds,
                              const std::string& body);

// Whether `header` signs `body` with `secret` at a time within `tolerance_seconds` of `now`.
bool webhook_signature_valid(const std::string& header, const std::string& secret,
                             const std::string& body, std::int64_t now_seconds,
                             std::int64_t tolerance_seconds = 300);

// When to try a failed delivery again: `first_ms` (30 s by default) after the first attempt,
// doubling to at most an hour between attempts, for 3 days after the event; none after that (the
// delivery is dead). `attempts` counts the attempts made so far (>= 1).
std::int64_t webhook_retry_delay_ms(int attempts, std::int64_t first_ms = 30'000);
bool webhook_gives_up(std::int64_t created_ms, std::int64_t now_ms);

}  // namespace srv
