// loyalty-server: flags, the database, the program, then HTTP until SIGINT/SIGTERM.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "auth.hpp"
#include "clock.hpp"
#include "config.hpp"
#include "log.hpp"
#include "routes.hpp"
#include "service.hpp"
#include "store.hpp"

namespace {
httplib::Server* g_server = nullptr;
void on_signal(int) {
  if (g_server) g_server->stop();
}
}  // namespace

int main(int argc, char** argv) {
  std::string error;
  auto config = srv::parse_config(argc, argv, error);
  if (!config) {
    std::fprintf(stderr, "loyalty-server: %s\n\n%s", error.c_str(), srv::usage());
    return 2;
  }
  const srv::Config& c = *config;
  if (c.help) {
    std::fputs(srv::usage(), stdout);
    return 0;
  }
  if (c.mint_member) {
    if (c.token_secret.empty()) {
      std::fprintf(stderr, "loyalty-server: --mint-token needs --token-secret\n");
      return 2;
    }
    std::printf(
        "%s\n",
        srv::mint_token(*c.mint_member, c.token_secret, srv::now_ms() / 1000, c.mint_ttl).c_str());
    return 0;
  }

  std::string initial;
  if (!c.program_file.empty()) {
    std::ifstream in(c.program_file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "loyalty-server: cannot read %s\n", c.program_file.c_str());
      return 1;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    initial = ss.str();
  }

  try {
    srv::Store store(c.db, c.sync);
    srv::Service service(store);
    if (!service.load_program(initial, error)) {
      std::fprintf(stderr, "loyalty-server: %s\n", error.c_str());
      return 1;
    }
    srv::RateLimiter limiter(c.rate_limit);
    httplib::Server server;
    server.new_task_queue = [n = c.threads] {
      return new httplib::ThreadPool(static_cast<size_t>(n));
    };
    server.set_payload_max_length(c.max_body);
    server.set_keep_alive_max_count(10000);
    server.set_keep_alive_timeout(30);
    if (!c.static_dir.empty() && !server.set_mount_point("/", c.static_dir)) {
      std::fprintf(stderr, "loyalty-server: --static %s is not a directory\n",
                   c.static_dir.c_str());
      return 1;
    }
    srv::install_routes(server, service, c, limiter);
    // httplib listens with a backlog of 5; bursts of concurrent clients then see dropped
    // connections. Keep the listening socket to raise the backlog after bind (Linux allows it).
    int listen_fd = -1;
    server.set_socket_options([&listen_fd](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      // Accepted sockets inherit TCP_NODELAY on Linux; without it httplib's separate header and
      // body writes meet delayed ACKs and every keep-alive answer waits ~40 ms.
      setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      listen_fd = sock;
    });

    int port = c.port;
    if (port == 0) {
      port = server.bind_to_any_port(c.bind);
      if (port < 0) throw std::runtime_error("cannot bind " + c.bind);
    } else if (!server.bind_to_port(c.bind, port)) {
      throw std::runtime_error("cannot bind " + c.bind + ":" + std::to_string(port));
    }
    if (listen_fd >= 0) ::listen(listen_fd, 1024);
    g_server = &server;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    std::printf("{\"listening\":\"%s:%d\"}\n", c.bind.c_str(), port);
    std::fflush(stdout);
    srv::log_event("start", c.bind + ":" + std::to_string(port) + " db=" + c.db);
    server.listen_after_bind();
    srv::log_event("stop", "");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loyalty-server: %s\n", e.what());
    return 1;
  }
  return 0;
}
