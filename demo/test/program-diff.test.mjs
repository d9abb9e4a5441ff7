// The version history's readable difference (demo/shop/public/program-diff.mjs) on the café
// program: the changes a merchant makes, in their words, and nothing for a reordering.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { programDiff } from '../shop/public/program-diff.mjs';

const cafe = JSON.parse(fs.readFileSync(new URL('../programs/cafe.json', import.meta.url), 'utf8'));
const money = (m) => `S/ ${(m / 100).toFixed(2)}`;

test('the same program, or its lists reordered, has no difference', () => {
  assert.deepEqual(programDiff(cafe, structuredClone(cafe), { money }), []);
  const shuffled = structuredClone(cafe);
  shuffled.rewards.reverse();
  shuffled.earn.reverse();
  shuffled.version = 99;
  assert.deepEqual(programDiff(cafe, shuffled, { money }), []);
});

test('points per spend, a reward cost, a new and a removed reward read as sentences', () => {
  const next = structuredClone(cafe);
  const base = next.earn.find((r) => r.id === 'base');
  const before = base.points;
  base.points = before + 1;
  next.rewards.find((r) => r.id === 'free-coffee').cost = 100;
  next.rewards.push({ id: 'croissant', name: { en: 'Free croissant', es: 'Croissant gratis' }, type: 'free_item', cost: 90, match: { skus: ['croissant'] } });
  next.rewards = next.rewards.filter((r) => r.id !== '5-off');
  next.pending_days = 7;
  const en = programDiff(cafe, next, { money });
  const baseName = typeof base.name === 'object' ? base.name.en : base.name ?? 'base';
  assert.ok(en.includes(`${baseName}: ${before} points per ${money(base.per_minor)} → ${before + 1} points per ${money(base.per_minor)}`), en.join('\n'));
  assert.ok(en.some((l) => /costs 120 points → costs 100 points$/.test(l)), en.join('\n'));
  assert.ok(en.includes('New reward: Free croissant'), en.join('\n'));
  assert.ok(en.some((l) => /^Reward removed: /.test(l)), en.join('\n'));
  assert.ok(en.includes(`pending_days: ${cafe.pending_days ?? 'none'} → 7`), en.join('\n'));
  assert.equal(en.length, 5, en.join('\n'));
  const es = programDiff(cafe, next, { money, lang: 'es' });
  assert.ok(es.includes('Nuevo premio: Croissant gratis'), es.join('\n'));
});

test('other fields of an item, money fields formatted, and tier levels by id', () => {
  const next = structuredClone(cafe);
  const five = next.rewards.find((r) => r.id === '5-off');
  five.amount_minor += 100;
  next.tiers = { basis: 'spend', period: 'calendar_year', levels: [{ id: 'member', min: 0 }, { id: 'gold', min: 50000 }] };
  const lines = programDiff(cafe, next, { money });
  const name = typeof five.name === 'object' ? five.name.en : five.name ?? '5-off';
  assert.ok(lines.includes(`${name}: amount_minor ${money(five.amount_minor - 100)} → ${money(five.amount_minor)}`), lines.join('\n'));
  assert.equal(cafe.tiers, undefined, 'the café program has no tiers to start from');
  assert.ok(lines.includes('New tier: member') && lines.includes('New tier: gold'), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('tiers: none → ')), lines.join('\n'));
});
