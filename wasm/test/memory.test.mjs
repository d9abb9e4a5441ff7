// Memory: an Engine answers 100 000 previews without a leak, deleted engines give their memory
// back, and a forgotten engine is freed by the FinalizationRegistry. Leaks are found by counting
// the module's live allocations (core.liveAllocations), which must come back to the same number:
// the memory's size never shrinks, so it would hide a leak under its high-water mark. Answers are
// compared byte for byte.
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
      const before = c.liveAllocations;
      assert.ok(before > 0, `liveAllocations is ${before}`);
      const memory = c.memoryBytes;
      for (let i = 0; i < calls; i++) {
        const out = engine.callJson('preview', request);
        if (out !== first) assert.equal(out, first, `call ${i} answered otherwise`);
      }
      assert.equal(c.liveAllocations, before, `live allocations went from ${before} to ${c.liveAllocations}`);
      assert.equal(c.memoryBytes, memory, `memory grew from ${memory} to ${c.memoryBytes} bytes`);
      engine.delete();
      assert.equal(engine.alive, false);
      assert.ok(c.liveAllocations < before, 'delete() freed the engine');
    });

    test('2 000 previews for a member with history without memory growth', async () => {
      const c = await core(variant);
      const engine = c.engine(PROGRAM);
      const request = JSON.stringify(previewRequest(memberState(c)));
      const first = engine.callJson('preview', request);
      assert.ok(!first.startsWith('{"error":'), first.slice(0, 300));
      for (let i = 0; i < 100; i++) engine.callJson('preview', request);
      const before = c.liveAllocations;
      for (let i = 0; i < 2000; i++) assert.equal(engine.callJson('preview', request), first);
      assert.equal(c.liveAllocations, before);
      engine.delete();
    });

    test('creating and deleting 5 000 engines does not grow memory', async () => {
      const c = await core(variant);
      // Warm-up as the loop below runs (the module keeps the last answer and its input buffer).
      for (let i = 0; i < 200; i++) {
        const e = c.engine(PROGRAM);
        e.validate();
        e.delete();
      }
      const before = c.liveAllocations;
      for (let i = 0; i < 5000; i++) {
        const e = c.engine(PROGRAM);
        e.validate();
        if (i === 0) assert.ok(c.liveAllocations > before, 'an engine holds allocations');
        e.delete();
      }
      assert.equal(c.liveAllocations, before);
    });

    test('forgotten engines are freed by the FinalizationRegistry', async () => {
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc');
      const c = await core(variant);
      c.engine(PROGRAM).delete();  // the input buffer and the like, allocated once
      const before = c.liveAllocations;
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 500; i++) c.engine(PROGRAM);
        if (round === 0) assert.ok(c.liveAllocations >= before + 500, 'forgotten engines hold allocations');
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Finalizers run when V8 gets to them: collect until every engine is freed (or 10 s).
      for (let i = 0; i < 200 && c.liveAllocations !== before; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(c.liveAllocations, before);
    });
  });
}
