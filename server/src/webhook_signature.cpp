#include "webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>

namespace srv {
namespace {

std::string hex(const unsigned char* bytes, unsigned size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned i = 0; i < size; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

std::string hmac_hex(const std::string& secret, const std::string& message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &size);
  return hex(mac.data(), size);
}

}  // namespace

std::string webhook_signature(const std::string& secret, std::int64_t unix_seconds,
                              const std::string& body) {
  const std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",v1=" + hmac_hex(secret, t + "." + body);
}

bool webhook_signature_valid(const std::string& header, const std::string& secret,
                             const std::string& body, std::int64_t now_seconds,
                             std::int64_t tolerance_seconds) {
  if (!header.starts_with("t=")) return false;
  const auto comma = header.find(",v1=");
  if (comma == std::string::npos) return false;
  const std::string t = header.substr(2, comma - 2);
  if (t.empty() || t.size() > 12 || !std::all_of(t.begin(), t.end(), ::isdigit)) return false;
  const std::int64_t when = std::stoll(t);
  if (when < now_seconds - tolerance_seconds || when > now_seconds + tolerance_seconds)
    return false;
  const std::string expected = hmac_hex(secret, t + "." + body);
  const std::string given = header.substr(comma + 4);
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::int64_t webhook_retry_delay_ms(int attempts, std::int64_t first_ms) {
  const int doublings = std::clamp(attempts - 1, 0, 20);
  return std::min<std::int64_t>(first_ms << doublings, 3'600'000);
}

bool webhook_gives_up(std::int64_t created_ms, std::int64_t now_ms) {
  return now_ms - created_ms > 3LL * 86'400'000;
}

}  // namespace srv
