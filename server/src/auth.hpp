// Identity: shopper tokens (JWT, HS256 only) and the merchant's admin key.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace srv {

struct TokenCheck {
  bool ok = false;
  std::string member_id;  // the `sub` claim
  std::string reason;     // why it was refused (never the token itself)
};

// Verifies `header.payload.signature`: header alg must be exactly "HS256" (none and every other
// algorithm refused), signature compared in constant time, `exp` required and honoured,
// `sub` a non-empty string.
TokenCheck verify_token(std::string_view token, std::string_view secret, std::int64_t now_s);
std::string mint_token(const std::string& member_id, std::string_view secret, std::int64_t now_s,
                       std::int64_t ttl_s);

// Constant-time comparison of the admin key (both sides hashed first, so lengths leak nothing).
bool admin_key_matches(std::string_view given, std::string_view expected);

std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);
std::string sha256_hex(std::string_view bytes);

}  // namespace srv
