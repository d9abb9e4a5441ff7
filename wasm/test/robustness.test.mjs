// No exception and no bare number ever reaches JavaScript: whatever the arguments, callJson
// returns the spec's error object and call/engine throw LoyaltyError — on the release build
// and on the -sASSERTIONS=1 build.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { VARIANTS, core, cli, WASM_ROOT } from '../test-support/doors.mjs';
import { LoyaltyError } from '../js/loyalty-core.mjs';

const PROGRAM = JSON.parse(fs.readFileSync(path.join(WASM_ROOT, 'bench/program.json'), 'utf8'));
const OPS = ['validate', 'replay', 'apply', 'advance', 'preview', 'catalog', 'metrics'];

function deep(n) {
  let v = {};
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}
const cyclic = {};
cyclic.self = cyclic;

const WEIRD = [undefined, null, 0, 1.5, NaN, -0, 12345678901234567890n, true, Symbol('s'), () => 1,
  [], [1, 2], new Uint8Array([123, 125]), new ArrayBuffer(4), new Map(), new Date(0), '', ' ', '{',
  '}', '\u0000', '\ud800', '\udfff{}', 'null', '[]', '"str"', '1e999', '{"program":', cyclic,
  { program: 12345678901234567890n }, { toJSON() { throw new Error('no'); } }];

function assertErrorJson(text, context) {
  assert.equal(typeof text, 'string', `${context}: callJson returned ${typeof text}`);
  const doc = JSON.parse(text);
  assert.ok(doc.error && typeof doc.error.code === 'string' && typeof doc.error.message === 'string' && typeof doc.error.path === 'string',
    `${context}: not an error object: ${text.slice(0, 200)}`);
  assert.deepEqual(Object.keys(doc), ['error']);
  assert.deepEqual(Object.keys(doc.error), ['code', 'message', 'path']);
}

function assertThrowsLoyaltyError(fn, context) {
  let thrown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `${context}: did not throw`);
  assert.ok(thrown instanceof LoyaltyError, `${context}: threw ${typeof thrown} ${String(thrown).slice(0, 100)}`);
  assert.equal(typeof thrown.code, 'string');
  assert.equal(typeof thrown.path, 'string');
  assert.equal(typeof thrown.message, 'string');
  return thrown;
}

for (const variant of VARIANTS) {
  describe(`wasm ${variant.name}`, () => {
    // Found by an external JSON conformance suite: `{...}\0` was accepted by the CLI while the
    // server refused it. Every door refuses it now, with the same bytes as the CLI.
    test('a request followed by a NUL byte is refused, with the CLI\'s bytes', async () => {
      const c = await core(variant);
      const good = JSON.stringify({ program: PROGRAM });
      assert.ok(!c.callJson('validate', good).startsWith('{"error":'));
      for (const text of [`${good}\u0000`, '123\u0000', `${good}\u0000{}`]) {
        const got = c.callJson('validate', text);
        assert.equal(JSON.parse(got).error.code, 'invalid_json', got);
        const native = cli('validate', text);
        assert.equal(native.stdout, `${got}\n`);
        assert.equal(native.status, 1);
        const engine = c.engine(PROGRAM);
        try {
          assert.equal(JSON.parse(engine.callJson('validate', `{}\u0000`)).error.code, 'invalid_json');
        } finally {
          engine.delete();
        }
      }
    });

    test('callJson answers wrong argument types with an error object', async () => {
      const c = await core(variant);
      for (const op of [...OPS, 'nope', undefined, null, 7, {}, Symbol('op'), '\ud800']) {
        for (const req of WEIRD) {
          assertErrorJson(c.callJson(op, req), `callJson(${String(op)}, ${typeof req})`);
        }
      }
      assertErrorJson(c.callJson(), 'callJson()');
      assertErrorJson(c.callJson('validate'), 'callJson(op)');
    });

    test('call and engine throw LoyaltyError, never a number or another error', async () => {
      const c = await core(variant);
      for (const op of [...OPS, 'nope', undefined, null, 7, {}]) {
        for (const req of WEIRD) assertThrowsLoyaltyError(() => c.call(op, req), `call(${String(op)}, ${typeof req})`);
      }
      for (const prog of WEIRD) assertThrowsLoyaltyError(() => c.engine(prog), `engine(${typeof prog})`);
      const e = assertThrowsLoyaltyError(() => c.engine({ ...PROGRAM, earn: [{ id: 'x', type: 'per_spend', points: 'many' }] }), 'invalid program');
      assert.equal(e.code, 'invalid_program');
      assert.match(e.path, /^\/earn\/0/);
      const engine = c.engine(PROGRAM);
      try {
        // Through an engine "{}" is a complete validate request, so values written as {} are left out.
        const weird = WEIRD.filter((v) => { try { return JSON.stringify(v) !== '{}'; } catch { return true; } });
        for (const op of [...OPS, 'nope', undefined, 7]) {
          for (const req of weird) {
            assertThrowsLoyaltyError(() => engine.call(op, req), `engine.call(${String(op)}, ${typeof req})`);
            assertErrorJson(engine.callJson(op, req), `engine.callJson(${String(op)}, ${typeof req})`);
          }
        }
        assertThrowsLoyaltyError(() => engine.preview(undefined), 'engine.preview()');
        assertThrowsLoyaltyError(() => engine.preview({ cart: 5 }), 'engine.preview({cart: 5})');
        assertThrowsLoyaltyError(() => engine.call('validate', { program: PROGRAM }), 'program through an engine');
      } finally {
        engine.delete();
      }
      assertThrowsLoyaltyError(() => engine.validate(), 'deleted engine');
      engine.delete(); // twice is fine
    });

    test('100 000-deep nesting, as text and as an object', async () => {
      const c = await core(variant);
      const text = `{"program":${'['.repeat(100000)}${']'.repeat(100000)}}`;
      const answer = c.callJson('validate', text);
      assertErrorJson(answer, 'deep text');
      assert.equal(JSON.parse(answer).error.code, 'too_large');
      assert.equal(cli('validate', text).stdout, `${answer}\n`);
      const err = assertThrowsLoyaltyError(() => c.call('validate', { program: deep(100000) }), 'deep object');
      assert.ok(['too_large', 'invalid_request'].includes(err.code), err.code);
      assertThrowsLoyaltyError(() => c.engine(deep(100000)), 'deep program object');
      assertThrowsLoyaltyError(() => c.engine('['.repeat(100000)), 'deep program text');
    });

    test('huge strings: over the 16 MiB limit, the same answer as the CLI', async () => {
      const c = await core(variant);
      for (const [name, text] of [
        ['ascii', `{"program":"${'x'.repeat(16 * 1024 * 1024)}"}`],
        ['multi-byte', `{"program":"${'é'.repeat(9 * 1024 * 1024)}"}`],
      ]) {
        const answer = c.callJson('preview', text);
        assertErrorJson(answer, name);
        assert.equal(JSON.parse(answer).error.code, 'too_large');
        assert.equal(cli('preview', text).stdout, `${answer}\n`, `${name}: CLI answers otherwise`);
      }
      // Just under the limit in UTF-16 units but over it in UTF-8 bytes: the core itself answers.
      const mixed = `{"program":"${'é'.repeat(8 * 1024 * 1024)}"}`;
      const answer = c.callJson('catalog', mixed);
      assert.equal(JSON.parse(answer).error.code, 'too_large');
      assert.equal(cli('catalog', mixed).stdout, `${answer}\n`);
      // An unknown operation is refused before the request is read, however large.
      assert.equal(c.callJson('nope', 'x'.repeat(17 * 1024 * 1024)), c.callJson('nope', '{}'));
      assertThrowsLoyaltyError(() => c.engine('x'.repeat(17 * 1024 * 1024)), 'huge program');
      const big = 'y'.repeat(1024 * 1024);
      assertThrowsLoyaltyError(() => c.call('validate', { program: PROGRAM, note: big }), 'unknown member with a 1 MiB value');
    });

    test('lone surrogates reach the core as U+FFFD, as from Node and fetch', async () => {
      const c = await core(variant);
      const text = JSON.stringify({ program: { ...PROGRAM, name: 'caf\u00e9 \ud83d end' } }).replace('\\ud83d', '\ud83d');
      const answer = c.callJson('validate', text);
      assert.equal(cli('validate', text).stdout, `${answer}\n`);
      // The CLI has no answer for an unknown operation (usage error), so only the wasm side here.
      const op = JSON.parse(c.callJson('val\udc00idate', '{}'));
      assert.equal(op.error.code, 'invalid_request');
      assert.ok(op.error.message.includes('val\ufffdidate'), op.error.message);
    });
  });
}
