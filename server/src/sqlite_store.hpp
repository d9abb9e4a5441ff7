// SQLite storage: one process over one file (main.cpp holds <db>.lock). WAL mode; every write is
// one transaction on the one writer connection (guarded by a mutex); reads use a pool of reader
// connections that never block it. A member's write lock is an in-process mutex: with one
// process per file that is the whole story.
#pragma once
#include <sqlite3.h>

#include <array>
#include <atomic>
#include <mutex>

#include "store.hpp"

namespace srv {

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, const std::string& sync);  // throws std::runtime_error
  ~SqliteStore() override;

  std::optional<ProgramRow> latest_program() override;
  std::optional<ProgramRow> program_version(std::int64_t version) override;
  std::vector<ProgramRow> programs() override;
  std::optional<std::string> member_state(const std::string& member_id) override;
  std::optional<MemberSnapshot> member_snapshot(const std::string& member_id);
  std::optional<MemberRead> member_read(const std::string& member_id) override;
  std::optional<std::string> order_record(const std::string& member_id,
                                          const std::string& order_id);
  bool member_exists(const std::string& member_id) override;
  std::optional<SweepRow> sweep_row(const std::string& member_id);
  std::vector<std::string> members_due(std::int64_t now_ms, int limit) override;
  std::vector<EventRow> events(const std::string& member_id, std::int64_t after,
                               int limit) override;
  std::optional<IdempotencyRow> idempotency(const std::string& key) override;
  std::vector<HistoryRow> history_before(const std::string& member_id, std::int64_t before,
                                         int limit) override;
  std::vector<std::pair<std::string, std::vector<std::string>>> all_member_history() override;
  std::vector<std::pair<std::string, std::int64_t>> metrics_sums(std::int64_t from_day,
                                                                 std::int64_t until_day) override;
  std::vector<MetricsDelta> metrics_days(std::int64_t from_day, std::int64_t until_day,
                                         const std::vector<std::string>& keys) override;
  MemberFigures member_figures(const MetricsWindow& w) override;
  bool backfill_metrics(const MetricsClassifier& classify, std::string& error) override;
  std::vector<std::pair<std::string, std::string>> metrics_marks(const std::string& kind,
                                                                 std::int64_t until_ms) override;

  std::unique_ptr<WriteTxn> begin_write(const std::string& member_id) override;
  std::unique_ptr<WriteTxn> begin_program_write() override;
  bool insert_program(const ProgramRow& row, std::string& error) override;
  std::int64_t sweep_idempotency(std::int64_t cutoff_ms) override;
  bool shared() const override { return false; }
  std::optional<std::string> member_by(const std::string& kind, const std::string& value) override;
  std::vector<std::pair<std::string, std::string>> referrals_owed(int limit) override;
  void referral_paid(const std::string& referee) override;
  std::vector<OutboxRow> claim_webhooks(std::int64_t now_ms, int limit,
                                        std::int64_t lease_ms) override;
  void webhook_attempted(const OutboxRow& row, std::int64_t now_ms, bool delivered,
                         std::optional<std::int64_t> next_attempt_ms,
                         const std::string& error) override;

  std::vector<std::string> member_ids() override;
  std::vector<std::pair<std::string, std::string>> identifiers_of(
      const std::string& member_id) override;
  std::vector<OutboxRow> webhooks_about(const std::string& member_id) override;
  std::vector<DataRequestRow> data_requests(const std::string& member_id) override;
  std::vector<std::string> members_mentioning(const std::string& needle,
                                              const std::string& except) override;
  void record_data_request(const std::string& member_id, const DataRequestRow& row) override;

  // Under the writer mutex, in one transaction (SqliteWriteTxn::commit, erase, replace_mentions).
  CommitResult commit(const WriteSet& w, std::string& error);
  CommitResult erase(const Erasure& e, std::string& error);
  CommitResult replace_mentions(const std::string& member_id, const std::string& needle,
                                const std::string& with, std::string& error);
  std::mutex& writer_mutex() { return writer_mutex_; }
  std::int64_t next_event_number() { return ++last_event_number_; }

 private:
  std::optional<std::string> member_by_locked(const std::string& kind, const std::string& value);
  // Runs `sql` on the writer with text parameters ?1, ?2, …; false (and the error) on failure.
  bool write(const char* sql, const std::vector<std::string>& params);
  bool write_metrics(const WriteSet& w, const std::vector<std::int64_t>& history_ids);
  class Lease;
  sqlite3* open_connection(bool writer);
  void migrate();
  void upgrade_unversioned();
  void prepare_writes();
  std::string max_event_id(const std::string& prefix);  // "" when none
  Lease lease();
  void give_back(sqlite3* db);
  void close_reader(sqlite3* db);
  std::int64_t last_history_id(const std::string& member_id);  // writer connection

  std::string path_, sync_;
  sqlite3* writer_ = nullptr;
  std::mutex writer_mutex_;
  std::array<std::mutex, 256> member_mutexes_;  // begin_write's locks, by hash of the member
  std::mutex program_mutex_;                    // begin_program_write's
  std::atomic<std::int64_t> last_event_number_{0};
  std::mutex pool_mutex_;
  std::vector<sqlite3*> pool_;
  sqlite3_stmt* insert_event_ = nullptr;
  sqlite3_stmt* upsert_member_ = nullptr;
  sqlite3_stmt* insert_member_ = nullptr;
  sqlite3_stmt* insert_idem_ = nullptr;
  sqlite3_stmt* insert_history_ = nullptr;
  sqlite3_stmt* upsert_order_ = nullptr;
  sqlite3_stmt *add_daily_ = nullptr, *add_member_day_ = nullptr, *enrolled_ = nullptr,
               *add_mark_ = nullptr;  // the metrics' kept totals (metrics_sql.hpp)
};

}  // namespace srv
