#include "store.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "clock.hpp"

namespace srv {
namespace {

const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS programs (
  version    INTEGER PRIMARY KEY,
  document   TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq             INTEGER PRIMARY KEY,
  member_id       TEXT NOT NULL,
  event_id        TEXT NOT NULL UNIQUE,
  type            TEXT NOT NULL,
  at              TEXT NOT NULL,
  program_version INTEGER NOT NULL,
  body            TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_member ON events(member_id, seq);
CREATE TABLE IF NOT EXISTS members (
  member_id TEXT PRIMARY KEY,
  state     TEXT NOT NULL,
  last_seq  INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
  key          TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  response     TEXT NOT NULL,
  created_ms   INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS history (
  id        INTEGER PRIMARY KEY,
  member_id TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  entry     TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_member ON history(member_id, id);
CREATE TABLE IF NOT EXISTS orders (
  member_id TEXT NOT NULL,
  order_id  TEXT NOT NULL,
  record    TEXT NOT NULL,
  PRIMARY KEY (member_id, order_id));
CREATE TABLE IF NOT EXISTS coupon_claims (
  code      TEXT NOT NULL,
  member_id TEXT NOT NULL,
  PRIMARY KEY (code, member_id));
)";

// Columns added after the first schema, each with the default an older row means.
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

class Store::Lease {
 public:
  Lease(Store* s, sqlite3* db) : s_(s), db_(db) {}
  Lease(Lease&& o) noexcept : s_(o.s_), db_(o.db_) { o.db_ = nullptr; }
  ~Lease() {
    if (db_) s_->give_back(db_);
  }
  sqlite3* get() const { return db_; }

 private:
  Store* s_;
  sqlite3* db_;
};

sqlite3* Store::open_connection(bool writer) {
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

Store::Store(const std::string& path, const std::string& sync) : path_(path), sync_(sync) {
  writer_ = open_connection(true);
  exec(writer_, kSchema);
  migrate_idempotency_expiry();
  add_missing_columns(writer_);
  {
    Stmt q(writer_, "SELECT COALESCE(MAX(seq), 0) FROM events");
    q.step();
    last_seq_ = q.col_i64(0);
  }
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

Store::~Store() {
  for (auto* st : {insert_event_, upsert_member_, insert_member_, insert_idem_, insert_history_,
                   upsert_order_})
    sqlite3_finalize(st);
  for (auto* db : pool_) close_reader(db);
  sqlite3_close(writer_);
}

Store::Lease Store::lease() {
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

void Store::give_back(sqlite3* db) {
  {
    std::lock_guard lock(pool_mutex_);
    if (pool_.size() < 64) {
      pool_.push_back(db);
      return;
    }
  }
  close_reader(db);
}

void Store::close_reader(sqlite3* db) {
  {
    std::lock_guard lock(cache().mutex);
    for (auto& [sql, st] : cache().stmts[db]) sqlite3_finalize(st);
    cache().stmts.erase(db);
  }
  sqlite3_close(db);
}

std::optional<ProgramRow> Store::latest_program() {
  auto l = lease();
  static const char* sql =
      "SELECT version, document, created_at FROM programs ORDER BY version DESC LIMIT 1";
  Stmt q(l.get(), sql, true);
  if (!q.step()) return std::nullopt;
  return ProgramRow{q.col_i64(0), q.col_text(1), q.col_text(2)};
}

std::optional<ProgramRow> Store::program_version(std::int64_t version) {
  auto l = lease();
  static const char* sql = "SELECT version, document, created_at FROM programs WHERE version = ?";
  Stmt q(l.get(), sql, true);
  q.i64(1, version);
  if (!q.step()) return std::nullopt;
  return ProgramRow{q.col_i64(0), q.col_text(1), q.col_text(2)};
}

std::vector<ProgramRow> Store::programs() {
  auto l = lease();
  static const char* sql =
      "SELECT version, document, created_at FROM programs ORDER BY version DESC";
  Stmt q(l.get(), sql, true);
  std::vector<ProgramRow> out;
  while (q.step()) out.push_back({q.col_i64(0), q.col_text(1), q.col_text(2)});
  return out;
}

std::optional<std::string> Store::member_state(const std::string& member_id) {
  auto l = lease();
  static const char* sql = "SELECT state FROM members WHERE member_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  if (!q.step()) return std::nullopt;
  return q.col_text(0);
}

std::optional<MemberSnapshot> Store::member_snapshot(const std::string& member_id) {
  auto l = lease();
  static const char* sql = "SELECT state, history_total FROM members WHERE member_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  if (!q.step()) return std::nullopt;
  return MemberSnapshot{q.col_text(0), q.col_i64(1)};
}

std::optional<MemberRead> Store::member_read(const std::string& member_id) {
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

std::optional<std::string> Store::order_record(const std::string& member_id,
                                               const std::string& order_id) {
  auto l = lease();
  static const char* sql = "SELECT record FROM orders WHERE member_id = ? AND order_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  q.text(2, order_id);
  if (!q.step()) return std::nullopt;
  return q.col_text(0);
}

bool Store::member_exists(const std::string& member_id) {
  auto l = lease();
  static const char* sql = "SELECT 1 FROM members WHERE member_id = ?";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  return q.step();
}

std::vector<EventRow> Store::events(const std::string& member_id, std::int64_t after, int limit) {
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

std::vector<std::string> Store::member_event_bodies(const std::string& member_id) {
  auto l = lease();
  static const char* sql = "SELECT body FROM events WHERE member_id = ? ORDER BY seq";
  Stmt q(l.get(), sql, true);
  q.text(1, member_id);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.col_text(0));
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Store::all_member_events() {
  auto l = lease();
  // One read transaction, so the members and their events are one consistent snapshot.
  exec(l.get(), "BEGIN");
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  try {
    Stmt q(l.get(), "SELECT member_id, body FROM events ORDER BY member_id, seq");
    while (q.step()) {
      std::string m = q.col_text(0);
      if (out.empty() || out.back().first != m) out.push_back({m, {}});
      out.back().second.push_back(q.col_text(1));
    }
  } catch (...) {
    exec(l.get(), "ROLLBACK");
    throw;
  }
  exec(l.get(), "COMMIT");
  return out;
}

std::optional<IdempotencyRow> Store::idempotency(const std::string& key) {
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

std::vector<HistoryRow> Store::history_before(const std::string& member_id, std::int64_t before,
                                              int limit) {
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

std::vector<std::pair<std::string, std::vector<std::string>>> Store::all_member_history() {
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

std::int64_t Store::last_history_id(const std::string& member_id) {
  Stmt q(writer_, "SELECT COALESCE(MAX(id), 0) FROM history WHERE member_id = ?");
  q.text(1, member_id);
  q.step();
  return q.col_i64(0);
}

std::int64_t Store::next_seq() {
  return last_seq_ + 1;
}

std::string Store::max_event_id(const std::string& prefix) {
  auto l = lease();
  Stmt q(l.get(), "SELECT MAX(event_id) FROM events WHERE event_id >= ?1 AND event_id < ?1 || '~'");
  q.text(1, prefix);
  if (!q.step()) return "";
  return q.col_text(0);
}

std::int64_t Store::coupon_claimants(const std::string& code) {
  auto l = lease();
  Stmt q(l.get(), "SELECT COUNT(*) FROM coupon_claims WHERE code = ?");
  q.text(1, code);
  q.step();
  return q.col_i64(0);
}

CommitResult Store::commit(const WriteSet& w, std::string& error) {
  auto fail = [&](CommitResult r) {
    error = sqlite3_errmsg(writer_);
    sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
    return r;
  };
  if (sqlite3_exec(writer_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(CommitResult::failed);
  if (w.program) {
    Stmt q(writer_, "INSERT INTO programs(version, document, created_at) VALUES (?,?,?)");
    q.i64(1, w.program->version);
    q.text(2, w.program->document);
    q.text(3, w.program->created_at);
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
  for (const auto& entry : w.history) {
    bind_text(insert_history_, 1, w.member_id);
    sqlite3_bind_int64(insert_history_, 2, seq);
    bind_text(insert_history_, 3, entry);
    if (run(insert_history_) != SQLITE_DONE) return fail(CommitResult::failed);
    history_end = sqlite3_last_insert_rowid(writer_);
  }
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
  if (sqlite3_exec(writer_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(CommitResult::failed);
  if (w.event) last_seq_ = seq;
  return CommitResult::ok;
}

// Databases made before records expired have no created_ms: their records count from now.
void Store::migrate_idempotency_expiry() {
  bool has_column = false;
  {
    Stmt q(writer_, "SELECT 1 FROM pragma_table_info('idempotency') WHERE name = 'created_ms'");
    has_column = q.step();
  }
  if (!has_column) {
    exec(writer_, "ALTER TABLE idempotency ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0");
    exec(writer_, "UPDATE idempotency SET created_ms = " + std::to_string(now_ms()));
  }
  exec(writer_, "CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency(created_ms)");
}

std::int64_t Store::sweep_idempotency(std::int64_t cutoff_ms) {
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

bool Store::insert_program(std::int64_t version, const std::string& document,
                           const std::string& created_at, std::string& error) {
  sqlite3_stmt* st =
      prepare(writer_, "INSERT INTO programs(version, document, created_at) VALUES (?,?,?)");
  sqlite3_bind_int64(st, 1, version);
  bind_text(st, 2, document);
  bind_text(st, 3, created_at);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) error = sqlite3_errmsg(writer_);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE;
}

}  // namespace srv
