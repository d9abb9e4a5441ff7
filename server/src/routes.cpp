#include "routes.hpp"

#include <algorithm>
#include <chrono>

#include "auth.hpp"
#include "clock.hpp"
#include "idempotency.hpp"
#include "log.hpp"

namespace srv {

using nlohmann::json;

namespace {

// Per-request bookkeeping for the access log (httplib runs one request per thread at a time).
struct RequestInfo {
  std::chrono::steady_clock::time_point start;
  std::string principal;
  std::string error_code;
};
thread_local RequestInfo t_info;

void send(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  if (!r.etag.empty()) res.set_header("ETag", r.etag);
  if (r.status == 304) return;
  res.set_content(r.body, "application/json");
  if (r.status >= 400) {
    auto j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_object())
      t_info.error_code = j["error"].value("code", "");
  }
}

void fail(httplib::Response& res, int status, const std::string& code, const std::string& message,
          const std::string& path = "") {
  send(res, error_reply(status, code, message, path));
}

struct Caller {
  bool admin = false;
  std::string member_id;  // shopper
};

bool is_bearer(const httplib::Request& req, std::string& token) {
  if (!req.has_header("Authorization")) return false;
  const std::string h = req.get_header_value("Authorization");
  if (h.size() < 7 || !std::equal(h.begin(), h.begin() + 7, "Bearer ", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      }))
    return false;
  token = h.substr(7);
  return true;
}

// Admin calls: X-Admin-Key. A shopper token, a missing or a wrong key: 403.
bool require_admin(const httplib::Request& req, httplib::Response& res, const Config& c) {
  if (req.has_header("X-Admin-Key") &&
      admin_key_matches(req.get_header_value("X-Admin-Key"), c.admin_key)) {
    t_info.principal = "admin";
    return true;
  }
  fail(res, 403, "forbidden", "this call needs the merchant's X-Admin-Key");
  return false;
}

// Shopper calls: a valid HS256 token; its `sub` is the member.
bool require_shopper(const httplib::Request& req, httplib::Response& res, const Config& c,
                     std::string& member_id) {
  std::string token;
  if (!is_bearer(req, token)) {
    fail(res, 401, "unauthorized", "this call needs Authorization: Bearer <token>");
    return false;
  }
  auto check = verify_token(token, c.token_secret, now_ms() / 1000);
  if (!check.ok) {
    fail(res, 401, "unauthorized", check.reason);
    return false;
  }
  member_id = check.member_id;
  t_info.principal = "member:" + member_id;
  return true;
}

// A JSON object body, or a 400 answered.
bool parse_body(const httplib::Request& req, httplib::Response& res, json& out) {
  if (loyalty::nests_deeper_than(req.body, kMaxDepth)) {
    fail(res, 413, "too_large",
         "the body nests deeper than " + std::to_string(kMaxDepth) + " levels");
    return false;
  }
  // nlohmann takes a NUL between tokens for the end of the input (`{...}\0` would pass): every
  // door refuses a NUL byte, as the core's reader does (docs/decisions.md).
  if (req.body.find('\0') != std::string::npos) {
    fail(res, 400, "invalid_json", "the body holds a NUL byte");
    return false;
  }
  out = json::parse(req.body, nullptr, false);
  if (out.is_discarded()) {
    fail(res, 400, "invalid_json", "the body is not valid JSON");
    return false;
  }
  if (!out.is_object()) {
    fail(res, 400, "invalid_request", "the body must be a JSON object");
    return false;
  }
  return true;
}

bool write_key(const httplib::Request& req, httplib::Response& res, const std::string& principal,
               WriteKey& k) {
  if (!req.has_header("Idempotency-Key")) {
    fail(res, 400, "missing_idempotency_key", "every write needs an Idempotency-Key header");
    return false;
  }
  k.key = req.get_header_value("Idempotency-Key");
  if (!valid_idempotency_key(k.key)) {
    fail(res, 400, "invalid_idempotency_key",
         "Idempotency-Key must be 1-255 printable ASCII characters");
    return false;
  }
  k.hash = request_hash(req.method, req.path, principal, req.body);
  return true;
}

// Keeps only the listed members of `body`; the first other one is a 400 with its pointer.
bool only(const json& body, std::initializer_list<const char*> allowed, httplib::Response& res) {
  for (const auto& [key, value] : body.items()) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      fail(res, 400, "invalid_request", "unknown member \"" + key + "\"", member_pointer(key));
      return false;
    }
  }
  return true;
}

bool need_string(const json& body, const char* field, httplib::Response& res) {
  if (!body.contains(field) || !body[field].is_string() || body[field].get<std::string>().empty()) {
    fail(res, 400, "invalid_request", std::string(field) + " must be a non-empty string",
         std::string("/") + field);
    return false;
  }
  return true;
}

json pick(const json& body, std::initializer_list<const char*> fields) {
  json out = json::object();
  for (const char* f : fields)
    if (body.contains(f) && !body[f].is_null()) out[f] = body[f];
  return out;
}

// Query parameters are percent-decoded bytes; only valid UTF-8 may go into a JSON request.
bool valid_utf8(const std::string& s) {
  try {
    (void)json(s).dump();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

bool parse_int(const std::string& s, std::int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (std::size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return false;
  out = std::stoll(s);
  return true;
}

}  // namespace

void install_routes(httplib::Server& svr, Service& service, const Config& cfg,
                    RateLimiter& limiter) {
  const Config& c = cfg;

  svr.set_pre_routing_handler([&c, &limiter](const httplib::Request& req, httplib::Response& res) {
    t_info = {std::chrono::steady_clock::now(), "", ""};
    const std::string origin = req.get_header_value("Origin");
    const bool allowed = !origin.empty() && std::find(c.cors_origins.begin(), c.cors_origins.end(),
                                                      origin) != c.cors_origins.end();
    if (allowed) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
      res.set_header("Access-Control-Expose-Headers", "ETag");
    }
    if (req.method == "OPTIONS") {
      if (!allowed) {
        fail(res, 403, "forbidden", "origin not allowed");
        return httplib::Server::HandlerResponse::Handled;
      }
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
      res.set_header("Access-Control-Allow-Headers",
                     "Authorization, Content-Type, Idempotency-Key, X-Admin-Key, If-None-Match");
      res.set_header("Access-Control-Max-Age", "600");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (limiter.enabled() && !req.has_header("X-Admin-Key")) {
      std::string client = req.remote_addr;
      std::string token;
      if (is_bearer(req, token)) {
        auto check = verify_token(token, c.token_secret, now_ms() / 1000);
        if (check.ok) client = "member:" + check.member_id;
      }
      if (!limiter.allow(client, now_ms())) {
        res.set_header("Retry-After", "1");
        fail(res, 429, "rate_limited", "too many requests; slow down");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413)
      fail(res, 413, "too_large", "the request body is too large");
    else if (res.status == 404)
      fail(res, 404, "not_found", "no such resource");
    else if (res.status == 400)
      fail(res, 400, "invalid_request", "malformed HTTP request");
    else
      fail(res, res.status, "http_error", "HTTP error");
  });

  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        fail(res, 500, "internal_error", what);
      });

  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    RequestLog l;
    l.method = req.method;
    l.path = req.path;
    l.remote = req.remote_addr;
    l.status = res.status;
    l.principal = t_info.principal;
    l.error_code = t_info.error_code;
    l.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_info.start)
            .count();
    l.bytes_in = req.body.size();
    l.bytes_out = res.body.size();
    log_request(l);
  });

  svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"ok\":true}", "application/json");
  });

  svr.Get("/v1/program", [&service](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("version")) {
      std::int64_t version = 0;
      if (!parse_int(req.get_param_value("version"), version) || version < 1)
        return fail(res, 400, "invalid_request", "version must be a positive integer", "version");
      return send(res, service.get_program_version(version, req.get_header_value("If-None-Match")));
    }
    send(res, service.get_program(req.get_header_value("If-None-Match")));
  });

  svr.Get("/v1/program/versions", [&](const httplib::Request& req, httplib::Response& res) {
    if (!require_admin(req, res, c)) return;
    send(res, service.program_versions());
  });

  svr.Put("/v1/program", [&](const httplib::Request& req, httplib::Response& res) {
    if (!require_admin(req, res, c)) return;
    WriteKey k;
    if (!write_key(req, res, "admin", k)) return;
    send(res, service.put_program(req.body, k));
  });

  svr.Post("/v1/members", [&](const httplib::Request& req, httplib::Response& res) {
    if (!require_admin(req, res, c)) return;
    json body;
    WriteKey k;
    if (!write_key(req, res, "admin", k) || !parse_body(req, res, body)) return;
    send(res, service.enroll(body, k));
  });

  svr.Get("/v1/members/me", [&](const httplib::Request& req, httplib::Response& res) {
    std::string member;
    if (!require_shopper(req, res, c, member)) return;
    send(res, service.get_member(member));
  });

  svr.Post("/v1/members/me/preview", [&](const httplib::Request& req, httplib::Response& res) {
    std::string member;
    json body;
    if (!require_shopper(req, res, c, member) || !parse_body(req, res, body)) return;
    send(res, service.preview(member, body));
  });

  svr.Post("/v1/members/me/actions", [&](const httplib::Request& req, httplib::Response& res) {
    std::string member;
    json body;
    WriteKey k;
    if (!require_shopper(req, res, c, member) || !write_key(req, res, "member:" + member, k) ||
        !parse_body(req, res, body) || !only(body, {"action"}, res) ||
        !need_string(body, "action", res))
      return;
    send(res, service.member_event(member, "action", pick(body, {"action"}), "", k));
  });

  svr.Post("/v1/members/me/redemptions", [&](const httplib::Request& req, httplib::Response& res) {
    std::string member;
    json body;
    WriteKey k;
    if (!require_shopper(req, res, c, member) || !write_key(req, res, "member:" + member, k) ||
        !parse_body(req, res, body) || !only(body, {"reward", "option"}, res) ||
        !need_string(body, "reward", res))
      return;
    send(res, service.member_event(member, "redeem", pick(body, {"reward", "option"}), "", k));
  });

  svr.Post("/v1/orders", [&](const httplib::Request& req, httplib::Response& res) {
    json body;
    WriteKey k;
    if (!require_admin(req, res, c) || !write_key(req, res, "admin", k) ||
        !parse_body(req, res, body) ||
        !only(body, {"member_id", "order_id", "cart", "redeem", "vouchers", "at"}, res) ||
        !need_string(body, "member_id", res) || !need_string(body, "order_id", res))
      return;
    if (!body.contains("cart") || !body["cart"].is_object())
      return fail(res, 400, "invalid_cart", "cart must be an object", "/cart");
    std::string at;
    if (body.contains("at") && !body["at"].is_null()) {
      auto when =
          body["at"].is_string() ? parse_rfc3339(body["at"].get<std::string>()) : std::nullopt;
      if (!when)
        return fail(res, 400, "invalid_request", "at must be an RFC 3339 timestamp with an offset",
                    "/at");
      if (*when > now_ms() + 1000)
        return fail(res, 400, "invalid_request", "at must not be in the future", "/at");
      at = body["at"].get<std::string>();
    }
    send(res, service.member_event(body["member_id"].get<std::string>(), "order",
                                   pick(body, {"order_id", "cart", "redeem", "vouchers"}), at, k));
  });

  svr.Post("/v1/refunds", [&](const httplib::Request& req, httplib::Response& res) {
    json body;
    WriteKey k;
    if (!require_admin(req, res, c) || !write_key(req, res, "admin", k) ||
        !parse_body(req, res, body) || !only(body, {"member_id", "order_id", "lines"}, res) ||
        !need_string(body, "member_id", res) || !need_string(body, "order_id", res))
      return;
    send(res, service.member_event(body["member_id"].get<std::string>(), "refund",
                                   pick(body, {"order_id", "lines"}), "", k));
  });

  svr.Post("/v1/adjustments", [&](const httplib::Request& req, httplib::Response& res) {
    json body;
    WriteKey k;
    if (!require_admin(req, res, c) || !write_key(req, res, "admin", k) ||
        !parse_body(req, res, body) || !only(body, {"member_id", "points", "reason"}, res) ||
        !need_string(body, "member_id", res) || !need_string(body, "reason", res))
      return;
    if (!body.contains("points") || !body["points"].is_number_integer())
      return fail(res, 400, "invalid_request", "points must be an integer", "/points");
    send(res, service.member_event(body["member_id"].get<std::string>(), "adjust",
                                   pick(body, {"points", "reason"}), "", k));
  });

  svr.Get("/v1/events", [&](const httplib::Request& req, httplib::Response& res) {
    if (!require_admin(req, res, c)) return;
    std::int64_t after = 0, limit = 100;
    if (req.has_param("after") && !parse_int(req.get_param_value("after"), after))
      return fail(res, 400, "invalid_request", "after must be an integer (a seq)", "after");
    if (req.has_param("limit") &&
        (!parse_int(req.get_param_value("limit"), limit) || limit < 1 || limit > 1000))
      return fail(res, 400, "invalid_request", "limit must be 1-1000", "limit");
    send(res, service.events(req.get_param_value("member"), after, static_cast<int>(limit)));
  });

  svr.Get("/v1/metrics", [&](const httplib::Request& req, httplib::Response& res) {
    if (!require_admin(req, res, c)) return;
    json request = json::object();
    for (const char* f : {"from", "until"})
      if (req.has_param(f)) {
        const std::string v = req.get_param_value(f);
        if (!valid_utf8(v))
          return fail(res, 400, "invalid_request", std::string(f) + " must be a timestamp",
                      std::string("/") + f);
        request[f] = v;
      }
    for (const char* f : {"total_customers", "churn_days"}) {
      if (!req.has_param(f)) continue;
      std::int64_t v = 0;
      if (!parse_int(req.get_param_value(f), v))
        return fail(res, 400, "invalid_request", std::string(f) + " must be an integer",
                    std::string("/") + f);
      request[f] = v;
    }
    send(res, service.metrics(request));
  });
}

}  // namespace srv
