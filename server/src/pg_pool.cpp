#include "pg_pool.hpp"

#include <cstdlib>

namespace srv {

std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col),
                     static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
}

std::int64_t PgResult::i64(int row, int col) const {
  return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}

std::int64_t PgResult::affected() const {
  return std::strtoll(PQcmdTuples(r_.get()), nullptr, 10);
}

PgParam pg_int(std::int64_t v) {
  return std::to_string(v);
}

namespace {

// Errors that say the connection or the server went away rather than that the statement was
// wrong: class 08 (connection exception), 57P01-57P03 (shutdown, crash recovery, starting up).
bool is_unavailable(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

}  // namespace

PgConn::PgConn(const std::string& url) {
  // Defaults first, so a URL that sets its own wins. Without connect_timeout libpq waits for an
  // unresponsive host as long as the kernel lets it; without the keepalive times a connection to
  // a host that vanished (no reset sent) looks alive for two hours. TCP only; sockets ignore them.
  const char* keys[] = {"connect_timeout",  "keepalives_idle", "keepalives_interval",
                        "keepalives_count", "dbname",          nullptr};
  const char* values[] = {"5", "30", "10", "3", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw StoreUnavailable(msg);
  }
  PQclear(PQexec(conn_, "SET client_min_messages = warning"));  // no NOTICEs on stderr
}

PgResult PgConn::check(PGresult* raw) {
  PgResult r(raw);
  const auto status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  std::string msg = raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (PQstatus(conn_) != CONNECTION_OK || is_unavailable(sqlstate)) {
    broken_ = true;
    throw StoreUnavailable(msg);
  }
  throw PgError(sqlstate, msg);
}

PgResult PgConn::exec(const char* sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return check(PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                            nullptr, nullptr, 0));
}

void PgConn::exec_script(const char* sql) {
  check(PQexec(conn_, sql));
}

PgPool::PgPool(std::string url, int size) : url_(std::move(url)), unopened_(size) {}

PgPool::Lease::~Lease() {
  if (conn_) pool_->give_back(std::move(conn_));
}

PgPool::Lease PgPool::acquire(std::chrono::seconds wait) {
  std::unique_lock lock(mutex_);
  if (!freed_.wait_for(lock, wait, [&] { return !idle_.empty() || unopened_ > 0; }))
    throw StoreUnavailable("every database connection is busy");
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn), true);
  }
  --unopened_;
  lock.unlock();
  try {
    return Lease(this, std::make_unique<PgConn>(url_), false);
  } catch (...) {
    lock.lock();
    ++unopened_;
    freed_.notify_one();
    throw;
  }
}

// A broken connection is dropped, and so are the idle ones: they went to the same server, so
// they most likely died with it, and the next request should not find out one at a time.
void PgPool::give_back(std::unique_ptr<PgConn> conn) {
  std::vector<std::unique_ptr<PgConn>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (conn->broken()) {
      dropped = std::move(idle_);
      idle_.clear();
      unopened_ += static_cast<int>(dropped.size()) + 1;
      dropped.push_back(std::move(conn));
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  freed_.notify_all();
}  // the dropped connections close here, outside the lock

}  // namespace srv
