#include "auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <nlohmann/json.hpp>

namespace srv {
namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

std::string base64url_encode(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool base64url_decode(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 4 == 1) return false;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return false;  // padding and the standard alphabet are not base64url
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return true;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : md) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

TokenCheck verify_token(std::string_view token, std::string_view secret, std::int64_t now_s) {
  TokenCheck r;
  if (secret.empty()) {
    r.reason = "no token secret configured";
    return r;
  }
  if (token.size() > 8192) {
    r.reason = "token too long";
    return r;
  }
  const auto d1 = token.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    r.reason = "malformed token";
    return r;
  }
  std::string header_raw, payload_raw, sig;
  if (!base64url_decode(token.substr(0, d1), header_raw) ||
      !base64url_decode(token.substr(d1 + 1, d2 - d1 - 1), payload_raw) ||
      !base64url_decode(token.substr(d2 + 1), sig)) {
    r.reason = "malformed token";
    return r;
  }
  const auto header = nlohmann::json::parse(header_raw, nullptr, false);
  if (!header.is_object() || !header.contains("alg") || !header["alg"].is_string() ||
      header["alg"].get<std::string>() != "HS256") {
    r.reason = "token algorithm must be HS256";
    return r;
  }
  const std::string expected = hmac_sha256(secret, token.substr(0, d2));
  if (sig.size() != expected.size() ||
      CRYPTO_memcmp(sig.data(), expected.data(), sig.size()) != 0) {
    r.reason = "bad token signature";
    return r;
  }
  const auto payload = nlohmann::json::parse(payload_raw, nullptr, false);
  if (!payload.is_object()) {
    r.reason = "malformed token claims";
    return r;
  }
  if (!payload.contains("exp") || !payload["exp"].is_number()) {
    r.reason = "token has no exp";
    return r;
  }
  if (payload["exp"].get<double>() <= static_cast<double>(now_s)) {
    r.reason = "token expired";
    return r;
  }
  if (payload.contains("nbf") && payload["nbf"].is_number() &&
      payload["nbf"].get<double>() > static_cast<double>(now_s)) {
    r.reason = "token not valid yet";
    return r;
  }
  if (!payload.contains("sub") || !payload["sub"].is_string() ||
      payload["sub"].get<std::string>().empty()) {
    r.reason = "token has no sub";
    return r;
  }
  r.ok = true;
  r.member_id = payload["sub"].get<std::string>();
  return r;
}

std::string mint_token(const std::string& member_id, std::string_view secret, std::int64_t now_s,
                       std::int64_t ttl_s) {
  const std::string header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  const nlohmann::json claims = {{"sub", member_id}, {"iat", now_s}, {"exp", now_s + ttl_s}};
  const std::string signing = header + "." + base64url_encode(claims.dump());
  return signing + "." + base64url_encode(hmac_sha256(secret, signing));
}

bool admin_key_matches(std::string_view given, std::string_view expected) {
  if (expected.empty()) return false;
  unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

}  // namespace srv
