#!/usr/bin/env python3
"""Cost of one member's past (issue 18; not a timed test).

One member orders once a day for N days (default 10 000, 27 years) through the real server,
whose clock is moved a day per order by libfaketime (the server binary is unchanged: the clock
is read from a file the benchmark rewrites before each order). At the checkpoints it reports
  - POST /v1/orders latency: median over 10 orders from the checkpoint on,
  - GET /v1/members/me bytes, and its latency (median of 20 reads),
  - database growth per order over the 50 orders before the checkpoint (the main file's used
    pages, WAL frames included, free pages excluded: events, snapshots, history entries and
    idempotency records alike).
Then, side by side under the same load and database, a newcomer's first 21 orders alternate with
the regular's next 21 (medians over orders 6-15 of each) and 20 reads of each: the fair view of
"the 10 000th order costs what the 10th costs" on a machine whose load moves.
usage: server/bench/member_growth.py [BUILD_DIR=build] [ORDERS=10000] [REFUND_DAYS]
On PostgreSQL: scripts/with-postgres.sh env BENCH_DB_FROM_TEST=1 server/bench/member_growth.py ...
(the server then uses the throwaway cluster's LOYALTY_TEST_DB; growth is pg_database_size).
"""
import base64, hashlib, hmac, http.client, json, os, sqlite3, statistics, subprocess, sys, tempfile
import time
from datetime import datetime, timedelta, timezone

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
orders = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
refund_days = int(sys.argv[3]) if len(sys.argv) > 3 else None
checkpoints = [c for c in (10, 100, 1000, 10000) if c <= orders]
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
ADMIN, SECRET = "bench-admin", "bench-secret"
start = datetime(2000, 1, 1, 15, 0, 0, tzinfo=timezone.utc)  # 10:00 in Lima


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(member):
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": member, "exp": 4102444800}).encode())  # 2100
    sig = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


def main():
    work = tempfile.mkdtemp(prefix="loyalty-growth-")
    clock = os.path.join(work, "clock")
    db = os.environ["LOYALTY_TEST_DB"] if os.environ.get("BENCH_DB_FROM_TEST") else os.path.join(work, "server.db")

    def set_day(n):
        with open(clock, "w") as f:
            f.write((start + timedelta(days=n)).strftime("%Y-%m-%d %H:%M:%S"))

    program = json.load(open(os.path.join(root, "server", "tests", "programs", "basic.json")))
    if refund_days:
        program["limits"] = {"refund_days": refund_days}
    program_file = os.path.join(work, "program.json")
    json.dump(program, open(program_file, "w"))
    set_day(0)
    env = dict(os.environ, LD_PRELOAD=FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE=clock,
               FAKETIME_NO_CACHE="1", FAKETIME_DONT_FAKE_MONOTONIC="1", TZ="UTC")
    out = open(os.path.join(work, "out.txt"), "w")
    server = subprocess.Popen(
        [os.path.join(build, "bin", "loyalty-server"), "--port", "0", "--db", db, "--program",
         program_file, "--admin-key", ADMIN, "--token-secret", SECRET, "--rate-limit", "0"],
        stdout=out, stderr=subprocess.DEVNULL, env=env)
    try:
        port = None
        for _ in range(100):
            text = open(os.path.join(work, "out.txt")).read()
            if "listening" in text:
                port = int(text.split(":")[-1].split('"')[0])
                break
            time.sleep(0.1)
        assert port, "the server did not start"
        conn = http.client.HTTPConnection("127.0.0.1", port)
        admin = {"X-Admin-Key": ADMIN, "Content-Type": "application/json"}

        def post(path, body, key):
            t = time.perf_counter()
            conn.request("POST", path, body=json.dumps(body), headers=dict(admin, **{"Idempotency-Key": key}))
            r = conn.getresponse()
            data = r.read()
            assert r.status in (200, 201), (r.status, data[:300])
            return time.perf_counter() - t

        def get_me():
            t = time.perf_counter()
            conn.request("GET", "/v1/members/me", headers={"Authorization": "Bearer " + token("regular")})
            r = conn.getresponse()
            data = r.read()
            assert r.status == 200, (r.status, data[:300])
            return time.perf_counter() - t, len(data)

        on_postgres = db.startswith("postgres")
        reader = None if on_postgres else sqlite3.connect(f"file:{db}?mode=ro", uri=True)

        def used_bytes():
            if on_postgres:
                return int(subprocess.check_output(
                    ["psql", db, "-tAc", "SELECT pg_database_size(current_database())"]))
            page = reader.execute("PRAGMA page_size").fetchone()[0]
            pages = reader.execute("PRAGMA page_count").fetchone()[0]
            free = reader.execute("PRAGMA freelist_count").fetchone()[0]
            return (pages - free) * page

        post("/v1/members", {"member_id": "regular", "email": "r@example.com"}, "enrol")
        latency, used = {}, {0: used_bytes()}
        for n in range(1, orders + 11):
            set_day(n)
            cart = {"currency": "PEN", "lines": [
                {"sku": "latte", "unit_price_minor": 1200, "quantity": 1},
                {"sku": "cake", "unit_price_minor": 1300 + (n % 7) * 100, "quantity": 1}]}
            latency[n] = post("/v1/orders", {"member_id": "regular", "order_id": f"o-{n}", "cart": cart},
                              f"order-{n}")
            if n + 50 in checkpoints:
                used[n] = used_bytes()
            if n in checkpoints:
                used[n] = used_bytes()
                reads = [get_me() for _ in range(20)]
                me_ms = statistics.median(t for t, _ in reads) * 1000
                me_bytes = reads[0][1]
                print(json.dumps({"order": n, "get_me_bytes": me_bytes, "get_me_ms": round(me_ms, 2)}),
                      flush=True)
        # Side by side under the same load and the same database: the regular's next 21 orders
        # alternate with a newcomer's first 21 (median over orders 6-15 of each), then reads.
        post("/v1/members", {"member_id": "newcomer", "email": "n@example.com"}, "enrol-new")
        pair = {"regular": [], "newcomer": []}
        for i in range(1, 22):
            set_day(orders + 10 + i)
            for who in ("newcomer", "regular"):
                cart = {"currency": "PEN", "lines": [
                    {"sku": "latte", "unit_price_minor": 1200, "quantity": 1},
                    {"sku": "cake", "unit_price_minor": 1300 + (i % 7) * 100, "quantity": 1}]}
                ms = post("/v1/orders", {"member_id": who, "order_id": f"{who}-p{i}", "cart": cart},
                          f"{who}-pair-{i}") * 1000
                if 6 <= i <= 15:
                    pair[who].append(ms)
        reads = {"regular": [], "newcomer": []}
        for _ in range(20):
            for who in ("newcomer", "regular"):
                t = time.perf_counter()
                conn.request("GET", "/v1/members/me", headers={"Authorization": "Bearer " + token(who)})
                r = conn.getresponse()
                data = r.read()
                reads[who].append(((time.perf_counter() - t) * 1000, len(data)))
        for who in ("newcomer", "regular"):
            print(json.dumps({"side_by_side": who,
                              "post_ms": round(statistics.median(pair[who]), 2),
                              "get_me_ms": round(statistics.median(t for t, _ in reads[who]), 2),
                              "get_me_bytes": reads[who][0][1]}), flush=True)
        print(json.dumps({"loadavg": os.getloadavg()}), flush=True)
        rows = []
        for c in checkpoints:
            window = [latency[k] for k in range(c, c + 10)]
            before = max(c - 50, 0)
            growth = (used[c] - used[before]) / (c - before)
            rows.append({"order": c, "post_ms": round(statistics.median(window) * 1000, 2),
                         "db_bytes_per_order": round(growth)})
        for r in rows:
            print(json.dumps(r), flush=True)
        print(json.dumps({"db_total_bytes": used_bytes(), "orders": orders + 10}), flush=True)
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
