// The module's interface is Embind's (wasm/bindings.cpp): the free call(op, json), class Engine
// with its constructor, ok(), error(), call() and Embind's delete(), and the byte path the JS
// layer uses (inputView + callInput). Both paths must give the same bytes, the committed
// response of every vector, through the free call and through an engine.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { wasmDir } from '../js/node.mjs';
import { vectors } from '../test-support/doors.mjs';

const require = createRequire(import.meta.url);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The byte path as a caller without the JS layer would use it.
function byBytes(module, operation, request, run) {
  const op = encoder.encode(operation);
  const req = encoder.encode(request);
  const view = module.inputView(op.length + req.length);
  view.set(op);
  view.set(req, op.length);
  return decoder.decode(run(op.length, req.length));
}

for (const debug of [false, true]) {
  describe(`Embind interface (${debug ? 'debug' : 'release'})`, () => {
    // Node's fetch cannot read a file URL: the bytes go in as wasmBinary (js/node.mjs does the same).
    const dir = wasmDir({ debug });
    const load = () =>
      require(path.join(dir, 'loyalty_core.js'))({ wasmBinary: fs.readFileSync(path.join(dir, 'loyalty_core.wasm')) });

    test('call, Engine and the byte path are Embind bindings', async () => {
      const m = await load();
      for (const name of ['call', 'inputView', 'callInput', 'liveAllocations']) {
        assert.equal(typeof m[name], 'function', name);
      }
      const engine = new m.Engine('{"schema":"loyalty-program/1","id":"x","currency":"PEN"}');
      // Methods every Embind class handle has.
      for (const name of ['isDeleted', 'clone', 'delete']) assert.equal(typeof engine[name], 'function', name);
      assert.equal(engine.ok(), true);
      assert.equal(engine.isDeleted(), false);
      engine.delete();
      assert.equal(engine.isDeleted(), true);
      assert.throws(() => engine.call('catalog', '{}'), /deleted/);
    });

    test('both paths give every vector its committed response', async () => {
      const m = await load();
      const all = vectors().map((v) => ({ ...v, response: v.response.replace(/\n$/, '') }));
      assert.ok(all.length >= 30, `only ${all.length} vectors`);
      let throughEngine = 0;
      for (const v of all) {
        const name = `${v.operation}/${v.name}`;
        assert.equal(m.call(v.operation, v.request), v.response, `${name}: call`);
        assert.equal(byBytes(m, v.operation, v.request, (o, r) => m.callInput(o, r)), v.response, `${name}: callInput`);
        let doc;
        try {
          doc = JSON.parse(v.request);
        } catch {
          continue;
        }
        if (!doc || typeof doc !== 'object' || !doc.program || v.operation === 'validate') continue;
        const { program, ...rest } = doc;
        const engine = new m.Engine(JSON.stringify(program));
        try {
          if (!engine.ok()) continue;
          const request = JSON.stringify(rest);
          const viaString = engine.call(v.operation, request);
          assert.equal(byBytes(m, v.operation, request, (o, r) => engine.callInput(o, r)), viaString, `${name}: engine paths`);
          throughEngine++;
        } finally {
          engine.delete();
        }
      }
      assert.ok(throughEngine >= 20, `only ${throughEngine} vectors through an engine`);
    });

    test('a view past the input is refused, not read', async () => {
      const m = await load();
      m.inputView(8);
      const answer = JSON.parse(decoder.decode(m.callInput(8, 1 << 20)));
      assert.equal(answer.error.code, 'invalid_request');
    });
  });
}
