// What the server does, independent of HTTP: member writes through the rules core (apply on the
// stored snapshot, event + snapshot + idempotency record in one transaction, writes for one member
// serialised across instances), reads, program versions, metrics. Every answer is a status and the
// JSON bytes.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <loyalty/loyalty.hpp>
#include <loyalty/member.hpp>
#include <nlohmann/json.hpp>

#include "identity.hpp"
#include "store.hpp"
#include "webhooks.hpp"

namespace srv {

struct Reply {
  int status = 200;
  std::string body;
  std::string etag;  // set on program answers
};

// The error object of the engine: {"error":{"code","message","path"}}.
Reply error_reply(int status, const std::string& code, const std::string& message,
                  const std::string& path = "");
// "/" + `key` as a JSON pointer (RFC 6901: "~" is written "~0", "/" is written "~1").
std::string member_pointer(const std::string& key);
// The core's limit on nesting; deeper bodies are refused (413 too_large) before they are parsed
// (loyalty::nests_deeper_than), so nothing recurses through them.
constexpr int kMaxDepth = loyalty::Limits{}.max_depth;
// HTTP status for an engine error code (400 bad input, 413 too large, 422 rule rejection).
int status_for_code(const std::string& code);

struct WriteKey {
  std::string key;   // Idempotency-Key
  std::string hash;  // request_hash(...)
};

class Service {
 public:
  explicit Service(Store& store) : store_(store) {}
  // Loads the newest stored program, or stores `initial_document` when there is none.
  bool load_program(const std::string& initial_document, std::string& error);
  bool load_first_program(const std::string& initial_document, std::string& error);

  // Takes a version another instance stored since (shared stores only; called every second).
  void refresh_program();
  // Referral credits still owed (a crash between a referee's order and the referrer's credit):
  // paid now; called at start and every few seconds.
  void pay_owed_referrals();
  // The time sweep (spec/sync.md, "Webhooks"): members whose sweep is due at `now_ms` (at most
  // `limit`, the longest waiting first) get their time-driven webhooks and their next due
  // instant, each under the member's lock. Safe on every instance at once. Returns how many.
  int sweep_due(std::int64_t now_ms, int limit);

  Reply get_program(const std::string& if_none_match);
  // A stored version (404 unknown_version when there is none), and the list of them.
  Reply get_program_version(std::int64_t version, const std::string& if_none_match);
  Reply program_versions();
  // A new version: the next number after the stored ones (the document's own `version` is
  // overwritten), with the merchant's note; with `if_match`, only when that is the current one.
  struct PublishOptions {
    std::string note;
    std::optional<std::int64_t> if_match;
  };
  Reply put_program(const std::string& body, const PublishOptions& options, const WriteKey& k);

  Reply enroll(const nlohmann::json& body, const WriteKey& k);
  // The member a phone or an email names (`kind` "phone" or "email", as typed): normalised the
  // way enrolment stores it.
  Reply member_by(const std::string& kind, const std::string& raw);
  // A `profile` event: a new phone or email (normalised, unique), name, birthday (null clears
  // it), consent per channel (email, sms, push: true or false, stamped with the event's time).
  Reply update_profile(const std::string& member_id, nlohmann::json changes, const WriteKey& k);
  // Orders, refunds, adjustments, actions, redemptions: `fields` are the event's own members.
  // `at` empty = server now.
  Reply member_event(const std::string& member_id, const std::string& type, nlohmann::json fields,
                     const std::string& at, const WriteKey& k);

  // A spin of a prize wheel with the server's draw: {"prize": {...}, "state": {...}}; a claim of
  // a coupon code: {"reward", "voucher", "state"} (docs/engagement-json.md "Server"). A retry
  // with the same Idempotency-Key answers the first outcome again (the same prize).
  Reply spin(const std::string& member_id, const std::string& wheel, std::int64_t draw,
             const WriteKey& k);
  Reply claim(const std::string& member_id, const std::string& code, const WriteKey& k);
  // --coupon-cap: normalised code -> how many members may claim it.
  void set_coupon_caps(std::map<std::string, std::int64_t> caps) { coupon_caps_ = std::move(caps); }
  // Accepted writes add their webhook deliveries to the outbox in their own transaction.
  void set_webhooks(const Webhooks& webhooks) { webhooks_ = &webhooks; }

  Reply get_member(const std::string& member_id);
  // The member's stored history entries with cursor < before, at most `limit`, oldest first.
  Reply history(const std::string& member_id, std::int64_t before, int limit);
  bool member_exists(const std::string& member_id) { return store_.member_exists(member_id); }
  Reply preview(const std::string& member_id, const nlohmann::json& body);
  Reply events(const std::string& member_id, std::int64_t after, int limit);
  // Metrics over whole store-local days come from the totals kept at write time
  // (metrics_kept.hpp); any other window from every stored history entry, as before.
  Reply metrics(const nlohmann::json& request);
  // The old way, kept for windows that split a day and as the reference the tests compare with.
  Reply metrics_from_history(const nlohmann::json& request);
  // The points ledger per day of a whole-day window (`from`, `until`), as CSV.
  Reply points_ledger(const nlohmann::json& request);

  // Data protection (spec/sync.md): everything held about a member, as JSON (the request is
  // recorded); and an erasure of their personal data, the ledger kept under a pseudonym.
  Reply export_member(const std::string& member_id);
  Reply erase_member(const std::string& member_id, const WriteKey& k);
  // The what-if simulator's sample: `size` members drawn by `seed`, in pages of kSamplePage,
  // each with their whole ledger under a pseudonym and without names, phones, emails, consent.
  static constexpr int kSamplePage = 500;
  Reply ledger_sample(std::int64_t size, std::uint64_t seed, std::int64_t page);

  std::string now_rfc3339();  // in the program's store time (the offset in force now)

 private:
  struct Program {
    std::shared_ptr<const loyalty::Engine> engine;
    std::string document;
    std::int64_t version = 0;
    std::string default_country;    // the document's, for phone numbers without their prefix
    std::int64_t lapsed_days = 90;  // the document's, for member.lapsed
  };
  Program program();
  bool install(const std::string& document, std::int64_t version, std::string& error);
  // The newest program, taken inside a write: another instance may have published one.
  Program program_for_write(WriteTxn& txn);
  Reply commit_write(std::unique_ptr<WriteTxn> txn, const WriteSet& w, const Reply& r,
                     const std::string& member_id, const WriteKey& k);
  void pay_referral(const std::string& referee, const std::string& referrer);
  // `txn`: read the key inside that write (what another instance committed before its lock).
  std::optional<Reply> answer_for_used_key(const WriteKey& k, WriteTxn* txn = nullptr);
  // The shared write path: idempotency, serialisation, the core, one transaction.
  Reply write_event(const std::string& member_id, nlohmann::json event, bool enrol,
                    const std::string& at_override, const WriteKey& k);
  std::string apply_event(WriteTxn& txn, const Program& p, const std::string& member_id,
                          const std::string* snapshot, const nlohmann::json& event);
  // The member as the write found them: the stored state (null for a new member) and its count
  // of history entries.
  struct Before {
    const std::string* state = nullptr;
    std::int64_t history_total = 0;
  };
  // The event's phone and email in the stored form, or the 400 that says why not.
  std::optional<Reply> normalize_identifiers(nlohmann::json& event,
                                             const std::string& default_country);
  Reply store_outcome(std::unique_ptr<WriteTxn> txn, const Program& p, const std::string& member_id,
                      const nlohmann::json& event, const Before& before,
                      const std::string& response, bool enrol, const WriteKey& k);

  bool sweep_member(const std::string& member_id, std::int64_t now_ms);
  std::vector<EventRow> all_events(const std::string& member_id);
  // The member's sweep row after a write: their last order, and when the sweep next looks.
  SweepRow sweep_after_write(WriteTxn& txn, const Program& p, const std::string& member_id,
                             const nlohmann::json& event, const std::string& view,
                             std::optional<std::int64_t> until_ms,
                             std::optional<std::int64_t> clock_ms);
  std::int64_t notice_days() const { return webhooks_ ? webhooks_->expiry_notice_days() : 14; }

  Store& store_;
  const Webhooks* webhooks_ = nullptr;
  std::map<std::string, std::int64_t> coupon_caps_;
  std::mutex program_mutex_;
  Program program_;
};

}  // namespace srv
