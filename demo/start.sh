#!/usr/bin/env bash
# Starts the demo: one loyalty server per program (café, fashion), seeds them on first start,
# then the demo shop on http://127.0.0.1:8080. Ctrl-C stops everything it started.
#
#   demo/start.sh [--reset] [--port 8080] [--cafe-port 8181] [--fashion-port 8182] [--data DIR]
#
# Assumes scripts/demo.sh built build/bin/loyalty-server, build/wasm and build/web.
set -euo pipefail
DEMO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$DEMO/.." && pwd)"

PORT=8080 CAFE_PORT=8181 FASHION_PORT=8182 DATA="$DEMO/.data" RESET=0 BIND=127.0.0.1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reset) RESET=1 ;;
    --port) PORT="$2"; shift ;;
    --cafe-port) CAFE_PORT="$2"; shift ;;
    --fashion-port) FASHION_PORT="$2"; shift ;;
    --data) DATA="$2"; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "start.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ $RESET == 1 ]]; then
  echo "Resetting the demo data in $DATA"
  rm -rf "$DATA"
fi
mkdir -p "$DATA"

# The demo's secrets: made once per data dir, shared by the loyalty servers and the shop backend.
if [[ ! -f "$DATA/secrets.env" ]]; then
  umask 077
  {
    echo "ADMIN_KEY=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')"
    echo "TOKEN_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
  } > "$DATA/secrets.env"
fi
# shellcheck disable=SC1091
source "$DATA/secrets.env"
# The loyalty servers read their secrets from files (a command line is visible to every user
# through ps); the shop backend gets them in its environment.
(umask 077; printf '%s' "$ADMIN_KEY" > "$DATA/admin-key"; printf '%s' "$TOKEN_SECRET" > "$DATA/token-secret")

if [[ ! -d "$DEMO/node_modules/@fontsource-variable" ]]; then
  (cd "$DEMO" && npm ci --no-audit --no-fund --silent) || echo "warning: npm ci failed in demo/ (the shop falls back to system fonts)" >&2
fi
[[ -f "$ROOT/build/web/loyalty.js" ]] || echo "warning: build/web/loyalty.js is missing: the shop runs without the widget (run scripts/demo.sh)" >&2

SERVER="${LOYALTY_SERVER:-$ROOT/build/bin/loyalty-server}"
PIDS=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The real server or nothing: a stand-in would let a demo (and its browser test) pass without it.
if [[ ! -x "$SERVER" ]]; then
  echo "error: $SERVER is missing or not executable; build it first (scripts/demo.sh, or cmake --build build --target loyalty-server)" >&2
  exit 1
fi

start_loyalty() { # name port
  local name="$1" port="$2"
  "$SERVER" --port "$port" --bind "$BIND" --db "$DATA/$name.sqlite" --program "$DEMO/programs/$name.json" \
    --admin-key-file "$DATA/admin-key" --token-secret-file "$DATA/token-secret" --cors-origin "http://127.0.0.1:$PORT" \
    >"$DATA/$name-server.log" 2>&1 &
  PIDS+=($!)
}

wait_for() { # url what pid
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then echo "error: $2 exited; see its log in $DATA" >&2; return 1; fi
    sleep 0.2
  done
  echo "error: $2 did not answer on $1" >&2
  return 1
}

start_loyalty cafe "$CAFE_PORT"
wait_for "http://$BIND:$CAFE_PORT/v1/program" "café loyalty server" "${PIDS[-1]}" || { tail -20 "$DATA/cafe-server.log" >&2; exit 1; }
start_loyalty fashion "$FASHION_PORT"
wait_for "http://$BIND:$FASHION_PORT/v1/program" "fashion loyalty server" "${PIDS[-1]}" || { tail -20 "$DATA/fashion-server.log" >&2; exit 1; }

export DEMO_ADMIN_KEY="$ADMIN_KEY" DEMO_TOKEN_SECRET="$TOKEN_SECRET"
export DEMO_CAFE_API="http://$BIND:$CAFE_PORT" DEMO_FASHION_API="http://$BIND:$FASHION_PORT"
if [[ ! -f "$DATA/seeded" ]]; then
  echo "Seeding the demo shoppers and their history…"
  node "$DEMO/seed.mjs"
  date -u +%FT%TZ > "$DATA/seeded"
fi

node "$DEMO/shop/server.mjs" --port "$PORT" --bind "$BIND" --data "$DATA" --root "$ROOT" >"$DATA/shop.log" 2>&1 &
PIDS+=($!)
wait_for "http://$BIND:$PORT/healthz" "demo shop" "${PIDS[-1]}" || { tail -20 "$DATA/shop.log" >&2; exit 1; }

echo
echo "Demo shop: http://$BIND:$PORT"
echo "Merchant:  http://$BIND:$PORT/merchant"
echo "(logs in $DATA; Ctrl-C stops everything)"
wait -n "${PIDS[@]}" || true
echo "a demo process exited; stopping the rest" >&2
