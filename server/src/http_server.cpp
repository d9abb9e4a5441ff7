#include "http_server.hpp"

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility> (fails with
// g++ 12 in C++20): <utility> must come before any Asio header.
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "log.hpp"
#include "service.hpp"

namespace srv {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

struct Shared {
  Api& api;
  HttpLimits limits;
  net::thread_pool& workers;
};

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// One connection: read a request (under the deadlines and limits), let a worker answer it, write
// the answer, and again while the client keeps the connection alive. Every step runs on the
// connection's strand; only Api::handle runs on a worker.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
  }

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::await_request, shared_from_this()));
  }

 private:
  const HttpLimits& limits() const { return shared_.limits; }

  // Between requests the connection is idle: it may wait `idle` for a first byte, and costs
  // nothing but its socket and buffer meanwhile.
  void await_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().max_header));
    parser_->body_limit(limits().max_body);
    if (buffer_.size() > 0) return read_header();  // the next request came with the last one
    stream_.expires_after(limits().idle);
    stream_.async_read_some(buffer_.prepare(1024),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->close();  // idle too long, or the client left
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  // From the first byte, the whole header must arrive within `header` (slowloris ends there).
  void read_header() {
    started_ = std::chrono::steady_clock::now();
    stream_.expires_after(limits().header);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return refuse(ec);
    if (parser_->is_done()) return dispatch();
    // The body limit is already checked against Content-Length (413 before a byte of body);
    // a chunked body is counted as it arrives.
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(limits().write);
      return net::async_write(stream_, net::buffer(kContinue),
                              [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->close();
                                self->read_body();
                              });
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(limits().body);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) return refuse(ec);
    dispatch();
  }

  // A request that could not be read: answered (and the connection closed) when an answer
  // helps the client, dropped when it timed out or went away.
  void refuse(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      log_transport(408, "request_timeout");
      return close();
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::error::operation_aborted)
      return close();
    Response res;
    Reply r;
    if (ec == http::error::body_limit)
      r = error_reply(
          413, "too_large",
          "the request body is larger than " + std::to_string(limits().max_body) + " bytes");
    else if (ec == http::error::header_limit)
      r = error_reply(
          431, "header_too_large",
          "the request header is larger than " + std::to_string(limits().max_header) + " bytes");
    else
      r = error_reply(400, "invalid_request", "malformed HTTP request: " + ec.message());
    res.status = r.status;
    res.body = r.body;
    res.error_code = r.status == 413   ? "too_large"
                     : r.status == 431 ? "header_too_large"
                                       : "invalid_request";
    keep_alive_ = false;
    version_ = 11;
    method_ = parser_->is_header_done() ? std::string(parser_->get().method_string()) : "";
    path_ = parser_->is_header_done() ? std::string(parser_->get().target()) : "";
    respond(std::move(res));
  }

  void dispatch() {
    stream_.expires_never();  // the worker's time is not the client's
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    Request req;
    req.method = std::string(message.method_string());
    req.remote = remote_;
    for (const auto& field : message)
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    req.body = std::move(message.body());
    method_ = req.method;
    bytes_in_ = req.body.size();
    const auto target = message.target();
    if (!split_target(std::string_view(target.data(), target.size()), req.path, req.params)) {
      path_ = std::string(message.target());
      Response res;
      const Reply r = error_reply(400, "invalid_request", "malformed percent-encoding in the URL");
      res.status = r.status;
      res.body = r.body;
      res.error_code = "invalid_request";
      return respond(std::move(res));
    }
    path_ = req.path;
    if (auto early = shared_.api.admit(req)) return respond(std::move(*early));
    // The worker starts the answer's write itself: nothing else touches this connection while
    // its request is out (no read is pending and the deadline is off), and the write's
    // completion runs on the connection's strand. Posting back first would cost a third thread
    // wake-up per request (docs/performance.md).
    net::post(shared_.workers, [self = shared_from_this(), req = std::move(req)]() mutable {
      self->respond(self->shared_.api.handle(req));
    });
  }

  void respond(Response r) {
    log_answer(r);
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(r.status));
    if (r.status != 204 && r.status != 304 && !r.content_type.empty())
      response_.set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) response_.insert(name, value);
    response_.keep_alive(keep_alive_);
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    if (r.head_only) response_.body().clear();  // Content-Length stays the file's
    stream_.expires_after(limits().write);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (keep_alive_) return await_request();
    linger();
  }

  // After an answer that ends the connection (413 in the middle of a body, say), stop sending
  // and read-and-drop what the client still sends for a moment, so the answer is not lost to a
  // reset; nothing of it is kept.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    drain_ = std::make_unique<std::array<char, 4096>>();
    stream_.expires_after(std::chrono::seconds(1));
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(*drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  void log_answer(const Response& r) {
    RequestLog l;
    l.method = method_;
    l.path = path_;
    l.remote = remote_;
    l.status = r.status;
    l.principal = r.principal;
    l.error_code = r.error_code;
    l.ms = ms_since(started_);
    l.bytes_in = bytes_in_;
    l.bytes_out = r.head_only ? 0 : r.body.size();
    log_request(l);
  }

  void log_transport(int status, const std::string& code) {
    Response r;
    r.status = status;
    r.error_code = code;
    method_ =
        parser_ && parser_->is_header_done() ? std::string(parser_->get().method_string()) : "";
    path_ = parser_ && parser_->is_header_done() ? std::string(parser_->get().target()) : "";
    log_answer(r);
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::unique_ptr<std::array<char, 4096>> drain_;
  std::string remote_, method_, path_;
  std::size_t bytes_in_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// Accepts connections, each on its own strand. When the process runs out of file descriptors
// the accept is retried a little later instead of spinning.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, Shared& shared)
      : io_(io), acceptor_(io), retry_(io), shared_(shared) {}

  int open(const std::string& address, int port) {
    const tcp::endpoint endpoint(net::ip::make_address(address), static_cast<unsigned short>(port));
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    return acceptor_.local_endpoint().port();
  }

  void accept() {
    acceptor_.async_accept(net::make_strand(io_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void close() {
    beast::error_code ec;
    acceptor_.close(ec);
    retry_.cancel();
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      log_event("accept_failed", ec.message());
      retry_.expires_after(std::chrono::milliseconds(50));
      retry_.async_wait([self = shared_from_this()](beast::error_code e) {
        if (!e) self->accept();
      });
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<Session>(std::move(socket), shared_)->start();
    accept();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  Shared& shared_;
};

// A job posted to the workers every `period` (housekeeping such as the idempotency sweep).
struct Periodic {
  Periodic(net::io_context& io, net::thread_pool& pool, std::chrono::milliseconds period,
           std::function<void()> job)
      : timer(io), pool(pool), period(period), job(std::move(job)) {}
  void arm(std::chrono::milliseconds delay) {
    timer.expires_after(delay);
    timer.async_wait([this](beast::error_code ec) {
      if (ec) return;
      // A job that fails (the database is down, say) is logged and tried again next period: an
      // exception escaping a worker would end the process.
      net::post(pool, [this] {
        try {
          job();
        } catch (const std::exception& e) {
          log_event("job_failed", e.what());
        }
      });
      arm(period);
    });
  }
  net::steady_timer timer;
  net::thread_pool& pool;
  std::chrono::milliseconds period;
  std::function<void()> job;
};

}  // namespace

struct HttpServer::Impl {
  Impl(Api& api, const HttpLimits& limits, int io_threads, int workers)
      : io(io_threads),
        pool(static_cast<std::size_t>(workers)),
        shared{api, limits, pool},
        listener(std::make_shared<Listener>(io, shared)),
        signals(io, SIGINT, SIGTERM),
        io_threads(io_threads) {}

  net::io_context io;
  net::thread_pool pool;
  Shared shared;
  std::shared_ptr<Listener> listener;
  net::signal_set signals;
  int io_threads;
  std::vector<std::unique_ptr<Periodic>> jobs;
};

HttpServer::HttpServer(Api& api, const HttpLimits& limits, int io_threads, int workers)
    : impl_(std::make_unique<Impl>(api, limits, io_threads, workers)) {}

HttpServer::~HttpServer() {
  impl_->io.stop();
  impl_->pool.join();
}

int HttpServer::listen(const std::string& address, int port) {
  return impl_->listener->open(address, port);
}

void HttpServer::every(std::chrono::milliseconds period, std::function<void()> job) {
  impl_->jobs.push_back(std::make_unique<Periodic>(impl_->io, impl_->pool, period, std::move(job)));
  impl_->jobs.back()->arm(std::chrono::milliseconds(0));
}

void HttpServer::run() {
  impl_->signals.async_wait([this](beast::error_code, int) { stop(); });
  impl_->listener->accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->io_threads; ++i) threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& t : threads) t.join();
  impl_->pool.join();
}

void HttpServer::stop() {
  net::post(impl_->io, [this] {
    impl_->listener->close();
    for (auto& j : impl_->jobs) j->timer.cancel();
    impl_->io.stop();
  });
}

}  // namespace srv
