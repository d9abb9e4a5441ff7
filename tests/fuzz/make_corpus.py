#!/usr/bin/env python3
"""Writes the fuzz seed corpus (tests/fuzz/corpus/): small valid and invalid requests for every
operation. File = one selector byte + request; the byte is an ASCII digit '0'..'5' (validate,
replay, apply, preview, catalog, metrics through loyalty::call and the Engine door), or 'p' for
"the rest is a program document" (Engine constructor). Re-run after changing the seeds:
    python3 tests/fuzz/make_corpus.py [path/to/loyalty-cli]
The CLI, when given, turns a replayed state into the apply/preview/catalog seeds."""
import hashlib, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")
OPS = ["validate", "replay", "apply", "preview", "catalog", "metrics"]

MINIMAL = {"schema": "loyalty-program/1", "id": "p", "currency": "PEN"}
PROGRAM = json.load(open(os.path.join(HERE, "../../wasm/bench/program.json")))
AT = "2026-11-20T17:30:00-05:00"


def lines(n):
    return [{"sku": f"sku-{i}", "category": ["drinks", "pastries", "shoes", "gifts"][i % 4],
             "unit_price_minor": 500 + 137 * i, "quantity": 1 + i % 3, "discount_minor": 0}
            for i in range(n)]


CART = {"currency": "PEN", "at": AT, "lines": lines(3), "shipping_minor": 500, "order_discount_minor": 0}
EVENTS = [
    {"id": "e1", "at": "2026-01-05T10:00:00-05:00", "type": "enroll", "member_id": "m-1",
     "channel": "pos", "birthday": "03-15", "referred_by": None},
    {"id": "e2", "at": "2026-02-10T12:00:00-05:00", "type": "order", "order_id": "o-1", "cart": CART},
    {"id": "e3", "at": "2026-02-11T12:00:00-05:00", "type": "refund", "order_id": "o-1",
     "lines": [{"sku": "sku-0", "quantity": 1}]},
    {"id": "e4", "at": "2026-03-01T09:00:00-05:00", "type": "action", "action": "review"},
    {"id": "e5", "at": "2026-03-02T09:00:00-05:00", "type": "redeem", "reward": "5-off"},
    {"id": "e6", "at": "2026-03-03T09:00:00-05:00", "type": "adjust", "points": 50, "reason": "prize wheel"},
    {"id": "e7", "at": "2026-03-04T09:00:00-05:00", "type": "referral_completed", "referee": "m-9"},
    {"id": "e8", "at": "2026-03-05T09:00:00-05:00", "type": "tick"},
]


def seeds(state):
    s = []
    for prog in (MINIMAL, PROGRAM):
        s += [("validate", {"program": prog})]
        s += [("replay", {"program": prog, "events": EVENTS, "now": AT}),
              ("replay", {"program": prog, "events": [], "now": AT})]
        s += [("apply", {"program": prog, "state": None, "event": EVENTS[0], "now": AT}),
              ("apply", {"program": prog, "state": state, "event": EVENTS[1] | {"id": "e9"}, "now": AT})]
        s += [("preview", {"program": prog, "state": None, "cart": CART, "now": AT}),
              ("preview", {"program": prog, "state": state, "cart": CART | {"lines": lines(10)},
                           "redeem": [{"reward": "5-off"}, {"reward": "pay", "points": 450}],
                           "vouchers": ["v-e2-1"], "now": AT})]
        s += [("catalog", {"program": prog, "state": None, "now": AT}),
              ("catalog", {"program": prog, "state": state, "now": AT})]
        s += [("metrics", {"program": prog, "members": [{"member_id": "m-1", "events": EVENTS}],
                           "from": "2026-01-01T00:00:00-05:00", "until": "2027-01-01T00:00:00-05:00",
                           "total_customers": 100, "churn_days": 90,
                           "segments": {"heavy": 10, "medium": 3}})]
    raw = []  # invalid documents, for every operation
    for op in OPS:
        raw += [(op, b""), (op, b"{"), (op, b"[]"), (op, b"null"), (op, b'{"program":1}'),
                (op, b'{"program":{}}'), (op, b"[" * 70 + b"]" * 70),
                (op, json.dumps({"program": MINIMAL, "bogus": 1}).encode()),
                (op, json.dumps({"program": MINIMAL | {"currency": "XXX"}}).encode()),
                (op, json.dumps({"program": MINIMAL, "now": "2026-13-40T99:00:00Z"}).encode()),
                (op, json.dumps({"program": MINIMAL, "cart": {"lines": [{"quantity": 9223372036854775807,
                    "unit_price_minor": 9223372036854775807, "sku": "x"}]}, "state": None, "now": AT}).encode())]
    return s, raw


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else None
    state = None
    if cli:
        req = json.dumps({"program": PROGRAM, "events": EVENTS, "now": AT})
        out = subprocess.run([cli, "replay"], input=req.encode(), capture_output=True).stdout
        state = json.loads(out)
        if "error" in state:
            state = None
    os.makedirs(OUT, exist_ok=True)
    valid, raw = seeds(state)
    items = [(op, json.dumps(req, separators=(",", ":")).encode()) for op, req in valid] + raw
    items += [("p", json.dumps(MINIMAL).encode()), ("p", json.dumps(PROGRAM).encode()), ("p", b"{}"),
              ("p", json.dumps(PROGRAM | {"tiers": {"levels": []}}).encode())]
    for op, body in items:
        sel = b"p" if op == "p" else str(OPS.index(op)).encode()
        data = sel + body
        name = f"{op}-{hashlib.sha1(data).hexdigest()[:12]}"
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"{len(items)} seeds in {OUT}")


if __name__ == "__main__":
    main()
