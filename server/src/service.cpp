#include "service.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>

#include "auth.hpp"
#include "clock.hpp"
#include "config.hpp"
#include "idempotency.hpp"
#include "metrics_kept.hpp"

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

}  // namespace

Service::Program Service::program() {
  std::lock_guard lock(program_mutex_);
  return program_;
}

std::string Service::now_rfc3339() {
  return program().engine->store_time(now_ms() / 1000 * 1000);  // to the second
}

// A shared store's writers may be other instances: the newest version is read inside the write's
// transaction, so no write applies a program older than one another instance has published.
Service::Program Service::program_for_write(WriteTxn& txn) {
  if (store_.shared()) {
    const std::int64_t latest = txn.latest_program_version();
    if (latest > program().version)
      if (auto row = txn.program_version(latest)) {
        std::string err;
        install(row->document, row->version, err);
      }
  }
  return program();
}

void Service::refresh_program() {
  auto row = store_.latest_program();
  std::string err;
  if (row && row->version > program().version) install(row->document, row->version, err);
}

bool Service::install(const std::string& document, std::int64_t version, std::string& error) {
  auto engine = std::make_shared<const loyalty::Engine>(document);
  if (!engine->ok()) {
    error = engine->error_json();
    return false;
  }
  const json doc = json::parse(document, nullptr, false);
  const std::string country =
      doc.is_object() && doc.contains("default_country") && doc["default_country"].is_string()
          ? doc["default_country"].get<std::string>()
          : "";
  const std::int64_t lapsed_days =
      doc.is_object() && doc.contains("lapsed_days") && doc["lapsed_days"].is_number_integer()
          ? doc["lapsed_days"].get<std::int64_t>()
          : 90;
  std::lock_guard lock(program_mutex_);
  // Two refreshes may race; the newer version wins whichever installs last.
  if (version >= program_.version) program_ = {engine, document, version, country, lapsed_days};
  return true;
}

bool Service::load_program(const std::string& initial_document, std::string& error) {
  if (!load_first_program(initial_document, error)) return false;
  // A ledger stored before the metrics' totals were kept is added to them once, classified by
  // the program now loaded (migration 9).
  const auto engine = program().engine;
  return store_.backfill_metrics(
      [&](const std::vector<std::string>& entries) { return metrics_write(*engine, entries); },
      error);
}

bool Service::load_first_program(const std::string& initial_document, std::string& error) {
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
  // Instances starting together over one new database each try; one version 1 is stored.
  if (!store_.insert_program({version, canonical, format_utc(now_ms()), ""}, error)) return false;
  auto row = store_.latest_program();
  if (!row) {
    error = "the program was not stored";
    return false;
  }
  return install(row->document, row->version, error);
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
              {"name", nullptr},
              {"note", row.note}};
    for (const char* f : {"id", "name"})
      if (doc.is_object() && doc.contains(f) && doc[f].is_string()) v[f] = doc[f];
    versions.push_back(std::move(v));
  }
  return {200, json{{"versions", std::move(versions)}}.dump(), ""};
}

Reply Service::put_program(const std::string& body, const PublishOptions& o, const WriteKey& k) {
  if (auto used = answer_for_used_key(k)) return *used;
  if (loyalty::nests_deeper_than(body, kMaxDepth))
    return error_reply(413, "too_large",
                       "the body nests deeper than " + std::to_string(kMaxDepth) + " levels");
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return error_reply(400, "invalid_json", "the body is not JSON");
  if (!doc.is_object()) return error_reply(400, "invalid_program", "expected a program object");
  loyalty::Engine engine(doc.dump());
  if (!engine.ok()) return engine_error(json::parse(engine.error_json(), nullptr, false), "");
  const std::string validation = engine.call("validate", "{}");
  json v = json::parse(validation, nullptr, false);
  if (v.is_discarded() || v.contains("error")) return engine_error(v, "");

  // Publishes are serialised (on every instance) by the program's lock; the server assigns the
  // next version (spec/sync.md, "Program versions"), whatever the document's own says.
  auto txn = store_.begin_program_write();
  if (auto used = answer_for_used_key(k, txn.get())) return *used;
  const std::int64_t current = std::max(program().version, txn->latest_program_version());
  if (o.if_match && *o.if_match != current)
    return error_reply(412, "version_conflict",
                       "the program is at version " + std::to_string(current) + ", not " +
                           std::to_string(*o.if_match) + ": reload it before publishing",
                       "");
  const std::int64_t version = current + 1;
  doc["version"] = version;
  const std::string canonical = doc.dump();
  const auto warnings = v.find("warnings");
  json answer = {
      {"version", version},
      {"warnings", warnings != v.end() && warnings->is_array() ? *warnings : json::array()}};
  Reply r{200, answer.dump(), "\"" + std::to_string(version) + "\""};
  WriteSet w;
  w.program = ProgramRow{version, canonical, format_utc(now_ms()), o.note};
  w.idem_key = k.key;
  w.idem_hash = k.hash;
  w.idem_status = r.status;
  w.idem_response = r.body;
  std::string err;
  const CommitResult committed = txn->commit(w, err);
  txn.reset();
  switch (committed) {
    case CommitResult::ok:
      break;
    case CommitResult::idempotency_conflict: {
      if (auto again = answer_for_used_key(k)) return *again;
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

std::optional<Reply> Service::normalize_identifiers(json& event,
                                                    const std::string& default_country) {
  std::string why;
  if (event.contains("phone")) {
    if (!event["phone"].is_string())
      return error_reply(400, "invalid_request", "phone must be a string", "/phone");
    auto phone = normalize_phone(event["phone"].get<std::string>(), default_country, why);
    if (!phone) return error_reply(400, "invalid_request", why, "/phone");
    event["phone"] = *phone;
  }
  if (event.contains("email")) {
    if (!event["email"].is_string())
      return error_reply(400, "invalid_request", "email must be a string", "/email");
    auto email = normalize_email(event["email"].get<std::string>(), why);
    if (!email) return error_reply(400, "invalid_request", why, "/email");
    event["email"] = *email;
  }
  return std::nullopt;
}

Reply Service::member_by(const std::string& kind, const std::string& raw) {
  std::string why;
  const auto value = kind == "phone" ? normalize_phone(raw, program().default_country, why)
                                     : normalize_email(raw, why);
  if (!value) return error_reply(400, "invalid_request", why, kind);
  const auto member = store_.member_by(kind, *value);
  if (!member) return error_reply(404, "unknown_member", "no member with this " + kind);
  return {200, json{{"member_id", *member}, {kind, *value}}.dump(), ""};
}

Reply Service::update_profile(const std::string& member_id, json changes, const WriteKey& k) {
  const std::string now = now_rfc3339();
  if (changes.contains("consent")) {
    json& consent = changes["consent"];
    if (!consent.is_object() || consent.empty())
      return error_reply(400, "invalid_request", "consent must be an object of channels",
                         "/consent");
    for (auto& [channel, given] : consent.items()) {
      if (channel != "email" && channel != "sms" && channel != "push")
        return error_reply(400, "invalid_request", "consent channels are email, sms and push",
                           "/consent" + member_pointer(channel));
      if (!given.is_boolean())
        return error_reply(400, "invalid_request", "consent is true or false",
                           "/consent" + member_pointer(channel));
      given = json{{"given", given.get<bool>()}, {"at", now}};
    }
  }
  for (const char* f : {"name", "phone", "email"})
    if (changes.contains(f) && !changes[f].is_string())
      return error_reply(400, "invalid_request", std::string(f) + " must be a string",
                         std::string("/") + f);
  if (auto bad = normalize_identifiers(changes, program().default_country)) return *bad;
  changes["type"] = "profile";
  changes["member_id"] = member_id;
  return write_event(member_id, std::move(changes), false, now, k);
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
  // Stored and looked up normalised: E.164 with the program's default_country, emails in lower
  // case, so one member cannot enrol twice by spelling a number another way.
  if (auto bad = normalize_identifiers(event, program().default_country)) return *bad;
  return write_event(member_id, std::move(event), true, "", k);
}

Reply Service::member_event(const std::string& member_id, const std::string& type, json fields,
                            const std::string& at, const WriteKey& k) {
  json event = std::move(fields);
  event["type"] = type;
  event["member_id"] = member_id;
  Reply r = write_event(member_id, std::move(event), false, at, k);
  // The credit the order owes, at once (pay_owed_referrals catches up after a crash).
  if (type == "order" && r.status == 200)
    if (auto state = loyalty::MemberDocument::parse(r.body);
        state && state->lifetime_orders() == 1 && !state->referred_by().empty())
      pay_referral(member_id, state->referred_by());
  return r;
}

namespace {

// The arguments of the first line with explain key `key` in the newest history entry of `kind`
// in a member view; null when there is none.
json newest_line_args(const json& view, const char* kind, const char* key) {
  if (!view.is_object() || !view.contains("history") || !view["history"].is_array()) return nullptr;
  const json& history = view["history"];
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (string_member(*it, "kind") != kind) continue;
    if (it->contains("lines") && (*it)["lines"].is_array())
      for (const auto& line : (*it)["lines"])
        if (line.is_object() && line.contains("explain") && line["explain"].is_object()) {
          const std::string k = string_member(line["explain"], "key");
          if (k.rfind(key, 0) == 0) {
            return line["explain"].value("args", json::object());
          }
        }
    return nullptr;
  }
  return nullptr;
}

}  // namespace

// The prize is read from the spin's history entry (kind `prize`), which a replay of the same
// Idempotency-Key rebuilds too, so a retried spin answers the same prize.
Reply Service::spin(const std::string& member_id, const std::string& wheel, std::int64_t draw,
                    const WriteKey& k) {
  Reply r = member_event(member_id, "spin", json{{"wheel", wheel}, {"draw", draw}}, "", k);
  if (r.status != 200) return r;
  json state = json::parse(r.body, nullptr, false);
  const json args = newest_line_args(state, "prize", "prize.");
  json prize = nullptr;
  if (args.is_object()) {
    prize = json{{"id", args.value("prize", json())}};
    // The entry names what was drawn (`prize: {wheel, id}`); its line says what it gave.
    const json& history = state["history"];
    for (auto it = history.rbegin(); it != history.rend(); ++it)
      if (string_member(*it, "kind") == "prize") {
        if (it->contains("prize") && (*it)["prize"].is_object() && (*it)["prize"].contains("id"))
          prize["id"] = (*it)["prize"]["id"];
        break;
      }
    for (const char* f : {"points", "reward", "voucher"})
      if (args.contains(f) && !args[f].is_null() && !(args[f].is_string() && args[f] == ""))
        prize[f] = args[f];
  }
  return {200, json{{"prize", std::move(prize)}, {"state", std::move(state)}}.dump(), ""};
}

Reply Service::claim(const std::string& member_id, const std::string& code, const WriteKey& k) {
  Reply r = member_event(member_id, "claim", json{{"code", code}}, "", k);
  if (r.status != 200) return r;
  json state = json::parse(r.body, nullptr, false);
  const json args = newest_line_args(state, "claim", "coupon.claimed");
  json answer = {{"reward", nullptr}, {"voucher", nullptr}};
  if (args.is_object())
    for (const char* f : {"reward", "voucher"})
      if (args.contains(f)) answer[f] = args[f];
  answer["state"] = std::move(state);
  return {200, answer.dump(), ""};
}

// A referred member's first order completes the referral: the referrer gets a
// `referral_completed` event. Its idempotency key is derived from the referee, so it is applied
// at most once however often the order is retried.
// The referrer's credit a referee's first order owes (referrals_owed, written with the order):
// posted under a key derived from the referee, so it is applied once however often it is tried,
// then struck off. A refusal (an unknown referrer) is final too.
void Service::pay_referral(const std::string& referee, const std::string& referrer) {
  if (referrer != referee && store_.member_exists(referrer)) {
    const std::string key = server_key("referral-completed", referee);
    json event = {{"type", "referral_completed"}, {"member_id", referrer}, {"referee", referee}};
    const Reply r =
        write_event(referrer, std::move(event), false, "", WriteKey{key, sha256_hex(key)});
    if (r.status >= 500) return;  // tried again by pay_owed_referrals
  }
  store_.referral_paid(referee);
}

void Service::pay_owed_referrals() {
  for (const auto& [referee, referrer] : store_.referrals_owed(100))
    pay_referral(referee, referrer);
}

// The answer stored under a key used before (the first answer again, or a 409), if it was.
std::optional<Reply> Service::answer_for_used_key(const WriteKey& k, WriteTxn* txn) {
  auto idem = idempotency_lookup(txn ? txn->idempotency(k.key) : store_.idempotency(k.key), k.hash);
  if (idem.kind == IdemLookup::conflict)
    return error_reply(409, "idempotency_conflict",
                       "this Idempotency-Key was used with another request");
  if (idem.kind != IdemLookup::replay) return std::nullopt;
  if (idem.history_len == 0) return Reply{idem.status, idem.response, ""};
  // The record holds the member view without its history; the history it answered is the
  // member's latest history_len stored entries up to history_end.
  json view = json::parse(idem.response, nullptr, false);
  if (!view.is_object()) return error_reply(500, "storage_error", "unreadable stored answer");
  json history = json::array();
  const std::string member_id = string_member(view, "member_id");
  const auto len = static_cast<int>(idem.history_len);
  for (const auto& row : txn ? txn->history_before(member_id, idem.history_end + 1, len)
                             : store_.history_before(member_id, idem.history_end + 1, len))
    history.push_back(json::parse(row.entry, nullptr, false));
  view["history"] = std::move(history);
  return Reply{idem.status, view.dump(), ""};
}

Reply Service::write_event(const std::string& member_id, json event, bool enrol,
                           const std::string& at_override, const WriteKey& k) {
  if (auto used = answer_for_used_key(k)) return *used;
  // The member's lock, held to the commit: on every instance, one write per member at a time.
  auto txn = store_.begin_write(member_id);
  // A twin request with the same key may have finished (here or on another instance) while this
  // one waited for the member.
  if (auto used = answer_for_used_key(k, txn.get())) return *used;

  auto snapshot = txn->member_snapshot(member_id);
  if (enrol && snapshot)
    return error_reply(409, "member_exists", "member " + member_id + " is enrolled already",
                       "/member_id");
  if (!enrol && !snapshot)
    return error_reply(404, "unknown_member", "no member " + member_id, "/member_id");
  // A snapshot from before the history count was recorded is read once through the core.
  std::optional<loyalty::MemberDocument> before;
  if (snapshot && snapshot->history_total < 0) {
    std::string err;
    before = loyalty::MemberDocument::parse(snapshot->state, &err);
    if (!before) return error_reply(500, "storage_error", err);
  }
  const std::int64_t total_before = !snapshot                      ? 0
                                    : snapshot->history_total >= 0 ? snapshot->history_total
                                                                   : before->history_total();

  Program p = program_for_write(*txn);
  // Ids are allocated under the member's lock, so one member's events carry increasing ids;
  // the core runs outside the writer lock, so one member's rules overlap another's commit.
  const std::string event_id = event_id_for(txn->next_event_number());
  event["id"] = event_id;
  event["at"] = at_override.empty() ? now_rfc3339() : at_override;
  const std::string response =
      apply_event(*txn, p, member_id, snapshot ? &snapshot->state : nullptr, event);
  return store_outcome(std::move(txn), p, member_id, event,
                       {snapshot ? &snapshot->state : nullptr, total_before}, response, enrol, k);
}

// The core's `apply` of the event on the stored state at the server's now, under the version
// current now. The snapshot holds no orders (they are kept in `orders`, one row each, so a
// regular's write does not carry a year of carts): the order the event names, if any, is put
// back for the core, which rejects a second order with its id and recomputes it for a refund,
// under the version the order was evaluated under (`order_program`), so a publish never changes
// what an order earned.
std::string Service::apply_event(WriteTxn& txn, const Program& p, const std::string& member_id,
                                 const std::string* snapshot, const json& event) {
  std::string state = snapshot ? *snapshot : std::string("null");
  std::string req = "{\"event\":" + event.dump() + ",\"now\":\"" + now_rfc3339() + "\"";
  const std::string order_id = string_member(event, "order_id");
  if (snapshot && !order_id.empty()) {
    if (auto record = txn.order_record(member_id, order_id)) {
      json full = json::parse(*snapshot, nullptr, false);
      json order = json::parse(*record, nullptr, false);
      if (full.is_object() && full["internal"].is_object() && order.is_object()) {
        full["internal"]["orders"] = json::array({order});
        state = full.dump();
      }
      const auto version = order.is_object() ? order.find("program_version") : order.end();
      if (string_member(event, "type") == "refund" && version != order.end() &&
          version->is_number_integer() && version->get<std::int64_t>() != p.version)
        if (auto row = txn.program_version(version->get<std::int64_t>()))
          req += ",\"order_program\":" + row->document;
    }
  }
  req += ",\"state\":" + state + "}";
  return p.engine->call("apply", req);
}

// Stores what the core answered: a rejection stores only its idempotency record; an accepted
// event stores the event, the new state, the history entries it wrote (the member's full history
// is the sum of these) and an idempotency record without the history (rebuilt from the entries).
Reply Service::store_outcome(std::unique_ptr<WriteTxn> txn, const Program& p,
                             const std::string& member_id, const json& event, const Before& before,
                             const std::string& response, bool enrol, const WriteKey& k) {
  if (loyalty::is_error(response))
    return engine_error(json::parse(response, nullptr, false), "/event");
  std::string err;
  const auto after = loyalty::MemberDocument::parse(response, &err, true);
  if (!after) return error_reply(500, "engine_error", err);
  const std::vector<std::string> history = after->history();
  const std::int64_t written = after->history_total() - before.history_total;
  const auto first_new =
      history.end() - std::min<std::int64_t>(std::max<std::int64_t>(written, 0),
                                             static_cast<std::int64_t>(history.size()));
  const std::string event_id = string_member(event, "id");
  WriteSet w;
  w.member_id = member_id;
  w.idem_key = k.key;
  w.idem_hash = k.hash;
  for (auto it = first_new; it != history.end(); ++it) {
    const json entry = json::parse(*it, nullptr, false);
    if (string_member(entry, "kind") == "rejected" &&
        string_member(entry, "event_id") == event_id) {
      const Reply r{422, json{{"error", entry.contains("error") ? entry["error"] : json()}}.dump(),
                    ""};
      w.idem_status = r.status;
      w.idem_response = r.body;
      return commit_write(std::move(txn), w, r, member_id, k);
    }
  }
  const Reply r{enrol ? 201 : 200, after->view(), ""};
  w.event = EventRow{
      0,         member_id,   event_id, string_member(event, "type"), string_member(event, "at"),
      p.version, event.dump()};
  // The snapshot is the member's view: the orders go to their own rows, and the event ids the
  // core remembers are not needed again (the server's ids are unique, retries stop at the
  // idempotency record).
  w.state = r.body;
  // What reads answer until time alone changes it, made now under this version, so a read before
  // then copies it instead of running advance (a state the core cannot date is read the slow way).
  if (auto dated = p.engine->dated_view(r.body)) {
    if (dated->view != r.body) w.dated.view = std::move(dated->view);
    w.dated.marks = std::move(dated->marks);
    w.dated.until_ms = dated->until_ms;
    w.dated.program_version = p.version;
  }
  // Coupon codes the accepted event claimed, counted for --coupon-cap: a claim's code, or every
  // code of an order (an order whose code cannot apply is rejected whole, so an accepted order
  // claimed them all). Read from the event, whatever history lines the core writes for them.
  std::vector<std::string> codes;
  const std::string type = string_member(event, "type");
  if (type == "claim") codes.push_back(string_member(event, "code"));
  if (type == "order" && event.contains("coupons") && event["coupons"].is_array())
    for (const auto& c : event["coupons"])
      if (c.is_string()) codes.push_back(c.get<std::string>());
  for (const auto& raw : codes) {
    const std::string code = coupon_code_key(raw);
    if (code.empty()) continue;
    const auto cap = coupon_caps_.find(code);
    w.coupon_claims.emplace_back(code, cap == coupon_caps_.end() ? -1 : cap->second);
  }
  w.orders = after->orders();
  w.history_total = after->history_total();
  w.new_member = enrol;
  // A referee's first order owes the referrer a credit, in this very transaction.
  if (type == "order" && after->lifetime_orders() == 1 && !after->referred_by().empty())
    w.referral_owed.emplace(after->referred_by(), member_id);
  if (enrol || type == "profile")
    for (const char* kind : {"phone", "email"})
      if (event.contains(kind)) w.identifiers.emplace_back(kind, string_member(event, kind));
  w.history.assign(first_new, history.end());
  w.metrics = metrics_write(*p.engine, w.history);
  w.sweep =
      sweep_after_write(*txn, p, member_id, event, r.body, w.dated.until_ms, after->clock_ms());
  w.idem_status = r.status;
  w.idem_response = after->view(false);
  w.idem_history_len = static_cast<int>(history.size());
  if (webhooks_)
    w.webhooks = webhooks_->rows_for(*p.engine, member_id, event_id, before.state, r.body,
                                     w.history, now_ms());
  return commit_write(std::move(txn), w, r, member_id, k);
}

Reply Service::commit_write(std::unique_ptr<WriteTxn> txn, const WriteSet& w, const Reply& r,
                            const std::string& member_id, const WriteKey& k) {
  std::string err;
  const CommitResult committed = txn->commit(w, err);
  txn.reset();  // the member's lock is free again (a refusal below takes it anew)
  switch (committed) {
    case CommitResult::ok:
      return r;
    case CommitResult::idempotency_conflict: {
      if (auto again = answer_for_used_key(k)) return *again;
      return error_reply(409, "idempotency_conflict",
                         "this Idempotency-Key was used with another request");
    }
    case CommitResult::member_exists:
      return error_reply(409, "member_exists", "member " + member_id + " is enrolled already",
                         "/member_id");
    case CommitResult::identifier_taken:
      return error_reply(409, "identifier_taken", "another member has this " + err, "/" + err);
    case CommitResult::coupon_cap_reached: {
      // Nothing of the event is stored; the refusal is, so a retry answers it again.
      const Reply refused = error_reply(422, "limit_exceeded",
                                        "this coupon code has been claimed by as many members as "
                                        "the merchant allows");
      WriteSet only_key;
      only_key.member_id = member_id;
      only_key.idem_key = k.key;
      only_key.idem_hash = k.hash;
      only_key.idem_status = refused.status;
      only_key.idem_response = refused.body;
      return commit_write(store_.begin_write(member_id), only_key, refused, member_id, k);
    }
    default:
      return error_reply(500, "storage_error", err);
  }
}

// The stored state brought to now by the passage of time (the core's `advance`: pending points
// released, lots and vouchers expired, the tier period current), as its member reads it. Nothing
// is written: the next write does the same advance and stores it.
Reply Service::get_member(const std::string& member_id) {
  auto row = store_.member_read(member_id);
  if (!row) return error_reply(404, "unknown_member", "no member " + member_id);
  Program p = program();
  const std::int64_t now = now_ms() / 1000 * 1000;
  // Until time alone changes what the member reads, the view stored with the snapshot under this
  // version, re-dated to now, is what advance would answer, byte for byte (Engine::dated_view).
  const StoredView& dated = row->dated;
  if (dated.program_version != 0 && dated.program_version == p.version &&
      (!dated.until_ms || now < *dated.until_ms))
    if (auto view = p.engine->view_at(dated.view ? *dated.view : row->state, dated.marks, now))
      return {200, std::move(*view), ""};
  const std::string* s = &row->state;
  const std::string advanced = p.engine->advance(*s, now);
  auto doc = loyalty::MemberDocument::parse(advanced);
  // A state the core cannot advance (it never should) is answered as stored.
  if (!doc) doc = loyalty::MemberDocument::parse(*s);
  if (!doc) return error_reply(500, "storage_error", "unreadable stored state");
  return {200, doc->view(), ""};
}

Reply Service::preview(const std::string& member_id, const json& body) {
  for (const auto& [key, value] : body.items())
    if (key != "cart" && key != "redeem" && key != "vouchers" && key != "coupons")
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

// Metrics read the outcomes stored when each event was accepted (the engine's `history` form),
// so publishing a program version changes no past figure: whole days from the totals kept with
// each write, a window that splits a day from the entries themselves.
Reply Service::metrics(const json& request) {
  const Program& p = program();
  std::string err;
  const auto query = loyalty::metrics_query(*p.engine, request.dump(), err);
  if (!query) return engine_error(json::parse(err, nullptr, false), "");
  if (!query->whole_days) return metrics_from_history(request);
  std::string response = kept_metrics(store_, *p.engine, *query);
  if (loyalty::is_error(response)) return engine_error(json::parse(response, nullptr, false), "");
  return {200, response, ""};
}

Reply Service::metrics_from_history(const json& request) {
  json req = request;
  json members = json::array();
  for (auto& [member, entries] : store_.all_member_history()) {
    json history = json::array();
    for (const auto& e : entries) history.push_back(json::parse(e, nullptr, false));
    members.push_back({{"member_id", member}, {"history", std::move(history)}});
  }
  req["members"] = std::move(members);
  std::string response = program().engine->call("metrics", req.dump());
  if (loyalty::is_error(response)) return engine_error(json::parse(response, nullptr, false), "");
  return {200, response, ""};
}

Reply Service::points_ledger(const json& request) {
  const Program& p = program();
  std::string err;
  const auto query = loyalty::metrics_query(*p.engine, request.dump(), err);
  if (!query) return engine_error(json::parse(err, nullptr, false), "");
  if (!query->whole_days)
    return error_reply(400, "invalid_request",
                       "the ledger is kept per store-local day: from and until must be midnights "
                       "in the program's time zone",
                       "/from");
  if (query->until_day - query->from_day > 36600)
    return error_reply(400, "invalid_request", "at most 36600 days at a time", "/until");
  return {200, points_ledger_csv(store_, *query), ""};
}

// One page of the member's stored history, oldest first; `before` in the answer is the cursor of
// the page before it (null on the first page of their past).
Reply Service::history(const std::string& member_id, std::int64_t before, int limit) {
  if (!store_.member_exists(member_id))
    return error_reply(404, "unknown_member", "no member " + member_id);
  auto rows = store_.history_before(member_id, before, limit + 1);
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.erase(rows.begin());
  std::string out = "{\"before\":";
  out += more ? std::to_string(rows.front().id) : "null";
  out += ",\"history\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) out += ',';
    out += rows[i].entry;
  }
  out += "]}";
  return {200, out, ""};
}

}  // namespace srv
