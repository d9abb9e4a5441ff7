// Storage behind the service: the append-only event ledger, member snapshots, program versions and
// idempotency records, with the row types both stores share. Two implementations: SqliteStore
// (one process over one file) and PostgresStore (several instances over one database); open_store
// picks one from --db. Every write is one WriteTxn: taken under a lock on its key (a member, a
// coupon code's cap, the program), read inside it, committed or rolled back whole.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace srv {

struct ProgramRow {
  std::int64_t version = 0;
  std::string document;
  std::string created_at;
  std::string note;  // the merchant's, given on publish ("Double points on Fridays")
};

struct EventRow {
  std::int64_t seq = 0;
  std::string member_id, event_id, type, at;
  std::int64_t program_version = 0;
  std::string body;  // the event JSON as applied
};

struct IdempotencyRow {
  std::string request_hash;
  int status = 0;
  std::string response;
  // When history_len > 0 the response was stored without its history: the reply held the
  // member's latest history_len entries up to the entry with id history_end.
  std::int64_t history_end = 0, history_len = 0;
};

struct MemberSnapshot {
  std::string state;
  std::int64_t history_total = -1;  // the state's internal.history_total; -1: not recorded
};

// What a read answers until time alone changes it (loyalty::DatedView, made under
// program_version): the view is the snapshot's own bytes when `view` is absent (the usual case).
struct StoredView {
  std::optional<std::string> view;  // absent: the snapshot (`state`) is the view
  std::string marks;
  std::optional<std::int64_t> until_ms;  // absent: nothing is ever due
  std::int64_t program_version = 0;      // 0: no stored view (a row written before them)
};

// A member row as a read needs it.
struct MemberRead {
  std::string state;
  StoredView dated;
};

struct HistoryRow {  // one stored outcome: a history entry as the engine wrote it
  std::int64_t id = 0;
  std::string entry;
};

// When the time sweep next looks at a member (their time-driven webhooks: points expiring or
// expired, a lapse, a membership status that time moves), and the instant of their last order.
struct SweepRow {
  std::optional<std::int64_t> due_ms;         // absent: nothing time-driven lies ahead
  std::optional<std::int64_t> last_order_ms;  // absent: never ordered
};

// One webhook delivery waiting in the outbox: an event for one receiver.
struct OutboxRow {
  std::string id, url, body;
  std::int64_t created_ms = 0;
  int attempts = 0;  // made so far
};

// What one write adds to the metrics' kept totals (docs/decisions.md, "Metrics from aggregates
// (issue 21)"), from its new history entries as the core classifies them. Days are store-local
// (days since 1970-01-01 in the program's zone).
struct MetricsDelta {
  std::int64_t day = 0;
  std::string key;  // metrics_kept.hpp names them: "orders", "issued", "enrol:web", ...
  std::int64_t value = 0;
};
struct MemberDayDelta {  // the member's orders and balance move on one day
  std::int64_t day = 0, orders = 0, points = 0;
  std::optional<std::int64_t> last_order_ms;  // the latest order that day
};
struct MetricsMark {  // an entry a member-level figure replays: a tier move or a membership entry
  std::size_t entry = 0;        // its index in WriteSet::history (ordered by the stored id) ...
  std::int64_t history_id = 0;  // ... or, when not 0, the id of an entry stored before
  std::int64_t at_ms = 0;
  std::string kind;  // "tier" (value: the tier id) or "membership" (value: the entry)
  std::string value;
};
struct MetricsWrite {
  std::vector<MetricsDelta> daily;
  std::vector<MemberDayDelta> member_days;
  std::optional<std::pair<std::int64_t, std::string>> enrolled;  // at_ms, channel
  std::vector<MetricsMark> marks;
};

// The kept totals a metrics window reads (whole store-local days [from_day, until_day)).
struct MetricsWindow {
  std::int64_t from_day = 0, until_day = 0, from_ms = 0, until_ms = 0;
  std::int64_t cutoff_day = 0, cutoff_ms = 0;  // churn: an order at or after cutoff_ms keeps one
  std::int64_t heavy_min = 10, medium_min = 3;
};
struct MemberFigures {
  std::int64_t at_start = 0, enrolled_in_period = 0, enrolled_before_cutoff = 0;
  std::int64_t buyers = 0, heavy = 0, medium = 0;
  std::int64_t kept_since_cutoff = 0;   // enrolled before the cutoff, ordered since
  std::int64_t outstanding_points = 0;  // Σ max(balance at until, 0) over members
};

// Everything one write stores, in one transaction.
struct WriteSet {
  std::string member_id;
  std::optional<EventRow> event;     // absent for a write that stores no event; seq is assigned
  std::optional<std::string> state;  // new snapshot (with last_seq = event seq)
  StoredView dated;                  // stored with the snapshot
  bool new_member = false;           // insert, failing when the member exists
  std::string idem_key, idem_hash;   // empty key = no idempotency record
  int idem_status = 0;
  std::string idem_response;
  int idem_history_len = 0;          // > 0: idem_response holds no history (IdempotencyRow)
  std::vector<std::string> history;  // the history entries the event wrote, oldest first
  std::int64_t history_total = -1;   // the new state's internal.history_total
  // Order records the core answered (order id, record): kept apart from the snapshot.
  std::vector<std::pair<std::string, std::string>> orders;
  std::optional<ProgramRow> program;  // a new program version
  // Coupon codes this write claimed (normalised, config.hpp coupon_code_key), each with the
  // server's cap on members claiming it (-1: none). A claim past its cap fails the whole write.
  std::vector<std::pair<std::string, std::int64_t>> coupon_claims;
  std::vector<OutboxRow> webhooks;  // kept once per (id, url): a retried write adds none
  // The member's identifiers this write gives them ("phone" or "email", normalised): another
  // member holding one fails the whole write (identifier_taken, the kind in the error).
  std::vector<std::pair<std::string, std::string>> identifiers;
  // A referee's first order: (referrer, referee) owed a referral credit (referrals_owed).
  std::optional<std::pair<std::string, std::string>> referral_owed;
  std::optional<SweepRow> sweep;  // the member's sweep row, replaced
  MetricsWrite metrics;           // added to the kept totals
};

// An export or erasure of a member's personal data (spec/sync.md, "Data protection"), recorded.
struct DataRequestRow {
  std::string kind;  // "export" or "erasure"
  std::int64_t at_ms = 0;
  std::string detail;  // JSON
};

// Everything one erasure changes, in one transaction under the member's lock: every row of the
// member moves to `pseudonym`, the member's id becomes the pseudonym wherever it is quoted in
// them (events, history, orders, snapshot, webhook archive), the rows with personal data get
// their scrubbed text, identifiers and idempotency answers that name the member are deleted.
struct Erasure {
  std::string member_id, pseudonym;
  std::string state;  // the scrubbed snapshot, under the pseudonym
  std::vector<std::pair<std::int64_t, std::string>> events;  // seq -> scrubbed body
  std::string record;                                        // data_requests detail (JSON)
  std::int64_t at_ms = 0;
  std::string idem_key, idem_hash, idem_response;
  int idem_status = 0;
};

enum class CommitResult {
  ok,
  idempotency_conflict,
  member_exists,
  program_exists,
  coupon_cap_reached,
  identifier_taken,
  failed
};

// The database cannot be reached (down, restarting, connection lost): the request is answered
// 503 and nothing of it is stored (its transaction, if one was open, is rolled back).
struct StoreUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One write, from its lock to its commit. Reads inside it see every write committed before the
// lock was taken, so read → rules → commit is one step for the key. Destroyed uncommitted, it
// rolls back and releases the lock.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  virtual std::optional<IdempotencyRow> idempotency(const std::string& key) = 0;
  virtual std::optional<MemberSnapshot> member_snapshot(const std::string& member_id) = 0;
  virtual std::optional<std::string> order_record(const std::string& member_id,
                                                  const std::string& order_id) = 0;
  virtual std::int64_t latest_program_version() = 0;  // 0: none
  virtual std::optional<ProgramRow> program_version(std::int64_t version) = 0;
  // As Store::history_before (a write reads through its own connection: holding one while
  // waiting for a second could starve the pool).
  virtual std::vector<HistoryRow> history_before(const std::string& member_id, std::int64_t before,
                                                 int limit) = 0;
  virtual std::optional<SweepRow> sweep_row(const std::string& member_id) = 0;
  // Stores an erasure whole, or nothing; the transaction is over afterwards.
  virtual CommitResult erase(const Erasure& e, std::string& error) = 0;
  // In the rows of the locked member (events, history, snapshot, orders), the JSON string
  // `needle` (quoted) becomes `with`: another member's id they mention, erased.
  virtual CommitResult replace_mentions(const std::string& member_id, const std::string& needle,
                                        const std::string& with, std::string& error) = 0;
  // The number of the next server event id ("srv-" + 12 digits), unique across instances.
  virtual std::int64_t next_event_number() = 0;
  // Stores everything or nothing; the transaction is over afterwards, whatever the result.
  virtual CommitResult commit(const WriteSet& w, std::string& error) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Reads (any thread), each on its own snapshot of committed data.
  virtual std::optional<ProgramRow> latest_program() = 0;
  virtual std::optional<ProgramRow> program_version(std::int64_t version) = 0;
  virtual std::vector<ProgramRow> programs() = 0;  // every stored version, newest first
  virtual std::optional<std::string> member_state(const std::string& member_id) = 0;
  virtual std::optional<MemberRead> member_read(const std::string& member_id) = 0;
  virtual bool member_exists(const std::string& member_id) = 0;
  virtual std::vector<EventRow> events(const std::string& member_id, std::int64_t after,
                                       int limit) = 0;
  // A record younger than the idempotency TTL; an expired one is as good as absent.
  virtual std::optional<IdempotencyRow> idempotency(const std::string& key) = 0;
  // A member's stored history entries with id < before, at most `limit`, oldest first.
  virtual std::vector<HistoryRow> history_before(const std::string& member_id, std::int64_t before,
                                                 int limit) = 0;
  // Every member with their stored history entries, oldest first (for metrics).
  virtual std::vector<std::pair<std::string, std::vector<std::string>>> all_member_history() = 0;
  // The kept metrics totals (MetricsWrite): per-day sums by key over [from_day, until_day), the
  // member-level figures of a window, and the marks of a kind before until_ms of members
  // enrolled before it, (member, value) ordered by member then history order.
  virtual std::vector<std::pair<std::string, std::int64_t>> metrics_sums(
      std::int64_t from_day, std::int64_t until_day) = 0;
  virtual std::vector<MetricsDelta> metrics_days(std::int64_t from_day, std::int64_t until_day,
                                                 const std::vector<std::string>& keys) = 0;
  virtual MemberFigures member_figures(const MetricsWindow& w) = 0;
  virtual std::vector<std::pair<std::string, std::string>> metrics_marks(const std::string& kind,
                                                                         std::int64_t until_ms) = 0;
  // Fills the kept totals from the stored history when migration 9 found entries stored before
  // it: once (across instances), in one transaction. `classify` turns one member's entries
  // (oldest first) into their totals; its marks name the entries by index. False and `error`
  // on failure (nothing is kept, and the next start tries again).
  using MetricsClassifier = std::function<MetricsWrite(const std::vector<std::string>&)>;
  virtual bool backfill_metrics(const MetricsClassifier& classify, std::string& error) = 0;
  // Referral credits owed (referee, referrer), oldest first, and one paid.
  virtual std::vector<std::pair<std::string, std::string>> referrals_owed(int limit) = 0;
  virtual void referral_paid(const std::string& referee) = 0;
  // Data protection (spec/sync.md): every member id, sorted; the member's identifiers (kind,
  // value); the webhook rows about them (ids "<member>:…"); their recorded exports and erasures;
  // the other members whose stored rows quote `needle` (a JSON string: a referral); a record.
  virtual std::vector<std::string> member_ids() = 0;
  virtual std::vector<std::pair<std::string, std::string>> identifiers_of(
      const std::string& member_id) = 0;
  virtual std::vector<OutboxRow> webhooks_about(const std::string& member_id) = 0;
  virtual std::vector<DataRequestRow> data_requests(const std::string& member_id) = 0;
  virtual std::vector<std::string> members_mentioning(const std::string& needle,
                                                      const std::string& except) = 0;
  virtual void record_data_request(const std::string& member_id, const DataRequestRow& row) = 0;
  // Members whose sweep is due at `now_ms`, the longest waiting first, at most `limit`.
  virtual std::vector<std::string> members_due(std::int64_t now_ms, int limit) = 0;
  // The member a normalised identifier names ("phone" or "email"), if any.
  virtual std::optional<std::string> member_by(const std::string& kind,
                                               const std::string& value) = 0;

  // A write under the member's lock: one member's writes run one after the other, across every
  // instance. A program publish has a lock of its own.
  virtual std::unique_ptr<WriteTxn> begin_write(const std::string& member_id) = 0;
  virtual std::unique_ptr<WriteTxn> begin_program_write() = 0;
  // The first program, at start (no-op success when `version` is stored already).
  virtual bool insert_program(const ProgramRow& row, std::string& error) = 0;
  // Deletes records created before `cutoff_ms` (Unix ms), in small batches so writes go on
  // between them. Returns how many were deleted.
  virtual std::int64_t sweep_idempotency(std::int64_t cutoff_ms) = 0;
  // True when other instances may write the same database (what this one caches may be stale).
  virtual bool shared() const = 0;

  // Webhook deliveries due at `now_ms`, at most `limit`, each leased for `lease_ms` (pushed back
  // so another instance does not take it meanwhile), oldest first.
  virtual std::vector<OutboxRow> claim_webhooks(std::int64_t now_ms, int limit,
                                                std::int64_t lease_ms) = 0;
  // The outcome of one attempt: delivered, or the next attempt's time (none: the row is dead).
  virtual void webhook_attempted(const OutboxRow& row, std::int64_t now_ms, bool delivered,
                                 std::optional<std::int64_t> next_attempt_ms,
                                 const std::string& error) = 0;

  void set_idempotency_ttl_ms(std::int64_t ttl_ms) { idem_ttl_ms_ = ttl_ms; }

 protected:
  std::int64_t idem_ttl_ms_ = 30LL * 86400 * 1000;
};

struct StoreOptions {
  std::string sync = "full";  // SQLite synchronous
  int pool = 8;               // PostgreSQL connections
};

// `text` as a JSON string ("m-1" with its quotes), as stored rows quote a member's id; and the
// start of a webhook id of the member as a body quotes it ("m-1: without the closing quote).
std::string json_string(const std::string& text);
std::string id_prefix(const std::string& member_id);

// `postgresql://…` or `postgres://…`: PostgreSQL; anything else: a SQLite file.
bool is_postgres_url(const std::string& db);
std::unique_ptr<Store> open_store(const std::string& db, const StoreOptions& options);

}  // namespace srv
