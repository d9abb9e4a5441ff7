#include "webhook_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <functional>
#include <memory>

namespace srv {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

http::request<http::string_body> request_for(const WebhookTarget& to, const std::string& event_id,
                                             const std::string& signature,
                                             const std::string& body) {
  http::request<http::string_body> req{http::verb::post, to.target, 11};
  req.set(http::field::host, to.host);
  req.set(http::field::user_agent, "loyalty-server webhooks");
  req.set(http::field::content_type, "application/json");
  req.set("Loyalty-Signature", signature);
  req.set("Loyalty-Event-Id", event_id);
  req.body() = body;
  req.prepare_payload();
  return req;
}

// Write the request, read the answer; `done` gets the status (0 and the error on failure).
template <class Stream>
void exchange(Stream& stream, const http::request<http::string_body>& req,
              std::function<void(int, std::string)> done) {
  auto buffer = std::make_shared<beast::flat_buffer>();
  auto parser = std::make_shared<http::response_parser<http::string_body>>();
  parser->body_limit(64 * 1024);  // a receiver's answer is read, never kept
  http::async_write(stream, req, [&stream, buffer, parser, done](beast::error_code ec, auto) {
    if (ec) return done(0, "write: " + ec.message());
    // The handler keeps the buffer and the parser alive until the read is over.
    http::async_read(stream, *buffer, *parser, [buffer, parser, done](beast::error_code ec, auto) {
      if (ec) return done(0, "read: " + ec.message());
      done(static_cast<int>(parser->get().result_int()), "");
    });
  });
}

}  // namespace

bool parse_webhook_url(const std::string& url, WebhookTarget& out) {
  const bool tls = url.starts_with("https://");
  if (!tls && !url.starts_with("http://")) return false;
  const std::string rest = url.substr(tls ? 8 : 7);
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  if (authority.empty() || authority.find('@') != std::string::npos) return false;
  const auto colon = authority.rfind(':');
  out.tls = tls;
  out.host = colon == std::string::npos ? authority : authority.substr(0, colon);
  out.port = colon == std::string::npos ? (tls ? "443" : "80") : authority.substr(colon + 1);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  return !out.host.empty() && !out.port.empty();
}

// Asynchronous operations under one deadline: Beast's stream timeouts bound asynchronous calls
// only, and io_context::run_for bounds the whole delivery, name resolution included.
DeliveryResult post_webhook(const WebhookTarget& to, const std::string& event_id,
                            const std::string& signature, const std::string& body,
                            std::chrono::milliseconds timeout) {
  DeliveryResult result;
  bool finished = false;
  const auto done = [&](int status, std::string error) {
    finished = true;
    result.status = status;
    result.error = std::move(error);
  };
  const auto req = request_for(to, event_id, signature, body);
  net::io_context io;
  net::ssl::context ctx(net::ssl::context::tls_client);
  tcp::resolver resolver(io);
  beast::tcp_stream plain(io);
  beast::ssl_stream<beast::tcp_stream> secure(io, ctx);
  beast::tcp_stream& socket = to.tls ? beast::get_lowest_layer(secure) : plain;
  socket.expires_after(timeout);
  if (to.tls) {
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(net::ssl::verify_peer);
    SSL_set_tlsext_host_name(secure.native_handle(), to.host.c_str());
    secure.set_verify_callback(net::ssl::host_name_verification(to.host));
  }
  resolver.async_resolve(
      to.host, to.port, [&](beast::error_code ec, tcp::resolver::results_type endpoints) {
        if (ec) return done(0, "resolve: " + ec.message());
        socket.async_connect(endpoints, [&](beast::error_code ec, auto) {
          if (ec) return done(0, "connect: " + ec.message());
          if (!to.tls) return exchange(plain, req, done);
          secure.async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec) {
            if (ec) return done(0, "tls: " + ec.message());
            exchange(secure, req, done);
          });
        });
      });
  io.run_for(timeout);
  if (!finished) done(0, "no answer within " + std::to_string(timeout.count()) + " ms");
  return result;
}

}  // namespace srv
