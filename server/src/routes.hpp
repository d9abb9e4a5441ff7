// The HTTP API of spec/sync.md, free of any HTTP library: identity, limits, CORS and error objects
// around Service. The transport calls admit() on its I/O thread (cheap checks that can end a
// request at once) and handle() on a worker thread (everything that touches the rules or the disk).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "http_message.hpp"
#include "rate_limit.hpp"
#include "service.hpp"
#include "static_files.hpp"

namespace srv {

class Api {
 public:
  Api(Service& service, const Config& config, RateLimiter& limiter);

  // A CORS preflight, a wrong X-Admin-Key (403) or a caller over the rate limit (429) is answered
  // here; nullopt = go on with handle().
  std::optional<Response> admit(const Request& req);
  // The call itself: a route, else a static file (--static), else 404.
  Response handle(const Request& req);

  using Handler = void (Api::*)(const Request&, Response&);
  struct Route {
    const char* method;
    const char* path;
    Handler handler;
  };

 private:
  void add_cors(const Request& req, Response& res) const;

  // Program and public calls.
  void healthz(const Request&, Response&);
  void get_program(const Request&, Response&);
  void program_versions(const Request&, Response&);
  void put_program(const Request&, Response&);
  // The shopper's own calls.
  void get_me(const Request&, Response&);
  void history(const Request&, Response&);
  void preview(const Request&, Response&);
  void action(const Request&, Response&);
  void redemption(const Request&, Response&);
  void spin(const Request&, Response&);
  void claim(const Request&, Response&);
  // The merchant's writes.
  void enrol(const Request&, Response&);
  void order(const Request&, Response&);
  void refund(const Request&, Response&);
  void adjustment(const Request&, Response&);
  // POST /v1/members/{id}/membership: the id is taken from the path.
  void membership(const Request&, Response&, const std::string& member_id);
  // The merchant's reads.
  void events(const Request&, Response&);
  void find_member(const Request&, Response&);
  void patch_member(const Request&, Response&, const std::string& member_id);
  void export_member(const Request&, Response&, const std::string& member_id);
  void erase_member(const Request&, Response&, const std::string& member_id);
  void ledger_sample(const Request&, Response&);
  void metrics(const Request&, Response&);
  void points_ledger(const Request&, Response&);

  static const std::vector<Route>& routes();

  Service& service_;
  const Config& config_;
  RateLimiter& limiter_;
  std::unique_ptr<StaticFiles> static_files_;
};

}  // namespace srv
