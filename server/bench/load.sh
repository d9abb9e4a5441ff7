#!/usr/bin/env bash
# Load benchmark of loyalty-server on loopback (not run by the tests):
#   1. the raw SQLite single-writer transaction rate of this machine, same pragmas (WAL,
#      synchronous=$SYNC), one event row + one snapshot upsert + one idempotency row per transaction;
#   2. POST /v1/orders and GET /v1/members/me from $CONNS keep-alive clients (loyalty-http-bench),
#      alone and with $KEEPALIVE more keep-alive connections open and idle;
#   3. GET /v1/members/me and GET /healthz while $IDLE idle connections and $SLOW slowloris /
#      slow-body clients are held open (each reconnects whenever the server cuts it off).
# usage: server/bench/load.sh [BUILD_DIR=build]
#   env DURATION (10), SYNC (full), CONNS (8), MEMBERS (200), IDLE (10000), SLOW (1000), KEEPALIVE (1000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
bin="$build/bin"
DURATION="${DURATION:-10}"
SYNC="${SYNC:-full}"
CONNS="${CONNS:-8}"
MEMBERS="${MEMBERS:-200}"
IDLE="${IDLE:-10000}"
SLOW="${SLOW:-1000}"
KEEPALIVE="${KEEPALIVE:-1000}"
work="$(mktemp -d /tmp/loyalty-bench-XXXXXX)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

echo "== raw SQLite single writer (synchronous=$SYNC, ${DURATION}s)"
raw_json="$("$bin/loyalty-sqlite-bench" "$work/raw.db" "$DURATION" "$SYNC")"
echo "$raw_json"
raw=$(echo "$raw_json" | sed -E 's/.*"per_second":([0-9.]+).*/\1/')

printf '%s' bench-admin >"$work/admin-key"
printf '%s' bench-secret >"$work/token-secret"
"$bin/loyalty-server" --port 0 --db "$work/server.db" --program "$root/server/tests/programs/basic.json" \
  --admin-key-file "$work/admin-key" --token-secret-file "$work/token-secret" --rate-limit 0 \
  --sync "$SYNC" >"$work/out.txt" 2>"$work/access.log" &
server_pid=$!
for _ in $(seq 50); do grep -q listening "$work/out.txt" 2>/dev/null && break; sleep 0.1; done
port=$(sed -E 's/.*:([0-9]+)".*/\1/' "$work/out.txt")

echo "== enrolling $MEMBERS members"
python3 - "$port" "$MEMBERS" <<'PY'
import http.client, json, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
for i in range(n):
    c.request("POST", "/v1/members", body=json.dumps({"member_id": f"bench-{i}", "email": f"b{i}@example.com"}),
              headers={"X-Admin-Key": "bench-admin", "Idempotency-Key": f"enrol-{i}", "Content-Type": "application/json"})
    r = c.getresponse(); r.read()
    assert r.status in (200, 201, 409), r.status
PY
token=$(LOYALTY_TOKEN_SECRET_FILE="$work/token-secret" "$bin/loyalty-server" --mint-token bench-1 --ttl 3600)
b() { "$bin/loyalty-http-bench" --port "$port" --seconds "$DURATION" --conns "$CONNS" --token "$token" \
        --admin-key bench-admin --members "$MEMBERS" "$@"; }
field() { echo "$1" | sed -E "s/.*\"$2\":([0-9.]+).*/\1/"; }

echo "== POST /v1/orders, GET /v1/members/me ($CONNS clients)"
orders_json=$(b --mode orders); echo "$orders_json"
reads_json=$(b --mode reads); echo "$reads_json"
echo "== the same with $KEEPALIVE more keep-alive connections open"
orders_ka_json=$(b --mode orders --keepalive "$KEEPALIVE"); echo "$orders_ka_json"
reads_ka_json=$(b --mode reads --keepalive "$KEEPALIVE"); echo "$reads_ka_json"
echo "== $IDLE idle + $SLOW slowloris/slow-body connections held open"
crowd_health_json=$(b --mode health --idle "$IDLE" --slow "$SLOW"); echo "$crowd_health_json"
crowd_reads_json=$(b --mode reads --idle "$IDLE" --slow "$SLOW"); echo "$crowd_reads_json"
crowd_orders_json=$(b --mode orders --idle "$IDLE" --slow "$SLOW"); echo "$crowd_orders_json"

echo "== raw SQLite again (the disk is shared; the figure used is the mean of both runs)"
raw2_json="$("$bin/loyalty-sqlite-bench" "$work/raw2.db" "$DURATION" "$SYNC")"
echo "$raw2_json"
raw2=$(echo "$raw2_json" | sed -E 's/.*"per_second":([0-9.]+).*/\1/')
raw=$(python3 -c "print(f'{(float($raw)+float($raw2))/2:.1f}')")
orders=$(field "$orders_json" per_second)
orders_ka=$(field "$orders_ka_json" per_second)
echo
echo "raw single-writer transactions/s: $raw"
echo "orders/s: $orders = $(python3 -c "print(f'{100*float($orders)/float($raw):.1f}')")% of raw; with $KEEPALIVE open keep-alive connections: $orders_ka = $(python3 -c "print(f'{100*float($orders_ka)/float($raw):.1f}')")% (target >= 50%)"
echo "reads/s: $(field "$reads_json" per_second); with $KEEPALIVE open keep-alive connections: $(field "$reads_ka_json" per_second) (target >= 5000)"
echo "with $IDLE idle + $SLOW slow clients: /healthz p99 $(field "$crowd_health_json" p99_ms) ms, /v1/members/me p99 $(field "$crowd_reads_json" p99_ms) ms, orders p99 $(field "$crowd_orders_json" p99_ms) ms (target < 100 ms)"
