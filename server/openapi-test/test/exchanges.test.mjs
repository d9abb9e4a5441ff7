// Every HTTP exchange the server test suite made (recorded by server/tests/recorder.hpp when
// LOYALTY_RECORD_RESPONSES is set; scripts/test.sh records to build/server-exchanges.jsonl)
// matches server/openapi.yaml: a documented operation (or the document's x-catch-all), a
// documented status, a body its schema accepts; accepted requests match the request side.
// An empty or partial recording fails: too few exchanges, or an operation never exercised.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadDocument, makeChecker, readRecording } from "../lib/checker.mjs";

const RECORDING =
  process.env.LOYALTY_RECORD_RESPONSES ||
  fileURLToPath(new URL("../../../build/server-exchanges.jsonl", import.meta.url));
// The suite makes 2 000-2 400 exchanges from 56 tests (the kill -9 test's streams vary); far
// fewer means the recording is not the whole suite's.
const MIN_EXCHANGES = 1500;
const MIN_TESTS = 40;
// Operations the suite is allowed not to answer with a 2xx. Keep it short and say why.
const NOT_EXERCISED = new Map([]);
// Answers that are the test's own bytes, not the server's: skipped, by test and exact body.
const FIXTURES = new Map([
  // The test writes an idempotency record by hand into an old-layout database; the server
  // replays it verbatim, as it must.
  ["Hardening.RecordsOfADatabaseFromBeforeExpiryCountFromTheUpgrade", '{"stored":true}'],
]);

test("every recorded exchange matches the OpenAPI document", (t) => {
  assert.ok(existsSync(RECORDING), `no recording at ${RECORDING}: run the server tests with LOYALTY_RECORD_RESPONSES set`);
  const started = performance.now();
  const exchanges = readRecording(RECORDING);
  const checker = makeChecker(loadDocument());
  const errors = [];
  const matched = new Map();
  const succeeded = new Set();
  const statuses = new Map(); // operation → statuses seen
  let fixtures = 0;
  for (const x of exchanges) {
    if (FIXTURES.get(x.test) === x.body) {
      fixtures++;
      continue;
    }
    const [problems, key] = checker.check(x);
    errors.push(...problems);
    matched.set(key, (matched.get(key) ?? 0) + 1);
    if (x.status >= 200 && x.status < 300) succeeded.add(key);
    if (!statuses.has(key)) statuses.set(key, new Set());
    statuses.get(key).add(String(x.status));
  }
  const ms = Math.round(performance.now() - started);
  t.diagnostic(`${exchanges.length - fixtures} exchanges from ${RECORDING} checked in ${ms} ms (${fixtures} test fixtures skipped)`);
  for (const [key, n] of [...matched].sort()) {
    const o = checker.operations.find((op) => op.key === key);
    const seen = [...(statuses.get(key) ?? [])].sort();
    const unseen = o ? Object.keys(o.op.responses).filter((s) => !seen.includes(s)) : [];
    t.diagnostic(`  ${String(n).padStart(5)}  ${key}: ${seen.join(" ")}${unseen.length ? `  (documented, not seen: ${unseen.join(" ")})` : ""}`);
  }

  assert.ok(exchanges.length >= MIN_EXCHANGES, `only ${exchanges.length} exchanges recorded (at least ${MIN_EXCHANGES} expected)`);
  const tests = new Set(exchanges.map((x) => x.test)).size;
  assert.ok(tests >= MIN_TESTS, `exchanges of only ${tests} tests recorded (at least ${MIN_TESTS} expected)`);
  const shown = errors.slice(0, 40).join("\n");
  assert.equal(errors.length, 0, `${errors.length} exchanges disagree with the document:\n${shown}`);

  const missing = checker.operations
    .map((o) => o.key)
    .filter((key) => !succeeded.has(key) && !NOT_EXERCISED.has(key));
  assert.deepEqual(missing, [], "operations the suite never answered with a 2xx");
  assert.ok(fixtures <= FIXTURES.size * 2, `${fixtures} exchanges skipped as fixtures`);
  for (const key of NOT_EXERCISED.keys())
    assert.ok(checker.operations.some((o) => o.key === key), `NOT_EXERCISED names ${key}, which is no operation`);
});
