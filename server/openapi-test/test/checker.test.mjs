// The checker itself: exchanges that disagree with the document in each way it checks are
// reported, and well-formed ones are not (so a green run means the checks ran).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadDocument, makeChecker } from "../lib/checker.mjs";

const checker = makeChecker(loadDocument());
const admin = ["X-Admin-Key", "Idempotency-Key", "Content-Type"];
const error = (code, path = "") => JSON.stringify({ error: { code, message: "m", path } });
const exchange = (over) => ({ test: "T.t", method: "GET", path: "/healthz", status: 200,
  content_type: "application/json", body: '{"ok":true}', request_headers: [], ...over });
const problems = (over) => checker.check(exchange(over))[0];

test("a documented exchange passes", () => {
  assert.deepEqual(problems({}), []);
  assert.deepEqual(problems({ method: "POST", path: "/v1/adjustments", status: 404,
    body: error("unknown_member", "/member_id") }), []);
  assert.deepEqual(problems({ method: "GET", path: "/nope", status: 404, body: error("not_found") }), []);
  assert.deepEqual(problems({ method: "OPTIONS", path: "/v1/members/me", status: 204, body: "", content_type: "" }), []);
  assert.deepEqual(problems({ method: "GET", path: "/v1/program", status: 304, body: "", content_type: "",
    response_headers: { etag: '"3"' } }), []);
});

test("each kind of disagreement is reported", () => {
  const cases = {
    "undocumented status": [{ status: 418 }, /not documented/],
    "body against its schema": [{ body: '{"ok":false}' }, /does not match the schema/],
    "not JSON": [{ body: "ok" }, /not JSON/],
    "content type": [{ content_type: "text/plain" }, /answered text\/plain/],
    "error code not of its status": [{ method: "POST", path: "/v1/adjustments", status: 404,
      body: error("not_found") }, /\/error\/code must be equal to constant/],
    "error object without path": [{ method: "GET", path: "/v1/events", status: 403,
      body: JSON.stringify({ error: { code: "forbidden", message: "m" } }) }, /required property 'path'/],
    "a non-route answering 200": [{ method: "POST", path: "/v1/nothing", status: 200 }, /x-catch-all\]: status 200 is not documented/],
    "a non-route's 404 without the error shape": [{ method: "GET", path: "/v1/nothing", status: 404, body: "{}" }, /x-catch-all\]: 404 body does not match/],
    "a 5xx": [{ status: 500, body: error("internal_error") }, /never expects a 5xx/],
    "accepted without the admin key": [{ method: "GET", path: "/v1/events", body: '{"events":[],"last_seq":0,"more":false}' }, /without the credentials/],
    "accepted without Idempotency-Key": [{ method: "POST", path: "/v1/adjustments",
      request_headers: ["X-Admin-Key"], request_body: '{"member_id":"a","points":1,"reason":"r"}',
      body: "{}" }, /without the required header Idempotency-Key/],
    "accepted body its schema refuses": [{ method: "POST", path: "/v1/members/me/actions", status: 200,
      request_headers: ["Authorization", "Idempotency-Key"], request_body: '{"action":""}', body: "{}" }, /request body its schema refuses/],
    "accepted query outside its schema": [{ method: "GET", path: "/v1/events?limit=5000",
      request_headers: admin, body: '{"events":[],"last_seq":0,"more":false}' }, /query limit=5000/],
    "a required header missing": [{ status: 429, body: error("rate_limited"), response_headers: {} },
      /lacks the required header Retry-After/],
    "a header outside its schema": [{ method: "GET", path: "/v1/program", status: 304, body: "",
      content_type: "", response_headers: { ETag: "3" } }, /header ETag: "3"/],
    "304 with a body": [{ method: "GET", path: "/v1/program", status: 304, body: "{}" }, /without a body, got one/],
  };
  for (const [name, [over, expected]] of Object.entries(cases)) {
    const found = problems(over);
    assert.ok(found.some((p) => expected.test(p)), `${name}: expected ${expected}, got ${JSON.stringify(found)}`);
  }
});
