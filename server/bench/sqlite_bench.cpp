// The raw single-writer rate of this machine's SQLite with the server's pragmas (WAL,
// synchronous as given, one transaction per write): each transaction inserts one event row of
// ~600 bytes and upserts one member snapshot of ~2 KB, as the server does per order.
// usage: loyalty-sqlite-bench DB [SECONDS=5] [full|normal]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB [SECONDS] [full|normal]\n", argv[0]);
    return 2;
  }
  const double seconds = argc > 2 ? std::atof(argv[2]) : 5.0;
  const std::string sync = argc > 3 ? argv[3] : "full";
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, ("PRAGMA synchronous=" + sync).c_str(), nullptr, nullptr, nullptr);
  sqlite3_exec(db,
               "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, member_id TEXT, "
               "event_id TEXT UNIQUE,"
               " type TEXT, at TEXT, program_version INTEGER, body TEXT);"
               "CREATE INDEX IF NOT EXISTS events_member ON events(member_id, seq);"
               "CREATE TABLE IF NOT EXISTS members(member_id TEXT PRIMARY KEY, state TEXT, "
               "last_seq INTEGER);"
               "CREATE TABLE IF NOT EXISTS idempotency(key TEXT PRIMARY KEY, request_hash TEXT, "
               "status INTEGER, response TEXT);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt *ev, *mem, *idem;
  sqlite3_prepare_v2(db,
                     "INSERT INTO events(seq, member_id, event_id, type, at, program_version, "
                     "body) VALUES (?,?,?,?,?,?,?)",
                     -1, &ev, nullptr);
  sqlite3_prepare_v2(
      db,
      "INSERT INTO members(member_id, state, last_seq) VALUES (?,?,?) ON CONFLICT(member_id) DO "
      "UPDATE SET state=excluded.state, last_seq=excluded.last_seq",
      -1, &mem, nullptr);
  sqlite3_prepare_v2(
      db, "INSERT INTO idempotency(key, request_hash, status, response) VALUES (?,?,?,?)", -1,
      &idem, nullptr);
  const std::string body(600, 'e'), state(2000, 's');
  long long n = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    ++n;
    const std::string id =
        "bench-" + std::to_string(n) + "-" + std::to_string(start.time_since_epoch().count());
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_bind_text(idem, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(idem, 2, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                      -1, SQLITE_STATIC);
    sqlite3_bind_int(idem, 3, 200);
    sqlite3_bind_text(idem, 4, state.c_str(), -1, SQLITE_STATIC);
    sqlite3_step(idem);
    sqlite3_reset(idem);
    sqlite3_bind_null(ev, 1);
    sqlite3_bind_text(ev, 2, "m-bench", -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 3, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ev, 4, "order", -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 5, "2026-11-20T10:00:00-05:00", -1, SQLITE_STATIC);
    sqlite3_bind_int(ev, 6, 1);
    sqlite3_bind_text(ev, 7, body.c_str(), -1, SQLITE_STATIC);
    sqlite3_step(ev);
    sqlite3_reset(ev);
    sqlite3_bind_text(mem, 1, "m-bench", -1, SQLITE_STATIC);
    sqlite3_bind_text(mem, 2, state.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(mem, 3, n);
    sqlite3_step(mem);
    sqlite3_reset(mem);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "commit failed: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf(
      "{\"transactions\":%lld,\"seconds\":%.3f,\"per_second\":%.1f,\"synchronous\":\"%s\"}\n", n,
      elapsed, n / elapsed, sync.c_str());
  sqlite3_finalize(ev);
  sqlite3_finalize(mem);
  sqlite3_finalize(idem);
  sqlite3_close(db);
  return 0;
}
