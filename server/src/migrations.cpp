#include "migrations.hpp"

namespace srv {

const char* const kMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT "
    "NOT NULL)";

namespace {

// Version 1 is the schema as it stood when migrations were introduced. On SQLite it is written
// with IF NOT EXISTS: a file made by an older server already holds some of it (SqliteStore then
// adds the columns such a file lacks, in the same transaction).
const char* kSqlite1 = R"(
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
  member_id     TEXT PRIMARY KEY,
  state         TEXT NOT NULL,
  last_seq      INTEGER NOT NULL,
  history_total INTEGER NOT NULL DEFAULT -1,
  view          TEXT,
  view_marks    TEXT NOT NULL DEFAULT '',
  view_until    INTEGER,
  view_version  INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS idempotency (
  key          TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  response     TEXT NOT NULL,
  created_ms   INTEGER NOT NULL DEFAULT 0,
  history_end  INTEGER NOT NULL DEFAULT 0,
  history_len  INTEGER NOT NULL DEFAULT 0);
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

// The same tables on PostgreSQL. Event seq and history ids come from sequences (unique across
// instances; the feed shows a seq once none below it can still commit, PostgresStore::events),
// and so do the numbers of the server's event ids.
const char* kPostgres1 = R"(
CREATE TABLE programs (
  version    BIGINT PRIMARY KEY,
  document   TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE SEQUENCE event_seq;
CREATE SEQUENCE event_number;
CREATE TABLE events (
  seq             BIGINT PRIMARY KEY,
  member_id       TEXT NOT NULL,
  event_id        TEXT NOT NULL UNIQUE,
  type            TEXT NOT NULL,
  at              TEXT NOT NULL,
  program_version BIGINT NOT NULL,
  body            TEXT NOT NULL);
CREATE INDEX events_member ON events(member_id, seq);
CREATE TABLE members (
  member_id     TEXT PRIMARY KEY,
  state         TEXT NOT NULL,
  last_seq      BIGINT NOT NULL,
  history_total BIGINT NOT NULL DEFAULT -1,
  view          TEXT,
  view_marks    TEXT NOT NULL DEFAULT '',
  view_until    BIGINT,
  view_version  BIGINT NOT NULL DEFAULT 0);
CREATE TABLE idempotency (
  key          TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  response     TEXT NOT NULL,
  created_ms   BIGINT NOT NULL DEFAULT 0,
  history_end  BIGINT NOT NULL DEFAULT 0,
  history_len  BIGINT NOT NULL DEFAULT 0);
CREATE TABLE history (
  id        BIGSERIAL PRIMARY KEY,
  member_id TEXT NOT NULL,
  seq       BIGINT NOT NULL,
  entry     TEXT NOT NULL);
CREATE INDEX history_member ON history(member_id, id);
CREATE TABLE orders (
  member_id TEXT NOT NULL,
  order_id  TEXT NOT NULL,
  record    TEXT NOT NULL,
  PRIMARY KEY (member_id, order_id));
CREATE TABLE coupon_claims (
  code      TEXT NOT NULL,
  member_id TEXT NOT NULL,
  PRIMARY KEY (code, member_id));
)";

// The sweep deletes by age; the index keeps it from reading every record.
const char* kIdempotencyCreated =
    "CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency(created_ms)";

// The webhook outbox (spec/sync.md, "Webhooks"): one row per event and receiver, written in the
// event's own transaction; delivered_ms is set once the receiver said 2xx, dead once retries end.
const char* kOutbox = R"(
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id              TEXT NOT NULL,
  url             TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_ms      BIGINT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms BIGINT NOT NULL,
  delivered_ms    BIGINT,
  dead            INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (id, url));
CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox(next_attempt_ms)
  WHERE delivered_ms IS NULL AND dead = 0;
)";

// Members' identifiers (spec/sync.md): a normalised phone or email names one member at most.
const char* kMemberIds = R"(
CREATE TABLE IF NOT EXISTS member_ids (
  kind      TEXT NOT NULL,
  value     TEXT NOT NULL,
  member_id TEXT NOT NULL,
  PRIMARY KEY (kind, value));
CREATE INDEX IF NOT EXISTS member_ids_member ON member_ids(member_id);
)";

// A referee's first order owes the referrer a credit: written in the order's transaction, removed
// once the referrer's referral_completed event is stored, so no crash in between loses it.
const char* kReferralsOwed = R"(
CREATE TABLE IF NOT EXISTS referrals_owed (
  referee    TEXT PRIMARY KEY,
  referrer   TEXT NOT NULL,
  created_ms BIGINT NOT NULL);
)";

// The time sweep's schedule (spec/sync.md, "Webhooks"): one row per member, kept by every write.
// Members stored before it are due at once, with their last order read from the ledger.
const char* kSqliteSweep = R"(
CREATE TABLE IF NOT EXISTS member_sweep (
  member_id     TEXT PRIMARY KEY,
  due_ms        BIGINT,
  last_order_ms BIGINT);
CREATE INDEX IF NOT EXISTS member_sweep_due ON member_sweep(due_ms) WHERE due_ms IS NOT NULL;
INSERT OR IGNORE INTO member_sweep(member_id, due_ms, last_order_ms)
  SELECT m.member_id, 0, (SELECT MAX(CAST(strftime('%s', e.at) AS INTEGER)) * 1000 FROM events e
                          WHERE e.member_id = m.member_id AND e.type = 'order')
  FROM members m;
)";
const char* kPostgresSweep = R"(
CREATE TABLE IF NOT EXISTS member_sweep (
  member_id     TEXT PRIMARY KEY,
  due_ms        BIGINT,
  last_order_ms BIGINT);
CREATE INDEX IF NOT EXISTS member_sweep_due ON member_sweep(due_ms) WHERE due_ms IS NOT NULL;
INSERT INTO member_sweep(member_id, due_ms, last_order_ms)
  SELECT m.member_id, 0, (SELECT (MAX(EXTRACT(EPOCH FROM e.at::timestamptz)) * 1000)::BIGINT
                          FROM events e WHERE e.member_id = m.member_id AND e.type = 'order')
  FROM members m ON CONFLICT DO NOTHING;
)";

// Exports and erasures of personal data (spec/sync.md, "Data protection"), as the law asks them
// to be recorded; an erased member's rows name the pseudonym.
const char* kSqliteDataRequests = R"(
CREATE TABLE IF NOT EXISTS data_requests (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind      TEXT NOT NULL,
  member_id TEXT NOT NULL,
  at_ms     BIGINT NOT NULL,
  detail    TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS data_requests_member ON data_requests(member_id);
)";
const char* kPostgresDataRequests = R"(
CREATE TABLE IF NOT EXISTS data_requests (
  id        BIGSERIAL PRIMARY KEY,
  kind      TEXT NOT NULL,
  member_id TEXT NOT NULL,
  at_ms     BIGINT NOT NULL,
  detail    TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS data_requests_member ON data_requests(member_id);
)";

// The merchant's note on a version ("why this change"), kept with the version it explains.
const char* kProgramNote = "ALTER TABLE programs ADD COLUMN note TEXT NOT NULL DEFAULT ''";

// The metrics' kept totals (docs/decisions.md, "Metrics from aggregates (issue 21)"), written in
// each event's own transaction. Per-day sums are split over a few shards by member so concurrent
// writers on PostgreSQL do not all queue on today's row; readers add the shards up. A ledger
// stored before is marked (metrics_backfill) and filled in by the server once its program is
// loaded (Store::backfill_metrics): only the core can classify a stored entry, SQL cannot.
const char* kSqliteMetrics = R"(
CREATE TABLE IF NOT EXISTS metrics_daily (
  day   BIGINT NOT NULL,
  key   TEXT NOT NULL,
  shard INTEGER NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (day, key, shard)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metrics_members (
  member_id   TEXT PRIMARY KEY,
  enrolled_ms BIGINT NOT NULL,
  channel     TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS metrics_member_days (
  member_id     TEXT NOT NULL,
  day           BIGINT NOT NULL,
  orders        BIGINT NOT NULL,
  points        BIGINT NOT NULL,
  last_order_ms BIGINT,
  PRIMARY KEY (member_id, day)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metrics_marks (
  member_id  TEXT NOT NULL,
  history_id BIGINT NOT NULL,
  at_ms      BIGINT NOT NULL,
  kind       TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (member_id, history_id));
CREATE INDEX IF NOT EXISTS metrics_marks_kind ON metrics_marks(kind, member_id, history_id);
CREATE TABLE IF NOT EXISTS metrics_backfill (pending INTEGER NOT NULL);
INSERT INTO metrics_backfill(pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM history);
)";
const char* kPostgresMetrics = R"(
CREATE TABLE IF NOT EXISTS metrics_daily (
  day   BIGINT NOT NULL,
  key   TEXT NOT NULL,
  shard INTEGER NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (day, key, shard));
CREATE TABLE IF NOT EXISTS metrics_members (
  member_id   TEXT PRIMARY KEY,
  enrolled_ms BIGINT NOT NULL,
  channel     TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS metrics_member_days (
  member_id     TEXT NOT NULL,
  day           BIGINT NOT NULL,
  orders        BIGINT NOT NULL,
  points        BIGINT NOT NULL,
  last_order_ms BIGINT,
  PRIMARY KEY (member_id, day));
CREATE TABLE IF NOT EXISTS metrics_marks (
  member_id  TEXT NOT NULL,
  history_id BIGINT NOT NULL,
  at_ms      BIGINT NOT NULL,
  kind       TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (member_id, history_id));
CREATE INDEX IF NOT EXISTS metrics_marks_kind ON metrics_marks(kind, member_id, history_id);
CREATE TABLE IF NOT EXISTS metrics_backfill (pending INTEGER NOT NULL);
INSERT INTO metrics_backfill(pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM history);
)";

const Migration kMigrations[] = {
    {1, "the tables", kSqlite1, kPostgres1},
    {2, "the idempotency sweep's index", kIdempotencyCreated, kIdempotencyCreated},
    {3, "the webhook outbox", kOutbox, kOutbox},
    {4, "members' phones and emails, each unique", kMemberIds, kMemberIds},
    {5, "referral credits owed", kReferralsOwed, kReferralsOwed},
    {6, "the time sweep's schedule", kSqliteSweep, kPostgresSweep},
    {7, "exports and erasures of personal data", kSqliteDataRequests, kPostgresDataRequests},
    {8, "a note per program version", kProgramNote, kProgramNote},
    {9, "the metrics' kept totals", kSqliteMetrics, kPostgresMetrics},
};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

}  // namespace srv
