#!/usr/bin/env bash
# Writes and reads per second, SQLite against PostgreSQL with 1, 2 and 4 instances (not run by
# the tests): 200 members, $CONNS keep-alive clients of loyalty-http-bench for $DURATION s each.
# Needs a cluster: scripts/with-postgres.sh server/bench/pg_load.sh [BUILD_DIR=build]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build}/bin"
DURATION="${DURATION:-5}"
CONNS="${CONNS:-8}"
[[ -n ${LOYALTY_TEST_DB:-} ]] || { echo "run it under scripts/with-postgres.sh" >&2; exit 2; }
work="$(mktemp -d /tmp/loyalty-pgbench-XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; wait 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT
printf '%s' bench-admin > "$work/admin-key"
printf '%s' bench-secret > "$work/token-secret"

start() {  # DB NAME: prints the port
  "$bin/loyalty-server" --port 0 --db "$1" --program "$root/server/tests/programs/basic.json" \
    --admin-key-file "$work/admin-key" --token-secret-file "$work/token-secret" --rate-limit 0 \
    > "$work/$2.out" 2> /dev/null &
  pids+=($!)
  for _ in $(seq 50); do grep -q listening "$work/$2.out" 2> /dev/null && break; sleep 0.1; done
  sed -E 's/.*:([0-9]+)".*/\1/' "$work/$2.out"
}
enrol() {
  python3 - "$1" << 'PY'
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for i in range(200):
    c.request("POST", "/v1/members", body=json.dumps({"member_id": f"bench-{i}", "email": f"b{i}@example.com"}),
              headers={"X-Admin-Key": "bench-admin", "Idempotency-Key": f"enrol-{i}", "Content-Type": "application/json"})
    r = c.getresponse(); r.read()
PY
}
token=$(LOYALTY_TOKEN_SECRET=bench-secret "$bin/loyalty-server" --mint-token bench-1 --ttl 3600)
b() { "$bin/loyalty-http-bench" --port "$1" --seconds "$DURATION" --conns "$CONNS" --token "$token" \
        --admin-key bench-admin --members 200 --mode "$2" | sed -E 's/.*"per_second":([0-9.]+).*/\1/'; }

p=$(start "$work/bench.db" sqlite)
enrol "$p"
echo "sqlite: orders/s $(b "$p" orders), reads/s $(b "$p" reads)"
psql "$LOYALTY_TEST_DB" -qc "CREATE DATABASE pgbench_$$"
url="${LOYALTY_TEST_DB/\/postgres?//pgbench_$$?}"
ports=()
for n in a b c d; do ports+=("$(start "$url" "$n")"); done
enrol "${ports[0]}"
# N instances at once, each with its own $CONNS clients: the totals add up.
together() {  # MODE N
  local files=() jobs=()
  for ((i = 0; i < $2; i++)); do
    b "${ports[$i]}" "$1" > "$work/$1-$2-$i" &
    jobs+=($!)
    files+=("$work/$1-$2-$i")
  done
  wait "${jobs[@]}"  # the load clients only: the servers run on
  cat "${files[@]}" | paste -sd+ | bc
}
for n in 1 2 4; do
  echo "postgresql, $n instance(s): orders/s $(together orders "$n"), reads/s $(together reads "$n")"
done
