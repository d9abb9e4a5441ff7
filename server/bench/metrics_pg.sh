#!/usr/bin/env bash
# The metrics bench on PostgreSQL, from a SQLite database loyalty-metrics-bench filled: the kept
# totals' four tables are copied over as they are (COPY, minutes instead of the hour 100 000
# members' writes one transaction each would take over a socket), then the same windows are timed.
# usage: scripts/with-postgres.sh server/bench/metrics_pg.sh BUILD_DIR SQLITE_DB
set -Eeuo pipefail
build=$1 db=$2
bench=$build/bin/loyalty-metrics-bench
"$bench" "$LOYALTY_TEST_DB" 0 > /dev/null  # the schema (migrations) and the program
for t in metrics_daily metrics_members metrics_member_days metrics_marks; do
  sqlite3 -csv "$db" "SELECT * FROM $t" | psql -q "$LOYALTY_TEST_DB" -c "\\copy $t FROM STDIN CSV"
done
psql -q "$LOYALTY_TEST_DB" -c "ANALYZE"
"$bench" "$LOYALTY_TEST_DB" 0
