#!/usr/bin/env bash
# Load benchmark of loyalty-server on loopback (not run by the tests):
#   1. the raw SQLite single-writer transaction rate of this machine, same pragmas (WAL,
#      synchronous=$SYNC), one event row + one snapshot upsert + one idempotency row per transaction;
#   2. POST /v1/orders through wrk (unique Idempotency-Key per request, orders spread over members);
#   3. GET /v1/members/me through wrk.
# usage: server/bench/load.sh [BUILD_DIR=build] ; env DURATION (10s), SYNC (full), CONNS (8)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
bin="$build/bin"
DURATION="${DURATION:-10s}"
SYNC="${SYNC:-full}"
CONNS="${CONNS:-8}"
MEMBERS="${MEMBERS:-200}"
work="$(mktemp -d /tmp/loyalty-bench-XXXXXX)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

secs="${DURATION%s}"
echo "== raw SQLite single writer (synchronous=$SYNC, ${secs}s)"
raw_json="$("$bin/loyalty-sqlite-bench" "$work/raw.db" "$secs" "$SYNC")"
echo "$raw_json"
raw=$(echo "$raw_json" | sed -E 's/.*"per_second":([0-9.]+).*/\1/')

"$bin/loyalty-server" --port 0 --db "$work/server.db" --program "$root/server/tests/programs/basic.json" \
  --admin-key bench-admin --token-secret bench-secret --rate-limit 0 --sync "$SYNC" --threads "$CONNS" \
  >"$work/out.txt" 2>"$work/access.log" &
server_pid=$!
for _ in $(seq 50); do grep -q listening "$work/out.txt" 2>/dev/null && break; sleep 0.1; done
port=$(sed -E 's/.*:([0-9]+)".*/\1/' "$work/out.txt")
base="http://127.0.0.1:$port"

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

echo "== POST /v1/orders ($CONNS connections, $DURATION)"
LOYALTY_MEMBERS="$MEMBERS" LOYALTY_ADMIN_KEY=bench-admin \
  wrk -t2 -c"$CONNS" -d"$DURATION" -s "$here/orders.lua" "$base" | tee "$work/orders.txt"
orders=$(grep Requests/sec "$work/orders.txt" | awk '{print $2}')
non2xx=$(grep -E "Non-2xx" "$work/orders.txt" | awk '{print $NF}' || true)

token=$("$bin/loyalty-server" --mint-token bench-1 --ttl 3600 --token-secret bench-secret)
echo "== GET /v1/members/me ($CONNS connections, $DURATION)"
wrk -t2 -c"$CONNS" -d"$DURATION" -H "Authorization: Bearer $token" "$base/v1/members/me" | tee "$work/reads.txt"
reads=$(grep Requests/sec "$work/reads.txt" | awk '{print $2}')

echo "== raw SQLite again (the disk is shared; the figure used is the mean of both runs)"
raw2_json="$("$bin/loyalty-sqlite-bench" "$work/raw2.db" "$secs" "$SYNC")"
echo "$raw2_json"
raw2=$(echo "$raw2_json" | sed -E 's/.*"per_second":([0-9.]+).*/\1/')
raw=$(python3 -c "print(f'{(float($raw)+float($raw2))/2:.1f}')")

stored=$(curl -s "$base/v1/events?limit=1&after=0" -H "X-Admin-Key: bench-admin" >/dev/null; \
         sqlite3 "$work/server.db" "select count(*) from events where type='order'" 2>/dev/null || echo "?")
ratio=$(python3 -c "print(f'{100*float($orders)/float($raw):.1f}')")
echo
echo "raw single-writer transactions/s: $raw"
echo "orders/s: $orders (${non2xx:-0} non-2xx; order events stored: $stored) = ${ratio}% of raw (target >= 50%)"
echo "reads/s (GET /v1/members/me): $reads (target >= 5000)"
