// Memory: an Engine answers 100 000 previews without the module's memory growing, deleted
// engines give their memory back, and a forgotten engine is freed by the FinalizationRegistry.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { VARIANTS, core } from '../test-support/doors.mjs';
import { PROGRAM, memberState, previewRequest } from '../test-support/fixtures.mjs';

// 100 000 on the release build; the -sASSERTIONS=1 build runs slower and gets a fifth.
const CALLS = Number(process.env.LOYALTY_MEMORY_CALLS ?? 100000);

for (const variant of VARIANTS) {
  describe(`wasm ${variant.name}`, () => {
    const calls = variant.debug ? Math.ceil(CALLS / 5) : CALLS;
    test(`${calls} engine.preview calls (10-line cart) without memory growth`, async () => {
      const c = await core(variant);
      const engine = c.engine(PROGRAM);
      const request = JSON.stringify(previewRequest(null));
      const first = engine.callJson('preview', request);
      assert.ok(!first.startsWith('{"error":'), first.slice(0, 300));
      for (let i = 0; i < 1000; i++) engine.callJson('preview', request); // warm up the allocator
      const before = c.memoryBytes;
      for (let i = 0; i < calls; i++) {
        const out = engine.callJson('preview', request);
        if (out.length !== first.length) assert.equal(out, first, `call ${i} answered otherwise`);
      }
      assert.equal(c.memoryBytes, before, `memory grew from ${before} to ${c.memoryBytes} bytes`);
      engine.delete();
      assert.equal(engine.alive, false);
    });

    test('2 000 previews for a member with history without memory growth', async () => {
      const c = await core(variant);
      const engine = c.engine(PROGRAM);
      const request = JSON.stringify(previewRequest(memberState(c)));
      const first = engine.callJson('preview', request);
      assert.ok(!first.startsWith('{"error":'), first.slice(0, 300));
      for (let i = 0; i < 100; i++) engine.callJson('preview', request);
      const before = c.memoryBytes;
      for (let i = 0; i < 2000; i++) assert.equal(engine.callJson('preview', request).length, first.length);
      assert.equal(c.memoryBytes, before);
      engine.delete();
    });

    test('creating and deleting 5 000 engines does not grow memory', async () => {
      const c = await core(variant);
      for (let i = 0; i < 200; i++) c.engine(PROGRAM).delete();
      const before = c.memoryBytes;
      for (let i = 0; i < 5000; i++) {
        const e = c.engine(PROGRAM);
        e.validate();
        e.delete();
      }
      assert.equal(c.memoryBytes, before);
    });

    test('forgotten engines are freed by the FinalizationRegistry', async () => {
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc');
      const c = await core(variant);
      const before = c.memoryBytes;
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 500; i++) c.engine(PROGRAM);
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(c.memoryBytes, before);
    });
  });
}
