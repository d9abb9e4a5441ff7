#include "config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace srv {

const char* usage() {
  return R"(loyalty-server — the reference HTTP server over the loyalty rules core

usage: loyalty-server [flags]
       loyalty-server --mint-token MEMBER [--ttl SECONDS] --token-secret-file FILE

Every flag can also be given in the environment (flag wins). Only one server may use a SQLite
database: a second one refuses to start (it holds an exclusive lock on <db>.lock). Any number may
share a PostgreSQL database.
  --port N             LOYALTY_PORT          port (default 8080; 0 = any free port, printed on stdout)
  --bind ADDR          LOYALTY_BIND          address to listen on (default 127.0.0.1)
  --db FILE|URL        LOYALTY_DB            SQLite database (default loyalty.db; created if absent), or
                                             PostgreSQL: postgresql://user@host:port/dbname (or postgres://)
  --db-pool N          LOYALTY_DB_POOL       PostgreSQL connections per instance (default 8)
  --program FILE       LOYALTY_PROGRAM       program document to start with when the db has none
  --admin-key-file F   LOYALTY_ADMIN_KEY_FILE     file holding the key merchant calls send as X-Admin-Key
  --token-secret-file F LOYALTY_TOKEN_SECRET_FILE file holding the HS256 secret of shopper tokens
                       LOYALTY_ADMIN_KEY, LOYALTY_TOKEN_SECRET   the same secrets given in the environment
  --admin-key KEY, --token-secret S          discouraged: a secret on the command line is visible to
                                             every user of the machine (ps); use a file or the environment
  --cors-origin URL    LOYALTY_CORS_ORIGIN   allowed browser origin; repeatable (env: comma-separated)
  --trusted-proxy ADDR                       a proxy's address whose X-Forwarded-For names the
                                             client for the rate limit; repeatable
  --webhook-url URL                          where events are posted (http or https); repeatable
  --webhook-secret-file F LOYALTY_WEBHOOK_SECRET  the secret that signs them (Loyalty-Signature)
  --webhook-retry-ms MS                      the first retry's delay, doubling to an hour, for
                                             3 days (default 30000)
  --expiry-notice-days N                     points.expiring goes out N days before (default 14)
  --sweep-ms MS                              how often the time sweep looks for members due
                                             (expiring, expired, lapsed; default 60000)
  --static DIR         LOYALTY_STATIC        serve files from DIR at / (for the demo)
  --rate-limit R       LOYALTY_RATE_LIMIT    requests/second per client (shopper or address), burst 2R;
                                             0 = off; calls with the right admin key are not limited,
                                             a wrong X-Admin-Key is 403 at once (default 20)
  --max-body BYTES     LOYALTY_MAX_BODY      largest request body (default 1048576); larger = 413
  --max-header BYTES   LOYALTY_MAX_HEADER    largest request line + headers (default 16384); larger = 431
  --threads N          LOYALTY_THREADS       worker threads running the rules and the database (default 8)
  --io-threads N       LOYALTY_IO_THREADS    threads owning the connections (default 2)
  --idle-timeout S     LOYALTY_IDLE_TIMEOUT  seconds a keep-alive connection may stay idle (default 30)
  --header-timeout S   LOYALTY_HEADER_TIMEOUT seconds from a request's first byte to its last header (default 10)
  --body-timeout S     LOYALTY_BODY_TIMEOUT  seconds to receive a request body (default 30)
  --idempotency-days D LOYALTY_IDEMPOTENCY_DAYS days an Idempotency-Key is remembered (default 30;
                                             fractions allowed); expired records are swept hourly
  --sync full|normal   LOYALTY_SYNC          SQLite synchronous mode (default full: fsync per commit)
  --coupon-cap CODE=N  LOYALTY_COUPON_CAP    at most N members in all may claim coupon CODE (by
                                             POST /v1/members/me/claims or in an order); repeatable
                                             (env: comma-separated); past it a claim is 422 limit_exceeded
  --mint-token MEMBER                        print a shopper token for MEMBER and exit
  --ttl SECONDS                              lifetime of a minted token (default 3600)
  --help                                     this text
)";
}

std::string coupon_code_key(const std::string& code) {
  const auto first = code.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = code.find_last_not_of(" \t\r\n");
  std::string out = code.substr(first, last - first + 1);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

namespace {

// "CODE=N" into the caps; false for a value that is not one.
bool add_coupon_cap(const std::string& value, Config& c) {
  const auto eq = value.rfind('=');
  if (eq == std::string::npos) return false;
  const std::string code = coupon_code_key(value.substr(0, eq));
  const std::string n = value.substr(eq + 1);
  if (code.empty() || n.empty() || n.size() > 18 ||
      n.find_first_not_of("0123456789") != std::string::npos)
    return false;
  c.coupon_caps[code] = std::stoll(n);
  return true;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string part = s.substr(start, end - start);
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  return out;
}

// A secret's file: its bytes without the trailing newline (and whitespace) editors add.
std::string read_secret(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read the " + what + " file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  if (s.empty()) throw std::invalid_argument("the " + what + " file " + path + " is empty");
  return s;
}

// One secret from its possible sources: a flag beats the environment; a value and a file at the
// same level is a mistake worth stopping for.
struct SecretSources {
  std::string flag_value, flag_file, env_value, env_file;
  bool flag_value_set = false;
};

bool resolve_secret(const SecretSources& s, const std::string& what, const std::string& flag,
                    std::string& out, std::string& source, std::string& error) {
  try {
    if (s.flag_value_set && !s.flag_file.empty()) {
      error = "give either --" + flag + " or --" + flag + "-file, not both";
      return false;
    }
    if (!s.flag_file.empty()) {
      out = read_secret(s.flag_file, what);
      source = "file";
    } else if (s.flag_value_set) {
      out = s.flag_value;
      source = "flag";
    } else if (!s.env_file.empty() && !s.env_value.empty()) {
      error = "give either the " + what + " or its file in the environment, not both";
      return false;
    } else if (!s.env_file.empty()) {
      out = read_secret(s.env_file, what);
      source = "file";
    } else if (!s.env_value.empty()) {
      out = s.env_value;
      source = "env";
    }
  } catch (const std::invalid_argument& e) {
    error = e.what();
    return false;
  }
  return true;
}

}  // namespace

namespace {

// The LOYALTY_* variables; false (with `error`) when one cannot be read.
bool read_environment(Config& c, std::string& error) {
  try {
    if (auto v = env("LOYALTY_PORT"); !v.empty()) c.port = std::stoi(v);
    if (auto v = env("LOYALTY_BIND"); !v.empty()) c.bind = v;
    if (auto v = env("LOYALTY_DB"); !v.empty()) c.db = v;
    if (auto v = env("LOYALTY_PROGRAM"); !v.empty()) c.program_file = v;
    if (auto v = env("LOYALTY_CORS_ORIGIN"); !v.empty()) c.cors_origins = split_commas(v);
    if (auto v = env("LOYALTY_STATIC"); !v.empty()) c.static_dir = v;
    if (auto v = env("LOYALTY_RATE_LIMIT"); !v.empty()) c.rate_limit = std::stod(v);
    if (auto v = env("LOYALTY_MAX_BODY"); !v.empty()) c.max_body = std::stoull(v);
    if (auto v = env("LOYALTY_THREADS"); !v.empty()) c.threads = std::stoi(v);
    if (auto v = env("LOYALTY_IO_THREADS"); !v.empty()) c.io_threads = std::stoi(v);
    if (auto v = env("LOYALTY_MAX_HEADER"); !v.empty()) c.max_header = std::stoull(v);
    if (auto v = env("LOYALTY_IDLE_TIMEOUT"); !v.empty()) c.idle_timeout_s = std::stod(v);
    if (auto v = env("LOYALTY_HEADER_TIMEOUT"); !v.empty()) c.header_timeout_s = std::stod(v);
    if (auto v = env("LOYALTY_BODY_TIMEOUT"); !v.empty()) c.body_timeout_s = std::stod(v);
    if (auto v = env("LOYALTY_IDEMPOTENCY_DAYS"); !v.empty()) c.idempotency_days = std::stod(v);
    if (auto v = env("LOYALTY_SYNC"); !v.empty()) c.sync = v;
    if (auto v = env("LOYALTY_DB_POOL"); !v.empty()) c.db_pool = std::stoi(v);
    if (auto v = env("LOYALTY_COUPON_CAP"); !v.empty())
      for (const auto& cap : split_commas(v))
        if (!add_coupon_cap(cap, c)) {
          error = "LOYALTY_COUPON_CAP must be CODE=N[,CODE=N...]";
          return false;
        }
  } catch (const std::exception&) {
    error = "bad value in a LOYALTY_* environment variable";
    return false;
  }
  return true;
}

// The flags, over what the environment said; false (with `error`) for an unknown flag or a bad
// value. Secrets go to their sources, resolved afterwards.
bool read_flags(int argc, char** argv, Config& c, SecretSources& admin, SecretSources& secret,
                std::string& error) {
  bool env_cors = !c.cors_origins.empty();
  bool env_caps = !c.coupon_caps.empty();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string value;
    auto eq = a.find('=');
    bool has_inline = a.rfind("--", 0) == 0 && eq != std::string::npos;
    if (has_inline) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--help" || a == "-h")
        c.help = true;
      else if (a == "--port")
        c.port = std::stoi(next());
      else if (a == "--bind")
        c.bind = next();
      else if (a == "--db")
        c.db = next();
      else if (a == "--program")
        c.program_file = next();
      else if (a == "--admin-key") {
        admin.flag_value = next();
        admin.flag_value_set = true;
      } else if (a == "--admin-key-file")
        admin.flag_file = next();
      else if (a == "--token-secret") {
        secret.flag_value = next();
        secret.flag_value_set = true;
      } else if (a == "--token-secret-file")
        secret.flag_file = next();
      else if (a == "--cors-origin") {
        if (env_cors) {
          c.cors_origins.clear();
          env_cors = false;
        }
        c.cors_origins.push_back(next());
      } else if (a == "--static")
        c.static_dir = next();
      else if (a == "--trusted-proxy")
        c.trusted_proxies.push_back(next());
      else if (a == "--webhook-url")
        c.webhook_urls.push_back(next());
      else if (a == "--webhook-secret-file")
        c.webhook_secret_file = next();
      else if (a == "--webhook-retry-ms")
        c.webhook_retry_ms = std::stoll(next());
      else if (a == "--expiry-notice-days")
        c.expiry_notice_days = std::stoll(next());
      else if (a == "--sweep-ms")
        c.sweep_ms = std::stoll(next());
      else if (a == "--rate-limit")
        c.rate_limit = std::stod(next());
      else if (a == "--max-body")
        c.max_body = std::stoull(next());
      else if (a == "--threads")
        c.threads = std::stoi(next());
      else if (a == "--io-threads")
        c.io_threads = std::stoi(next());
      else if (a == "--max-header")
        c.max_header = std::stoull(next());
      else if (a == "--idle-timeout")
        c.idle_timeout_s = std::stod(next());
      else if (a == "--header-timeout")
        c.header_timeout_s = std::stod(next());
      else if (a == "--body-timeout")
        c.body_timeout_s = std::stod(next());
      else if (a == "--idempotency-days")
        c.idempotency_days = std::stod(next());
      else if (a == "--sync")
        c.sync = next();
      else if (a == "--db-pool")
        c.db_pool = std::stoi(next());
      else if (a == "--coupon-cap") {
        if (env_caps) {
          c.coupon_caps.clear();
          env_caps = false;
        }
        if (!add_coupon_cap(next(), c)) {
          error = "--coupon-cap must be CODE=N (N a whole number >= 0)";
          return false;
        }
      } else if (a == "--mint-token")
        c.mint_member = next();
      else if (a == "--ttl")
        c.mint_ttl = std::stoll(next());
      else {
        error = "unknown flag " + a;
        return false;
      }
    } catch (const std::invalid_argument& e) {
      error = std::string(e.what()).find("needs") != std::string::npos ? e.what()
                                                                       : "bad value for " + a;
      return false;
    } catch (const std::exception&) {
      error = "bad value for " + a;
      return false;
    }
  }
  return true;
}

// The values' ranges and combinations; false (with `error`) for the first one out of range.
bool check_values(const Config& c, std::string& error) {
  if (c.io_threads < 1 || c.io_threads > 64) {
    error = "--io-threads out of range";
    return false;
  }
  if (c.max_header < 1024 || c.max_header > (1u << 20)) {
    error = "--max-header must be 1024-1048576";
    return false;
  }
  for (double t : {c.idle_timeout_s, c.header_timeout_s, c.body_timeout_s})
    if (!(t > 0 && t <= 3600)) {
      error = "timeouts must be > 0 and <= 3600 seconds";
      return false;
    }
  if (!(c.idempotency_days > 0 && c.idempotency_days <= 3650)) {
    error = "--idempotency-days must be > 0 and <= 3650";
    return false;
  }
  if (c.db_pool < 1 || c.db_pool > 256) {
    error = "--db-pool must be 1-256";
    return false;
  }
  if (c.port < 0 || c.port > 65535) {
    error = "--port out of range";
    return false;
  }
  if (c.threads < 1 || c.threads > 256) {
    error = "--threads out of range";
    return false;
  }
  if (c.rate_limit < 0) {
    error = "--rate-limit must be >= 0";
    return false;
  }
  if (c.sync != "full" && c.sync != "normal") {
    error = "--sync must be full or normal";
    return false;
  }
  if (c.mint_member && c.mint_member->empty()) {
    error = "--mint-token needs a member id";
    return false;
  }
  return true;
}

// The webhook secret from its file or the environment; receivers need one, and http(s) URLs.
bool resolve_webhooks(Config& c, std::string& error) {
  SecretSources s{"", c.webhook_secret_file, env("LOYALTY_WEBHOOK_SECRET"), ""};
  std::string source;
  if (!resolve_secret(s, "webhook secret", "webhook-secret", c.webhook_secret, source, error))
    return false;
  for (const auto& url : c.webhook_urls)
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      error = "--webhook-url must be an http:// or https:// URL, got " + url;
      return false;
    }
  if (!c.webhook_urls.empty() && c.webhook_secret.empty()) {
    error = "--webhook-url needs a secret: --webhook-secret-file or LOYALTY_WEBHOOK_SECRET";
    return false;
  }
  if (c.webhook_retry_ms < 100 || c.webhook_retry_ms > 3'600'000) {
    error = "--webhook-retry-ms must be 100-3600000";
    return false;
  }
  if (c.expiry_notice_days < 0 || c.expiry_notice_days > 365) {
    error = "--expiry-notice-days must be 0-365";
    return false;
  }
  if (c.sweep_ms < 100 || c.sweep_ms > 86'400'000) {
    error = "--sweep-ms must be 100-86400000";
    return false;
  }
  return true;
}

}  // namespace

std::optional<Config> parse_config(int argc, char** argv, std::string& error) {
  Config c;
  if (!read_environment(c, error)) return std::nullopt;
  SecretSources admin{"", "", env("LOYALTY_ADMIN_KEY"), env("LOYALTY_ADMIN_KEY_FILE")};
  SecretSources secret{"", "", env("LOYALTY_TOKEN_SECRET"), env("LOYALTY_TOKEN_SECRET_FILE")};
  if (!read_flags(argc, argv, c, admin, secret, error)) return std::nullopt;
  if (!resolve_secret(admin, "admin key", "admin-key", c.admin_key, c.admin_key_source, error) ||
      !resolve_secret(secret, "token secret", "token-secret", c.token_secret, c.token_secret_source,
                      error))
    return std::nullopt;
  if (!resolve_webhooks(c, error) || !check_values(c, error)) return std::nullopt;
  return c;
}

}  // namespace srv
