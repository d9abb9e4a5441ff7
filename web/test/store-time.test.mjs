// When the widget says "store time": the program's zone against the shopper's, now and half a
// year later (across a daylight-saving change), in Node's Intl.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offsetMinutes, storeTimeDiffers, zoneOffsetMinutes } from '../src/store-time.js';

const JANUARY = new Date('2026-01-16T12:00:00Z');
const JULY = new Date('2026-07-17T12:00:00Z');

test('offsets of IANA zones on both sides of daylight saving', () => {
  assert.equal(zoneOffsetMinutes('America/New_York', JANUARY), -300);
  assert.equal(zoneOffsetMinutes('America/New_York', JULY), -240);
  assert.equal(zoneOffsetMinutes('Europe/Warsaw', JANUARY), 60);
  assert.equal(zoneOffsetMinutes('Asia/Kolkata', JULY), 330);
  assert.equal(zoneOffsetMinutes('UTC', JULY), 0);
  assert.equal(zoneOffsetMinutes('EST5EDT,M3.2.0,M11.1.0', JULY), null, 'Intl reads no POSIX rule');
  assert.equal(offsetMinutes('-03:30'), -210);
  assert.equal(offsetMinutes('nonsense'), null);
});

test('"store time" only when the shopper\'s clock may read differently', () => {
  const ny = { time_zone: 'America/New_York' };
  assert.equal(storeTimeDiffers(ny, JANUARY, 'America/New_York'), false);
  assert.equal(storeTimeDiffers(ny, JANUARY, 'America/Toronto'), false, 'same clock all year');
  assert.equal(storeTimeDiffers(ny, JANUARY, 'America/Lima'), true, 'the same in January, not in July');
  assert.equal(storeTimeDiffers(ny, JULY, 'Europe/Warsaw'), true);
  assert.equal(storeTimeDiffers({ utc_offset: '-05:00' }, JULY, 'America/Lima'), false);
  assert.equal(storeTimeDiffers({ utc_offset: '-05:00' }, JULY, 'America/New_York'), true);
  assert.equal(storeTimeDiffers({}, JULY, 'UTC'), false, 'neither field: the store is on UTC');
  assert.equal(storeTimeDiffers({ time_zone: 'EST5EDT,M3.2.0,M11.1.0' }, JULY, 'America/New_York'), true);
  assert.equal(storeTimeDiffers(null, JULY, 'Europe/Warsaw'), false);
});
