#!/usr/bin/env bash
# scripts/with-postgres.sh CMD...: runs CMD next to a throwaway PostgreSQL cluster, then stops it
# and deletes it whatever CMD did (a trap on EXIT). CMD sees
#   LOYALTY_TEST_DB      postgresql:// URL of the cluster's `postgres` database (the server tests
#                        then make a database of their own per server, and drop it)
#   LOYALTY_TEST_PG_CTL  a command taking `stop` or `start`: the tests restart the cluster with it
# The cluster listens only on a Unix socket inside its own temporary folder (no port to collide
# with), with fsync and synchronous_commit on, as in production. PostgreSQL refuses to run as
# root: as root the cluster runs as the `postgres` user (Debian's package makes it), else `nobody`.
set -Eeuo pipefail
[[ $# -gt 0 ]] || { echo "usage: $0 CMD..." >&2; exit 2; }
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)}
[[ -x $PG_BIN/initdb ]] || { echo "$0: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }

DIR=$(mktemp -d /tmp/loyalty-pg-XXXXXX)
RUN_AS=()
if [[ $(id -u) == 0 ]]; then
  PG_USER=postgres
  id "$PG_USER" > /dev/null 2>&1 || PG_USER=nobody
  chown "$PG_USER" "$DIR"
  RUN_AS=(runuser -u "$PG_USER" --)
fi

# The control script the tests call; pg_ctl -w waits until the cluster accepts connections.
cat > "$DIR/ctl" << CTL
#!/usr/bin/env bash
set -e
case \$1 in
  stop) ${RUN_AS[*]} "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast -w stop > /dev/null ;;
  start) ${RUN_AS[*]} "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-k $DIR -c listen_addresses= -c fsync=on -c synchronous_commit=on -c max_connections=300" start > /dev/null ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
CTL
chmod 755 "$DIR/ctl"

cleanup() {
  "$DIR/ctl" stop 2> /dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DIR/data" -A trust -U loyalty -E UTF8 --locale=C > "$DIR/initdb.log" 2>&1 ||
  { cat "$DIR/initdb.log" >&2; exit 1; }
"$DIR/ctl" start || { cat "$DIR/log" >&2; exit 1; }

export LOYALTY_TEST_DB="postgresql://loyalty@/postgres?host=$DIR"
export LOYALTY_TEST_PG_CTL="$DIR/ctl"
"$@"
