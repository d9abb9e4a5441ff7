// The simulator's numbers are the engine's: for seeded synthetic populations (200 members × 50
// events, or longer histories; both demo programs, a draft that doubles the base rule and one
// that changes more), the
// WebAssembly core as the worker drives it (replay-members.mjs, the `simulate` operation) gives,
// member by member, the outcome a native `loyalty replay` of the same ledger gives (full member
// states through `loyalty batch`), so every total is equal too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNode } from '../../wasm/js/node.mjs';
import { SHOPS } from '../shop/catalog.mjs';
import { syntheticMembers } from '../shop/public/simulator/population.mjs';
import { pairReplayer } from '../shop/public/simulator/replay-members.mjs';
import { aggregate } from '../shop/public/simulator/aggregate.mjs';
import { LOYALTY_CLI, nativePairs } from './support/native-replay.mjs';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The simulator's build of the module: the only one with the simulate operation.
const FAST = path.join(DEMO, '..', 'build', 'wasm', 'fast');
const fastCore = () => loadNode({ dir: FAST });
const program = (shop) => JSON.parse(fs.readFileSync(path.join(DEMO, 'programs', `${shop}.json`), 'utf8'));
const END = Date.parse('2026-12-01T00:00:00Z');
const NOW = '2026-12-01T00:00:00Z';

// Drafts a merchant might try: the base rule's points doubled; or more (a point value, a cheaper
// reward, a lower tier threshold) so liability, redemptions and tiers move as well.
function doubled(live) {
  const draft = structuredClone(live);
  draft.earn.find((r) => r.id === 'base').points *= 2;
  return draft;
}
function reshaped(live) {
  const draft = doubled(live);
  draft.point_value_minor = '0.5';
  const cheapest = draft.rewards.filter((r) => r.cost > 0).sort((a, b) => a.cost - b.cost)[0];
  cheapest.cost = Math.max(1, Math.floor(cheapest.cost / 2));
  if (draft.tiers) draft.tiers.levels[1].min = Math.floor(draft.tiers.levels[1].min / 4);
  return draft;
}

const cases = [
  ['cafe', doubled, { seed: 21 }],
  ['fashion', doubled, { seed: 22 }],
  ['fashion', reshaped, { seed: 23, visitsPerMonth: 3, basketMean: 2.5 }],
  ['cafe', reshaped, { seed: 24, months: 18 }],
  // Histories longer than the 50 entries a `replay` state keeps: the native side rebuilds them.
  ['cafe', doubled, { seed: 25, eventsPerMember: 0, visitsPerMonth: 6, months: 18, members: 40 }],
];

for (const [shop, makeDraft, extra] of cases) {
  const { members: count = 200, ...options } = extra;
  const events = options.eventsPerMember === 0 ? 'about 90 events' : '50 events';
  test(`${shop}, ${makeDraft.name} draft, seed ${options.seed}: ${count} members × ${events}, wasm equals native replay member by member`, async (t) => {
    if (!fs.existsSync(LOYALTY_CLI)) return t.skip(`${LOYALTY_CLI} is not built (scripts/build.sh native)`);
    const live = program(shop);
    const programs = { live, draft: makeDraft(live) };
    const members = syntheticMembers(0, count, { program: live, products: SHOPS[shop].products, end: END, eventsPerMember: 50, ...options });
    const core = await fastCore();
    const replayer = pairReplayer(core, programs, NOW);
    const wasm = [];
    for (let k = 0; k < members.length; k += 25) wasm.push(...replayer.pairs(members.slice(k, k + 25)));
    replayer.close();
    const native = await nativePairs(members, programs, NOW);
    assert.equal(wasm.length, count);
    for (let k = 0; k < members.length; k++) {
      assert.deepEqual(wasm[k].live, native[k].live, `${members[k].id} under the live program`);
      assert.deepEqual(wasm[k].draft, native[k].draft, `${members[k].id} under the draft`);
    }
    const [a, b] = [aggregate(wasm, programs), aggregate(native, programs)];
    assert.deepEqual(a, b);
    // The populations are not trivial: points move, some redemptions are refused.
    assert.ok(a.draft.issued > a.live.issued && a.live.redeemed > 0 && a.live.rejected > 0);
  });
}

// The operation's own vector, checked by hand (test/simulate-vector/README.md): the CLI prints it
// and the simulator's module answers the same bytes; the widget's module does not have it.
test('simulate: the CLI and the simulator\'s module give the vector\'s bytes; the widget\'s module refuses the operation', async () => {
  const dir = path.join(DEMO, 'test', 'simulate-vector');
  const request = fs.readFileSync(path.join(dir, 'two-members.request.json'), 'utf8');
  const expected = fs.readFileSync(path.join(dir, 'two-members.response.json'), 'utf8');
  const cli = spawnSync(LOYALTY_CLI, ['simulate'], { input: request });
  assert.equal(cli.status, 0);
  assert.equal(cli.stdout.toString(), expected);
  assert.equal((await fastCore()).callJson('simulate', request), expected.replace(/\n$/, ''));
  assert.match((await loadNode()).callJson('simulate', request), /"error"/);
});
