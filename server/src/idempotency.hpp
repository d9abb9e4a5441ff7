// Idempotency-Key handling: a write is identified by its key; the request hash (method, path,
// caller, body) tells a retry (same hash: answer the stored response again) from a misuse (another
// body under the same key: 409). The record is stored in the same transaction as the write.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "store.hpp"

namespace srv {

std::string request_hash(const std::string& method, const std::string& path,
                         const std::string& principal, const std::string& body);

struct IdemLookup {
  enum Kind { fresh, replay, conflict } kind = fresh;
  int status = 0;
  std::string response;
  std::int64_t history_end = 0, history_len = 0;  // IdempotencyRow
};

// What the stored record under a key (store.idempotency(key), or the same read inside a write)
// means for a request with `hash`.
IdemLookup idempotency_lookup(const std::optional<IdempotencyRow>& row, const std::string& hash);

// The stored form of a caller's Idempotency-Key: scoped by the caller ("admin", "member:<id>")
// and the route, so a shopper's key can never answer or block the merchant's write, another
// shopper's, or the same caller's write on another route.
std::string caller_key(const std::string& principal, const std::string& method,
                       const std::string& path, const std::string& key);
// A key the server makes for itself (e.g. the referral credit of a referee's first order): in a
// scope no caller key can ever take.
std::string server_key(const std::string& purpose, const std::string& id);

// Keys are 1..255 printable ASCII characters.
bool valid_idempotency_key(const std::string& key);

}  // namespace srv
