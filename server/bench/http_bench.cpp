// loyalty-http-bench: measures loyalty-server over loopback while hostile or idle clients hold
// connections open (not a test; figures go in server/README.md).
//
//   loyalty-http-bench --port P --mode health|reads|orders [--conns 8] [--seconds 10]
//       [--idle N] [--slow N] [--keepalive N] [--token T] [--admin-key K] [--members 200]
//
// --idle N       N connections that connect and never send a byte (reconnected when cut);
// --slow N       N clients sending one byte a second: half in their headers (slowloris), half in
//                a body (slow POST); reconnected whenever the server cuts them off;
// --keepalive N  N connections that make one request and then sit idle, as browsers do;
// --conns C      C clients sending requests back to back on keep-alive connections: GET /healthz,
//                GET /v1/members/me (--token), or POST /v1/orders (--admin-key, --members).
// Prints one JSON line with the request rate and the latency percentiles of those requests.
#include <sys/resource.h>

// Boost 1.74's asio/awaitable.hpp needs <utility> first under C++20 (see toolchain notes).
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int port = 8080;
  std::string mode = "health";
  int conns = 8, idle = 0, slow = 0, keepalive = 0, members = 200;
  double seconds = 10;
  std::string token, admin_key = "bench-admin";
};

struct Totals {
  std::vector<double> latencies_ms;
  long errors = 0, non_2xx = 0;
  long idle_open = 0, slow_open = 0, keepalive_open = 0, slow_cut = 0;
  bool measuring = false;
};

tcp::endpoint target(const Options& o) {
  return {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o.port)};
}

// A connection that opens and then waits for the server to close it; reconnects after a cut.
// `hello` (possibly empty) is sent once after connecting; `drip` (if not empty) is sent one
// byte a second forever.
class Holder : public std::enable_shared_from_this<Holder> {
 public:
  Holder(net::io_context& io, const Options& o, Totals& t, long& open_count, std::string hello,
         bool drip)
      : io_(io),
        o_(o),
        t_(t),
        open_(open_count),
        hello_(std::move(hello)),
        drip_(drip),
        socket_(io),
        timer_(io) {}
  void start() { connect(); }

 private:
  void connect() {
    socket_ = tcp::socket(io_);
    socket_.async_connect(target(o_), [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->retry();
      ++self->open_;
      self->connected_ = true;
      if (!self->hello_.empty())
        net::async_write(self->socket_, net::buffer(self->hello_),
                         [self](beast::error_code, std::size_t) {});
      self->wait_for_close();
      if (self->drip_) self->tick();
    });
  }
  void wait_for_close() {
    socket_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec) return self->wait_for_close();  // e.g. an answer
                              self->cut();
                            });
  }
  void tick() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || !self->connected_) return;
      static const char byte = 'x';
      net::async_write(self->socket_, net::buffer(&byte, 1),
                       [self](beast::error_code e, std::size_t) {
                         if (!e) self->tick();
                       });
    });
  }
  void cut() {
    if (!connected_) return;
    connected_ = false;
    --open_;
    if (drip_) ++t_.slow_cut;
    timer_.cancel();
    beast::error_code ec;
    socket_.close(ec);
    retry();
  }
  void retry() {
    timer_.expires_after(std::chrono::milliseconds(100));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec || ec == net::error::operation_aborted) self->connect();
    });
  }

  net::io_context& io_;
  const Options& o_;
  Totals& t_;
  long& open_;
  std::string hello_;
  bool drip_;
  tcp::socket socket_;
  net::steady_timer timer_;
  std::array<char, 512> scratch_{};
  bool connected_ = false;
};

// A client sending requests back to back on one keep-alive connection.
class Worker : public std::enable_shared_from_this<Worker> {
 public:
  Worker(net::io_context& io, const Options& o, Totals& t, int id, Clock::time_point end)
      : io_(io), o_(o), t_(t), id_(id), end_(end), stream_(io) {}
  void start() { connect(); }

 private:
  void connect() {
    stream_.close();
    stream_.async_connect(target(o_), [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        ++self->t_.errors;
        return self->connect();
      }
      self->send();
    });
  }
  void send() {
    if (Clock::now() >= end_) return;
    request_ = {};
    request_.version(11);
    request_.set(http::field::host, "bench");
    if (o_.mode == "orders") {
      const std::string k = "bench-" + std::to_string(id_) + "-" + std::to_string(++count_) + "-" +
                            std::to_string(run_id());
      const int member = static_cast<int>((count_ * 7 + id_) % o_.members);
      request_.method(http::verb::post);
      request_.target("/v1/orders");
      request_.set("X-Admin-Key", o_.admin_key);
      request_.set("Idempotency-Key", k);
      request_.set(http::field::content_type, "application/json");
      request_.body() =
          R"({"member_id":"bench-)" + std::to_string(member) + R"(","order_id":")" + k +
          R"(","cart":{"currency":"PEN","lines":[{"sku":"latte","category":"coffee","unit_price_minor":1250,"quantity":2}]}})";
    } else if (o_.mode == "reads") {
      request_.method(http::verb::get);
      request_.target("/v1/members/me");
      request_.set(http::field::authorization, "Bearer " + o_.token);
    } else {
      request_.method(http::verb::get);
      request_.target("/healthz");
    }
    request_.prepare_payload();
    sent_ = Clock::now();
    http::async_write(stream_, request_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->failed();
                        self->receive();
                      });
  }
  void receive() {
    response_ = {};
    http::async_read(
        stream_, buffer_, response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->failed();
          if (self->t_.measuring) {
            self->t_.latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - self->sent_).count());
            if (self->response_.result_int() >= 300) ++self->t_.non_2xx;
          }
          if (!self->response_.keep_alive()) return self->connect();
          self->send();
        });
  }
  void failed() {
    if (t_.measuring) ++t_.errors;
    buffer_.clear();
    connect();
  }
  static long run_id() {
    static const long id = static_cast<long>(std::time(nullptr));
    return id;
  }

  net::io_context& io_;
  const Options& o_;
  Totals& t_;
  int id_;
  Clock::time_point end_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  Clock::time_point sent_;
  long count_ = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--port")
      o.port = std::atoi(v.c_str());
    else if (a == "--mode")
      o.mode = v;
    else if (a == "--conns")
      o.conns = std::atoi(v.c_str());
    else if (a == "--seconds")
      o.seconds = std::atof(v.c_str());
    else if (a == "--idle")
      o.idle = std::atoi(v.c_str());
    else if (a == "--slow")
      o.slow = std::atoi(v.c_str());
    else if (a == "--keepalive")
      o.keepalive = std::atoi(v.c_str());
    else if (a == "--token")
      o.token = v;
    else if (a == "--admin-key")
      o.admin_key = v;
    else if (a == "--members")
      o.members = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      std::exit(2);
    }
  }
  return o;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  net::io_context io;
  Totals t;
  const std::string slow_header = "GET /v1/program HTTP/1.1\r\nHost: bench\r\nX-Slow: ";
  const std::string slow_body =
      "POST /v1/members HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
      "Content-Length: 100000\r\n\r\n{";
  const std::string one_request = "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n";
  for (int i = 0; i < o.idle; ++i)
    std::make_shared<Holder>(io, o, t, t.idle_open, "", false)->start();
  for (int i = 0; i < o.slow; ++i)
    std::make_shared<Holder>(io, o, t, t.slow_open, i % 2 ? slow_body : slow_header, true)->start();
  for (int i = 0; i < o.keepalive; ++i)
    std::make_shared<Holder>(io, o, t, t.keepalive_open, one_request, false)->start();

  // Let the crowd connect (up to 20 s), then measure.
  const auto crowd_deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < crowd_deadline &&
         (t.idle_open < o.idle || t.slow_open < o.slow || t.keepalive_open < o.keepalive))
    io.run_for(std::chrono::milliseconds(50));
  const long idle_before = t.idle_open, slow_before = t.slow_open, ka_before = t.keepalive_open;

  t.measuring = true;
  const auto start = Clock::now();
  const auto end = start + std::chrono::milliseconds(static_cast<long>(o.seconds * 1000));
  for (int i = 0; i < o.conns; ++i) std::make_shared<Worker>(io, o, t, i, end)->start();
  while (Clock::now() < end + std::chrono::milliseconds(200))
    io.run_for(std::chrono::milliseconds(50));
  t.measuring = false;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> lat = t.latencies_ms;
  std::printf(
      "{\"mode\":\"%s\",\"conns\":%d,\"requests\":%zu,\"per_second\":%.1f,\"p50_ms\":%.2f,"
      "\"p99_ms\":%.2f,\"max_ms\":%.2f,\"errors\":%ld,\"non_2xx\":%ld,\"idle_open\":%ld,"
      "\"slow_open\":%ld,\"keepalive_open\":%ld,\"slow_cut_during_run\":%ld}\n",
      o.mode.c_str(), o.conns, lat.size(), static_cast<double>(lat.size()) / elapsed,
      percentile(lat, 0.5), percentile(lat, 0.99), percentile(lat, 1.0), t.errors, t.non_2xx,
      std::min(idle_before, t.idle_open), std::min(slow_before, t.slow_open),
      std::min(ka_before, t.keepalive_open), t.slow_cut);
  return 0;
}
