// Loading: a broken .wasm, a missing factory or a wrong factory reject with LoyaltyError
// "load_failed" (the widget then leaves the shop working without it); the Node helper loads
// both variants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { LoyaltyCore, LoyaltyError } from '../js/loyalty-core.mjs';
import { loadNode, wasmDir } from '../js/node.mjs';

const require = createRequire(import.meta.url);

async function rejectsWithLoadFailed(promise, context) {
  await assert.rejects(promise, (e) => e instanceof LoyaltyError && e.code === 'load_failed' && e.path === '', context);
}

test('bad inputs to load() reject with load_failed', async () => {
  const factory = require(path.join(wasmDir(), 'loyalty_core.js'));
  const quiet = (fn) => (opts) => fn({ ...opts, printErr: () => {} });
  await rejectsWithLoadFailed(LoyaltyCore.load({ factory: quiet(factory), wasmBinary: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) }), 'broken wasm');
  await rejectsWithLoadFailed(LoyaltyCore.load(), 'no factory');
  await rejectsWithLoadFailed(LoyaltyCore.load({ factory: async () => ({}) }), 'wrong factory');
  await rejectsWithLoadFailed(LoyaltyCore.load({ factory: () => { throw new Error('boom'); } }), 'throwing factory');
});

test('loadNode loads the release and the assertions build', async () => {
  for (const debug of [false, true]) {
    const core = await loadNode({ debug });
    assert.deepEqual([...core.operations], ['validate', 'replay', 'apply', 'advance', 'preview', 'catalog', 'metrics']);
    assert.ok(core.memoryBytes >= 16 * 1024 * 1024);
    assert.equal(core.call('validate', { program: { schema: 'loyalty-program/1', id: 'x', currency: 'PEN' } }).ok, true);
  }
});
