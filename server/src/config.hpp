// Command-line flags, each also read from the environment (LOYALTY_PORT, ...). Flags win.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace srv {

struct Config {
  int port = 8080;  // 0 = any free port (printed on stdout)
  std::string bind = "127.0.0.1";
  std::string db = "loyalty.db";  // a SQLite file, or a postgresql:// URL
  int db_pool = 8;                // PostgreSQL connections (a request holds one at a time)
  std::string program_file;       // used only when the database holds no program
  std::string admin_key;          // empty = admin calls always 403
  std::string token_secret;       // empty = shopper calls always 401
  // Where the secrets came from ("file", "env" or "flag"); a flag shows them to `ps`.
  std::string admin_key_source, token_secret_source;
  std::vector<std::string> cors_origins;
  // Peers whose X-Forwarded-For names the client (deploy/nginx.conf): the rate limit counts the
  // client, not the proxy every request comes from.
  std::vector<std::string> trusted_proxies;
  // Webhooks (spec/sync.md): receivers, the signing secret, the first retry's delay.
  std::vector<std::string> webhook_urls;
  std::string webhook_secret, webhook_secret_file;
  std::int64_t webhook_retry_ms = 30'000;
  std::int64_t expiry_notice_days = 14;  // points.expiring, this long before
  std::int64_t sweep_ms = 60'000;        // the time sweep's period
  std::string static_dir;
  double rate_limit = 20;              // requests per second per client; 0 = off
  std::size_t max_body = 1u << 20;     // bytes; larger bodies get 413
  int threads = 8;                     // workers: the rules and the database
  int io_threads = 2;                  // threads that own the connections
  std::size_t max_header = 16u << 10;  // bytes of request line + headers; larger = 431
  double idle_timeout_s = 30;          // keep-alive: seconds a connection may wait idle
  double header_timeout_s = 10;        // seconds from a request's first byte to its last header
  double body_timeout_s = 30;          // seconds to receive a body once the headers are in
  double idempotency_days = 30;        // idempotency records expire after this many days
  std::string sync = "full";           // SQLite synchronous: full or normal
  // --coupon-cap CODE=N: at most N members may claim CODE, all members together (engagement.md:
  // the global cap is the server's business). Keys are normalised (coupon_code_key).
  std::map<std::string, std::int64_t> coupon_caps;
  // --mint-token MEMBER [--ttl S]: print a token and exit.
  std::optional<std::string> mint_member;
  std::int64_t mint_ttl = 3600;
  bool help = false;
};

// A coupon code as the cap and the database count it: trimmed, ASCII letters lower-cased
// (codes are matched ignoring case after trimming, engagement.md "Coupon codes").
std::string coupon_code_key(const std::string& code);

// Parses argv (and the environment). On a usage error returns nullopt and fills `error`.
std::optional<Config> parse_config(int argc, char** argv, std::string& error);
const char* usage();

}  // namespace srv
