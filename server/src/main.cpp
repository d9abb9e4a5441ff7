// loyalty-server: flags, the database, the program, then HTTP until SIGINT/SIGTERM.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "auth.hpp"
#include "clock.hpp"
#include "config.hpp"
#include "http_server.hpp"
#include "instance_lock.hpp"
#include "log.hpp"
#include "routes.hpp"
#include "service.hpp"
#include "store.hpp"

namespace {

// Every open connection is a file descriptor: take all the kernel allows this process.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::chrono::milliseconds seconds(double s) {
  return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

srv::HttpLimits limits_of(const srv::Config& c) {
  srv::HttpLimits l;
  l.max_body = c.max_body;
  l.max_header = c.max_header;
  l.idle = seconds(c.idle_timeout_s);
  l.header = seconds(c.header_timeout_s);
  l.body = seconds(c.body_timeout_s);
  return l;
}

bool read_program(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

void warn_about_flag_secrets(const srv::Config& c) {
  if (c.admin_key_source == "flag" || c.token_secret_source == "flag")
    srv::log_event("warning",
                   "a secret was given on the command line, where ps shows it to every user; "
                   "use --admin-key-file/--token-secret-file or LOYALTY_ADMIN_KEY/"
                   "LOYALTY_TOKEN_SECRET");
}

// The database as the log may show it: a URL's password is not written out.
std::string redacted_db(const std::string& db) {
  const auto scheme = db.find("://");
  const auto at = db.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return db;
  const auto colon = db.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return db;
  return db.substr(0, colon + 1) + "***" + db.substr(at);
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  auto config = srv::parse_config(argc, argv, error);
  if (!config) {
    std::fprintf(stderr, "loyalty-server: %s\n\n%s", error.c_str(), srv::usage());
    return 2;
  }
  const srv::Config& c = *config;
  if (c.help) {
    std::fputs(srv::usage(), stdout);
    return 0;
  }
  if (c.mint_member) {
    if (c.token_secret.empty()) {
      std::fprintf(stderr,
                   "loyalty-server: --mint-token needs the token secret (--token-secret-file)\n");
      return 2;
    }
    std::printf(
        "%s\n",
        srv::mint_token(*c.mint_member, c.token_secret, srv::now_ms() / 1000, c.mint_ttl).c_str());
    return 0;
  }

  std::string initial;
  if (!c.program_file.empty() && !read_program(c.program_file, initial)) {
    std::fprintf(stderr, "loyalty-server: cannot read %s\n", c.program_file.c_str());
    return 1;
  }

  try {
    raise_open_file_limit();
    // One process per SQLite file; PostgreSQL serialises instances itself.
    std::optional<srv::InstanceLock> lock;
    if (!srv::is_postgres_url(c.db)) lock.emplace(c.db);
    auto opened = srv::open_store(c.db, {c.sync, c.db_pool});
    srv::Store& store = *opened;
    const auto ttl_ms = static_cast<std::int64_t>(c.idempotency_days * 86400.0 * 1000.0);
    store.set_idempotency_ttl_ms(ttl_ms);
    srv::Service service(store);
    service.set_coupon_caps(c.coupon_caps);
    srv::Webhooks webhooks(
        store, {c.webhook_urls, c.webhook_secret, c.webhook_retry_ms, 5'000, c.expiry_notice_days});
    service.set_webhooks(webhooks);
    if (!service.load_program(initial, error)) {
      std::fprintf(stderr, "loyalty-server: %s\n", error.c_str());
      return 1;
    }
    srv::RateLimiter limiter(c.rate_limit);
    srv::Api api(service, c, limiter);
    srv::HttpServer server(api, limits_of(c), c.io_threads, c.threads);
    const int port = server.listen(c.bind, c.port);
    // Expired idempotency records: swept at start and every hour (or every TTL, when shorter).
    server.every(std::chrono::milliseconds(std::min<std::int64_t>(ttl_ms, 3600 * 1000)),
                 [&store, ttl_ms] { store.sweep_idempotency(srv::now_ms() - ttl_ms); });
    // Versions other instances publish reach this one's reads within a second (its writes read
    // the newest version inside their transaction anyway).
    if (store.shared())
      server.every(std::chrono::seconds(1), [&service] { service.refresh_program(); });
    // Referral credits a crash left owed: paid at start and every 5 s (each one once, by its key).
    server.every(std::chrono::seconds(5), [&service] { service.pay_owed_referrals(); });
    // The outbox: what is due is posted every second, by whichever instance comes first.
    if (webhooks.enabled())
      server.every(std::chrono::seconds(1), [&webhooks] { webhooks.deliver(srv::now_ms()); });
    // Time-driven webhooks: members due, a bounded batch per round (the rest next round).
    if (webhooks.enabled())
      server.every(std::chrono::milliseconds(c.sweep_ms),
                   [&service] { service.sweep_due(srv::now_ms(), 500); });
    std::printf("{\"listening\":\"%s:%d\"}\n", c.bind.c_str(), port);
    std::fflush(stdout);
    warn_about_flag_secrets(c);
    srv::log_event("start", c.bind + ":" + std::to_string(port) + " db=" + redacted_db(c.db));
    server.run();
    srv::log_event("stop", "");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loyalty-server: %s\n", e.what());
    return 1;
  }
  return 0;
}
