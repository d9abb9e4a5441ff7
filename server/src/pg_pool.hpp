// libpq connections for PostgresStore: one connection with parameterised statements, and a pool
// of a fixed number of them. A connection that breaks (the database restarted, the network cut)
// is dropped when it is given back; the next lease opens a new one. A failure of the connection
// itself throws StoreUnavailable (the request answers 503); any other error throws PgError.
#pragma once
#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store.hpp"

namespace srv {

struct PgError : std::runtime_error {
  PgError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate(std::move(sqlstate)) {}
  std::string sqlstate;  // e.g. "23505" unique_violation
};

// A statement's answer: rows of text values.
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string text(int row, int col) const;
  std::int64_t i64(int row, int col) const;
  std::int64_t affected() const;  // rows an INSERT/UPDATE/DELETE changed

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

using PgParam = std::optional<std::string>;  // nullopt: SQL NULL
PgParam pg_int(std::int64_t v);

class PgConn {
 public:
  explicit PgConn(const std::string& url);  // throws StoreUnavailable
  ~PgConn() { PQfinish(conn_); }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;
  // One statement with $1… parameters (text format).
  PgResult exec(const char* sql, const std::vector<PgParam>& params = {});
  // Several statements, no parameters (migrations).
  void exec_script(const char* sql);
  bool broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

 private:
  PgResult check(PGresult* r);
  PGconn* conn_ = nullptr;
  bool broken_ = false;
};

class PgPool {
 public:
  PgPool(std::string url, int size);
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConn> conn, bool reused)
        : pool_(pool), conn_(std::move(conn)), reused_(reused) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;  // would drop a connection without giving it back
    ~Lease();
    PgConn& operator*() const { return *conn_; }
    PgConn* operator->() const { return conn_.get(); }
    // Opened before this lease: it may have died since it was last used.
    bool reused() const { return reused_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConn> conn_;
    bool reused_;
  };
  // Waits for a free connection (at most `wait`), opening one when a slot has none.
  Lease acquire(std::chrono::seconds wait = std::chrono::seconds(30));
  // Runs `f(conn)`; when it fails because a reused connection had died (the database restarted
  // since it was last used) it runs once more on a new one. Only for what may run twice: reads,
  // and the first statements of a write.
  template <class F>
  auto run(F&& f) {
    Lease lease = acquire();
    if (!lease.reused()) return f(lease);
    try {
      return f(lease);
    } catch (const StoreUnavailable&) {
      Lease discard = std::move(lease);
    }
    Lease fresh = acquire();
    return f(fresh);
  }

 private:
  void give_back(std::unique_ptr<PgConn> conn);
  std::string url_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int unopened_;  // slots with no connection
};

}  // namespace srv
