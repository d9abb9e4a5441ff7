// PostgreSQL storage: any number of server instances over one database (libpq, a fixed pool of
// connections per instance). A write is one transaction that first takes the member's advisory
// lock (pg_advisory_xact_lock on a 64-bit hash of the member id), so read → rules → commit is one
// step for that member on every instance; the lock ends with the transaction, whatever happens to
// the instance. docs/decisions.md "PostgreSQL storage (issue 20)" says why these locks.
#pragma once
#include "pg_pool.hpp"
#include "store.hpp"

namespace srv {

class PostgresStore final : public Store {
 public:
  // Connects once and applies the migrations; throws StoreUnavailable when it cannot connect.
  PostgresStore(const std::string& url, int pool_size);

  std::optional<ProgramRow> latest_program() override;
  std::optional<ProgramRow> program_version(std::int64_t version) override;
  std::vector<ProgramRow> programs() override;
  std::optional<std::string> member_state(const std::string& member_id) override;
  std::optional<MemberRead> member_read(const std::string& member_id) override;
  bool member_exists(const std::string& member_id) override;
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
  bool backfill_in(PgConn& c, const MetricsClassifier& classify);  // inside its transaction
  std::vector<std::pair<std::string, std::string>> metrics_marks(const std::string& kind,
                                                                 std::int64_t until_ms) override;

  std::unique_ptr<WriteTxn> begin_write(const std::string& member_id) override;
  std::unique_ptr<WriteTxn> begin_program_write() override;
  bool insert_program(const ProgramRow& row, std::string& error) override;
  std::int64_t sweep_idempotency(std::int64_t cutoff_ms) override;
  bool shared() const override { return true; }
  std::optional<std::string> member_by(const std::string& kind, const std::string& value) override;
  std::vector<std::pair<std::string, std::string>> referrals_owed(int limit) override;
  std::vector<std::string> members_due(std::int64_t now_ms, int limit) override;
  std::vector<std::string> member_ids() override;
  std::vector<std::pair<std::string, std::string>> identifiers_of(
      const std::string& member_id) override;
  std::vector<OutboxRow> webhooks_about(const std::string& member_id) override;
  std::vector<DataRequestRow> data_requests(const std::string& member_id) override;
  std::vector<std::string> members_mentioning(const std::string& needle,
                                              const std::string& except) override;
  void record_data_request(const std::string& member_id, const DataRequestRow& row) override;
  void referral_paid(const std::string& referee) override;
  std::vector<OutboxRow> claim_webhooks(std::int64_t now_ms, int limit,
                                        std::int64_t lease_ms) override;
  void webhook_attempted(const OutboxRow& row, std::int64_t now_ms, bool delivered,
                         std::optional<std::int64_t> next_attempt_ms,
                         const std::string& error) override;

  std::int64_t idempotency_ttl_ms() const { return idem_ttl_ms_; }

 private:
  void migrate();
  std::int64_t settled_seq(PgConn& c);
  std::unique_ptr<WriteTxn> begin(const char* lock_sql, const std::vector<PgParam>& key);
  PgPool pool_;
};

// The advisory-lock keys. Members use the one-bigint form; the server's own locks use the
// two-int form, a key space PostgreSQL keeps apart from it, under these classes.
enum class PgLockClass : int { migrations = 1, program = 2, coupon = 3, event_seq = 4 };
std::int64_t pg_lock_key(const std::string& s);    // FNV-1a 64: the same on every instance
std::int32_t pg_lock_key32(const std::string& s);  // its low 32 bits, for the two-int form

}  // namespace srv
