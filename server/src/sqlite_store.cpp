#include "sqlite_store.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "clock.hpp"
#include "metrics_sql.hpp"
#include "migrations.hpp"

namespace srv {
namespace {

// Columns added to the first schema before migrations were versioned, each with the default an
// older row means (upgrade_unversioned).
struct AddedColumn {
  const char *table, *column, *definition;
};
const AddedColumn kAddedColumns[] = {
    // The reply's history is not stored twice: these say which entries of `history` it held.
    {"idempotency", "history_end", "INTEGER NOT NULL DEFAULT 0"},
    {"idempotency", "history_len", "INTEGER NOT NULL DEFAULT 0"},
    // The snapshot's internal.history_total, so a write need not parse the snapshot for it.
    {"members", "history_total", "INTEGER NOT NULL DEFAULT -1"},
    // The view a read answers until time alone changes it (StoredView); an older row has none
    // (view_version 0) and is read the slow way until its next write.
    {"members", "view", "TEXT"},
    {"members", "view_marks", "TEXT NOT NULL DEFAULT ''"},
    {"members", "view_until", "INTEGER"},
    {"members", "view_version", "INTEGER NOT NULL DEFAULT 0"},
};

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "sqlite error";
    sqlite3_free(err);
    throw std::runtime_error(msg + " in: " + sql.substr(0, 80));
  }
}

// metrics_sql.hpp's text for SQLite: $n parameters become ?n (the same numbered parameter).
std::string sqlite_sql(const char* pg_sql) {
  std::string out = pg_sql;
  std::replace(out.begin(), out.end(), '$', '?');
  return out;
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("prepare: ") + sqlite3_errmsg(db));
  return st;
}

// Reader connections keep their prepared statements (keyed by the SQL text's address).
struct Cache {
  std::unordered_map<sqlite3*, std::unordered_map<const char*, sqlite3_stmt*>> stmts;
  std::mutex mutex;
};
Cache& cache() {
  static Cache c;
  return c;
}

struct Stmt {
  sqlite3_stmt* st;
  bool cached = false;
  Stmt(sqlite3* db, const char* sql) : st(prepare(db, sql)) {}
  Stmt(sqlite3* db, const char* sql, bool) : cached(true) {
    std::lock_guard lock(cache().mutex);  // a connection is leased to one thread at a time
    auto& per_db = cache().stmts[db];
    auto it = per_db.find(sql);
    st = it != per_db.end() ? it->second : (per_db[sql] = prepare(db, sql));
  }
  ~Stmt() {
    if (cached) {
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
    } else {
      sqlite3_finalize(st);
    }
  }
  void text(int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void i64(int i, std::int64_t v) { sqlite3_bind_int64(st, i, v); }
  bool step() {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(sqlite3_errmsg(sqlite3_db_handle(st)));
  }
  std::string col_text(int i) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, i)))
             : std::string();
  }
  std::int64_t col_i64(int i) { return sqlite3_column_int64(st, i); }
};

void bind_text(sqlite3_stmt* st, int i, const std::string& s) {
  sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

int run(sqlite3_stmt* st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc;
}

}  // namespace

class SqliteStore::Lease {
 public:
  Lease(SqliteStore* s, sqlite3* db) : s_(s), db_(db) {}
  Lease(Lease&& o) noexcept : s_(o.s_), db_(o.db_) { o.db_ = nullptr; }
  ~Lease() {
    if (db_) s_->give_back(db_);
  }
  sqlite3* get() const { return db_; }

 private:
  SqliteStore* s_;
  sqlite3* db_;
};

sqlite3* SqliteStore::open_connection(bool writer) {
  sqlite3* db = nullptr;
  const int flags = (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path_.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    throw std::runtime_error("cannot open database " + path_ + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  if (writer) {
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA synchronous=" + sync_);
  }
  return db;
}

namespace {

bool has_column(sqlite3* db, const char* table, const char* column) {
  Stmt q(db,
         (std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?").c_str());
  q.text(1, column);
  return q.step();
}

void add_missing_columns(sqlite3* db) {
  for (const auto& c : kAddedColumns)
    if (!has_column(db, c.table, c.column))
      exec(db,
           std::string("ALTER TABLE ") + c.table + " ADD COLUMN " + c.column + " " + c.definition);
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, const std::string& sync)
    : path_(path), sync_(sync) {
  writer_ = open_connection(true);
  migrate();
  prepare_writes();
  // Event ids continue after the highest one stored ("srv-" + 12 digits sorts numerically).
  const std::string last = max_event_id("srv-");
  if (last.size() > 4) last_event_number_ = std::stoll(last.substr(4));
}

void SqliteStore::prepare_writes() {
  add_daily_ = prepare(writer_, sqlite_sql(metrics_sql::kAddDaily).c_str());
  add_member_day_ = prepare(writer_, sqlite_sql(metrics_sql::kAddMemberDay).c_str());
  enrolled_ = prepare(writer_, sqlite_sql(metrics_sql::kEnrolled).c_str());
  add_mark_ = prepare(writer_, sqlite_sql(metrics_sql::kAddMark).c_str());
  insert_event_ = prepare(writer_,
                          "INSERT INTO events(seq, member_id, event_id, type, at, program_version, "
                          "body) VALUES (?,?,?,?,?,?,?)");
  upsert_member_ = prepare(
      writer_,
      "INSERT INTO members(member_id, state, last_seq, history_total, view, view_marks, "
      "view_until, view_version) VALUES (?,?,?,?,?,?,?,?) "
      "ON CONFLICT(member_id) DO UPDATE SET state = excluded.state, last_seq = excluded.last_seq, "
      "history_total = excluded.history_total, view = excluded.view, "
      "view_marks = excluded.view_marks, view_until = excluded.view_until, "
      "view_version = excluded.view_version");
  insert_member_ = prepare(writer_,
                           "INSERT INTO members(member_id, state, last_seq, history_total, view, "
                           "view_marks, view_until, view_version) VALUES (?,?,?,?,?,?,?,?)");
  // An expired record under the same key (not swept yet) is replaced; a live one is a conflict
  // (no row changed).
  insert_idem_ =
      prepare(writer_,
              "INSERT INTO idempotency(key, request_hash, status, response, history_end, "
              "history_len, created_ms) VALUES (?1,?2,?3,?4,?5,?6,?7) "
              "ON CONFLICT(key) DO UPDATE SET "
              "request_hash = excluded.request_hash, status = excluded.status, "
              "response = excluded.response, history_end = excluded.history_end, "
              "history_len = excluded.history_len, created_ms = excluded.created_ms "
              "WHERE idempotency.created_ms < ?8");
  insert_history_ = prepare(writer_, "INSERT INTO history(member_id, seq, entry) VALUES (?,?,?)");
  upsert_order_ =
      prepare(writer_,
              "INSERT INTO orders(member_id, order_id, record) VALUES (?,?,?) "
              "ON CONFLICT(member_id, order_id) DO UPDATE SET record = excluded.record");
}

SqliteStore::~SqliteStore() {
  for (auto* st : {insert_event_, upsert_member_, insert_member_, insert_idem_, insert_history_,
                   upsert_order_, add_daily_, add_member_day_, enrolled_, add_mark_})
    sqlite3_finalize(st);
  for (auto* db : pool_) close_reader(db);
  sqlite3_close(writer_);
}

SqliteStore::Lease SqliteStore::lease() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      sqlite3* db = pool_.back();
      pool_.pop_back();
      return Lease(this, db);
    }
  }
  return Lease(this, open_connection(false));
}

void SqliteStore::give_back(sqlite3* db) {
  {
    std::lock_guard lock(pool_mutex_);
    if (pool_.size() < 64) {
      pool_.push_back(db);
      return;
    }
  }
  close_reader(db);
}

void SqliteStore::close_reader(sqlite3* db) {
  {
    std::lock_guard lock(cache().mutex);
    for (auto& [sql, st] : cache().stmts[db]) sqlite3_finalize(st);
    cache().stmts.erase(db);
  }
  sqlite3_close(db);
}

std::optional<ProgramRow> SqliteStore::latest_program() {
  auto l = lease();
  static const char* sql =
      "SELECT version, document, created_at FROM programs ORDER BY version DESC LIMIT 1";
  Stmt q(l.get(), sql, true);
  if (!q.step()) return std::nullopt;
  return ProgramRow{q.col_i64(0), q.col_text(1), q.col_text(2)};
}

std::optional<ProgramRow> SqliteStore::program_version(std::int64_t version) {
  auto l = lease();
  static const char* sql = "SELECT version, document, created_at FROM programs WHERE version = ?";
  Stmt q(l.get(), sql, true);
  q.i64(1, version);
  if (!q.step()) return std::nullopt;
  return ProgramRow{q.col_i64(0), q.col_text(1), q.col_text(2)};
}

std::vector<ProgramRow> SqliteStore::programs() {
  auto l = lease();
  static const char* sql =
      "SELECT version, document, created_at, note FROM programs ORDER BY version DESC";
  Stmt q(l.get(), sql, true);
  std::vector<ProgramRow> out;
  while (q.step()) out.push_back({q.col_i64(0), q.col_text(1), q.col_text(2), q.col_text(3)});
  return out;
}

std::optional<std::string> SqliteStore::member_state(const std::string& member_id) {
  auto l = lease();
  static const char* sql = "SELECT state FROM members WHERE member_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  if (!q.step()) return std::nullopt;
  return q.col_text(0);
}

std::optional<MemberSnapshot> SqliteStore::member_snapshot(const std::string& member_id) {
  auto l = lease();
  static const char* sql = "SELECT state, history_total FROM members WHERE member_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  if (!q.step()) return std::nullopt;
  return MemberSnapshot{q.col_text(0), q.col_i64(1)};
}

std::optional<MemberRead> SqliteStore::member_read(const std::string& member_id) {
  auto l = lease();
  static const char* sql =
      "SELECT state, view, view_marks, view_until, view_version FROM members WHERE member_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  if (!q.step()) return std::nullopt;
  MemberRead r{q.col_text(0), {}};
  if (sqlite3_column_type(q.st, 1) != SQLITE_NULL) r.dated.view = q.col_text(1);
  r.dated.marks = q.col_text(2);
  if (sqlite3_column_type(q.st, 3) != SQLITE_NULL) r.dated.until_ms = q.col_i64(3);
  r.dated.program_version = q.col_i64(4);
  return r;
}

std::optional<std::string> SqliteStore::order_record(const std::string& member_id,
                                                     const std::string& order_id) {
  auto l = lease();
  static const char* sql = "SELECT record FROM orders WHERE member_id = ? AND order_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  q.text(2, order_id);
  if (!q.step()) return std::nullopt;
  return q.col_text(0);
}

std::optional<SweepRow> SqliteStore::sweep_row(const std::string& member_id) {
  auto l = lease();
  static const char* sql = "SELECT due_ms, last_order_ms FROM member_sweep WHERE member_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  if (!q.step()) return std::nullopt;
  SweepRow row;
  if (sqlite3_column_type(q.st, 0) != SQLITE_NULL) row.due_ms = q.col_i64(0);
  if (sqlite3_column_type(q.st, 1) != SQLITE_NULL) row.last_order_ms = q.col_i64(1);
  return row;
}

std::vector<std::string> SqliteStore::members_due(std::int64_t now_ms, int limit) {
  auto l = lease();
  static const char* sql =
      "SELECT member_id FROM member_sweep WHERE due_ms IS NOT NULL AND due_ms <= ? "
      "ORDER BY due_ms LIMIT ?";
  Stmt q(l.get(), sql, true);
  q.i64(1, now_ms);
  q.i64(2, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.col_text(0));
  return out;
}

bool SqliteStore::member_exists(const std::string& member_id) {
  auto l = lease();
  static const char* sql = "SELECT 1 FROM members WHERE member_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  return q.step();
}

std::vector<EventRow> SqliteStore::events(const std::string& member_id, std::int64_t after,
                                          int limit) {
  auto l = lease();
  Stmt q(l.get(),
         member_id.empty()
             ? "SELECT seq, member_id, event_id, type, at, program_version, body FROM events "
               "WHERE seq > ?2 ORDER BY seq LIMIT ?3"
             : "SELECT seq, member_id, event_id, type, at, program_version, body FROM events "
               "WHERE member_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  if (!member_id.empty()) q.text(1, member_id);
  q.i64(2, after);
  q.i64(3, limit);
  std::vector<EventRow> out;
  while (q.step())
    out.push_back({q.col_i64(0), q.col_text(1), q.col_text(2), q.col_text(3), q.col_text(4),
                   q.col_i64(5), q.col_text(6)});
  return out;
}

std::optional<IdempotencyRow> SqliteStore::idempotency(const std::string& key) {
  auto l = lease();
  static const char* sql =
      "SELECT request_hash, status, response, history_end, history_len FROM idempotency WHERE "
      "key = ? AND created_ms >= ?";
  Stmt q(l.get(), sql, true);
  q.text(1, key);
  q.i64(2, now_ms() - idem_ttl_ms_);
  if (!q.step()) return std::nullopt;
  return IdempotencyRow{q.col_text(0), static_cast<int>(q.col_i64(1)), q.col_text(2), q.col_i64(3),
                        q.col_i64(4)};
}

std::vector<HistoryRow> SqliteStore::history_before(const std::string& member_id,
                                                    std::int64_t before, int limit) {
  auto l = lease();
  static const char* sql =
      "SELECT id, entry FROM history WHERE member_id = ? AND id < ? ORDER BY id DESC LIMIT ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  q.i64(2, before);
  q.i64(3, limit);
  std::vector<HistoryRow> out;
  while (q.step()) out.push_back({q.col_i64(0), q.col_text(1)});
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> SqliteStore::all_member_history() {
  auto l = lease();
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  Stmt q(l.get(), "SELECT member_id, entry FROM history ORDER BY member_id, id");
  while (q.step()) {
    std::string m = q.col_text(0);
    if (out.empty() || out.back().first != m) out.push_back({m, {}});
    out.back().second.push_back(q.col_text(1));
  }
  return out;
}

std::int64_t SqliteStore::last_history_id(const std::string& member_id) {
  Stmt q(writer_, "SELECT COALESCE(MAX(id), 0) FROM history WHERE member_id = ?");
  q.text(1, member_id);
  q.step();
  return q.col_i64(0);
}

std::string SqliteStore::max_event_id(const std::string& prefix) {
  auto l = lease();
  Stmt q(l.get(), "SELECT MAX(event_id) FROM events WHERE event_id >= ?1 AND event_id < ?1 || '~'");
  q.text(1, prefix);
  if (!q.step()) return "";
  return q.col_text(0);
}

CommitResult SqliteStore::commit(const WriteSet& w, std::string& error) {
  auto fail = [&](CommitResult r) {
    error = sqlite3_errmsg(writer_);
    sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
    return r;
  };
  if (sqlite3_exec(writer_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(CommitResult::failed);
  if (w.program) {
    Stmt q(writer_, "INSERT INTO programs(version, document, created_at, note) VALUES (?,?,?,?)");
    q.i64(1, w.program->version);
    q.text(2, w.program->document);
    q.text(3, w.program->created_at);
    q.text(4, w.program->note);
    int rc = sqlite3_step(q.st);
    if (rc == SQLITE_CONSTRAINT) return fail(CommitResult::program_exists);
    if (rc != SQLITE_DONE) return fail(CommitResult::failed);
  }
  std::int64_t seq = 0;
  if (w.event) {
    const EventRow& e = *w.event;
    if (e.seq > 0)
      sqlite3_bind_int64(insert_event_, 1, e.seq);
    else
      sqlite3_bind_null(insert_event_, 1);  // the next seq, in commit order
    bind_text(insert_event_, 2, e.member_id);
    bind_text(insert_event_, 3, e.event_id);
    bind_text(insert_event_, 4, e.type);
    bind_text(insert_event_, 5, e.at);
    sqlite3_bind_int64(insert_event_, 6, e.program_version);
    bind_text(insert_event_, 7, e.body);
    if (run(insert_event_) != SQLITE_DONE) return fail(CommitResult::failed);
    seq = sqlite3_last_insert_rowid(writer_);
  }
  std::int64_t history_end = 0;
  std::vector<std::int64_t> history_ids;
  for (const auto& entry : w.history) {
    bind_text(insert_history_, 1, w.member_id);
    sqlite3_bind_int64(insert_history_, 2, seq);
    bind_text(insert_history_, 3, entry);
    if (run(insert_history_) != SQLITE_DONE) return fail(CommitResult::failed);
    history_end = sqlite3_last_insert_rowid(writer_);
    history_ids.push_back(history_end);
  }
  if (!write_metrics(w, history_ids)) return fail(CommitResult::failed);
  if (w.idem_history_len > 0 && history_end == 0) history_end = last_history_id(w.member_id);
  for (const auto& [order_id, record] : w.orders) {
    bind_text(upsert_order_, 1, w.member_id);
    bind_text(upsert_order_, 2, order_id);
    bind_text(upsert_order_, 3, record);
    if (run(upsert_order_) != SQLITE_DONE) return fail(CommitResult::failed);
  }
  if (!w.idem_key.empty()) {
    bind_text(insert_idem_, 1, w.idem_key);
    bind_text(insert_idem_, 2, w.idem_hash);
    sqlite3_bind_int(insert_idem_, 3, w.idem_status);
    bind_text(insert_idem_, 4, w.idem_response);
    sqlite3_bind_int64(insert_idem_, 5, w.idem_history_len > 0 ? history_end : 0);
    sqlite3_bind_int64(insert_idem_, 6, w.idem_history_len);
    const std::int64_t now = now_ms();
    sqlite3_bind_int64(insert_idem_, 7, now);
    sqlite3_bind_int64(insert_idem_, 8, now - idem_ttl_ms_);
    int rc = run(insert_idem_);
    if (rc == SQLITE_CONSTRAINT || (rc == SQLITE_DONE && sqlite3_changes(writer_) == 0))
      return fail(CommitResult::idempotency_conflict);
    if (rc != SQLITE_DONE) return fail(CommitResult::failed);
  }
  if (w.state) {
    sqlite3_stmt* st = w.new_member ? insert_member_ : upsert_member_;
    bind_text(st, 1, w.member_id);
    bind_text(st, 2, *w.state);
    sqlite3_bind_int64(st, 3, seq);
    sqlite3_bind_int64(st, 4, w.history_total);
    if (w.dated.view) bind_text(st, 5, *w.dated.view);  // else NULL: the snapshot is the view
    bind_text(st, 6, w.dated.marks);
    if (w.dated.until_ms) sqlite3_bind_int64(st, 7, *w.dated.until_ms);
    sqlite3_bind_int64(st, 8, w.dated.program_version);
    int rc = run(st);
    if (rc == SQLITE_CONSTRAINT && w.new_member) return fail(CommitResult::member_exists);
    if (rc != SQLITE_DONE) return fail(CommitResult::failed);
  }
  // The server's cap on a coupon (--coupon-cap) counts members, in this transaction: a member
  // claiming again (per_member > 1) takes no second place, and past the cap nothing is stored.
  for (const auto& [code, cap] : w.coupon_claims) {
    Stmt claim(writer_, "INSERT OR IGNORE INTO coupon_claims(code, member_id) VALUES (?, ?)");
    claim.text(1, code);
    claim.text(2, w.member_id);
    if (sqlite3_step(claim.st) != SQLITE_DONE) return fail(CommitResult::failed);
    if (cap < 0 || sqlite3_changes(writer_) == 0) continue;
    Stmt count(writer_, "SELECT COUNT(*) FROM coupon_claims WHERE code = ?");
    count.text(1, code);
    if (sqlite3_step(count.st) != SQLITE_ROW) return fail(CommitResult::failed);
    if (sqlite3_column_int64(count.st, 0) > cap) return fail(CommitResult::coupon_cap_reached);
  }
  for (const auto& [kind, value] : w.identifiers) {
    // A member has one of each kind: a new phone replaces the old one (which is free again).
    Stmt old(writer_, "DELETE FROM member_ids WHERE member_id = ? AND kind = ?");
    old.text(1, w.member_id);
    old.text(2, kind);
    if (sqlite3_step(old.st) != SQLITE_DONE) return fail(CommitResult::failed);
    Stmt q(writer_, "INSERT OR IGNORE INTO member_ids(kind, value, member_id) VALUES (?, ?, ?)");
    q.text(1, kind);
    q.text(2, value);
    q.text(3, w.member_id);
    if (sqlite3_step(q.st) != SQLITE_DONE) return fail(CommitResult::failed);
    if (sqlite3_changes(writer_) == 0 && member_by_locked(kind, value) != w.member_id) {
      const CommitResult taken = fail(CommitResult::identifier_taken);
      error = kind;  // which identifier: the answer's pointer
      return taken;
    }
  }
  if (w.referral_owed) {
    Stmt q(writer_,
           "INSERT OR IGNORE INTO referrals_owed(referee, referrer, created_ms) VALUES (?, ?, ?)");
    q.text(1, w.referral_owed->second);
    q.text(2, w.referral_owed->first);
    q.i64(3, now_ms());
    if (sqlite3_step(q.st) != SQLITE_DONE) return fail(CommitResult::failed);
  }
  if (w.sweep) {
    Stmt q(writer_,
           "INSERT INTO member_sweep(member_id, due_ms, last_order_ms) VALUES (?, ?, ?) "
           "ON CONFLICT(member_id) DO UPDATE SET due_ms = excluded.due_ms, "
           "last_order_ms = excluded.last_order_ms");
    q.text(1, w.member_id);
    if (w.sweep->due_ms) q.i64(2, *w.sweep->due_ms);  // else NULL: nothing ahead
    if (w.sweep->last_order_ms) q.i64(3, *w.sweep->last_order_ms);
    if (sqlite3_step(q.st) != SQLITE_DONE) return fail(CommitResult::failed);
  }
  // The webhook outbox, in the event's own transaction (a rolled-back write leaves none).
  for (const auto& h : w.webhooks) {
    Stmt q(writer_,
           "INSERT OR IGNORE INTO webhook_outbox(id, url, body, created_ms, next_attempt_ms) "
           "VALUES (?1, ?2, ?3, ?4, ?4)");
    q.text(1, h.id);
    q.text(2, h.url);
    q.text(3, h.body);
    q.i64(4, h.created_ms);
    if (sqlite3_step(q.st) != SQLITE_DONE) return fail(CommitResult::failed);
  }
  if (sqlite3_exec(writer_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(CommitResult::failed);
  return CommitResult::ok;
}

// The write's share of the metrics' kept totals (store.hpp MetricsWrite), on the writer.
bool SqliteStore::write_metrics(const WriteSet& w, const std::vector<std::int64_t>& history_ids) {
  const MetricsWrite& m = w.metrics;
  const int shard = metrics_sql::shard_of(w.member_id);
  for (const auto& d : m.daily) {
    sqlite3_bind_int64(add_daily_, 1, d.day);
    bind_text(add_daily_, 2, d.key);
    sqlite3_bind_int64(add_daily_, 3, shard);
    sqlite3_bind_int64(add_daily_, 4, d.value);
    if (run(add_daily_) != SQLITE_DONE) return false;
  }
  for (const auto& d : m.member_days) {
    bind_text(add_member_day_, 1, w.member_id);
    sqlite3_bind_int64(add_member_day_, 2, d.day);
    sqlite3_bind_int64(add_member_day_, 3, d.orders);
    sqlite3_bind_int64(add_member_day_, 4, d.points);
    if (d.last_order_ms) sqlite3_bind_int64(add_member_day_, 5, *d.last_order_ms);
    if (run(add_member_day_) != SQLITE_DONE) return false;
  }
  if (m.enrolled) {
    bind_text(enrolled_, 1, w.member_id);
    sqlite3_bind_int64(enrolled_, 2, m.enrolled->first);
    bind_text(enrolled_, 3, m.enrolled->second);
    if (run(enrolled_) != SQLITE_DONE) return false;
  }
  for (const auto& k : m.marks) {
    const std::int64_t id = k.history_id != 0              ? k.history_id
                            : k.entry < history_ids.size() ? history_ids[k.entry]
                                                           : 0;
    if (id == 0) return false;
    bind_text(add_mark_, 1, w.member_id);
    sqlite3_bind_int64(add_mark_, 2, id);
    sqlite3_bind_int64(add_mark_, 3, k.at_ms);
    bind_text(add_mark_, 4, k.kind);
    bind_text(add_mark_, 5, k.value);
    if (run(add_mark_) != SQLITE_DONE) return false;
  }
  return true;
}

bool SqliteStore::backfill_metrics(const MetricsClassifier& classify, std::string& error) {
  std::lock_guard writer(writer_mutex_);
  auto fail = [&] {
    error = sqlite3_errmsg(writer_);
    sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
    return false;
  };
  if (sqlite3_exec(writer_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail();
  if (sqlite3_exec(writer_, "DELETE FROM metrics_backfill", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail();
  if (sqlite3_changes(writer_) == 0) {  // nothing stored before the totals were kept
    sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
    return true;
  }
  WriteSet w;
  std::vector<std::string> entries;
  std::vector<std::int64_t> ids;
  auto flush = [&] {
    if (entries.empty()) return true;
    w.metrics = classify(entries);
    const bool ok = write_metrics(w, ids);
    entries.clear();
    ids.clear();
    return ok;
  };
  try {
    Stmt q(writer_, "SELECT member_id, id, entry FROM history ORDER BY member_id, id");
    while (q.step()) {
      std::string member = q.col_text(0);
      if (member != w.member_id && !flush()) return fail();
      w.member_id = std::move(member);
      ids.push_back(q.col_i64(1));
      entries.push_back(q.col_text(2));
    }
  } catch (const std::exception&) {
    return fail();
  }
  if (!flush()) return fail();
  if (sqlite3_exec(writer_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return fail();
  return true;
}

std::vector<std::pair<std::string, std::int64_t>> SqliteStore::metrics_sums(
    std::int64_t from_day, std::int64_t until_day) {
  static const std::string sql = sqlite_sql(metrics_sql::kSums);
  auto l = lease();
  Stmt q(l.get(), sql.c_str(), true);
  q.i64(1, from_day);
  q.i64(2, until_day);
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (q.step()) out.emplace_back(q.col_text(0), q.col_i64(1));
  return out;
}

std::vector<MetricsDelta> SqliteStore::metrics_days(std::int64_t from_day, std::int64_t until_day,
                                                    const std::vector<std::string>& keys) {
  static const std::string sql = sqlite_sql(metrics_sql::kDays);
  auto l = lease();
  Stmt q(l.get(), sql.c_str(), true);
  q.i64(1, from_day);
  q.i64(2, until_day);
  std::vector<MetricsDelta> out;
  while (q.step()) {
    std::string key = q.col_text(1);
    if (std::find(keys.begin(), keys.end(), key) != keys.end())
      out.push_back({q.col_i64(0), std::move(key), q.col_i64(2)});
  }
  return out;
}

MemberFigures SqliteStore::member_figures(const MetricsWindow& w) {
  static const std::string enrolments = sqlite_sql(metrics_sql::kEnrolments),
                           figures = sqlite_sql(metrics_sql::kMemberFigures);
  auto l = lease();
  MemberFigures f;
  {
    Stmt q(l.get(), enrolments.c_str(), true);
    q.i64(1, w.from_ms);
    q.i64(2, w.until_ms);
    q.i64(3, w.cutoff_ms);
    if (q.step()) {
      f.at_start = q.col_i64(0);
      f.enrolled_in_period = q.col_i64(1);
      f.enrolled_before_cutoff = q.col_i64(2);
    }
  }
  Stmt q(l.get(), figures.c_str(), true);
  for (int i = 1; const std::int64_t v : {w.from_day, w.until_day, w.cutoff_day, w.cutoff_ms,
                                          w.until_ms, w.heavy_min, w.medium_min})
    q.i64(i++, v);
  if (q.step()) {
    f.buyers = q.col_i64(0);
    f.heavy = q.col_i64(1);
    f.medium = q.col_i64(2);
    f.kept_since_cutoff = q.col_i64(3);
    f.outstanding_points = q.col_i64(4);
  }
  return f;
}

std::vector<std::pair<std::string, std::string>> SqliteStore::metrics_marks(const std::string& kind,
                                                                            std::int64_t until_ms) {
  static const std::string sql = sqlite_sql(metrics_sql::kMarks);
  auto l = lease();
  Stmt q(l.get(), sql.c_str(), true);
  q.text(1, kind);
  q.i64(2, until_ms);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.col_text(0), q.col_text(1));
  return out;
}

bool SqliteStore::write(const char* sql, const std::vector<std::string>& params) {
  Stmt q(writer_, sql);
  for (std::size_t i = 0; i < params.size(); ++i) q.text(static_cast<int>(i) + 1, params[i]);
  return sqlite3_step(q.st) == SQLITE_DONE;
}

// The member's id, quoted as JSON (?3, ?4) and as the prefix of a webhook id (?5, ?6), becomes
// the pseudonym's in every row of theirs; see Erasure.
const char* const kSqliteErasure[] = {
    "UPDATE events SET member_id = ?2, body = replace(body, ?3, ?4) WHERE member_id = ?1",
    "UPDATE history SET member_id = ?2, entry = replace(entry, ?3, ?4) WHERE member_id = ?1",
    "UPDATE orders SET member_id = ?2, record = replace(record, ?3, ?4) WHERE member_id = ?1",
    "DELETE FROM member_ids WHERE member_id = ?1",
    "UPDATE coupon_claims SET member_id = ?2 WHERE member_id = ?1",
    "UPDATE member_sweep SET member_id = ?2 WHERE member_id = ?1",
    "UPDATE referrals_owed SET referee = ?2 WHERE referee = ?1",
    "UPDATE referrals_owed SET referrer = ?2 WHERE referrer = ?1",
    "UPDATE webhook_outbox SET id = ?2 || substr(id, length(?1) + 1), "
    "body = replace(replace(body, ?3, ?4), ?5, ?6) "
    "WHERE substr(id, 1, length(?1) + 1) = ?1 || ':' AND instr(body, '\"member_id\":' || ?3) > 0",
    "DELETE FROM idempotency WHERE instr(response, ?3) > 0 OR "
    "instr(key, ':member:' || ?1 || ' ') > 0 OR instr(key, ' /v1/members/' || ?1 || ' ') > 0 OR "
    "instr(key, ' /v1/members/' || ?1 || '/') > 0",
    "UPDATE data_requests SET member_id = ?2 WHERE member_id = ?1",
};

CommitResult SqliteStore::erase(const Erasure& e, std::string& error) {
  auto fail = [&](CommitResult r) {
    error = sqlite3_errmsg(writer_);
    sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
    return r;
  };
  if (sqlite3_exec(writer_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(CommitResult::failed);
  const std::vector<std::string> ids = {e.member_id,
                                        e.pseudonym,
                                        json_string(e.member_id),
                                        json_string(e.pseudonym),
                                        id_prefix(e.member_id),
                                        id_prefix(e.pseudonym)};
  for (const char* sql : kSqliteErasure)
    if (!write(sql, ids)) return fail(CommitResult::failed);
  for (const char* pg_sql : metrics_sql::kErasure)
    if (!write(sqlite_sql(pg_sql).c_str(), ids)) return fail(CommitResult::failed);
  if (!write("UPDATE members SET member_id = ?2, state = ?3, view = NULL, view_marks = '', "
             "view_until = NULL, view_version = 0 WHERE member_id = ?1",
             {e.member_id, e.pseudonym, e.state}))
    return fail(CommitResult::failed);
  for (const auto& [seq, body] : e.events)
    if (!write("UPDATE events SET body = ?2 WHERE seq = CAST(?1 AS INTEGER)",
               {std::to_string(seq), body}))
      return fail(CommitResult::failed);
  if (!write("INSERT INTO data_requests(kind, member_id, at_ms, detail) "
             "VALUES ('erasure', ?1, CAST(?2 AS INTEGER), ?3)",
             {e.pseudonym, std::to_string(e.at_ms), e.record}))
    return fail(CommitResult::failed);
  if (!e.idem_key.empty()) {
    if (!write("INSERT OR IGNORE INTO idempotency(key, request_hash, status, response, "
               "history_end, history_len, created_ms) "
               "VALUES (?1, ?2, CAST(?3 AS INTEGER), ?4, 0, 0, CAST(?5 AS INTEGER))",
               {e.idem_key, e.idem_hash, std::to_string(e.idem_status), e.idem_response,
                std::to_string(e.at_ms)}))
      return fail(CommitResult::failed);
    if (sqlite3_changes(writer_) == 0) return fail(CommitResult::idempotency_conflict);
  }
  if (sqlite3_exec(writer_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(CommitResult::failed);
  return CommitResult::ok;
}

CommitResult SqliteStore::replace_mentions(const std::string& member_id, const std::string& needle,
                                           const std::string& with, std::string& error) {
  static const char* const kSql[] = {
      "UPDATE events SET body = replace(body, ?2, ?3) WHERE member_id = ?1",
      "UPDATE history SET entry = replace(entry, ?2, ?3) WHERE member_id = ?1",
      "UPDATE orders SET record = replace(record, ?2, ?3) WHERE member_id = ?1",
      "UPDATE members SET state = replace(state, ?2, ?3), view = replace(view, ?2, ?3) "
      "WHERE member_id = ?1",
  };
  if (sqlite3_exec(writer_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(writer_);
    return CommitResult::failed;
  }
  for (const char* sql : kSql)
    if (!write(sql, {member_id, json_string(needle), json_string(with)})) {
      error = sqlite3_errmsg(writer_);
      sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
      return CommitResult::failed;
    }
  sqlite3_exec(writer_, "COMMIT", nullptr, nullptr, nullptr);
  return CommitResult::ok;
}

std::vector<std::string> SqliteStore::member_ids() {
  auto l = lease();
  Stmt q(l.get(), "SELECT member_id FROM members ORDER BY member_id");
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.col_text(0));
  return out;
}

std::vector<std::pair<std::string, std::string>> SqliteStore::identifiers_of(
    const std::string& member_id) {
  auto l = lease();
  Stmt q(l.get(), "SELECT kind, value FROM member_ids WHERE member_id = ? ORDER BY kind");
  q.text(1, member_id);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.col_text(0), q.col_text(1));
  return out;
}

std::vector<OutboxRow> SqliteStore::webhooks_about(const std::string& member_id) {
  auto l = lease();
  Stmt q(l.get(),
         "SELECT id, url, body, created_ms, attempts FROM webhook_outbox "
         "WHERE substr(id, 1, length(?1) + 1) = ?1 || ':' ORDER BY created_ms, id");
  q.text(1, member_id);
  std::vector<OutboxRow> out;
  while (q.step())
    out.push_back({q.col_text(0), q.col_text(1), q.col_text(2), q.col_i64(3),
                   static_cast<int>(q.col_i64(4))});
  return out;
}

std::vector<DataRequestRow> SqliteStore::data_requests(const std::string& member_id) {
  auto l = lease();
  Stmt q(l.get(), "SELECT kind, at_ms, detail FROM data_requests WHERE member_id = ? ORDER BY id");
  q.text(1, member_id);
  std::vector<DataRequestRow> out;
  while (q.step()) out.push_back({q.col_text(0), q.col_i64(1), q.col_text(2)});
  return out;
}

std::vector<std::string> SqliteStore::members_mentioning(const std::string& needle,
                                                         const std::string& except) {
  auto l = lease();
  Stmt q(l.get(),
         "SELECT member_id FROM events WHERE instr(body, ?1) > 0 AND member_id <> ?2 "
         "UNION SELECT member_id FROM members WHERE instr(state, ?1) > 0 AND member_id <> ?2");
  q.text(1, json_string(needle));
  q.text(2, except);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.col_text(0));
  return out;
}

void SqliteStore::record_data_request(const std::string& member_id, const DataRequestRow& row) {
  std::lock_guard lock(writer_mutex_);
  if (!write("INSERT INTO data_requests(kind, member_id, at_ms, detail) "
             "VALUES (?1, ?2, CAST(?3 AS INTEGER), ?4)",
             {row.kind, member_id, std::to_string(row.at_ms), row.detail}))
    throw std::runtime_error(sqlite3_errmsg(writer_));
}

// Each migration not yet recorded runs in one transaction with its record. BEGIN IMMEDIATE takes
// the file's write lock before the check, so two processes starting at once cannot both apply
// one (the second then stops at <db>.lock anyway).
void SqliteStore::migrate() {
  exec(writer_, kMigrationsTable);
  for (const auto& m : migrations()) {
    exec(writer_, "BEGIN IMMEDIATE");
    try {
      bool applied = false;
      {
        Stmt q(writer_, "SELECT 1 FROM schema_migrations WHERE version = ?");
        q.i64(1, m.version);
        applied = q.step();
      }
      if (!applied) {
        exec(writer_, m.sqlite);
        if (m.version == 1) upgrade_unversioned();
        Stmt q(writer_, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)");
        q.i64(1, m.version);
        q.text(2, format_utc(now_ms()));
        q.step();
      }
      exec(writer_, "COMMIT");
    } catch (...) {
      sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
}

// A file made before migrations were versioned holds tables of an older shape, which version 1's
// CREATE IF NOT EXISTS leaves alone: they get the columns added since, each with the value an
// older row means. Records from before expiry existed (no created_ms) count from now.
void SqliteStore::upgrade_unversioned() {
  if (!has_column(writer_, "idempotency", "created_ms")) {
    exec(writer_, "ALTER TABLE idempotency ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0");
    exec(writer_, "UPDATE idempotency SET created_ms = " + std::to_string(now_ms()));
  }
  add_missing_columns(writer_);
}

std::int64_t SqliteStore::sweep_idempotency(std::int64_t cutoff_ms) {
  std::int64_t deleted = 0;
  for (;;) {
    std::lock_guard lock(writer_mutex_);
    Stmt q(writer_,
           "DELETE FROM idempotency WHERE rowid IN "
           "(SELECT rowid FROM idempotency WHERE created_ms < ? LIMIT 500)");
    q.i64(1, cutoff_ms);
    q.step();
    const int n = sqlite3_changes(writer_);
    deleted += n;
    if (n < 500) return deleted;
  }
}

std::optional<std::string> SqliteStore::member_by_locked(const std::string& kind,
                                                         const std::string& value) {
  Stmt q(writer_, "SELECT member_id FROM member_ids WHERE kind = ? AND value = ?");
  q.text(1, kind);
  q.text(2, value);
  if (!q.step()) return std::nullopt;
  return q.col_text(0);
}

std::vector<std::pair<std::string, std::string>> SqliteStore::referrals_owed(int limit) {
  std::lock_guard lock(writer_mutex_);
  Stmt q(writer_, "SELECT referee, referrer FROM referrals_owed ORDER BY created_ms LIMIT ?");
  q.i64(1, limit);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.col_text(0), q.col_text(1));
  return out;
}

void SqliteStore::referral_paid(const std::string& referee) {
  std::lock_guard lock(writer_mutex_);
  Stmt q(writer_, "DELETE FROM referrals_owed WHERE referee = ?");
  q.text(1, referee);
  q.step();
}

std::optional<std::string> SqliteStore::member_by(const std::string& kind,
                                                  const std::string& value) {
  std::lock_guard lock(writer_mutex_);
  return member_by_locked(kind, value);
}

std::vector<OutboxRow> SqliteStore::claim_webhooks(std::int64_t now_ms, int limit,
                                                   std::int64_t lease_ms) {
  std::lock_guard lock(writer_mutex_);
  std::vector<OutboxRow> rows;
  Stmt q(writer_,
         "SELECT id, url, body, created_ms, attempts FROM webhook_outbox WHERE delivered_ms IS "
         "NULL AND dead = 0 AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT ?");
  q.i64(1, now_ms);
  q.i64(2, limit);
  while (q.step())
    rows.push_back({q.col_text(0), q.col_text(1), q.col_text(2), q.col_i64(3),
                    static_cast<int>(q.col_i64(4))});
  for (const auto& r : rows) {
    Stmt lease(writer_, "UPDATE webhook_outbox SET next_attempt_ms = ? WHERE id = ? AND url = ?");
    lease.i64(1, now_ms + lease_ms);
    lease.text(2, r.id);
    lease.text(3, r.url);
    lease.step();
  }
  return rows;
}

void SqliteStore::webhook_attempted(const OutboxRow& row, std::int64_t now_ms, bool delivered,
                                    std::optional<std::int64_t> next_attempt_ms,
                                    const std::string& error) {
  std::lock_guard lock(writer_mutex_);
  Stmt q(writer_,
         "UPDATE webhook_outbox SET attempts = attempts + 1, delivered_ms = ?, "
         "next_attempt_ms = ?, dead = ?, last_error = ? WHERE id = ? AND url = ?");
  if (delivered)
    q.i64(1, now_ms);
  else
    sqlite3_bind_null(q.st, 1);
  q.i64(2, next_attempt_ms.value_or(now_ms));
  q.i64(3, !delivered && !next_attempt_ms);
  q.text(4, error.substr(0, 500));
  q.text(5, row.id);
  q.text(6, row.url);
  q.step();
}

// INSERT OR IGNORE: the version stored already is no failure (what was stored stays).
bool SqliteStore::insert_program(const ProgramRow& row, std::string& error) {
  std::lock_guard lock(writer_mutex_);
  sqlite3_stmt* st = prepare(
      writer_, "INSERT OR IGNORE INTO programs(version, document, created_at) VALUES (?,?,?)");
  sqlite3_bind_int64(st, 1, row.version);
  bind_text(st, 2, row.document);
  bind_text(st, 3, row.created_at);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) error = sqlite3_errmsg(writer_);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE;
}

namespace {

// A write on SQLite: the key's in-process mutex (one process per file, so it is the only lock
// that matters) held from the first read to the commit; the reads use reader connections, which
// see every commit made before the lock was taken; the commit takes the writer connection.
class SqliteWriteTxn final : public WriteTxn {
 public:
  SqliteWriteTxn(SqliteStore& store, std::mutex& key_mutex) : store_(store), lock_(key_mutex) {}
  std::optional<IdempotencyRow> idempotency(const std::string& key) override {
    return store_.idempotency(key);
  }
  std::optional<MemberSnapshot> member_snapshot(const std::string& member_id) override {
    return store_.member_snapshot(member_id);
  }
  std::optional<std::string> order_record(const std::string& member_id,
                                          const std::string& order_id) override {
    return store_.order_record(member_id, order_id);
  }
  std::int64_t latest_program_version() override {
    auto row = store_.latest_program();  // one process: only startup and put_program ask
    return row ? row->version : 0;
  }
  std::optional<ProgramRow> program_version(std::int64_t version) override {
    return store_.program_version(version);
  }
  std::vector<HistoryRow> history_before(const std::string& member_id, std::int64_t before,
                                         int limit) override {
    return store_.history_before(member_id, before, limit);
  }
  std::optional<SweepRow> sweep_row(const std::string& member_id) override {
    return store_.sweep_row(member_id);
  }
  std::int64_t next_event_number() override { return store_.next_event_number(); }
  CommitResult erase(const Erasure& e, std::string& error) override {
    std::lock_guard writer(store_.writer_mutex());
    return store_.erase(e, error);
  }
  CommitResult replace_mentions(const std::string& member_id, const std::string& needle,
                                const std::string& with, std::string& error) override {
    std::lock_guard writer(store_.writer_mutex());
    return store_.replace_mentions(member_id, needle, with, error);
  }
  CommitResult commit(const WriteSet& w, std::string& error) override {
    std::lock_guard writer(store_.writer_mutex());
    return store_.commit(w, error);
  }

 private:
  SqliteStore& store_;
  std::unique_lock<std::mutex> lock_;
};

}  // namespace

std::unique_ptr<WriteTxn> SqliteStore::begin_write(const std::string& member_id) {
  auto& m = member_mutexes_[std::hash<std::string>{}(member_id) % member_mutexes_.size()];
  return std::make_unique<SqliteWriteTxn>(*this, m);
}

std::unique_ptr<WriteTxn> SqliteStore::begin_program_write() {
  return std::make_unique<SqliteWriteTxn>(*this, program_mutex_);
}

}  // namespace srv
