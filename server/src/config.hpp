// Command-line flags, each also read from the environment (LOYALTY_PORT, ...). Flags win.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace srv {

struct Config {
  int port = 8080;  // 0 = any free port (printed on stdout)
  std::string bind = "127.0.0.1";
  std::string db = "loyalty.db";
  std::string program_file;  // used only when the database holds no program
  std::string admin_key;     // empty = admin calls always 403
  std::string token_secret;  // empty = shopper calls always 401
  std::vector<std::string> cors_origins;
  std::string static_dir;
  double rate_limit = 20;           // requests per second per client; 0 = off
  std::size_t max_body = 1u << 20;  // bytes; larger bodies get 413
  int threads = 8;
  std::string sync = "full";  // SQLite synchronous: full or normal
  // --mint-token MEMBER [--ttl S]: print a token and exit.
  std::optional<std::string> mint_member;
  std::int64_t mint_ttl = 3600;
  bool help = false;
};

// Parses argv (and the environment). On a usage error returns nullopt and fills `error`.
std::optional<Config> parse_config(int argc, char** argv, std::string& error);
const char* usage();

}  // namespace srv
