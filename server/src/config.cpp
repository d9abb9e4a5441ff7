#include "config.hpp"

#include <cstdlib>
#include <stdexcept>

namespace srv {

const char* usage() {
  return R"(loyalty-server — the reference HTTP server over the loyalty rules core

usage: loyalty-server [flags]
       loyalty-server --mint-token MEMBER [--ttl SECONDS] --token-secret SECRET

Every flag can also be given in the environment (flag wins):
  --port N             LOYALTY_PORT          port (default 8080; 0 = any free port, printed on stdout)
  --bind ADDR          LOYALTY_BIND          address to listen on (default 127.0.0.1)
  --db FILE            LOYALTY_DB            SQLite database (default loyalty.db; created if absent)
  --program FILE       LOYALTY_PROGRAM       program document to start with when the db has none
  --admin-key KEY      LOYALTY_ADMIN_KEY     key merchant calls send as X-Admin-Key
  --token-secret S     LOYALTY_TOKEN_SECRET  HS256 secret of shopper tokens (Authorization: Bearer)
  --cors-origin URL    LOYALTY_CORS_ORIGIN   allowed browser origin; repeatable (env: comma-separated)
  --static DIR         LOYALTY_STATIC        serve files from DIR at / (for the demo)
  --rate-limit R       LOYALTY_RATE_LIMIT    requests/second per client (shopper or address), burst 2R;
                                             0 = off; admin-key calls are not limited (default 20)
  --max-body BYTES     LOYALTY_MAX_BODY      largest request body (default 1048576); larger = 413
  --threads N          LOYALTY_THREADS       worker threads (default 8)
  --sync full|normal   LOYALTY_SYNC          SQLite synchronous mode (default full: fsync per commit)
  --mint-token MEMBER                        print a shopper token for MEMBER and exit
  --ttl SECONDS                              lifetime of a minted token (default 3600)
  --help                                     this text
)";
}

namespace {

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

}  // namespace

std::optional<Config> parse_config(int argc, char** argv, std::string& error) {
  Config c;
  try {
    if (auto v = env("LOYALTY_PORT"); !v.empty()) c.port = std::stoi(v);
    if (auto v = env("LOYALTY_BIND"); !v.empty()) c.bind = v;
    if (auto v = env("LOYALTY_DB"); !v.empty()) c.db = v;
    if (auto v = env("LOYALTY_PROGRAM"); !v.empty()) c.program_file = v;
    if (auto v = env("LOYALTY_ADMIN_KEY"); !v.empty()) c.admin_key = v;
    if (auto v = env("LOYALTY_TOKEN_SECRET"); !v.empty()) c.token_secret = v;
    if (auto v = env("LOYALTY_CORS_ORIGIN"); !v.empty()) c.cors_origins = split_commas(v);
    if (auto v = env("LOYALTY_STATIC"); !v.empty()) c.static_dir = v;
    if (auto v = env("LOYALTY_RATE_LIMIT"); !v.empty()) c.rate_limit = std::stod(v);
    if (auto v = env("LOYALTY_MAX_BODY"); !v.empty()) c.max_body = std::stoull(v);
    if (auto v = env("LOYALTY_THREADS"); !v.empty()) c.threads = std::stoi(v);
    if (auto v = env("LOYALTY_SYNC"); !v.empty()) c.sync = v;
  } catch (const std::exception&) {
    error = "bad value in a LOYALTY_* environment variable";
    return std::nullopt;
  }
  bool env_cors = !c.cors_origins.empty();
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
      else if (a == "--admin-key")
        c.admin_key = next();
      else if (a == "--token-secret")
        c.token_secret = next();
      else if (a == "--cors-origin") {
        if (env_cors) {
          c.cors_origins.clear();
          env_cors = false;
        }
        c.cors_origins.push_back(next());
      } else if (a == "--static")
        c.static_dir = next();
      else if (a == "--rate-limit")
        c.rate_limit = std::stod(next());
      else if (a == "--max-body")
        c.max_body = std::stoull(next());
      else if (a == "--threads")
        c.threads = std::stoi(next());
      else if (a == "--sync")
        c.sync = next();
      else if (a == "--mint-token")
        c.mint_member = next();
      else if (a == "--ttl")
        c.mint_ttl = std::stoll(next());
      else {
        error = "unknown flag " + a;
        return std::nullopt;
      }
    } catch (const std::invalid_argument& e) {
      error = std::string(e.what()).find("needs") != std::string::npos ? e.what()
                                                                       : "bad value for " + a;
      return std::nullopt;
    } catch (const std::exception&) {
      error = "bad value for " + a;
      return std::nullopt;
    }
  }
  if (c.port < 0 || c.port > 65535) {
    error = "--port out of range";
    return std::nullopt;
  }
  if (c.threads < 1 || c.threads > 256) {
    error = "--threads out of range";
    return std::nullopt;
  }
  if (c.rate_limit < 0) {
    error = "--rate-limit must be >= 0";
    return std::nullopt;
  }
  if (c.sync != "full" && c.sync != "normal") {
    error = "--sync must be full or normal";
    return std::nullopt;
  }
  if (c.mint_member && c.mint_member->empty()) {
    error = "--mint-token needs a member id";
    return std::nullopt;
  }
  return c;
}

}  // namespace srv
