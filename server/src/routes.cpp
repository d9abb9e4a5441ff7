#include "routes.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "auth.hpp"
#include "clock.hpp"
#include "idempotency.hpp"

namespace srv {

using nlohmann::json;

namespace {

// The client's address: the peer's, or, when the peer is a trusted proxy, the last address its
// X-Forwarded-For names (the one the proxy saw; earlier ones are the client's own claims).
std::string client_address(const Request& req, const std::vector<std::string>& trusted) {
  if (std::find(trusted.begin(), trusted.end(), req.remote) == trusted.end()) return req.remote;
  const std::string forwarded = req.header("X-Forwarded-For");
  const auto comma = forwarded.rfind(',');
  std::string last = comma == std::string::npos ? forwarded : forwarded.substr(comma + 1);
  last.erase(0, last.find_first_not_of(' '));
  return last.empty() ? req.remote : last;
}

// The error object's code, kept for the access log.
std::string error_code_of(const std::string& body) {
  const auto j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("code") && j["error"]["code"].is_string())
    return j["error"]["code"].get<std::string>();
  return "";
}

void send(Response& res, const Reply& r) {
  res.status = r.status;
  if (!r.etag.empty()) res.set_header("ETag", r.etag);
  res.body = r.status == 304 ? std::string() : r.body;
  if (r.status >= 400) res.error_code = error_code_of(r.body);
}

void fail(Response& res, int status, const std::string& code, const std::string& message,
          const std::string& path = "") {
  send(res, error_reply(status, code, message, path));
}

bool is_bearer(const Request& req, std::string& token) {
  const std::string h = req.header("Authorization");
  if (h.size() < 7 || !std::equal(h.begin(), h.begin() + 7, "Bearer ", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      }))
    return false;
  token = h.substr(7);
  return true;
}

// Admin calls: X-Admin-Key. A shopper token, a missing or a wrong key: 403.
bool require_admin(const Request& req, Response& res, const Config& c) {
  if (req.has_header("X-Admin-Key") && admin_key_matches(req.header("X-Admin-Key"), c.admin_key)) {
    res.principal = "admin";
    return true;
  }
  fail(res, 403, "forbidden", "this call needs the merchant's X-Admin-Key");
  return false;
}

// Shopper calls: a valid HS256 token; its `sub` is the member.
bool require_shopper(const Request& req, Response& res, const Config& c, std::string& member_id) {
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
  res.principal = "member:" + member_id;
  return true;
}

// A JSON object body, or a 400 answered.
bool parse_body(const Request& req, Response& res, json& out) {
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

// The write's Idempotency-Key, stored under the caller (res.principal, set by require_admin or
// require_shopper) and the route, so no caller can answer or block another's write.
// `key_path`: the path the key is stored under, when the real one names a member whose erasure
// must not leave their id in the idempotency table.
bool write_key(const Request& req, Response& res, WriteKey& k,
               const std::string* key_path = nullptr) {
  if (!req.has_header("Idempotency-Key")) {
    fail(res, 400, "missing_idempotency_key", "every write needs an Idempotency-Key header");
    return false;
  }
  const std::string key = req.header("Idempotency-Key");
  if (!valid_idempotency_key(key)) {
    fail(res, 400, "invalid_idempotency_key",
         "Idempotency-Key must be 1-255 printable ASCII characters");
    return false;
  }
  k.key = caller_key(res.principal, req.method, key_path ? *key_path : req.path, key);
  k.hash = request_hash(req.method, req.path, res.principal, req.body);
  return true;
}

// Keeps only the listed members of `body`; the first other one is a 400 with its pointer.
bool only(const json& body, std::initializer_list<const char*> allowed, Response& res) {
  for (const auto& member : body.items()) {
    const std::string& key = member.key();  // a lambda may not capture a structured binding
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      fail(res, 400, "invalid_request", "unknown member \"" + key + "\"", member_pointer(key));
      return false;
    }
  }
  return true;
}

bool need_string(const json& body, const char* field, Response& res) {
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

// An order's optional `at` (imports of past orders): "" when absent, false when refused.
bool order_time(const json& body, Response& res, std::string& at) {
  if (!body.contains("at") || body["at"].is_null()) return true;
  auto when = body["at"].is_string() ? parse_rfc3339(body["at"].get<std::string>()) : std::nullopt;
  if (!when) {
    fail(res, 400, "invalid_request", "at must be an RFC 3339 timestamp with an offset", "/at");
    return false;
  }
  if (*when > now_ms() + 1000) {
    fail(res, 400, "invalid_request", "at must not be in the future", "/at");
    return false;
  }
  at = body["at"].get<std::string>();
  return true;
}

}  // namespace

const std::vector<Api::Route>& Api::routes() {
  static const std::vector<Route> table = {
      {"GET", "/healthz", &Api::healthz},
      {"GET", "/v1/program", &Api::get_program},
      {"GET", "/v1/program/versions", &Api::program_versions},
      {"PUT", "/v1/program", &Api::put_program},
      {"POST", "/v1/members", &Api::enrol},
      {"GET", "/v1/members", &Api::find_member},
      {"GET", "/v1/members/me", &Api::get_me},
      {"GET", "/v1/members/me/history", &Api::history},
      {"POST", "/v1/members/me/preview", &Api::preview},
      {"POST", "/v1/members/me/actions", &Api::action},
      {"POST", "/v1/members/me/redemptions", &Api::redemption},
      {"POST", "/v1/members/me/spins", &Api::spin},
      {"POST", "/v1/members/me/claims", &Api::claim},
      {"POST", "/v1/orders", &Api::order},
      {"POST", "/v1/refunds", &Api::refund},
      {"POST", "/v1/adjustments", &Api::adjustment},
      {"GET", "/v1/events", &Api::events},
      {"GET", "/v1/metrics", &Api::metrics},
      {"GET", "/v1/metrics/ledger.csv", &Api::points_ledger},
      {"GET", "/v1/ledger-sample", &Api::ledger_sample},
  };
  return table;
}

Api::Api(Service& service, const Config& config, RateLimiter& limiter)
    : service_(service), config_(config), limiter_(limiter) {
  if (!config.static_dir.empty()) static_files_ = std::make_unique<StaticFiles>(config.static_dir);
}

void Api::add_cors(const Request& req, Response& res) const {
  const std::string origin = req.header("Origin");
  const auto& allowed = config_.cors_origins;
  if (origin.empty() || std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) return;
  res.set_header("Access-Control-Allow-Origin", origin);
  res.set_header("Vary", "Origin");
  res.set_header("Access-Control-Expose-Headers", "ETag");
}

std::optional<Response> Api::admit(const Request& req) {
  Response res;
  add_cors(req, res);
  if (req.method == "OPTIONS") {
    if (!res.has_header("Access-Control-Allow-Origin")) {
      fail(res, 403, "forbidden", "origin not allowed");
      return res;
    }
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
    res.set_header("Access-Control-Allow-Headers",
                   "Authorization, Content-Type, Idempotency-Key, X-Admin-Key, If-None-Match");
    res.set_header("Access-Control-Max-Age", "600");
    return res;
  }
  // Only the right admin key lifts the rate limit; a wrong one is refused before anything else,
  // so guessing keys costs the guesser a round trip each and the server nothing.
  if (req.has_header("X-Admin-Key")) {
    if (admin_key_matches(req.header("X-Admin-Key"), config_.admin_key)) return std::nullopt;
    fail(res, 403, "forbidden", "wrong X-Admin-Key");
    return res;
  }
  if (!limiter_.enabled()) return std::nullopt;
  std::string client = "addr:" + client_address(req, config_.trusted_proxies);
  std::string token;
  if (is_bearer(req, token)) {
    auto check = verify_token(token, config_.token_secret, now_ms() / 1000);
    if (check.ok) client = "member:" + check.member_id;
  }
  if (limiter_.allow(client, now_ms())) return std::nullopt;
  res.set_header("Retry-After", "1");
  fail(res, 429, "rate_limited", "too many requests; slow down");
  return res;
}

// The member id of "/v1/members/{id}" + `suffix` requested with `method` (an id holds no "/").
std::optional<std::string> member_route(const Request& req, const char* method,
                                        const std::string& suffix) {
  static const std::string kMembers = "/v1/members/";
  const std::string& p = req.path;
  if (req.method != method || p.size() <= kMembers.size() + suffix.size() ||
      p.compare(0, kMembers.size(), kMembers) != 0 ||
      p.compare(p.size() - suffix.size(), std::string::npos, suffix) != 0)
    return std::nullopt;
  std::string id = p.substr(kMembers.size(), p.size() - kMembers.size() - suffix.size());
  if (id.find('/') != std::string::npos) return std::nullopt;
  return id;
}

Response Api::handle(const Request& req) {
  Response res;
  try {
    const auto& table = routes();
    const auto route = std::find_if(table.begin(), table.end(), [&](const Route& r) {
      return req.method == r.method && req.path == r.path;
    });
    if (route != table.end()) {
      (this->*route->handler)(req, res);
    } else if (auto id = member_route(req, "POST", "/membership")) {
      membership(req, res, *id);
    } else if (auto id = member_route(req, "PATCH", "")) {
      patch_member(req, res, *id);
    } else if (auto id = member_route(req, "GET", "/export")) {
      export_member(req, res, *id);
    } else if (auto id = member_route(req, "POST", "/erase")) {
      erase_member(req, res, *id);
    } else if (auto file = static_files_ ? static_files_->serve(req) : std::nullopt) {
      res = std::move(*file);
    } else {
      fail(res, 404, "not_found", "no such resource");
    }
  } catch (const StoreUnavailable& e) {
    // The database went away mid-request: its transaction is rolled back, nothing is stored,
    // and the same request (same Idempotency-Key) may simply be sent again.
    res = Response{};
    res.set_header("Retry-After", "1");
    fail(res, 503, "unavailable", std::string("the database is unavailable: ") + e.what());
  } catch (const std::exception& e) {
    res = Response{};
    fail(res, 500, "internal_error", e.what());
  }
  add_cors(req, res);
  return res;
}

void Api::healthz(const Request&, Response& res) {
  res.body = "{\"ok\":true}";
}

void Api::get_program(const Request& req, Response& res) {
  if (req.has_param("version")) {
    std::int64_t version = 0;
    if (!parse_int(req.param("version"), version) || version < 1)
      return fail(res, 400, "invalid_request", "version must be a positive integer", "version");
    return send(res, service_.get_program_version(version, req.header("If-None-Match")));
  }
  send(res, service_.get_program(req.header("If-None-Match")));
}

void Api::program_versions(const Request& req, Response& res) {
  if (!require_admin(req, res, config_)) return;
  send(res, service_.program_versions());
}

// PUT /v1/program[?note=]: the note is part of what the key's hash covers; `If-Match: "N"`
// publishes only over version N (412 otherwise), so two editors cannot overwrite each other.
void Api::put_program(const Request& req, Response& res) {
  WriteKey k;
  if (!require_admin(req, res, config_) || !write_key(req, res, k)) return;
  Service::PublishOptions o;
  o.note = req.param("note");
  if (!valid_utf8(o.note) || o.note.size() > 500)
    return fail(res, 400, "invalid_request", "note must be UTF-8, at most 500 bytes", "/note");
  k.hash = request_hash(req.method, req.path, res.principal, req.body + "\n" + o.note);
  if (req.has_header("If-Match")) {
    std::string tag = req.header("If-Match");
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
      tag = tag.substr(1, tag.size() - 2);
    std::int64_t version = 0;
    if (!parse_int(tag, version))
      return fail(res, 400, "invalid_request", "If-Match must be a version's ETag like \"3\"", "");
    o.if_match = version;
  }
  send(res, service_.put_program(req.body, o, k));
}

void Api::get_me(const Request& req, Response& res) {
  std::string member;
  if (!require_shopper(req, res, config_, member)) return;
  send(res, service_.get_member(member));
}

// Older history, paged (spec/sync.md): ?before=<cursor from the previous page>&limit=1-200.
void Api::history(const Request& req, Response& res) {
  std::string member;
  if (!require_shopper(req, res, config_, member)) return;
  std::int64_t before = INT64_MAX, limit = 50;
  if (req.has_param("before") && (!parse_int(req.param("before"), before) || before < 1))
    return fail(res, 400, "invalid_request", "before must be a cursor from a previous page",
                "before");
  if (req.has_param("limit") && (!parse_int(req.param("limit"), limit) || limit < 1 || limit > 200))
    return fail(res, 400, "invalid_request", "limit must be 1-200", "limit");
  send(res, service_.history(member, before, static_cast<int>(limit)));
}

void Api::preview(const Request& req, Response& res) {
  std::string member;
  json body;
  if (!require_shopper(req, res, config_, member) || !parse_body(req, res, body)) return;
  send(res, service_.preview(member, body));
}

void Api::action(const Request& req, Response& res) {
  std::string member;
  json body;
  WriteKey k;
  if (!require_shopper(req, res, config_, member) || !write_key(req, res, k) ||
      !parse_body(req, res, body) || !only(body, {"action"}, res) ||
      !need_string(body, "action", res))
    return;
  send(res, service_.member_event(member, "action", pick(body, {"action"}), "", k));
}

void Api::redemption(const Request& req, Response& res) {
  std::string member;
  json body;
  WriteKey k;
  if (!require_shopper(req, res, config_, member) || !write_key(req, res, k) ||
      !parse_body(req, res, body) || !only(body, {"reward", "option"}, res) ||
      !need_string(body, "reward", res))
    return;
  send(res, service_.member_event(member, "redeem", pick(body, {"reward", "option"}), "", k));
}

namespace {

// A uniformly random integer in [0, 2^63) from the CSPRNG: the draw of a spin (engagement.md: the
// shopper chooses nothing, and replays give the same prize because the draw is in the event).
bool random_draw(std::int64_t& out) {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return false;
  std::uint64_t v = 0;
  for (unsigned char b : bytes) v = (v << 8) | b;
  out = static_cast<std::int64_t>(v >> 1);
  return true;
}

}  // namespace

void Api::spin(const Request& req, Response& res) {
  std::string member;
  json body;
  WriteKey k;
  if (!require_shopper(req, res, config_, member) || !write_key(req, res, k) ||
      !parse_body(req, res, body) || !only(body, {"wheel"}, res) ||
      !need_string(body, "wheel", res))
    return;
  std::int64_t draw = 0;
  if (!random_draw(draw)) return fail(res, 500, "internal_error", "no random bytes for the draw");
  send(res, service_.spin(member, body["wheel"].get<std::string>(), draw, k));
}

void Api::claim(const Request& req, Response& res) {
  std::string member;
  json body;
  WriteKey k;
  if (!require_shopper(req, res, config_, member) || !write_key(req, res, k) ||
      !parse_body(req, res, body) || !only(body, {"code"}, res) || !need_string(body, "code", res))
    return;
  send(res, service_.claim(member, body["code"].get<std::string>(), k));
}

// One membership event for a member (engagement.md "Paid membership"): the merchant's backend
// reports a start, a payment it took, or a cancellation.
void Api::membership(const Request& req, Response& res, const std::string& member_id) {
  json body;
  WriteKey k;
  if (!require_admin(req, res, config_) || !write_key(req, res, k) || !parse_body(req, res, body) ||
      !only(body, {"type", "amount_minor"}, res) || !need_string(body, "type", res))
    return;
  if (member_id.find('/') != std::string::npos)
    return fail(res, 404, "not_found", "no such resource");
  const std::string type = body["type"].get<std::string>();
  if (type != "membership_start" && type != "membership_payment" && type != "membership_cancel")
    return fail(res, 400, "invalid_request",
                "type must be membership_start, membership_payment or membership_cancel", "/type");
  const bool payment = type == "membership_payment";
  if (payment && (!body.contains("amount_minor") || !body["amount_minor"].is_number_integer()))
    return fail(res, 400, "invalid_request", "a payment needs amount_minor, an integer",
                "/amount_minor");
  if (!payment && body.contains("amount_minor"))
    return fail(res, 400, "invalid_request", "only a membership_payment has amount_minor",
                "/amount_minor");
  send(res, service_.member_event(member_id, type, pick(body, {"amount_minor"}), "", k));
}

// GET /v1/members/{id}/export: everything held about the member (recorded).
void Api::export_member(const Request& req, Response& res, const std::string& member_id) {
  if (!require_admin(req, res, config_)) return;
  send(res, service_.export_member(member_id));
}

// POST /v1/members/{id}/erase: the personal data removed, the ledger kept under a pseudonym. The
// key is stored under a path without the id, so the erasure's own record does not name them.
void Api::erase_member(const Request& req, Response& res, const std::string& member_id) {
  static const std::string kKeyPath = "/v1/members/{id}/erase";
  WriteKey k;
  if (!require_admin(req, res, config_) || !write_key(req, res, k, &kKeyPath)) return;
  if (!req.body.empty()) return fail(res, 400, "invalid_request", "an erasure takes no body", "");
  send(res, service_.erase_member(member_id, k));
}

// GET /v1/ledger-sample?size=&seed=&page=: the what-if simulator's pseudonymised ledgers.
void Api::ledger_sample(const Request& req, Response& res) {
  if (!require_admin(req, res, config_)) return;
  std::int64_t size = 1000, seed = 1, page = 0;
  if (req.has_param("size") && (!parse_int(req.param("size"), size) || size < 1 || size > 100000))
    return fail(res, 400, "invalid_request", "size must be 1-100000", "/size");
  if (req.has_param("seed") && (!parse_int(req.param("seed"), seed) || seed < 0))
    return fail(res, 400, "invalid_request", "seed must be a non-negative integer", "/seed");
  if (req.has_param("page") && (!parse_int(req.param("page"), page) || page < 0 ||
                                page >= (size + Service::kSamplePage - 1) / Service::kSamplePage))
    return fail(res, 400, "invalid_request", "page is past the sample's last page", "/page");
  send(res, service_.ledger_sample(size, static_cast<std::uint64_t>(seed), page));
}

// PATCH /v1/members/{id}: identifiers, profile and consent, as one `profile` event in the ledger.
void Api::patch_member(const Request& req, Response& res, const std::string& member_id) {
  json body;
  WriteKey k;
  if (!require_admin(req, res, config_) || !write_key(req, res, k) || !parse_body(req, res, body) ||
      !only(body, {"phone", "email", "name", "birthday", "consent"}, res))
    return;
  if (body.empty())
    return fail(res, 400, "invalid_request",
                "nothing to change: give phone, email, name, "
                "birthday or consent",
                "");
  send(res, service_.update_profile(member_id, std::move(body), k));
}

void Api::enrol(const Request& req, Response& res) {
  json body;
  WriteKey k;
  if (!require_admin(req, res, config_) || !write_key(req, res, k) || !parse_body(req, res, body))
    return;
  send(res, service_.enroll(body, k));
}

void Api::order(const Request& req, Response& res) {
  json body;
  WriteKey k;
  std::string at;
  if (!require_admin(req, res, config_) || !write_key(req, res, k) || !parse_body(req, res, body) ||
      !only(body, {"member_id", "order_id", "cart", "redeem", "vouchers", "coupons", "at"}, res) ||
      !need_string(body, "member_id", res) || !need_string(body, "order_id", res))
    return;
  if (!body.contains("cart") || !body["cart"].is_object())
    return fail(res, 400, "invalid_cart", "cart must be an object", "/cart");
  if (!order_time(body, res, at)) return;
  send(res, service_.member_event(body["member_id"].get<std::string>(), "order",
                                  pick(body, {"order_id", "cart", "redeem", "vouchers", "coupons"}),
                                  at, k));
}

void Api::refund(const Request& req, Response& res) {
  json body;
  WriteKey k;
  if (!require_admin(req, res, config_) || !write_key(req, res, k) || !parse_body(req, res, body) ||
      !only(body, {"member_id", "order_id", "lines"}, res) ||
      !need_string(body, "member_id", res) || !need_string(body, "order_id", res))
    return;
  send(res, service_.member_event(body["member_id"].get<std::string>(), "refund",
                                  pick(body, {"order_id", "lines"}), "", k));
}

void Api::adjustment(const Request& req, Response& res) {
  json body;
  WriteKey k;
  if (!require_admin(req, res, config_) || !write_key(req, res, k) || !parse_body(req, res, body) ||
      !only(body, {"member_id", "points", "reason"}, res) || !need_string(body, "member_id", res) ||
      !need_string(body, "reason", res))
    return;
  if (!body.contains("points") || !body["points"].is_number_integer())
    return fail(res, 400, "invalid_request", "points must be an integer", "/points");
  send(res, service_.member_event(body["member_id"].get<std::string>(), "adjust",
                                  pick(body, {"points", "reason"}), "", k));
}

// GET /v1/members?phone= or ?email=: exactly one of the two.
void Api::find_member(const Request& req, Response& res) {
  if (!require_admin(req, res, config_)) return;
  const bool phone = req.has_param("phone"), email = req.has_param("email");
  if (phone == email)
    return fail(res, 400, "invalid_request", "give exactly one of phone and email", "");
  const std::string kind = phone ? "phone" : "email";
  const std::string value = req.param(kind);
  if (!valid_utf8(value)) return fail(res, 400, "invalid_request", kind + " must be text", kind);
  send(res, service_.member_by(kind, value));
}

void Api::events(const Request& req, Response& res) {
  if (!require_admin(req, res, config_)) return;
  std::int64_t after = 0, limit = 100;
  if (req.has_param("after") && !parse_int(req.param("after"), after))
    return fail(res, 400, "invalid_request", "after must be an integer (a seq)", "after");
  if (req.has_param("limit") &&
      (!parse_int(req.param("limit"), limit) || limit < 1 || limit > 1000))
    return fail(res, 400, "invalid_request", "limit must be 1-1000", "limit");
  send(res, service_.events(req.param("member"), after, static_cast<int>(limit)));
}

void Api::metrics(const Request& req, Response& res) {
  if (!require_admin(req, res, config_)) return;
  json request = json::object();
  for (const char* f : {"from", "until"}) {
    if (!req.has_param(f)) continue;
    const std::string v = req.param(f);
    if (!valid_utf8(v))
      return fail(res, 400, "invalid_request", std::string(f) + " must be a timestamp",
                  std::string("/") + f);
    request[f] = v;
  }
  for (const char* f : {"total_customers", "churn_days"}) {
    if (!req.has_param(f)) continue;
    std::int64_t v = 0;
    if (!parse_int(req.param(f), v))
      return fail(res, 400, "invalid_request", std::string(f) + " must be an integer",
                  std::string("/") + f);
    request[f] = v;
  }
  // source=history: every stored entry read again, as before totals were kept (slow; for an
  // operator to check the kept totals against, and the tests' reference).
  const std::string source = req.has_param("source") ? req.param("source") : "totals";
  if (source != "totals" && source != "history")
    return fail(res, 400, "invalid_request", "source must be totals or history", "/source");
  send(res,
       source == "history" ? service_.metrics_from_history(request) : service_.metrics(request));
}

// The points ledger per day, for an accountant: CSV of whole store-local days.
void Api::points_ledger(const Request& req, Response& res) {
  if (!require_admin(req, res, config_)) return;
  json request = json::object();
  for (const char* f : {"from", "until"}) {
    const std::string v = req.param(f);
    if (!req.has_param(f) || !valid_utf8(v))
      return fail(res, 400, "invalid_request", std::string(f) + " must be a timestamp",
                  std::string("/") + f);
    request[f] = v;
  }
  const Reply r = service_.points_ledger(request);
  send(res, r);
  if (r.status == 200) {
    res.content_type = "text/csv; charset=utf-8";
    res.set_header("Content-Disposition", "attachment; filename=\"points-ledger.csv\"");
  }
}

}  // namespace srv
