// Starts the real loyalty-server binary on a free loopback port with a temporary database, and
// small helpers to talk to it with httplib's client.
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
  // Starts the server with --port 0 on 127.0.0.1 and waits for its "listening" line.
  ServerProcess(const std::string& db, std::vector<std::string> extra_args = {});
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

}  // namespace srvtest
