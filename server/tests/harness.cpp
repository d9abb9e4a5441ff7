#include "harness.hpp"

#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "auth.hpp"
#include "clock.hpp"
#include "migrations.hpp"
#include "recorder.hpp"

namespace srvtest {

const char* const kAdminKey = "test-admin-key";
const char* const kSecret = "test-token-secret";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string program_path(const std::string& name) {
  return std::string(LOYALTY_SERVER_TEST_DIR) + "/programs/" + name;
}

namespace {

std::string test_db_url() {
  const char* v = std::getenv("LOYALTY_TEST_DB");
  return v ? v : "";
}

// `base` with its database name replaced by `name` (postgresql://who@host/NAME?params).
std::string with_database(const std::string& base, const std::string& name) {
  const auto authority = base.find("://") + 3;
  const auto slash = base.find('/', authority);
  const auto query = base.find('?', authority);
  const std::string head = base.substr(0, slash == std::string::npos ? query : slash);
  return head + "/" + name + (query == std::string::npos ? "" : base.substr(query));
}

// Runs `sql` on the PostgreSQL database `url`: rows as "column=value\n" lines.
std::string pg_query(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string out, error;
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
      error = PQresultErrorMessage(r);
    for (int row = 0; row < PQntuples(r); ++row)
      for (int col = 0; col < PQnfields(r); ++col)
        out += std::string(PQfname(r, col)) + "=" +
               (PQgetisnull(r, row, col) ? "NULL" : PQgetvalue(r, row, col)) + "\n";
    PQclear(r);
  }
  PQfinish(c);
  if (!error.empty()) throw std::runtime_error("postgres: " + error + " in: " + sql);
  return out;
}

std::string sqlite_query(const std::string& path, const std::string& sql) {
  sqlite3* h = nullptr;
  std::string out;
  if (sqlite3_open(path.c_str(), &h) != SQLITE_OK) {
    sqlite3_close(h);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    const std::string error = sqlite3_errmsg(h);
    sqlite3_close(h);
    throw std::runtime_error("sqlite: " + error + " in: " + sql);
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const auto* text = sqlite3_column_text(st, i);
      out += std::string(sqlite3_column_name(st, i)) + "=" +
             (text ? reinterpret_cast<const char*>(text) : "NULL") + "\n";
    }
  sqlite3_finalize(st);
  const std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(h);
  sqlite3_close(h);
  if (!error.empty()) throw std::runtime_error("sqlite: " + error + " in: " + sql);
  return out;
}

// Test db paths and the PostgreSQL databases made for them.
struct Databases {
  std::mutex mutex;
  std::map<std::string, std::string> by_path;  // path -> database name
};
Databases& databases() {
  static Databases d;
  return d;
}

// Drops the databases made for paths under `dir` (the servers using them have stopped; FORCE
// ends any connection a killed server's backend still holds).
void drop_databases_under(const std::string& dir) {
  if (!on_postgres()) return;
  std::lock_guard lock(databases().mutex);
  auto& m = databases().by_path;
  for (auto it = m.begin(); it != m.end();) {
    if (it->first.rfind(dir + "/", 0) != 0) {
      ++it;
      continue;
    }
    try {
      pg_query(test_db_url(), "DROP DATABASE IF EXISTS " + it->second + " WITH (FORCE)");
    } catch (const std::exception&) {  // the cluster is down (a restart test failed midway)
    }
    it = m.erase(it);
  }
}

}  // namespace

bool on_postgres() {
  return !test_db_url().empty();
}

std::string store_of(const std::string& db_path) {
  if (!on_postgres()) return db_path;
  std::lock_guard lock(databases().mutex);
  auto& name = databases().by_path[db_path];
  if (name.empty()) {
    static std::mt19937_64 rng{std::random_device{}()};
    char buf[24];
    std::snprintf(buf, sizeof buf, "t_%016llx", static_cast<unsigned long long>(rng()));
    name = buf;
    pg_query(test_db_url(), "CREATE DATABASE " + name);
  }
  return with_database(test_db_url(), name);
}

std::string query(const std::string& db_path, const std::string& sql) {
  return on_postgres() ? pg_query(store_of(db_path), sql) : sqlite_query(db_path, sql);
}

void pg_ctl(const std::string& action) {
  const char* ctl = std::getenv("LOYALTY_TEST_PG_CTL");
  if (!ctl) throw std::runtime_error("LOYALTY_TEST_PG_CTL is not set");
  const std::string cmd = std::string(ctl) + " " + action;
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error(cmd + " failed");
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/loyalty-server-test-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  drop_databases_under(path_);
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ServerProcess::ServerProcess(const std::string& db, std::vector<std::string> extra,
                             std::vector<std::string> env, bool secret_flags) {
  std::vector<std::string> args = {LOYALTY_SERVER_BIN, "--port",    "0",
                                   "--bind",           "127.0.0.1", "--db",
                                   store_of(db),       "--program", program_path("basic.json")};
  if (secret_flags) args.insert(args.end(), {"--admin-key", kAdminKey, "--token-secret", kSecret});
  bool has_rate = false;
  for (const auto& a : extra) has_rate = has_rate || a == "--rate-limit";
  if (!has_rate) args.insert(args.end(), {"--rate-limit", "0"});
  args.insert(args.end(), extra.begin(), extra.end());
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    // The access log goes to a file next to the database, so test output stays readable.
    const std::string log = db + ".log";
    FILE* f = std::fopen(log.c_str(), "a");
    if (f) dup2(fileno(f), 2);
    for (auto& e : env) putenv(e.data());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("listening")) {
    kill9();
    throw std::runtime_error("server did not start: " + line + "\n" + read_file(db + ".log"));
  }
  const std::string addr = j["listening"];
  port_ = std::stoi(addr.substr(addr.rfind(':') + 1));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status;
    for (int i = 0; i < 200; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill9();
  }
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::unique_ptr<httplib::Client> ServerProcess::client() const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
  c->set_connection_timeout(5);
  c->set_read_timeout(30);
  record_exchanges(*c);  // when LOYALTY_RECORD_RESPONSES is set (server/openapi-test)
  return c;
}

std::string token(const std::string& member, long long ttl, const std::string& secret) {
  return srv::mint_token(member, secret, srv::now_ms() / 1000, ttl);
}

httplib::Headers admin(const std::string& idem) {
  httplib::Headers h = {{"X-Admin-Key", kAdminKey}};
  if (!idem.empty()) h.emplace("Idempotency-Key", idem);
  return h;
}

httplib::Headers shopper(const std::string& tok, const std::string& idem) {
  httplib::Headers h = {{"Authorization", "Bearer " + tok}};
  if (!idem.empty()) h.emplace("Idempotency-Key", idem);
  return h;
}

nlohmann::json body(const httplib::Result& r) {
  if (!r) return nlohmann::json();
  return nlohmann::json::parse(r->body, nullptr, false);
}

std::string cart_json(long long price_minor, int quantity) {
  return R"({"currency":"PEN","lines":[{"sku":"latte","category":"drinks","unit_price_minor":)" +
         std::to_string(price_minor) + R"(,"quantity":)" + std::to_string(quantity) + "}]}";
}

std::string every_migration() {
  std::string out;
  for (const auto& m : srv::migrations()) out += "version=" + std::to_string(m.version) + "\n";
  return out;
}

}  // namespace srvtest
