// The server against hostile or merely lazy clients: idle and slow connections, oversized
// headers and bodies (chunked too), idempotency keys of other callers, the rate limiter, odd
// tokens, secrets kept off the command line, and a second server on the same database.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "auth.hpp"
#include "clock.hpp"
#include "harness.hpp"
#include "idempotency.hpp"

using namespace srvtest;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A raw TCP connection, for clients no HTTP library would imitate.
class Raw {
 public:
  explicit Raw(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Raw() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  // True when bytes (or the end of the connection) can be read within `ms`.
  bool readable(int ms) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
  }
  // Everything the server sends until it closes the connection or `limit_s` passes.
  std::string read_until_closed(double limit_s, bool* closed = nullptr) {
    std::string out;
    const auto start = Clock::now();
    if (closed) *closed = false;
    while (seconds_since(start) < limit_s) {
      if (!readable(50)) continue;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        if (closed) *closed = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

long resident_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::string hmac_token(const std::string& header, const std::string& payload,
                       const std::string& secret = kSecret) {
  const std::string signing = srv::base64url_encode(header) + "." + srv::base64url_encode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing.data()), signing.size(), mac, &len);
  return signing + "." + srv::base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

class Hardening : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra = {}) {
    server_.reset();
    server_ = std::make_unique<ServerProcess>(db(), extra);
    http_ = server_->client();
  }
  std::string db() const { return dir_.path() + "/test.db"; }
  std::string key() { return "k-" + std::to_string(++counter_); }
  int enrol(const std::string& member, const std::string& referred_by = "") {
    json b = {{"member_id", member}, {"email", member + "@example.com"}};
    if (!referred_by.empty()) b["referred_by"] = referred_by;
    return http_->Post("/v1/members", admin(key()), b.dump(), "application/json")->status;
  }
  httplib::Result order(const std::string& member, const std::string& order_id,
                        const std::string& k) {
    return http_->Post("/v1/orders", admin(k),
                       R"({"member_id":")" + member + R"(","order_id":")" + order_id +
                           R"(","cart":)" + cart_json(1000) + "}",
                       "application/json");
  }
  long long balance(const std::string& member) {
    return body(http_->Get("/v1/members/me", shopper(token(member))))["balance"].get<long long>();
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> http_;
  int counter_ = 0;
};

// --- connections -----------------------------------------------------------------------------

TEST_F(Hardening, IdleAndHalfSentConnectionsDoNotStallOthers) {
  start();
  std::vector<std::unique_ptr<Raw>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<Raw>(server_->port()));
    ASSERT_TRUE(idle.back()->ok()) << i;
  }
  for (int i = 0; i < 50; ++i) {  // a request line and no more
    idle.push_back(std::make_unique<Raw>(server_->port()));
    ASSERT_TRUE(idle.back()->send("GET /v1/program HTTP/1.1\r\nHost: x\r\n"));
  }
  const auto t = Clock::now();
  auto r = server_->client()->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(seconds_since(t), 1.0);
  ASSERT_EQ(enrol("m-1"), 201);
  EXPECT_EQ(order("m-1", "o-1", key())->status, 200);
}

TEST_F(Hardening, SlowHeadersAreCutOffAtTheHeaderDeadline) {
  start({"--header-timeout", "0.5"});
  Raw slow(server_->port());
  const auto t = Clock::now();
  ASSERT_TRUE(slow.send("GET /v1/program HTTP/1.1\r\n"));
  bool closed = false;
  // One header byte every 100 ms: never done, always "active".
  while (seconds_since(t) < 3 && !closed) {
    if (!slow.send("X")) break;
    if (slow.readable(100)) slow.read_until_closed(0.1, &closed);
  }
  EXPECT_LT(seconds_since(t), 2.0) << "a slowloris client kept its connection";
  EXPECT_GE(seconds_since(t), 0.4);
}

TEST_F(Hardening, SlowBodiesAreCutOffAtTheBodyDeadline) {
  start({"--body-timeout", "0.5"});
  Raw slow(server_->port());
  ASSERT_TRUE(slow.send(
      "POST /v1/adjustments HTTP/1.1\r\nHost: x\r\nX-Admin-Key: " + std::string(kAdminKey) +
      "\r\nIdempotency-Key: s\r\nContent-Length: 1000\r\n\r\n{"));
  const auto t = Clock::now();
  bool closed = false;
  while (seconds_since(t) < 3 && !closed) {
    if (!slow.send(" ")) break;
    if (slow.readable(100)) slow.read_until_closed(0.1, &closed);
  }
  EXPECT_LT(seconds_since(t), 2.0) << "a slow body kept its connection";
}

TEST_F(Hardening, IdleKeepAliveConnectionsAreClosed) {
  start({"--idle-timeout", "0.5"});
  Raw c(server_->port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto t = Clock::now();
  bool closed = false;
  const std::string got = c.read_until_closed(3, &closed);
  EXPECT_EQ(status_of(got), 200);
  EXPECT_TRUE(closed);
  EXPECT_LT(seconds_since(t), 2.0);
}

// --- sizes -------------------------------------------------------------------------------------

TEST_F(Hardening, ContentLengthOverTheLimitIs413BeforeTheBodyIsSent) {
  start({"--max-body", "65536"});
  Raw c(server_->port());
  ASSERT_TRUE(c.send("POST /v1/members HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n"));
  const std::string got = c.read_until_closed(2);
  EXPECT_EQ(status_of(got), 413) << got;
  EXPECT_NE(got.find("too_large"), std::string::npos);
}

TEST_F(Hardening, ChunkedBodyOverTheLimitIs413AndNothingIsBuffered) {
  start({"--max-body", "65536"});
  ASSERT_EQ(http_->Get("/healthz")->status, 200);
  const long before = resident_kb(server_->pid());
  const std::string chunk(65536, 'x');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  const std::string framed = size_line + chunk + "\r\n";
  for (int round = 0; round < 4; ++round) {
    Raw c(server_->port());
    ASSERT_TRUE(
        c.send("POST /v1/members HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    // Up to 64 MiB, stopping as soon as the server answers.
    std::size_t sent = 0;
    while (sent < (64u << 20) && !c.readable(0) && c.send(framed)) sent += chunk.size();
    const std::string got = c.read_until_closed(3);
    EXPECT_EQ(status_of(got), 413) << got.substr(0, 200);
    EXPECT_LT(sent, 32u << 20) << "the server kept reading a body over its limit";
  }
  const long after = resident_kb(server_->pid());
  EXPECT_LT(after - before, 16 * 1024) << before << " kB -> " << after << " kB";
  EXPECT_EQ(http_->Get("/healthz")->status, 200);
}

TEST_F(Hardening, OversizedHeaderIs431) {
  start();
  Raw c(server_->port());
  ASSERT_TRUE(
      c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n"));
  EXPECT_EQ(status_of(c.read_until_closed(2)), 431);
}

// --- idempotency keys belong to their caller ----------------------------------------------------

TEST_F(Hardening, AShoppersKeyNeverBlocksTheMerchantsOrder) {
  start();
  ASSERT_EQ(enrol("m-1"), 201);
  auto squat = http_->Post("/v1/members/me/actions", shopper(token("m-1"), "order-o-1"),
                           R"({"action":"review"})", "application/json");
  ASSERT_EQ(squat->status, 200) << squat->body;
  auto o = order("m-1", "o-1", "order-o-1");
  EXPECT_EQ(o->status, 200) << o->body;
  EXPECT_EQ(body(o)["lifetime"]["orders"], 1);
  // Another shopper's key of the same name is theirs alone too.
  ASSERT_EQ(enrol("m-2"), 201);
  auto other = http_->Post("/v1/members/me/actions", shopper(token("m-2"), "order-o-1"),
                           R"({"action":"review"})", "application/json");
  EXPECT_EQ(other->status, 200) << other->body;
  EXPECT_EQ(balance("m-2"), 10);
  // The same caller's key on another route is another key.
  auto adj = http_->Post("/v1/adjustments", admin("order-o-1"),
                         R"({"member_id":"m-1","points":1,"reason":"r"})", "application/json");
  EXPECT_EQ(adj->status, 200) << adj->body;
  // ... and on the same route it still replays.
  EXPECT_EQ(order("m-1", "o-1", "order-o-1")->body, o->body);
  EXPECT_EQ(order("m-1", "o-2", "order-o-1")->status, 409);
}

TEST_F(Hardening, AReferralCreditCannotBeSquatted) {
  start();
  ASSERT_EQ(enrol("ref"), 201);
  ASSERT_EQ(enrol("new", "ref"), 201);
  // The referee tries the keys the server used to make for itself, on every route it can reach.
  for (const std::string k : {"referral-completed:new", "s:referral-completed", "new"}) {
    http_->Post("/v1/members/me/actions", shopper(token("new"), k), R"({"action":"review"})",
                "application/json");
    http_->Post("/v1/members/me/redemptions", shopper(token("new"), k), R"({"reward":"mug"})",
                "application/json");
  }
  const long long before = balance("ref");
  ASSERT_EQ(order("new", "o-1", key())->status, 200);
  EXPECT_EQ(balance("ref"), before + 50);  // basic.json: referrer_points 50
}

TEST_F(Hardening, IdempotencyRecordsExpireAndAreSwept) {
  // 0.00002 days = 1.728 s (and the sweep runs every TTL when the TTL is under an hour).
  start({"--idempotency-days", "0.00002"});
  ASSERT_EQ(enrol("m-1"), 201);
  auto adjust = [&](int points) {
    return http_->Post(
        "/v1/adjustments", admin("k-expiring"),
        R"({"member_id":"m-1","points":)" + std::to_string(points) + R"(,"reason":"r"})",
        "application/json");
  };
  ASSERT_EQ(adjust(1)->status, 200);
  EXPECT_EQ(adjust(2)->status, 409);  // remembered
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  EXPECT_EQ(adjust(2)->status, 200);  // forgotten: a new write
  EXPECT_EQ(balance("m-1"), 3);
  // With no writes for two sweep periods every record is gone from the file.
  std::this_thread::sleep_for(std::chrono::milliseconds(3800));
  EXPECT_EQ(query(db(), "SELECT COUNT(*) AS n FROM idempotency"), "n=0\n");
}

TEST_F(Hardening, RecordsOfADatabaseFromBeforeExpiryCountFromTheUpgrade) {
  // SQLite only: PostgreSQL databases were versioned from their first day.
  if (on_postgres()) GTEST_SKIP() << "a SQLite file from before versioned migrations";
  // An idempotency table as the server made it before records expired (no created_ms).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(this->db().c_str(), &db), SQLITE_OK);
  const std::string body = R"({"member_id":"m-1","points":1,"reason":"r"})";
  const std::string key = srv::caller_key("admin", "POST", "/v1/adjustments", "k-old");
  const std::string hash = srv::request_hash("POST", "/v1/adjustments", "admin", body);
  const std::string sql =
      "CREATE TABLE idempotency (key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, status "
      "INTEGER NOT NULL, response TEXT NOT NULL);"
      "INSERT INTO idempotency VALUES ('" +
      key + "','" + hash + "',200,'{\"stored\":true}');";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  start();
  auto r = http_->Post("/v1/adjustments", admin("k-old"), body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"stored":true})");  // still remembered, not expired at once
  // The file is versioned from now on: each migration recorded once.
  EXPECT_EQ(query(this->db(), "SELECT version FROM schema_migrations ORDER BY version"),
            every_migration());
}

// --- the limiter --------------------------------------------------------------------------------

TEST_F(Hardening, OnlyTheRightAdminKeyLiftsTheRateLimit) {
  start({"--rate-limit", "2"});
  // A wrong key is refused at once, every time; it never reaches the call.
  for (int i = 0; i < 10; ++i) {
    auto r = http_->Get("/v1/program", {{"X-Admin-Key", "wrong"}});
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(body(r)["error"]["code"], "forbidden");
  }
  // The right key is never limited.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(http_->Get("/v1/events", admin())->status, 200);
  // Without credentials the address is limited...
  int limited = 0;
  for (int i = 0; i < 12; ++i) limited += http_->Get("/v1/program")->status == 429;
  EXPECT_GT(limited, 0);
  // ... while a shopper with a valid token has a bucket of their own.
  ASSERT_EQ(enrol("m-1"), 201);
  EXPECT_EQ(http_->Get("/v1/members/me", shopper(token("m-1")))->status, 200);
}

// Behind a trusted proxy (deploy/nginx.conf) every request comes from the proxy's address: its
// X-Forwarded-For names the client, so one busy client does not use up everyone's bucket. From
// anyone else the header is the client's own claim and changes nothing.
TEST_F(Hardening, TheRateLimitCountsTheClientBehindATrustedProxyOnly) {
  const auto burst = [&](const std::string& forwarded) {
    int limited = 0;
    for (int i = 0; i < 12; ++i)
      limited += http_->Get("/v1/program", {{"X-Forwarded-For", forwarded}})->status == 429;
    return limited;
  };
  start({"--rate-limit", "2", "--trusted-proxy", "127.0.0.1"});
  EXPECT_GT(burst("203.0.113.7"), 0);
  EXPECT_EQ(http_->Get("/v1/program", {{"X-Forwarded-For", "198.51.100.9"}})->status, 200)
      << "another client behind the proxy has its own bucket";
  EXPECT_EQ(http_->Get("/v1/program", {{"X-Forwarded-For", "spoofed, 198.51.100.10"}})->status, 200)
      << "the address the proxy saw is the last one";
  start({"--rate-limit", "2"});
  EXPECT_GT(burst("203.0.113.7"), 0);
  EXPECT_EQ(http_->Get("/v1/program", {{"X-Forwarded-For", "198.51.100.9"}})->status, 429)
      << "without --trusted-proxy the header is ignored: a client cannot claim a fresh bucket";
}

// --- tokens -------------------------------------------------------------------------------------

TEST_F(Hardening, TokensWithOddClaimsOrHeadersAre401) {
  start();
  ASSERT_EQ(enrol("m-1"), 201);
  const std::string hs = R"({"alg":"HS256","typ":"JWT"})";
  const std::string exp = std::to_string(srv::now_ms() / 1000 + 3600);
  auto status = [&](const std::string& tok) {
    return http_->Get("/v1/members/me", shopper(tok))->status;
  };
  EXPECT_EQ(status(hmac_token(hs, R"({"sub":"m-1","exp":)" + exp + "}")), 200);
  EXPECT_EQ(status(hmac_token(hs, R"({"sub":"m-1","exp":")" + exp + "\"}")), 401);
  EXPECT_EQ(status(hmac_token(hs, R"({"sub":"m-1","exp":)" + exp + R"(,"nbf":"0"})")), 401);
  EXPECT_EQ(status(hmac_token(hs, R"({"sub":"m-1","exp":)" + exp + R"(,"nbf":null})")), 401);
  EXPECT_EQ(
      status(hmac_token(R"({"alg":"HS256","crit":["exp"]})", R"({"sub":"m-1","exp":)" + exp + "}")),
      401);
  EXPECT_EQ(status(hmac_token(hs, R"({"sub":"m-2","sub":"m-1","exp":)" + exp + "}")), 401);
  EXPECT_EQ(
      status(hmac_token(R"({"alg":"none","alg":"HS256"})", R"({"sub":"m-1","exp":)" + exp + "}")),
      401);
}

// --- secrets and the database -------------------------------------------------------------------

TEST_F(Hardening, SecretsComeFromAFileOrTheEnvironmentAndStayOffTheCommandLine) {
  const std::string key_file = dir_.path() + "/admin-key";
  std::ofstream(key_file) << kAdminKey << "\n";  // the newline an editor adds is not the key's
  server_ = std::make_unique<ServerProcess>(
      db(), std::vector<std::string>{"--admin-key-file", key_file},
      std::vector<std::string>{std::string("LOYALTY_TOKEN_SECRET=") + kSecret}, false);
  http_ = server_->client();
  ASSERT_EQ(enrol("m-1"), 201);
  EXPECT_EQ(http_->Get("/v1/members/me", shopper(token("m-1")))->status, 200);
  const std::string cmdline = read_file("/proc/" + std::to_string(server_->pid()) + "/cmdline");
  EXPECT_EQ(cmdline.find(kAdminKey), std::string::npos);
  EXPECT_EQ(cmdline.find(kSecret), std::string::npos);
  // An empty or missing file stops the server instead of running without a key.
  std::ofstream(dir_.path() + "/empty").flush();
  EXPECT_THROW(ServerProcess(dir_.path() + "/other.db",
                             {"--admin-key-file", dir_.path() + "/empty"}, {}, false),
               std::runtime_error);
}

TEST_F(Hardening, ASecondServerOnTheSameDatabaseRefusesToStart) {
  // SQLite only: on PostgreSQL several instances share a database (postgres_test.cpp).
  if (on_postgres()) GTEST_SKIP() << "the <db>.lock of a SQLite file";
  start();
  try {
    ServerProcess second(db());
    FAIL() << "a second server started on the same database";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another loyalty-server is already using the database"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(http_->Get("/healthz")->status, 200);
  // Once the first one is gone (even killed), the database is free again.
  server_->kill9();
  start();
  EXPECT_EQ(http_->Get("/healthz")->status, 200);
}

// --- static files -------------------------------------------------------------------------------

TEST_F(Hardening, StaticFilesStayInsideTheirFolder) {
  const std::string site = dir_.path() + "/site";
  std::filesystem::create_directories(site + "/sub");
  std::ofstream(site + "/index.html") << "<h1>shop</h1>";
  std::ofstream(site + "/sub/core.wasm") << "wasm";
  std::ofstream(site + "/app.js") << "js";
  std::ofstream(dir_.path() + "/secret.txt") << "secret";
  start({"--static", site});
  auto root = http_->Get("/");
  EXPECT_EQ(root->body, "<h1>shop</h1>");
  EXPECT_EQ(root->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(http_->Get("/sub/core.wasm")->get_header_value("Content-Type"), "application/wasm");
  EXPECT_EQ(http_->Get("/app.js")->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
  for (const std::string path : {"/../secret.txt", "/%2e%2e/secret.txt", "/sub/../../secret.txt",
                                 "/sub/%2E%2E/%2E%2E/secret.txt"}) {
    Raw c(server_->port());
    ASSERT_TRUE(c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string got = c.read_until_closed(2);
    EXPECT_EQ(status_of(got), 404) << path;
    EXPECT_EQ(got.find("secret\r"), std::string::npos);
  }
}

}  // namespace
