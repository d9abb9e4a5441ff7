#include "postgres_store.hpp"

#include <algorithm>

#include "clock.hpp"
#include "metrics_sql.hpp"
#include "migrations.hpp"

namespace srv {

std::int64_t pg_lock_key(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(h);
}

std::int32_t pg_lock_key32(const std::string& s) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(pg_lock_key(s)));
}

namespace {

PgParam lock_class(PgLockClass c) {
  return pg_int(static_cast<int>(c));
}

const char* kLockTwo = "SELECT pg_advisory_xact_lock($1::int, $2::int)";
const char* kLockTwoShared = "SELECT pg_advisory_xact_lock_shared($1::int, $2::int)";

// Reads, shared by the store (on a leased connection) and a write (on its own).

std::optional<ProgramRow> read_program(PgConn& c, const char* where,
                                       const std::vector<PgParam>& params) {
  const std::string sql =
      std::string("SELECT version, document, created_at FROM programs ") + where;
  const PgResult r = c.exec(sql.c_str(), params);
  if (r.rows() == 0) return std::nullopt;
  return ProgramRow{r.i64(0, 0), r.text(0, 1), r.text(0, 2)};
}

std::optional<IdempotencyRow> read_idempotency(PgConn& c, const std::string& key,
                                               std::int64_t ttl_ms) {
  const PgResult r = c.exec(
      "SELECT request_hash, status, response, history_end, history_len FROM idempotency "
      "WHERE key = $1 AND created_ms >= $2",
      {key, pg_int(now_ms() - ttl_ms)});
  if (r.rows() == 0) return std::nullopt;
  return IdempotencyRow{r.text(0, 0), static_cast<int>(r.i64(0, 1)), r.text(0, 2), r.i64(0, 3),
                        r.i64(0, 4)};
}

std::vector<HistoryRow> read_history_before(PgConn& c, const std::string& member_id,
                                            std::int64_t before, int limit) {
  const PgResult r = c.exec(
      "SELECT id, entry FROM history WHERE member_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
      {member_id, pg_int(before), pg_int(limit)});
  std::vector<HistoryRow> out;
  for (int i = r.rows() - 1; i >= 0; --i) out.push_back({r.i64(i, 0), r.text(i, 1)});
  return out;
}

// The statements of a commit, in order; any PgError rolls the whole write back.
class PgCommit {
 public:
  PgCommit(PgConn& c, const WriteSet& w, std::int64_t ttl_ms) : c_(c), w_(w), ttl_ms_(ttl_ms) {}
  CommitResult run();
  // The write's kept metrics totals alone (a backfill): marks name entries by `history_ids`.
  void metrics_only(std::vector<std::int64_t> history_ids) {
    history_ids_ = std::move(history_ids);
    metrics();
  }

 private:
  bool program();
  std::int64_t event();
  std::int64_t history(std::int64_t seq);
  void orders();
  bool idempotency(std::int64_t history_end);
  bool member(std::int64_t seq);
  bool coupons();
  bool identifiers(std::string& taken);
  void sweep();
  void webhooks();
  void metrics();
  PgConn& c_;
  std::vector<std::int64_t> history_ids_;
  const WriteSet& w_;

 public:
  std::string taken_;  // the identifier kind another member holds (identifier_taken)

 private:
  std::int64_t ttl_ms_;
};

CommitResult PgCommit::run() {
  if (w_.program && !program()) return CommitResult::program_exists;
  const std::int64_t seq = w_.event ? event() : 0;
  const std::int64_t history_end = history(seq);
  orders();
  if (!w_.idem_key.empty() && !idempotency(history_end)) return CommitResult::idempotency_conflict;
  if (w_.state && !member(seq)) return CommitResult::member_exists;
  if (!coupons()) return CommitResult::coupon_cap_reached;
  if (w_.referral_owed)
    c_.exec(
        "INSERT INTO referrals_owed(referee, referrer, created_ms) VALUES ($1,$2,$3) "
        "ON CONFLICT DO NOTHING",
        {w_.referral_owed->second, w_.referral_owed->first, pg_int(now_ms())});
  if (std::string taken; !identifiers(taken)) {
    taken_ = taken;
    return CommitResult::identifier_taken;
  }
  sweep();
  webhooks();
  metrics();
  return CommitResult::ok;
}

// The write's share of the metrics' kept totals (store.hpp MetricsWrite). The day rows are
// locked in (day, key) order under the member's shard, so two writers never wait on each other
// in opposite orders.
void PgCommit::metrics() {
  const MetricsWrite& m = w_.metrics;
  const std::string shard = std::to_string(metrics_sql::shard_of(w_.member_id));
  for (const auto& d : m.daily)
    c_.exec(metrics_sql::kAddDaily, {pg_int(d.day), d.key, shard, pg_int(d.value)});
  for (const auto& d : m.member_days)
    c_.exec(metrics_sql::kAddMemberDay,
            {w_.member_id, pg_int(d.day), pg_int(d.orders), pg_int(d.points),
             d.last_order_ms ? PgParam(pg_int(*d.last_order_ms)) : std::nullopt});
  if (m.enrolled)
    c_.exec(metrics_sql::kEnrolled, {w_.member_id, pg_int(m.enrolled->first), m.enrolled->second});
  for (const auto& k : m.marks) {
    const std::int64_t id = k.history_id != 0               ? k.history_id
                            : k.entry < history_ids_.size() ? history_ids_[k.entry]
                                                            : 0;
    if (id == 0) throw PgError("XX000", "a metrics mark names no stored history entry");
    c_.exec(metrics_sql::kAddMark, {w_.member_id, pg_int(id), pg_int(k.at_ms), k.kind, k.value});
  }
}

void PgCommit::sweep() {
  if (!w_.sweep) return;
  const auto opt = [](const std::optional<std::int64_t>& v) -> PgParam {
    return v ? PgParam(pg_int(*v)) : std::nullopt;
  };
  c_.exec(
      "INSERT INTO member_sweep(member_id, due_ms, last_order_ms) VALUES ($1,$2,$3) "
      "ON CONFLICT (member_id) DO UPDATE SET due_ms = excluded.due_ms, "
      "last_order_ms = excluded.last_order_ms",
      {w_.member_id, opt(w_.sweep->due_ms), opt(w_.sweep->last_order_ms)});
}

// A unique key: of two enrolments with one email on two instances, the second waits for the
// first's commit and then finds the row taken.
bool PgCommit::identifiers(std::string& taken) {
  for (const auto& [kind, value] : w_.identifiers) {
    // A member has one of each kind: a new phone replaces the old one (which is free again).
    c_.exec("DELETE FROM member_ids WHERE member_id = $1 AND kind = $2", {w_.member_id, kind});
    const PgResult r = c_.exec(
        "INSERT INTO member_ids(kind, value, member_id) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING",
        {kind, value, w_.member_id});
    if (r.affected() == 1) continue;
    const PgResult owner =
        c_.exec("SELECT member_id FROM member_ids WHERE kind = $1 AND value = $2", {kind, value});
    if (owner.rows() == 1 && owner.text(0, 0) == w_.member_id) continue;
    taken = kind;
    return false;
  }
  return true;
}

// In the event's own transaction: a rolled-back write leaves no delivery, a committed one always
// has its rows.
void PgCommit::webhooks() {
  for (const auto& h : w_.webhooks)
    c_.exec(
        "INSERT INTO webhook_outbox(id, url, body, created_ms, next_attempt_ms) "
        "VALUES ($1,$2,$3,$4,$4) ON CONFLICT DO NOTHING",
        {h.id, h.url, h.body, pg_int(h.created_ms)});
}

bool PgCommit::program() {
  const PgResult r = c_.exec(
      "INSERT INTO programs(version, document, created_at, note) VALUES ($1,$2,$3,$4) "
      "ON CONFLICT (version) DO NOTHING",
      {pg_int(w_.program->version), w_.program->document, w_.program->created_at,
       w_.program->note});
  return r.affected() == 1;  // another instance published this version first
}

// seq comes from a sequence, drawn under the event_seq lock held *shared* to the commit: writers
// never wait for one another on it, and the feed, which takes it exclusively for an instant,
// learns the highest seq no write in flight can still undercut (PostgresStore::settled_seq).
std::int64_t PgCommit::event() {
  c_.exec(kLockTwoShared, {lock_class(PgLockClass::event_seq), pg_int(0)});
  const EventRow& e = *w_.event;
  const PgResult r = c_.exec(
      "INSERT INTO events(seq, member_id, event_id, type, at, program_version, body) "
      "VALUES (nextval('event_seq'),$1,$2,$3,$4,$5,$6) RETURNING seq",
      {e.member_id, e.event_id, e.type, e.at, pg_int(e.program_version), e.body});
  return r.i64(0, 0);
}

std::int64_t PgCommit::history(std::int64_t seq) {
  std::int64_t end = 0;
  for (const auto& entry : w_.history) {
    end = c_.exec("INSERT INTO history(member_id, seq, entry) VALUES ($1,$2,$3) RETURNING id",
                  {w_.member_id, pg_int(seq), entry})
              .i64(0, 0);
    history_ids_.push_back(end);
  }
  if (w_.idem_history_len > 0 && end == 0)
    end = c_.exec("SELECT COALESCE(MAX(id), 0) FROM history WHERE member_id = $1", {w_.member_id})
              .i64(0, 0);
  return end;
}

void PgCommit::orders() {
  for (const auto& [order_id, record] : w_.orders)
    c_.exec(
        "INSERT INTO orders(member_id, order_id, record) VALUES ($1,$2,$3) "
        "ON CONFLICT (member_id, order_id) DO UPDATE SET record = excluded.record",
        {w_.member_id, order_id, record});
}

// An expired record under the same key (not swept yet) is replaced; a live one is a conflict (no
// row changed). A twin inserting the same key on another instance waits here for this one's
// commit, then finds the key taken.
bool PgCommit::idempotency(std::int64_t history_end) {
  const std::int64_t now = now_ms();
  const PgResult r = c_.exec(
      "INSERT INTO idempotency(key, request_hash, status, response, history_end, history_len, "
      "created_ms) VALUES ($1,$2,$3,$4,$5,$6,$7) "
      "ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, "
      "status = excluded.status, response = excluded.response, "
      "history_end = excluded.history_end, history_len = excluded.history_len, "
      "created_ms = excluded.created_ms WHERE idempotency.created_ms < $8",
      {w_.idem_key, w_.idem_hash, pg_int(w_.idem_status), w_.idem_response,
       pg_int(w_.idem_history_len > 0 ? history_end : 0), pg_int(w_.idem_history_len), pg_int(now),
       pg_int(now - ttl_ms_)});
  return r.affected() == 1;
}

bool PgCommit::member(std::int64_t seq) {
  const auto& d = w_.dated;
  const std::vector<PgParam> params = {w_.member_id,
                                       *w_.state,
                                       pg_int(seq),
                                       pg_int(w_.history_total),
                                       d.view,
                                       d.marks,
                                       d.until_ms ? pg_int(*d.until_ms) : PgParam(),
                                       pg_int(d.program_version)};
  const std::string insert =
      "INSERT INTO members(member_id, state, last_seq, history_total, view, view_marks, "
      "view_until, view_version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ";
  const std::string sql =
      w_.new_member ? insert + "ON CONFLICT (member_id) DO NOTHING"
                    : insert +
                          "ON CONFLICT (member_id) DO UPDATE SET state = excluded.state, "
                          "last_seq = excluded.last_seq, history_total = excluded.history_total, "
                          "view = excluded.view, view_marks = excluded.view_marks, "
                          "view_until = excluded.view_until, view_version = excluded.view_version";
  return c_.exec(sql.c_str(), params).affected() == 1;
}

// The server's cap on a coupon (--coupon-cap) counts members under the code's lock, held to the
// commit, so two instances cannot both take the last place. Codes are locked in sorted order:
// two writes claiming the same two codes cannot each hold the one the other waits for.
bool PgCommit::coupons() {
  auto claims = w_.coupon_claims;
  std::sort(claims.begin(), claims.end());
  for (const auto& [code, cap] : claims) {
    c_.exec(kLockTwo, {lock_class(PgLockClass::coupon), pg_int(pg_lock_key32(code))});
    const PgResult r =
        c_.exec("INSERT INTO coupon_claims(code, member_id) VALUES ($1,$2) ON CONFLICT DO NOTHING",
                {code, w_.member_id});
    if (cap < 0 || r.affected() == 0) continue;  // uncapped, or this member holds a place
    if (c_.exec("SELECT COUNT(*) FROM coupon_claims WHERE code = $1", {code}).i64(0, 0) > cap)
      return false;
  }
  return true;
}

// A write: one transaction on one leased connection, begun under its lock.
class PgWriteTxn final : public WriteTxn {
 public:
  PgWriteTxn(PgPool::Lease lease, const PostgresStore& store)
      : lease_(std::move(lease)), store_(store) {}
  ~PgWriteTxn() override { finish("ROLLBACK"); }
  std::optional<IdempotencyRow> idempotency(const std::string& key) override {
    return read_idempotency(*lease_, key, store_.idempotency_ttl_ms());
  }
  std::optional<MemberSnapshot> member_snapshot(const std::string& member_id) override {
    const PgResult r =
        lease_->exec("SELECT state, history_total FROM members WHERE member_id = $1", {member_id});
    if (r.rows() == 0) return std::nullopt;
    return MemberSnapshot{r.text(0, 0), r.i64(0, 1)};
  }
  std::optional<std::string> order_record(const std::string& member_id,
                                          const std::string& order_id) override {
    const PgResult r = lease_->exec(
        "SELECT record FROM orders WHERE member_id = $1 AND order_id = $2", {member_id, order_id});
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
  }
  std::int64_t latest_program_version() override {
    return lease_->exec("SELECT COALESCE(MAX(version), 0) FROM programs").i64(0, 0);
  }
  std::optional<ProgramRow> program_version(std::int64_t version) override {
    return read_program(*lease_, "WHERE version = $1", {pg_int(version)});
  }
  std::vector<HistoryRow> history_before(const std::string& member_id, std::int64_t before,
                                         int limit) override {
    return read_history_before(*lease_, member_id, before, limit);
  }
  std::optional<SweepRow> sweep_row(const std::string& member_id) override {
    const PgResult r = lease_->exec(
        "SELECT due_ms, last_order_ms FROM member_sweep WHERE member_id = $1", {member_id});
    if (r.rows() == 0) return std::nullopt;
    SweepRow row;
    if (!r.null(0, 0)) row.due_ms = r.i64(0, 0);
    if (!r.null(0, 1)) row.last_order_ms = r.i64(0, 1);
    return row;
  }
  std::int64_t next_event_number() override {
    return lease_->exec("SELECT nextval('event_number')").i64(0, 0);
  }
  CommitResult commit(const WriteSet& w, std::string& error) override;
  CommitResult erase(const Erasure& e, std::string& error) override;
  CommitResult replace_mentions(const std::string& member_id, const std::string& needle,
                                const std::string& with, std::string& error) override;

 private:
  // Runs `statements` and commits; any PgError rolls them back.
  template <typename Statements>
  CommitResult run_and_commit(Statements statements, std::string& error);
  void finish(const char* sql) noexcept;
  PgPool::Lease lease_;
  const PostgresStore& store_;
  bool done_ = false;
};

CommitResult PgWriteTxn::commit(const WriteSet& w, std::string& error) {
  CommitResult result;
  try {
    PgCommit commit(*lease_, w, store_.idempotency_ttl_ms());
    result = commit.run();
    if (result == CommitResult::identifier_taken) error = commit.taken_;
  } catch (const PgError& e) {
    error = e.what();
    result = CommitResult::failed;
  }
  if (result != CommitResult::ok) {
    finish("ROLLBACK");
    return result;
  }
  done_ = true;  // a COMMIT that fails (connection lost) throws StoreUnavailable: the outcome
  lease_->exec("COMMIT");  // is unknown, and a retry with the same key finds out which
  return CommitResult::ok;
}

template <typename Statements>
CommitResult PgWriteTxn::run_and_commit(Statements statements, std::string& error) {
  CommitResult result = CommitResult::ok;
  try {
    result = statements(*lease_);
  } catch (const PgError& e) {
    error = e.what();
    result = CommitResult::failed;
  }
  if (result != CommitResult::ok) {
    finish("ROLLBACK");
    return result;
  }
  done_ = true;
  lease_->exec("COMMIT");
  return CommitResult::ok;
}

// Every row of the member moves to the pseudonym, and the member's id, quoted as JSON (x, p) and
// as the start of a webhook id (xs, ps), becomes the pseudonym's in them; see Erasure.
static std::vector<std::pair<const char*, std::vector<PgParam>>> pg_erasure(const Erasure& e) {
  const std::string &x = e.member_id, &p = e.pseudonym;
  const std::string qx = json_string(x), qp = json_string(p), xs = id_prefix(x), ps = id_prefix(p);
  return {
      {"UPDATE events SET member_id = $2, body = replace(body, $3, $4) WHERE member_id = $1",
       {x, p, qx, qp}},
      {"UPDATE history SET member_id = $2, entry = replace(entry, $3, $4) WHERE member_id = $1",
       {x, p, qx, qp}},
      {"UPDATE orders SET member_id = $2, record = replace(record, $3, $4) WHERE member_id = $1",
       {x, p, qx, qp}},
      {"DELETE FROM member_ids WHERE member_id = $1", {x}},
      {"UPDATE coupon_claims SET member_id = $2 WHERE member_id = $1", {x, p}},
      {"UPDATE member_sweep SET member_id = $2 WHERE member_id = $1", {x, p}},
      {metrics_sql::kErasure[0], {x, p}},
      {metrics_sql::kErasure[1], {x, p}},
      {metrics_sql::kErasure[2], {x, p, qx, qp}},
      {"UPDATE referrals_owed SET referee = $2 WHERE referee = $1", {x, p}},
      {"UPDATE referrals_owed SET referrer = $2 WHERE referrer = $1", {x, p}},
      {"UPDATE webhook_outbox SET id = $2 || substr(id, length($1) + 1), "
       "body = replace(replace(body, $3, $4), $5, $6) "
       "WHERE substr(id, 1, length($1) + 1) = $1 || ':' AND strpos(body, '\"member_id\":' || $3) > "
       "0",
       {x, p, qx, qp, xs, ps}},
      {"DELETE FROM idempotency WHERE strpos(response, $2) > 0 OR "
       "strpos(key, ':member:' || $1 || ' ') > 0 OR strpos(key, ' /v1/members/' || $1 || ' ') > 0 "
       "OR strpos(key, ' /v1/members/' || $1 || '/') > 0",
       {x, qx}},
      {"UPDATE data_requests SET member_id = $2 WHERE member_id = $1", {x, p}},
      {"UPDATE members SET member_id = $2, state = $3, view = NULL, view_marks = '', "
       "view_until = NULL, view_version = 0 WHERE member_id = $1",
       {x, p, e.state}},
  };
}

CommitResult PgWriteTxn::erase(const Erasure& e, std::string& error) {
  return run_and_commit(
      [&](PgConn& c) {
        for (const auto& [sql, params] : pg_erasure(e)) c.exec(sql, params);
        for (const auto& [seq, body] : e.events)
          c.exec("UPDATE events SET body = $2 WHERE seq = $1", {pg_int(seq), body});
        c.exec(
            "INSERT INTO data_requests(kind, member_id, at_ms, detail) "
            "VALUES ('erasure', $1, $2, $3)",
            {e.pseudonym, pg_int(e.at_ms), e.record});
        if (e.idem_key.empty()) return CommitResult::ok;
        const PgResult r = c.exec(
            "INSERT INTO idempotency(key, request_hash, status, response, history_end, "
            "history_len, created_ms) VALUES ($1, $2, $3, $4, 0, 0, $5) ON CONFLICT DO NOTHING",
            {e.idem_key, e.idem_hash, pg_int(e.idem_status), e.idem_response, pg_int(e.at_ms)});
        return r.affected() == 1 ? CommitResult::ok : CommitResult::idempotency_conflict;
      },
      error);
}

CommitResult PgWriteTxn::replace_mentions(const std::string& member_id, const std::string& needle,
                                          const std::string& with, std::string& error) {
  return run_and_commit(
      [&](PgConn& c) {
        for (const char* sql : {
                 "UPDATE events SET body = replace(body, $2, $3) WHERE member_id = $1",
                 "UPDATE history SET entry = replace(entry, $2, $3) WHERE member_id = $1",
                 "UPDATE orders SET record = replace(record, $2, $3) WHERE member_id = $1",
                 "UPDATE members SET state = replace(state, $2, $3), view = replace(view, $2, $3) "
                 "WHERE member_id = $1",
             })
          c.exec(sql, {member_id, json_string(needle), json_string(with)});
        return CommitResult::ok;
      },
      error);
}

void PgWriteTxn::finish(const char* sql) noexcept {
  if (done_) return;
  done_ = true;
  try {
    lease_->exec(sql);
  } catch (...) {  // the connection is gone: the server rolls the transaction back itself
  }
}

}  // namespace

PostgresStore::PostgresStore(const std::string& url, int pool_size) : pool_(url, pool_size) {
  migrate();
}

// Each migration in its own transaction under the migrations' lock: instances starting together
// wait for one another, and each finds what the first applied recorded.
void PostgresStore::migrate() {
  auto c = pool_.acquire();
  for (const auto& m : migrations()) {
    c->exec("BEGIN");
    try {
      c->exec(kLockTwo, {lock_class(PgLockClass::migrations), pg_int(0)});
      c->exec_script(kMigrationsTable);
      if (c->exec("SELECT 1 FROM schema_migrations WHERE version = $1", {pg_int(m.version)})
              .rows() == 0) {
        c->exec_script(m.postgres);
        c->exec("INSERT INTO schema_migrations(version, applied_at) VALUES ($1, $2)",
                {pg_int(m.version), format_utc(now_ms())});
      }
      c->exec("COMMIT");
    } catch (...) {
      try {
        c->exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }
}

std::unique_ptr<WriteTxn> PostgresStore::begin(const char* lock_sql,
                                               const std::vector<PgParam>& key) {
  // BEGIN and the lock may run twice (on a new connection when a pooled one had died): nothing
  // is written before them.
  return pool_.run([&](PgPool::Lease& c) -> std::unique_ptr<WriteTxn> {
    c->exec("BEGIN");
    try {
      c->exec(lock_sql, key);
    } catch (...) {
      try {
        c->exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
    return std::make_unique<PgWriteTxn>(std::move(c), *this);
  });
}

std::unique_ptr<WriteTxn> PostgresStore::begin_write(const std::string& member_id) {
  return begin("SELECT pg_advisory_xact_lock($1::bigint)", {pg_int(pg_lock_key(member_id))});
}

std::unique_ptr<WriteTxn> PostgresStore::begin_program_write() {
  return begin(kLockTwo, {lock_class(PgLockClass::program), pg_int(0)});
}

bool PostgresStore::insert_program(const ProgramRow& row, std::string& error) {
  try {
    pool_.run([&](PgPool::Lease& c) {
      c->exec(
          "INSERT INTO programs(version, document, created_at) VALUES ($1,$2,$3) "
          "ON CONFLICT (version) DO NOTHING",
          {pg_int(row.version), row.document, row.created_at});
    });
    return true;
  } catch (const PgError& e) {
    error = e.what();
    return false;
  }
}

std::int64_t PostgresStore::sweep_idempotency(std::int64_t cutoff_ms) {
  std::int64_t deleted = 0;
  for (;;) {
    const std::int64_t n = pool_.run([&](PgPool::Lease& c) {
      return c
          ->exec(
              "DELETE FROM idempotency WHERE key IN "
              "(SELECT key FROM idempotency WHERE created_ms < $1 LIMIT 500)",
              {pg_int(cutoff_ms)})
          .affected();
    });
    deleted += n;
    if (n < 500) return deleted;
  }
}

// SKIP LOCKED: instances claiming at once take different rows; the lease pushes a claimed row's
// next attempt back, so a crashed instance's rows come due again once it runs out.
std::vector<OutboxRow> PostgresStore::claim_webhooks(std::int64_t now_ms, int limit,
                                                     std::int64_t lease_ms) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec(
        "UPDATE webhook_outbox SET next_attempt_ms = $2 WHERE (id, url) IN "
        "(SELECT id, url FROM webhook_outbox WHERE delivered_ms IS NULL AND dead = 0 AND "
        "next_attempt_ms <= $1 ORDER BY next_attempt_ms LIMIT $3 FOR UPDATE SKIP LOCKED) "
        "RETURNING id, url, body, created_ms, attempts",
        {pg_int(now_ms), pg_int(now_ms + lease_ms), pg_int(limit)});
    std::vector<OutboxRow> rows;
    for (int i = 0; i < r.rows(); ++i)
      rows.push_back(
          {r.text(i, 0), r.text(i, 1), r.text(i, 2), r.i64(i, 3), static_cast<int>(r.i64(i, 4))});
    return rows;
  });
}

void PostgresStore::webhook_attempted(const OutboxRow& row, std::int64_t now_ms, bool delivered,
                                      std::optional<std::int64_t> next_attempt_ms,
                                      const std::string& error) {
  pool_.run([&](PgPool::Lease& c) {
    c->exec(
        "UPDATE webhook_outbox SET attempts = attempts + 1, delivered_ms = $3, "
        "next_attempt_ms = $4, dead = $5, last_error = $6 WHERE id = $1 AND url = $2",
        {row.id, row.url, delivered ? pg_int(now_ms) : PgParam{},
         pg_int(next_attempt_ms.value_or(now_ms)), pg_int(!delivered && !next_attempt_ms),
         error.substr(0, 500)});
    return 0;
  });
}

std::vector<std::pair<std::string, std::string>> PostgresStore::referrals_owed(int limit) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r =
        c->exec("SELECT referee, referrer FROM referrals_owed ORDER BY created_ms LIMIT $1",
                {pg_int(limit)});
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.text(i, 1));
    return out;
  });
}

std::vector<std::string> PostgresStore::members_due(std::int64_t now_ms, int limit) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec(
        "SELECT member_id FROM member_sweep WHERE due_ms IS NOT NULL AND due_ms <= $1 "
        "ORDER BY due_ms LIMIT $2",
        {pg_int(now_ms), pg_int(limit)});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  });
}

std::vector<std::string> PostgresStore::member_ids() {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec("SELECT member_id FROM members ORDER BY member_id");
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  });
}

std::vector<std::pair<std::string, std::string>> PostgresStore::identifiers_of(
    const std::string& member_id) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec(
        "SELECT kind, value FROM member_ids WHERE member_id = $1 ORDER BY kind", {member_id});
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.text(i, 1));
    return out;
  });
}

std::vector<OutboxRow> PostgresStore::webhooks_about(const std::string& member_id) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec(
        "SELECT id, url, body, created_ms, attempts FROM webhook_outbox "
        "WHERE substr(id, 1, length($1) + 1) = $1 || ':' ORDER BY created_ms, id",
        {member_id});
    std::vector<OutboxRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(
          {r.text(i, 0), r.text(i, 1), r.text(i, 2), r.i64(i, 3), static_cast<int>(r.i64(i, 4))});
    return out;
  });
}

std::vector<DataRequestRow> PostgresStore::data_requests(const std::string& member_id) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r =
        c->exec("SELECT kind, at_ms, detail FROM data_requests WHERE member_id = $1 ORDER BY id",
                {member_id});
    std::vector<DataRequestRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.i64(i, 1), r.text(i, 2)});
    return out;
  });
}

std::vector<std::string> PostgresStore::members_mentioning(const std::string& needle,
                                                           const std::string& except) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec(
        "SELECT member_id FROM events WHERE strpos(body, $1) > 0 AND member_id <> $2 "
        "UNION SELECT member_id FROM members WHERE strpos(state, $1) > 0 AND member_id <> $2",
        {json_string(needle), except});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  });
}

void PostgresStore::record_data_request(const std::string& member_id, const DataRequestRow& row) {
  pool_.run([&](PgPool::Lease& c) {
    c->exec("INSERT INTO data_requests(kind, member_id, at_ms, detail) VALUES ($1, $2, $3, $4)",
            {row.kind, member_id, pg_int(row.at_ms), row.detail});
    return 0;
  });
}

void PostgresStore::referral_paid(const std::string& referee) {
  pool_.run([&](PgPool::Lease& c) {
    c->exec("DELETE FROM referrals_owed WHERE referee = $1", {referee});
    return 0;
  });
}

std::optional<std::string> PostgresStore::member_by(const std::string& kind,
                                                    const std::string& value) {
  return pool_.run([&](PgPool::Lease& c) -> std::optional<std::string> {
    const PgResult r =
        c->exec("SELECT member_id FROM member_ids WHERE kind = $1 AND value = $2", {kind, value});
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
  });
}

std::optional<ProgramRow> PostgresStore::latest_program() {
  return pool_.run(
      [&](PgPool::Lease& c) { return read_program(*c, "ORDER BY version DESC LIMIT 1", {}); });
}

std::optional<ProgramRow> PostgresStore::program_version(std::int64_t version) {
  return pool_.run(
      [&](PgPool::Lease& c) { return read_program(*c, "WHERE version = $1", {pg_int(version)}); });
}

std::vector<ProgramRow> PostgresStore::programs() {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r =
        c->exec("SELECT version, document, created_at, note FROM programs ORDER BY version DESC");
    std::vector<ProgramRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.i64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
    return out;
  });
}

std::optional<std::string> PostgresStore::member_state(const std::string& member_id) {
  return pool_.run([&](PgPool::Lease& c) -> std::optional<std::string> {
    const PgResult r = c->exec("SELECT state FROM members WHERE member_id = $1", {member_id});
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
  });
}

std::optional<MemberRead> PostgresStore::member_read(const std::string& member_id) {
  return pool_.run([&](PgPool::Lease& c) -> std::optional<MemberRead> {
    const PgResult r = c->exec(
        "SELECT state, view, view_marks, view_until, view_version FROM members "
        "WHERE member_id = $1",
        {member_id});
    if (r.rows() == 0) return std::nullopt;
    MemberRead m{r.text(0, 0), {}};
    if (!r.null(0, 1)) m.dated.view = r.text(0, 1);
    m.dated.marks = r.text(0, 2);
    if (!r.null(0, 3)) m.dated.until_ms = r.i64(0, 3);
    m.dated.program_version = r.i64(0, 4);
    return m;
  });
}

bool PostgresStore::member_exists(const std::string& member_id) {
  return pool_.run([&](PgPool::Lease& c) {
    return c->exec("SELECT 1 FROM members WHERE member_id = $1", {member_id}).rows() > 0;
  });
}

// A plain sequence hands out seqs in the order writes draw them, not the order they commit: a
// feed reader at after=N could see N+2 committed while N+1 is still in flight, and skip N+1 for
// good. Every write holds the event_seq lock shared from before it draws its seq to its commit;
// taking it exclusively waits for those in flight (and holds new ones back for that instant), so
// every seq drawn so far is then committed or abandoned. The feed shows seqs up to that one.
std::int64_t PostgresStore::settled_seq(PgConn& c) {
  c.exec("BEGIN");
  try {
    c.exec(kLockTwo, {lock_class(PgLockClass::event_seq), pg_int(0)});
    const std::int64_t seq =
        c.exec("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM event_seq").i64(0, 0);
    c.exec("COMMIT");
    return seq;
  } catch (...) {
    try {
      c.exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

std::vector<EventRow> PostgresStore::events(const std::string& member_id, std::int64_t after,
                                            int limit) {
  return pool_.run([&](PgPool::Lease& c) {
    const std::string sql = std::string(
                                "SELECT seq, member_id, event_id, type, at, program_version, body "
                                "FROM events WHERE seq > $1 AND seq <= $2 ") +
                            (member_id.empty() ? "AND $4 = '' " : "AND member_id = $4 ") +
                            "ORDER BY seq LIMIT $3";
    const PgResult r =
        c->exec(sql.c_str(), {pg_int(after), pg_int(settled_seq(*c)), pg_int(limit), member_id});
    std::vector<EventRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.i64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                     r.i64(i, 5), r.text(i, 6)});
    return out;
  });
}

std::optional<IdempotencyRow> PostgresStore::idempotency(const std::string& key) {
  return pool_.run([&](PgPool::Lease& c) { return read_idempotency(*c, key, idem_ttl_ms_); });
}

std::vector<HistoryRow> PostgresStore::history_before(const std::string& member_id,
                                                      std::int64_t before, int limit) {
  return pool_.run(
      [&](PgPool::Lease& c) { return read_history_before(*c, member_id, before, limit); });
}

std::vector<std::pair<std::string, std::vector<std::string>>> PostgresStore::all_member_history() {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec("SELECT member_id, entry FROM history ORDER BY member_id, id");
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (int i = 0; i < r.rows(); ++i) {
      std::string m = r.text(i, 0);
      if (out.empty() || out.back().first != m) out.push_back({m, {}});
      out.back().second.push_back(r.text(i, 1));
    }
    return out;
  });
}

std::vector<std::pair<std::string, std::int64_t>> PostgresStore::metrics_sums(
    std::int64_t from_day, std::int64_t until_day) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec(metrics_sql::kSums, {pg_int(from_day), pg_int(until_day)});
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.i64(i, 1));
    return out;
  });
}

std::vector<MetricsDelta> PostgresStore::metrics_days(std::int64_t from_day, std::int64_t until_day,
                                                      const std::vector<std::string>& keys) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec(metrics_sql::kDays, {pg_int(from_day), pg_int(until_day)});
    std::vector<MetricsDelta> out;
    for (int i = 0; i < r.rows(); ++i) {
      std::string key = r.text(i, 1);
      if (std::find(keys.begin(), keys.end(), key) != keys.end())
        out.push_back({r.i64(i, 0), std::move(key), r.i64(i, 2)});
    }
    return out;
  });
}

// Under one transaction: the marker row is deleted first, so a second instance starting at the
// same time waits on it and then finds nothing to do. History is read a page at a time.
bool PostgresStore::backfill_metrics(const MetricsClassifier& classify, std::string& error) {
  try {
    return pool_.run([&](PgPool::Lease& c) {
      c->exec("BEGIN");
      try {
        return backfill_in(*c, classify);
      } catch (const PgError&) {
        c->exec("ROLLBACK");  // the connection goes back to the pool clean
        throw;
      }
    });
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

bool PostgresStore::backfill_in(PgConn& c, const MetricsClassifier& classify) {
  if (c.exec("DELETE FROM metrics_backfill").affected() == 0) {  // done, or nothing to do
    c.exec("ROLLBACK");
    return true;
  }
  WriteSet w;
  std::vector<std::string> entries;
  std::vector<std::int64_t> ids;
  auto flush = [&] {
    if (entries.empty()) return;
    w.metrics = classify(entries);
    PgCommit(c, w, 0).metrics_only(ids);
    entries.clear();
    ids.clear();
  };
  std::string after_member;
  std::int64_t after_id = 0;
  for (;;) {
    const PgResult r = c.exec(
        "SELECT member_id, id, entry FROM history WHERE (member_id, id) > ($1, $2) "
        "ORDER BY member_id, id LIMIT 10000",
        {after_member, pg_int(after_id)});
    if (r.rows() == 0) break;
    for (int i = 0; i < r.rows(); ++i) {
      std::string member = r.text(i, 0);
      if (member != w.member_id) flush();
      w.member_id = std::move(member);
      ids.push_back(r.i64(i, 1));
      entries.push_back(r.text(i, 2));
    }
    after_member = w.member_id;
    after_id = ids.back();
  }
  flush();
  c.exec("COMMIT");
  return true;
}

MemberFigures PostgresStore::member_figures(const MetricsWindow& w) {
  return pool_.run([&](PgPool::Lease& c) {
    MemberFigures f;
    const PgResult e = c->exec(metrics_sql::kEnrolments,
                               {pg_int(w.from_ms), pg_int(w.until_ms), pg_int(w.cutoff_ms)});
    f.at_start = e.i64(0, 0);
    f.enrolled_in_period = e.i64(0, 1);
    f.enrolled_before_cutoff = e.i64(0, 2);
    const PgResult r =
        c->exec(metrics_sql::kMemberFigures,
                {pg_int(w.from_day), pg_int(w.until_day), pg_int(w.cutoff_day), pg_int(w.cutoff_ms),
                 pg_int(w.until_ms), pg_int(w.heavy_min), pg_int(w.medium_min)});
    f.buyers = r.i64(0, 0);
    f.heavy = r.i64(0, 1);
    f.medium = r.i64(0, 2);
    f.kept_since_cutoff = r.i64(0, 3);
    f.outstanding_points = r.i64(0, 4);
    return f;
  });
}

std::vector<std::pair<std::string, std::string>> PostgresStore::metrics_marks(
    const std::string& kind, std::int64_t until_ms) {
  return pool_.run([&](PgPool::Lease& c) {
    const PgResult r = c->exec(metrics_sql::kMarks, {kind, pg_int(until_ms)});
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.text(i, 1));
    return out;
  });
}

}  // namespace srv
