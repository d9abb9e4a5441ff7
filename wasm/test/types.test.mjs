// The hand-written types (js/loyalty-core.d.ts) describe the API the widget codes against:
// test-support/types/usage.ts must type-check, and its @ts-expect-error lines must stay errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { WASM_ROOT } from '../test-support/doors.mjs';

test('tsc --noEmit accepts the usage file', () => {
  const tsc = path.join(WASM_ROOT, 'node_modules/.bin/tsc');
  const out = spawnSync(tsc, ['--noEmit', '-p', path.join(WASM_ROOT, 'test-support/types/tsconfig.json')], { encoding: 'utf8' });
  assert.equal(out.status, 0, `tsc failed:\n${out.stdout}${out.stderr}`);
});
