// Parity: the WebAssembly door and the native CLI give the same bytes — on every vector of
// tests/vectors (against the committed response; the folder must hold them, each request with its
// response) and on generated requests, valid and malformed (the CLI in batch mode).
// LOYALTY_PARITY_CASES (default 3000) and LOYALTY_PARITY_SEED choose the generated set.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { VARIANTS, core, cli, cliBatch, vectors, short } from '../test-support/doors.mjs';
import { cases } from '../test-support/generate.mjs';

const CASES = Number(process.env.LOYALTY_PARITY_CASES ?? 3000);
const SEED = Number(process.env.LOYALTY_PARITY_SEED ?? 20261122);

// The shared vectors: at least this many, every operation, each request with its response.
const MIN_VECTORS = 30;
const OPERATIONS = ['advance', 'apply', 'catalog', 'metrics', 'preview', 'replay', 'validate'];

describe('vectors (tests/vectors)', () => {
  const all = vectors();
  test(`there are at least ${MIN_VECTORS} vectors, of every operation, each with its response file`, () => {
    assert.ok(all.length >= MIN_VECTORS, `only ${all.length} vectors in tests/vectors`);
    assert.deepEqual([...new Set(all.map((v) => v.operation))].sort(), OPERATIONS);
    const missing = all.filter((v) => v.response === null).map((v) => `${v.operation}/${v.name}`);
    assert.deepEqual(missing, [], 'requests without a .response.json');
  });
  for (const variant of VARIANTS) {
    test(`wasm ${variant.name} gives each response file's bytes`, async () => {
      const c = await core(variant);
      assert.ok(all.length >= MIN_VECTORS);
      for (const v of all) {
        assert.notEqual(v.response, null, `${v.operation}/${v.name}: no response file`);
        const expected = v.response.replace(/\n$/, '');
        const got = c.callJson(v.operation, v.request);
        assert.equal(got, expected, `${v.operation}/${v.name}: wasm ${variant.name} differs`);
      }
    });
  }
  test('the CLI prints each response file (plus its newline): one process per request', () => {
    assert.ok(all.length >= MIN_VECTORS);
    for (const v of all) {
      assert.notEqual(v.response, null, `${v.operation}/${v.name}: no response file`);
      const out = cli(v.operation, v.request);
      assert.equal(out.stdout, v.response.replace(/\n?$/, '\n'), `${v.operation}/${v.name}: CLI differs`);
      assert.equal(out.status, v.response.startsWith('{"error":') ? 1 : 0, `${v.operation}/${v.name}: CLI exit code`);
    }
  });
});

describe(`generated requests (seed ${SEED}, ${CASES} cases)`, () => {
  test('wasm (release and debug), the Engine door and the CLI give the same bytes', async () => {
    const release = await core(VARIANTS[0]);
    const debug = await core(VARIANTS[1]);
    // Members with a history: states made by the core itself from generated events.
    const stateFor = (prog, r) => {
      const events = [{ id: 'evt-0', at: '2025-03-01T10:00:00+00:00', type: 'enroll', member_id: 'm-1' }];
      for (let i = 1; i < 4; i++) {
        events.push({ id: `evt-${i}`, at: `2025-0${3 + i}-01T10:00:00+00:00`, type: 'order', order_id: `o-${i}`,
          cart: { currency: prog.currency, lines: [{ sku: 'latte', category: 'drinks', unit_price_minor: r.int(100, 9000), quantity: r.int(1, 4) }] } });
      }
      const out = release.callJson('replay', JSON.stringify({ program: prog, events, now: '2026-01-01T00:00:00+00:00' }));
      return out.startsWith('{"error":') ? null : JSON.parse(out);
    };
    let errors = 0, engineChecked = 0;
    const engines = new Map();
    // The CLI answers them all in one `loyalty batch` process (3 000 processes took minutes).
    const all = [...cases(SEED, CASES, stateFor)];
    assert.equal(all.length, CASES);
    const natives = cliBatch(all);
    for (const [i, { index, operation, text }] of all.entries()) {
      const where = `seed ${SEED} case ${index} (${operation}); rerun: LOYALTY_PARITY_SEED=${SEED} npm test\nrequest: ${short(text, 600)}`;
      const wasm = release.callJson(operation, text);
      assert.equal(debug.callJson(operation, text), wasm, `debug build differs, ${where}`);
      const native = natives[i];
      assert.equal(native.stdout, `${wasm}\n`, `CLI differs from wasm, ${where}`);
      assert.equal(native.status, wasm.startsWith('{"error":') ? 1 : 0, `CLI exit code, ${where}`);
      if (wasm.startsWith('{"error":')) errors++;
      // The loaded-engine door answers the same request minus "program" with the same bytes.
      let doc;
      try { doc = JSON.parse(text); } catch { doc = null; }
      // validate is left out: through an Engine its warning paths are relative to the program
      // document ("/rewards/1/percent"), one-shot they are relative to the request
      // ("/program/rewards/1/percent") — a difference reported to the core's owner.
      if (operation !== 'validate' && doc && typeof doc === 'object' && !Array.isArray(doc) && doc.program && !/"code":"(too_large|invalid_json)"/.test(wasm)) {
        const programText = JSON.stringify(doc.program);
        let engine = engines.get(programText);
        if (engine === undefined) {
          try { engine = release.engine(programText); } catch { engine = null; }
          engines.set(programText, engine);
        }
        const { program, ...rest } = doc;
        // JSON.stringify writes a lone surrogate the request text held as "\udXXX", which the
        // core reads as invalid JSON: the re-serialised request is not the same request.
        if (engine && !/\\ud[89a-f][0-9a-f]{2}/i.test(JSON.stringify(rest))) {
          assert.equal(engine.callJson(operation, JSON.stringify(rest)), wasm, `Engine door differs, ${where}`);
          engineChecked++;
        }
      }
    }
    for (const e of engines.values()) e?.delete();
    // The generator must exercise both sides.
    assert.ok(errors > CASES * 0.1 && errors < CASES * 0.95, `error share ${errors}/${CASES} is off`);
    assert.ok(engineChecked > CASES * 0.1, `only ${engineChecked} cases went through the Engine door`);
  });
});
