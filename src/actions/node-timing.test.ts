import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { wallTimeAnomaly } from '../core/tz.ts';
import { localIso } from './action-view.ts';
import { nodeTimes, storedTiming } from './node-timing.ts';

const zones = [
  'Europe/London', 'America/New_York', 'Asia/Tokyo', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago',
  'Africa/Casablanca', 'Pacific/Chatham', 'America/St_Johns', 'Europe/Berlin', 'America/Havana', 'UTC',
];
const MINUTE = 60_000;
const wall = fc
  .integer({ min: Date.UTC(2024, 0, 1) / MINUTE, max: Date.UTC(2030, 11, 31) / MINUTE })
  .map((m) => new Date(m * MINUTE).toISOString().slice(0, 16));
const duration = fc.integer({ min: 1, max: 10080 });

describe('node timing', () => {
  it('puts a same-local node at the wall time in its zone, or just after a DST gap', () => {
    fc.assert(
      fc.property(wall, fc.constantFrom(...zones), duration, (at, zone, minutes) => {
        const times = nodeTimes({ timing_mode: 'same-local', timing_at: at, duration_minutes: minutes }, zone);
        const local = localIso(times.starts_at, zone).slice(0, 16);
        const anomaly = wallTimeAnomaly(at, zone);
        if (anomaly?.kind === 'skipped') {
          const shifted = new Date(Date.parse(`${at}:00Z`) + anomaly.minutes * MINUTE).toISOString().slice(0, 16);
          assert.equal(local, shifted);
        } else {
          assert.equal(local, at);
        }
        // Dispersal is real minutes after the start, whatever the clocks do in between.
        assert.equal(Date.parse(times.ends_at) - Date.parse(times.starts_at), minutes * MINUTE);
      }),
      { numRuns: 2000 },
    );
  });

  it('starts every same-instant node at one instant, read back exactly in each zone', () => {
    fc.assert(
      fc.property(wall, fc.uniqueArray(fc.constantFrom(...zones), { minLength: 2, maxLength: 5 }), (at, cities) => {
        const stored = storedTiming({ mode: 'same-instant', at: `${at}:00+05:30` });
        const starts = cities.map((zone) => nodeTimes({ ...stored, duration_minutes: 60 }, zone).starts_at);
        assert.equal(new Set(starts).size, 1);
        assert.equal(starts[0], new Date(Date.parse(`${at}:00Z`) - 330 * MINUTE).toISOString());
        for (const zone of cities) assert.equal(Date.parse(localIso(starts[0]!, zone)), Date.parse(starts[0]!));
      }),
      { numRuns: 500 },
    );
  });
});
