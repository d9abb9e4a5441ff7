// open_store: --db names the store. A URL of PostgreSQL's selects PostgresStore; anything else is
// a SQLite file, as before PostgreSQL was supported.
#include "store.hpp"

#include <nlohmann/json.hpp>

#include "postgres_store.hpp"
#include "sqlite_store.hpp"

namespace srv {

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string json_string(const std::string& text) {
  return nlohmann::json(text).dump();
}

std::string id_prefix(const std::string& member_id) {
  std::string quoted = json_string(member_id + ":");
  quoted.pop_back();
  return quoted;
}

std::unique_ptr<Store> open_store(const std::string& db, const StoreOptions& options) {
  if (is_postgres_url(db)) return std::make_unique<PostgresStore>(db, options.pool);
  return std::make_unique<SqliteStore>(db, options.sync);
}

}  // namespace srv
