// SQLite storage: the append-only event ledger, member snapshots, program versions and
// idempotency records. WAL mode; every write is one transaction; one writer connection (guarded by
// writer_mutex()) and a pool of reader connections that never block it.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace srv {

struct ProgramRow {
  std::int64_t version = 0;
  std::string document;
  std::string created_at;
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

// Everything one write stores, in one transaction.
struct WriteSet {
  std::string member_id;
  std::optional<EventRow> event;     // absent for a write that stores no event
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
};

enum class CommitResult {
  ok,
  idempotency_conflict,
  member_exists,
  program_exists,
  coupon_cap_reached,
  failed
};

class Store {
 public:
  Store(const std::string& path, const std::string& sync);  // throws std::runtime_error
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Reads (any thread).
  std::optional<ProgramRow> latest_program();
  std::optional<ProgramRow> program_version(std::int64_t version);
  std::vector<ProgramRow> programs();  // every stored version, newest first
  std::optional<std::string> member_state(const std::string& member_id);
  std::optional<MemberSnapshot> member_snapshot(const std::string& member_id);
  std::optional<MemberRead> member_read(const std::string& member_id);
  // An order's record as the core last wrote it (what a refund recomputes).
  std::optional<std::string> order_record(const std::string& member_id,
                                          const std::string& order_id);
  bool member_exists(const std::string& member_id);
  std::vector<EventRow> events(const std::string& member_id, std::int64_t after, int limit);
  std::vector<std::string> member_event_bodies(const std::string& member_id);
  // Every member with its event bodies, in ledger order (for metrics).
  std::vector<std::pair<std::string, std::vector<std::string>>> all_member_events();
  // A record younger than the idempotency TTL; an expired one is as good as absent.
  std::optional<IdempotencyRow> idempotency(const std::string& key);
  void set_idempotency_ttl_ms(std::int64_t ttl_ms) { idem_ttl_ms_ = ttl_ms; }
  // Deletes records created before `cutoff_ms` (Unix ms), in small batches so writes go on
  // between them. Returns how many were deleted.
  std::int64_t sweep_idempotency(std::int64_t cutoff_ms);
  // A member's stored history entries with id < before, at most `limit`, oldest first.
  std::vector<HistoryRow> history_before(const std::string& member_id, std::int64_t before,
                                         int limit);
  // Every member with their stored history entries, oldest first (for metrics).
  std::vector<std::pair<std::string, std::vector<std::string>>> all_member_history();
  std::string max_event_id(const std::string& prefix);  // "" when none
  // How many members have claimed `code` (normalised).
  std::int64_t coupon_claimants(const std::string& code);

  // Writes: commit() is called under writer_mutex(); an event with seq 0 gets the next seq.
  std::mutex& writer_mutex() { return writer_mutex_; }
  std::int64_t next_seq();  // the seq the next stored event gets
  CommitResult commit(const WriteSet& w, std::string& error);
  bool insert_program(std::int64_t version, const std::string& document,
                      const std::string& created_at, std::string& error);

 private:
  struct Reader;
  class Lease;
  sqlite3* open_connection(bool writer);
  void migrate_idempotency_expiry();
  Lease lease();
  void give_back(sqlite3* db);
  void close_reader(sqlite3* db);

  std::string path_, sync_;
  sqlite3* writer_ = nullptr;
  std::mutex writer_mutex_;
  std::int64_t last_seq_ = 0;
  std::int64_t idem_ttl_ms_ = 30LL * 86400 * 1000;
  std::mutex pool_mutex_;
  std::vector<sqlite3*> pool_;
  sqlite3_stmt* insert_event_ = nullptr;
  sqlite3_stmt* upsert_member_ = nullptr;
  sqlite3_stmt* insert_member_ = nullptr;
  sqlite3_stmt* insert_idem_ = nullptr;
  sqlite3_stmt* insert_history_ = nullptr;
  sqlite3_stmt* upsert_order_ = nullptr;
  std::int64_t last_history_id(const std::string& member_id);  // writer connection
};

}  // namespace srv
