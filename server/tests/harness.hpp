// Starts the real loyalty-server binary on a free loopback port with a temporary database, and
// small helpers to talk to it with httplib's client.
//
// One suite, two stores: with LOYALTY_TEST_DB set (a postgresql:// URL; scripts/with-postgres.sh
// sets it) every server runs on PostgreSQL instead. Tests still name a database by a path in
// their TempDir; each path becomes a fresh PostgreSQL database of its own (servers started with
// the same path share it), dropped with the TempDir.
#pragma once
#include <httplib.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace srvtest {

extern const char* const kAdminKey;
extern const char* const kSecret;

std::string read_file(const std::string& path);
std::string program_path(const std::string& name);  // tests/programs/<name>

bool on_postgres();  // LOYALTY_TEST_DB is set
// What --db gets for `db_path`: the path itself, or the URL of its PostgreSQL database (created
// on first use).
std::string store_of(const std::string& db_path);
// A statement on the database behind `db_path`, either store: its rows as "column=value\n"
// lines (NULL as "NULL"). Throws std::runtime_error when the statement fails.
std::string query(const std::string& db_path, const std::string& sql);
// Runs LOYALTY_TEST_PG_CTL `stop` or `start` (the throwaway cluster of with-postgres.sh).
void pg_ctl(const std::string& action);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ServerProcess {
 public:
  // Starts the server with --port 0 on 127.0.0.1 and waits for its "listening" line. `env`
  // entries ("NAME=value") are added to its environment; without `secret_flags` the test's admin
  // key and token secret are not passed as flags (the test gives them another way).
  ServerProcess(const std::string& db, std::vector<std::string> extra_args = {},
                std::vector<std::string> env = {}, bool secret_flags = true);
  ~ServerProcess();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  void kill9();  // SIGKILL, then reap
  std::unique_ptr<httplib::Client> client() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// Shorthands.
std::string token(const std::string& member, long long ttl = 3600,
                  const std::string& secret = kSecret);
httplib::Headers admin(const std::string& idem = "");
httplib::Headers shopper(const std::string& tok, const std::string& idem = "");
nlohmann::json body(const httplib::Result& r);
std::string cart_json(long long price_minor, int quantity = 1);
// schema_migrations as query() shows it once every migration ran ("version=1\nversion=2\n...").
std::string every_migration();

}  // namespace srvtest
