#include "harness.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "auth.hpp"
#include "clock.hpp"
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

TempDir::TempDir() {
  char tmpl[] = "/tmp/loyalty-server-test-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ServerProcess::ServerProcess(const std::string& db, std::vector<std::string> extra,
                             std::vector<std::string> env, bool secret_flags) {
  std::vector<std::string> args = {
      LOYALTY_SERVER_BIN,        "--port", "0", "--bind", "127.0.0.1", "--db", db, "--program",
      program_path("basic.json")};
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

}  // namespace srvtest
