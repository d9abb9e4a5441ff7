#include "service.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>

#include "auth.hpp"
#include "clock.hpp"
#include "idempotency.hpp"

namespace srv {

using nlohmann::json;

Reply error_reply(int status, const std::string& code, const std::string& message,
                  const std::string& path) {
  json e = {{"error", {{"code", code}, {"message", message}, {"path", path}}}};
  // replace: a message quoting input never makes the error itself throw.
  return {status, e.dump(-1, ' ', false, json::error_handler_t::replace), ""};
}

std::string member_pointer(const std::string& key) {
  std::string out = "/";
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

int status_for_code(const std::string& code) {
  if (code == "too_large") return 413;
  if (code == "insufficient_points" || code == "not_eligible" || code == "limit_exceeded" ||
      code == "unknown_reward")
    return 422;
  return 400;
}

namespace {

// `o[key]` when it is a string, else "". Never throws: json::value() throws on a member that is
// present but null or of another type (the core writes `"event_id":null` on expiry entries).
std::string string_member(const json& o, const char* key) {
  if (!o.is_object()) return "";
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// An engine error whose pointer names the event (`/event/cart/lines/0`) is reported against the
// request body the client sent, whose members are the event's (`/cart/lines/0`).
Reply engine_error(const json& response, const std::string& strip_prefix) {
  json err =
      response.is_object() && response.contains("error") && response["error"].is_object()
          ? response["error"]
          : json{{"code", "invalid_request"}, {"message", "the request was refused"}, {"path", ""}};
  std::string code = string_member(err, "code");
  if (code.empty()) code = "invalid_request";
  if (err.contains("path") && err["path"].is_string()) {
    std::string p = err["path"].get<std::string>();
    if (!strip_prefix.empty() && p.rfind(strip_prefix, 0) == 0 &&
        (p.size() == strip_prefix.size() || p[strip_prefix.size()] == '/'))
      err["path"] = p.substr(strip_prefix.size());
  }
  return {status_for_code(code), json{{"error", err}}.dump(), ""};
}

std::string random_member_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[32];
  std::snprintf(buf, sizeof buf, "m-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::string event_id_for(std::int64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "srv-%012lld", static_cast<long long>(seq));
  return buf;
}

void trim_history(json& state) {
  if (!state.contains("history") || !state["history"].is_array()) return;
  auto& h = state["history"];
  if (h.size() > Service::kHistoryKept)
    h.erase(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(h.size() - Service::kHistoryKept));
}

// The history entry the core wrote for `event_id` when it rejected the event, if it did.
const json* rejection(const json& state, const std::string& event_id) {
  if (!state.contains("history") || !state["history"].is_array()) return nullptr;
  const auto& h = state["history"];
  for (auto it = h.rbegin(); it != h.rend(); ++it)
    if (string_member(*it, "event_id") == event_id && string_member(*it, "kind") == "rejected")
      return &*it;
  return nullptr;
}

}  // namespace

Service::Service(Store& store) : store_(store) {
  // Event ids continue after the highest one stored ("srv-" + 12 digits sorts numerically).
  const std::string last = store_.max_event_id("srv-");
  if (last.size() > 4) last_event_number_ = std::stoll(last.substr(4));
}

Service::Program Service::program() {
  std::lock_guard lock(program_mutex_);
  return program_;
}

std::string Service::now_rfc3339() {
  return program().engine->store_time(now_ms() / 1000 * 1000);  // to the second
}

std::mutex& Service::member_mutex(const std::string& member_id) {
  return member_mutexes_[std::hash<std::string>{}(member_id) % member_mutexes_.size()];
}

bool Service::install(const std::string& document, std::int64_t version, std::string& error) {
  auto engine = std::make_shared<const loyalty::Engine>(document);
  if (!engine->ok()) {
    error = engine->error_json();
    return false;
  }
  std::lock_guard lock(program_mutex_);
  program_ = {engine, document, version};
  return true;
}

bool Service::load_program(const std::string& initial_document, std::string& error) {
  if (auto row = store_.latest_program()) return install(row->document, row->version, error);
  if (initial_document.empty()) {
    error = "the database holds no program: start once with --program FILE";
    return false;
  }
  const json doc = json::parse(initial_document, nullptr, false);
  if (doc.is_discarded()) {
    error = "the --program file is not JSON";
    return false;
  }
  const std::string canonical = doc.dump();
  loyalty::Engine check(canonical);
  if (!check.ok()) {
    error = check.error_json();
    return false;
  }
  const auto ver = doc.find("version");
  const std::int64_t version =
      ver != doc.end() && ver->is_number_integer() ? ver->get<std::int64_t>() : 1;
  if (!store_.insert_program(version, canonical, format_utc(now_ms()), error)) return false;
  return install(canonical, version, error);
}

namespace {

// A program document answered with ETag "<version>"; 304 when If-None-Match names it.
Reply program_reply(std::int64_t version, const std::string& document,
                    const std::string& if_none_match) {
  const std::string number = std::to_string(version);
  std::string etag = "\"";
  etag.append(number).push_back('"');
  if (!if_none_match.empty() &&
      (if_none_match == etag || if_none_match == number ||
       (if_none_match.size() == etag.size() + 2 && if_none_match.compare(0, 2, "W/") == 0 &&
        if_none_match.compare(2, std::string::npos, etag) == 0) ||
       if_none_match == "*"))
    return {304, "", etag};
  return {200, document, etag};
}

}  // namespace

Reply Service::get_program(const std::string& if_none_match) {
  Program p = program();
  return program_reply(p.version, p.document, if_none_match);
}

Reply Service::get_program_version(std::int64_t version, const std::string& if_none_match) {
  auto row = store_.program_version(version);
  if (!row)
    return error_reply(404, "unknown_version",
                       "no stored program version " + std::to_string(version));
  return program_reply(row->version, row->document, if_none_match);
}

Reply Service::program_versions() {
  json versions = json::array();
  for (const auto& row : store_.programs()) {
    const json doc = json::parse(row.document, nullptr, false);
    json v = {{"version", row.version},
              {"stored_at", row.created_at},
              {"id", nullptr},
              {"name", nullptr}};
    for (const char* f : {"id", "name"})
      if (doc.is_object() && doc.contains(f) && doc[f].is_string()) v[f] = doc[f];
    versions.push_back(std::move(v));
  }
  return {200, json{{"versions", std::move(versions)}}.dump(), ""};
}

Reply Service::put_program(const std::string& body, const WriteKey& k) {
  auto idem = idempotency_lookup(store_, k.key, k.hash);
  if (idem.kind == IdemLookup::replay) return {idem.status, idem.response, ""};
  if (idem.kind == IdemLookup::conflict)
    return error_reply(409, "idempotency_conflict",
                       "this Idempotency-Key was used with another request");
  if (loyalty::nests_deeper_than(body, kMaxDepth))
    return error_reply(413, "too_large",
                       "the body nests deeper than " + std::to_string(kMaxDepth) + " levels");
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return error_reply(400, "invalid_json", "the body is not JSON");
  if (!doc.is_object()) return error_reply(400, "invalid_program", "expected a program object");
  const std::string canonical = doc.dump();
  loyalty::Engine engine(canonical);
  if (!engine.ok()) return engine_error(json::parse(engine.error_json(), nullptr, false), "");
  const std::string validation = engine.call("validate", "{}");
  json v = json::parse(validation, nullptr, false);
  if (v.is_discarded() || v.contains("error")) return engine_error(v, "");
  const auto ver = doc.find("version");
  const std::int64_t version =
      ver != doc.end() && ver->is_number_integer() ? ver->get<std::int64_t>() : 1;

  std::lock_guard writer(store_.writer_mutex());
  Program current = program();
  if (version <= current.version)
    return error_reply(
        409, "version_conflict",
        "the new program version must be greater than " + std::to_string(current.version),
        "/version");
  const auto warnings = v.find("warnings");
  json answer = {
      {"version", version},
      {"warnings", warnings != v.end() && warnings->is_array() ? *warnings : json::array()}};
  Reply r{200, answer.dump(), "\"" + std::to_string(version) + "\""};
  WriteSet w;
  w.program = ProgramRow{version, canonical, format_utc(now_ms())};
  w.idem_key = k.key;
  w.idem_hash = k.hash;
  w.idem_status = r.status;
  w.idem_response = r.body;
  std::string err;
  switch (store_.commit(w, err)) {
    case CommitResult::ok:
      break;
    case CommitResult::idempotency_conflict: {
      auto again = idempotency_lookup(store_, k.key, k.hash);
      if (again.kind == IdemLookup::replay) return {again.status, again.response, ""};
      return error_reply(409, "idempotency_conflict",
                         "this Idempotency-Key was used with another request");
    }
    case CommitResult::program_exists:
      return error_reply(409, "version_conflict", "this program version exists already",
                         "/version");
    default:
      return error_reply(500, "storage_error", err);
  }
  std::string ierr;
  install(canonical, version, ierr);
  return r;
}

Reply Service::enroll(const json& body, const WriteKey& k) {
  static const char* kFields[] = {"member_id", "phone",   "email",      "name",
                                  "birthday",  "channel", "referred_by"};
  for (const auto& [key, value] : body.items()) {
    if (key == "at")
      return error_reply(
          400, "invalid_request",
          "enrolment is timed by the server: at is not accepted (import past orders with "
          "POST /v1/orders and at instead)",
          "/at");
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields))
      return error_reply(400, "invalid_request", "unknown member \"" + key + "\"",
                         member_pointer(key));
  }
  std::string member_id;
  if (body.contains("member_id") && !body["member_id"].is_null()) {
    if (!body["member_id"].is_string() || body["member_id"].get<std::string>().empty() ||
        body["member_id"].get<std::string>().size() > 128)
      return error_reply(400, "invalid_request",
                         "member_id must be a non-empty string of at most 128 characters",
                         "/member_id");
    member_id = body["member_id"].get<std::string>();
  } else {
    member_id = random_member_id();
  }
  auto has = [&](const char* f) {
    return body.contains(f) && body[f].is_string() && !body[f].get<std::string>().empty();
  };
  if (!has("phone") && !has("email"))
    return error_reply(400, "invalid_request", "enrolment needs a phone or an email", "");
  json event = {{"type", "enroll"}, {"member_id", member_id}};
  for (const auto& [key, value] : body.items())
    if (key != "member_id" && !value.is_null()) event[key] = value;
  return write_event(member_id, std::move(event), true, "", k);
}

Reply Service::member_event(const std::string& member_id, const std::string& type, json fields,
                            const std::string& at, const WriteKey& k) {
  json event = std::move(fields);
  event["type"] = type;
  event["member_id"] = member_id;
  Reply r = write_event(member_id, std::move(event), false, at, k);
  if (type == "order" && r.status == 200) complete_referral(member_id, r.body);
  return r;
}

// A referred member's first order completes the referral: the referrer gets a
// `referral_completed` event. Its idempotency key is derived from the referee, so it is applied
// at most once however often the order is retried.
void Service::complete_referral(const std::string& member_id, const std::string& state_json) {
  const json state = json::parse(state_json, nullptr, false);
  if (!state.is_object() || !state.contains("lifetime") || !state.contains("internal")) return;
  const json& lifetime = state["lifetime"];
  const json& internal = state["internal"];
  if (!lifetime.is_object() || !internal.is_object()) return;
  const auto orders = lifetime.find("orders");
  if (orders == lifetime.end() || !orders->is_number_integer() || orders->get<std::int64_t>() != 1)
    return;
  const auto it = internal.find("referred_by");
  if (it == internal.end() || !it->is_string()) return;
  const std::string referrer = it->get<std::string>();
  if (referrer.empty() || referrer == member_id || !store_.member_exists(referrer)) return;
  const std::string key = "referral-completed:" + member_id;
  json event = {{"type", "referral_completed"}, {"member_id", referrer}, {"referee", member_id}};
  write_event(referrer, std::move(event), false, "", WriteKey{key, sha256_hex(key)});
}

Reply Service::write_event(const std::string& member_id, json event, bool enrol,
                           const std::string& at_override, const WriteKey& k) {
  auto idem = idempotency_lookup(store_, k.key, k.hash);
  if (idem.kind == IdemLookup::replay) return {idem.status, idem.response, ""};
  if (idem.kind == IdemLookup::conflict)
    return error_reply(409, "idempotency_conflict",
                       "this Idempotency-Key was used with another request");

  std::lock_guard member_lock(member_mutex(member_id));
  // A twin request with the same key may have finished while this one waited for the member.
  idem = idempotency_lookup(store_, k.key, k.hash);
  if (idem.kind == IdemLookup::replay) return {idem.status, idem.response, ""};
  if (idem.kind == IdemLookup::conflict)
    return error_reply(409, "idempotency_conflict",
                       "this Idempotency-Key was used with another request");

  auto snapshot = store_.member_state(member_id);
  if (enrol && snapshot)
    return error_reply(409, "member_exists", "member " + member_id + " is enrolled already",
                       "/member_id");
  if (!enrol && !snapshot)
    return error_reply(404, "unknown_member", "no member " + member_id, "/member_id");
  // Only an order dated by the client needs the stored state read here (for its clock).
  json state =
      snapshot && !at_override.empty() ? json::parse(*snapshot, nullptr, false) : json(nullptr);

  Program p = program();
  const std::string now = p.engine->store_time(now_ms() / 1000 * 1000);
  const std::string at = at_override.empty() ? now : at_override;
  // An event dated before the member's clock (an imported past order) is placed by a replay of
  // the member's ledger, which orders events by time; later events go through apply.
  bool replay = false;
  if (!at_override.empty() && state.is_object()) {
    const auto& internal = state.contains("internal") ? state["internal"] : json();
    if (internal.is_object() && internal.contains("clock") && internal["clock"].is_string()) {
      auto clock = parse_rfc3339(internal["clock"].get<std::string>());
      auto when = parse_rfc3339(at);
      replay = clock && when && *when < *clock;
    }
  }

  // Ids are allocated under the member's lock, so one member's events carry increasing ids;
  // the core runs outside the writer lock, so one member's rules overlap another's commit.
  const std::string event_id = event_id_for(++last_event_number_);
  event["id"] = event_id;
  event["at"] = at;

  std::string response;
  std::string error_prefix = "/event";
  if (replay) {
    json events = json::array();
    for (const auto& b : store_.member_event_bodies(member_id))
      events.push_back(json::parse(b, nullptr, false));
    events.push_back(event);
    error_prefix = "/events/" + std::to_string(events.size() - 1);
    response = p.engine->call("replay", json{{"events", events}, {"now", now}}.dump());
  } else {
    std::string req = "{\"event\":" + event.dump() + ",\"now\":\"" + now +
                      "\",\"state\":" + (snapshot ? *snapshot : std::string("null")) + "}";
    response = p.engine->call("apply", req);
  }
  // The common case (accepted, history short enough) needs no second parse of the state: the
  // core writes sorted, compact JSON, so the history is the array between "history":[ and
  // ,"internal": and every entry opens with {"at":. Stored states never hold rejected entries
  // (a rejected event is never stored), so "kind":"rejected" there means this event was rejected.
  if (!loyalty::is_error(response)) {
    const auto h0 = response.find("\"history\":[");
    const auto h1 = h0 == std::string::npos ? h0 : response.find("],\"internal\":", h0);
    if (h1 != std::string::npos) {
      const std::string_view history(response.data() + h0, h1 - h0);
      std::size_t entries = 0;
      for (auto pos = history.find("{\"at\":"); pos != std::string_view::npos;
           pos = history.find("{\"at\":", pos + 1))
        ++entries;
      if (entries <= kHistoryKept &&
          history.find("\"kind\":\"rejected\"") == std::string_view::npos) {
        Reply r{enrol ? 201 : 200, std::move(response), ""};
        WriteSet w;
        w.member_id = member_id;
        w.idem_key = k.key;
        w.idem_hash = k.hash;
        w.idem_status = r.status;
        w.idem_response = r.body;
        w.event = EventRow{0,  member_id, event_id,    string_member(event, "type"),
                           at, p.version, event.dump()};
        w.state = r.body;
        w.new_member = enrol;
        return commit_write(w, r, member_id, k);
      }
    }
  }
  json result = json::parse(response, nullptr, false);
  if (result.is_discarded()) return error_reply(500, "engine_error", "the core answered no JSON");
  if (result.contains("error")) return engine_error(result, error_prefix);

  WriteSet w;
  w.member_id = member_id;
  w.idem_key = k.key;
  w.idem_hash = k.hash;
  Reply r;
  if (const json* rej = rejection(result, event_id)) {
    json err = rej->contains("error")
                   ? (*rej)["error"]
                   : json{{"code", "rejected"}, {"message", "rejected"}, {"path", ""}};
    r = {422, json{{"error", err}}.dump(), ""};
  } else {
    trim_history(result);
    r = {enrol ? 201 : 200, result.dump(), ""};
    w.event =
        EventRow{0, member_id, event_id, string_member(event, "type"), at, p.version, event.dump()};
    w.state = r.body;
    w.new_member = enrol;
  }
  w.idem_status = r.status;
  w.idem_response = r.body;
  return commit_write(w, r, member_id, k);
}

Reply Service::commit_write(const WriteSet& w, const Reply& r, const std::string& member_id,
                            const WriteKey& k) {
  std::string err;
  CommitResult committed;
  {
    std::lock_guard writer(store_.writer_mutex());
    committed = store_.commit(w, err);
  }
  switch (committed) {
    case CommitResult::ok:
      return r;
    case CommitResult::idempotency_conflict: {
      auto again = idempotency_lookup(store_, k.key, k.hash);
      if (again.kind == IdemLookup::replay) return {again.status, again.response, ""};
      return error_reply(409, "idempotency_conflict",
                         "this Idempotency-Key was used with another request");
    }
    case CommitResult::member_exists:
      return error_reply(409, "member_exists", "member " + member_id + " is enrolled already",
                         "/member_id");
    default:
      return error_reply(500, "storage_error", err);
  }
}

namespace {

// Whether anything in a stored state (the core's sorted, compact JSON) falls due by `now_ms`: a
// pending release (`available_at`), a lot or voucher expiry (`expires_at`), an inactivity expiry
// (`next_expiry.at`) or the end of a tier period (`period_end`; a rolling tier period ends at the
// state's clock, so it is always due). Inside a JSON string a quote is always escaped, so these
// patterns only match real members; a false match only costs an unneeded advance.
bool something_due(const std::string& state, std::int64_t now) {
  static const char* kKeys[] = {"\"available_at\":\"", "\"expires_at\":\"", "\"period_end\":\"",
                                "\"next_expiry\":{\"at\":\""};
  for (const char* key : kKeys) {
    const std::string_view k(key);
    for (auto pos = state.find(k); pos != std::string::npos; pos = state.find(k, pos + 1)) {
      const auto start = pos + k.size();
      const auto end = state.find('"', start);
      if (end == std::string::npos) break;
      const auto when = parse_rfc3339(state.substr(start, end - start));
      if (!when || *when <= now) return true;
    }
  }
  return false;
}

// The first id in the state's `internal.seen` (every stored state has its enrolment there).
std::string a_seen_event_id(const std::string& state) {
  static const std::string_view k = "\"seen\":[\"";
  const auto pos = state.find(k);
  if (pos == std::string::npos) return "";
  const auto start = pos + k.size();
  const auto end = state.find('"', start);
  return end == std::string::npos ? "" : state.substr(start, end - start);
}

}  // namespace

// The stored state brought to now: pending points released, lots and vouchers expired, the tier
// period current, exactly as the next write would first do. Nothing is written: the ledger and the
// snapshot stay as the last write left them. The core's `apply` ignores an event whose id the
// state has seen (engine.md: idempotent replay) and then advances the state to `now`, so applying
// an already-seen event at `now` is "advance to now" and nothing else (no activity, no birthday).
Reply Service::get_member(const std::string& member_id) {
  auto s = store_.member_state(member_id);
  if (!s) return error_reply(404, "unknown_member", "no member " + member_id);
  const std::int64_t now = now_ms();
  if (!something_due(*s, now)) return {200, *s, ""};
  const std::string seen = a_seen_event_id(*s);
  if (seen.empty()) return {200, *s, ""};
  Program p = program();
  const std::string at = p.engine->store_time(now / 1000 * 1000);
  json event = {{"id", seen}, {"at", at}, {"type", "tick"}, {"member_id", member_id}};
  const std::string response = p.engine->call(
      "apply", "{\"event\":" + event.dump() + ",\"now\":\"" + at + "\",\"state\":" + *s + "}");
  json state = json::parse(response, nullptr, false);
  // A state the core cannot advance (it never should) is answered as stored.
  if (!state.is_object() || state.contains("error")) return {200, *s, ""};
  trim_history(state);
  return {200, state.dump(), ""};
}

Reply Service::preview(const std::string& member_id, const json& body) {
  for (const auto& [key, value] : body.items())
    if (key != "cart" && key != "redeem" && key != "vouchers")
      return error_reply(400, "invalid_request", "unknown member \"" + key + "\"",
                         member_pointer(key));
  auto s = store_.member_state(member_id);
  if (!s) return error_reply(404, "unknown_member", "no member " + member_id);
  json req = body;
  req["now"] = now_rfc3339();
  std::string text = req.dump();
  text.pop_back();
  text += ",\"state\":" + *s + "}";
  std::string response = program().engine->call("preview", text);
  if (loyalty::is_error(response)) return engine_error(json::parse(response, nullptr, false), "");
  return {200, response, ""};
}

Reply Service::events(const std::string& member_id, std::int64_t after, int limit) {
  auto rows = store_.events(member_id, after, limit + 1);
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.pop_back();
  std::string out = "{\"events\":[";
  std::int64_t last = after;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& e = rows[i];
    if (i) out += ',';
    json head = {{"seq", e.seq},
                 {"member_id", e.member_id},
                 {"event_id", e.event_id},
                 {"type", e.type},
                 {"at", e.at},
                 {"program_version", e.program_version}};
    std::string h = head.dump();
    h.pop_back();
    out += h + ",\"event\":" + e.body + "}";
    last = e.seq;
  }
  out += "],\"last_seq\":" + std::to_string(last) + ",\"more\":" + (more ? "true" : "false") + "}";
  return {200, out, ""};
}

Reply Service::metrics(const json& request) {
  json req = request;
  json members = json::array();
  for (auto& [member, bodies] : store_.all_member_events()) {
    json events = json::array();
    for (const auto& b : bodies) events.push_back(json::parse(b, nullptr, false));
    members.push_back({{"member_id", member}, {"events", std::move(events)}});
  }
  req["members"] = std::move(members);
  std::string response = program().engine->call("metrics", req.dump());
  if (loyalty::is_error(response)) return engine_error(json::parse(response, nullptr, false), "");
  return {200, response, ""};
}

}  // namespace srv
