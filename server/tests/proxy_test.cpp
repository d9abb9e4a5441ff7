// The sample deployment (deploy/nginx.conf) for real: nginx in front of two loyalty-server
// instances over one PostgreSQL database, and the promises checked through the proxy (spec/sync.md
// "Storage"): a 50-way redemption race split over both lets exactly the affordable number through;
// a retried request that lands on the other instance answers the first answer; a SIGKILL of one
// instance under write load loses no acknowledged write. PostgreSQL only (two instances cannot
// share a SQLite file); nginx is Debian's (scripts/install-deps.sh installs nginx-light).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// nginx with deploy/nginx.conf, its placeholders filled, in the foreground; stopped at the end.
class Nginx {
 public:
  Nginx(const std::string& run, int a, int b) : run_(run), port_(free_port()) {
    std::string conf = read_file(std::string(LOYALTY_SERVER_TEST_DIR) + "/../../deploy/nginx.conf");
    conf = replace_all(conf, "@RUN@", run);
    conf = replace_all(conf, "@PORT_A@", std::to_string(a));
    conf = replace_all(conf, "@PORT_B@", std::to_string(b));
    conf = replace_all(conf, "@PORT@", std::to_string(port_));
    std::ofstream(run + "/nginx.conf") << conf;
    pid_ = fork();
    if (pid_ == 0) {
      execl("/usr/sbin/nginx", "nginx", "-p", run.c_str(), "-e", (run + "/error.log").c_str(), "-c",
            (run + "/nginx.conf").c_str(), "-g", "daemon off;", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      httplib::Client c("127.0.0.1", port_);
      if (c.Get("/healthz")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "nginx did not start: " << read_file(run + "/error.log");
  }
  ~Nginx() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(30);
    return c;
  }
  // The upstream (instance address) of each request nginx logged.
  std::vector<std::string> upstreams() const {
    std::vector<std::string> out;
    std::istringstream log(read_file(run_ + "/access.log"));
    for (std::string id, upstream, rest; log >> id >> upstream && std::getline(log, rest);)
      out.push_back(upstream);
    return out;
  }

 private:
  std::string run_;
  int port_;
  pid_t pid_ = -1;
};

class ThroughNginx : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!on_postgres()) GTEST_SKIP() << "needs LOYALTY_TEST_DB (scripts/with-postgres.sh)";
    ASSERT_EQ(::access("/usr/sbin/nginx", X_OK), 0) << "nginx is not installed";
    a_ = std::make_unique<ServerProcess>(db(),
                                         std::vector<std::string>{"--trusted-proxy", "127.0.0.1"});
    b_ = std::make_unique<ServerProcess>(db(),
                                         std::vector<std::string>{"--trusted-proxy", "127.0.0.1"});
    nginx_ = std::make_unique<Nginx>(dir_.path(), a_->port(), b_->port());
  }
  std::string db() const { return dir_.path() + "/shared.db"; }
  httplib::Result post(const std::string& path, const httplib::Headers& h, const json& body) {
    return nginx_->client()->Post(path, h, body.dump(), "application/json");
  }
  std::set<std::string> used() const {
    const auto all = nginx_->upstreams();
    return {all.begin(), all.end()};
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> a_, b_;
  std::unique_ptr<Nginx> nginx_;
};

TEST_F(ThroughNginx, ARedemptionRaceSplitOverBothInstancesLetsExactlyTheAffordableNumberThrough) {
  ASSERT_EQ(post("/v1/members", admin("enrol"), {{"member_id", "m-1"}, {"email", "a@b.c"}})->status,
            201);
  auto order =
      post("/v1/orders", admin("o-1"),
           json::parse(R"({"member_id":"m-1","order_id":"o-1","cart":)" + cart_json(250000) + "}"));
  ASSERT_EQ(body(order)["balance"], 2500);  // 25 mugs' worth
  const std::string tok = token("m-1");
  std::atomic<int> ok{0}, rejected{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&, i] {
      auto r = nginx_->client()->Post("/v1/members/me/redemptions",
                                      shopper(tok, "race-" + std::to_string(i)),
                                      R"({"reward":"mug"})", "application/json");
      (r && r->status == 200 ? ok : r && r->status == 422 ? rejected : other)++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 25);
  EXPECT_EQ(rejected.load(), 25);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(used().size(), 2u) << "nginx sent the race to both instances";
  EXPECT_EQ(body(nginx_->client()->Get("/v1/members/me", shopper(tok)))["balance"], 0);
}

TEST_F(ThroughNginx, ARetryThatLandsOnTheOtherInstanceAnswersTheFirstAnswer) {
  ASSERT_EQ(post("/v1/members", admin("enrol"), {{"member_id", "m-1"}, {"email", "a@b.c"}})->status,
            201);
  const json adjust = {{"member_id", "m-1"}, {"points", 7}, {"reason", "retry"}};
  auto first = post("/v1/adjustments", admin("once"), adjust);
  ASSERT_EQ(first->status, 200);
  for (int i = 0; i < 4; ++i) {
    auto again = post("/v1/adjustments", admin("once"), adjust);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
    EXPECT_EQ(again->body, first->body);
  }
  EXPECT_EQ(used().size(), 2u) << "round robin: the retries reached the other instance too";
  EXPECT_EQ(body(nginx_->client()->Get("/v1/members/me", shopper(token("m-1"))))["balance"], 7);
}

TEST_F(ThroughNginx, ASigkillOfOneInstanceUnderWriteLoadLosesNoAcknowledgedWrite) {
  ASSERT_EQ(post("/v1/members", admin("enrol"), {{"member_id", "m-1"}, {"email", "a@b.c"}})->status,
            201);
  std::atomic<bool> stop{false};
  std::mutex m;
  std::vector<std::string> acknowledged;  // reasons of the adjustments answered 200
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        const std::string reason = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto r = post("/v1/adjustments", admin(reason),
                      {{"member_id", "m-1"}, {"points", 1}, {"reason", reason}});
        if (r && r->status == 200) {
          std::lock_guard lock(m);
          acknowledged.push_back(reason);
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  a_->kill9();
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_GT(acknowledged.size(), 20u);
  const json feed = body(b_->client()->Get("/v1/events?member=m-1&limit=1000", admin()));
  std::multiset<std::string> stored;
  for (const auto& e : feed["events"])
    if (e["type"] == "adjust") stored.insert(e["event"]["reason"].get<std::string>());
  for (const auto& reason : acknowledged)
    EXPECT_EQ(stored.count(reason), 1u) << reason << ": acknowledged, so stored exactly once";
}

}  // namespace
