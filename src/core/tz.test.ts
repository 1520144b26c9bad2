import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { Problem } from './errors.ts';
import {
  formatInZone, isValidWallTime, isValidZone, normalizeZone, offsetAt, relativeRelease, resolveStart, wallTimeAnomaly,
} from './tz.ts';

// Half-hour and 45-minute offsets, southern-hemisphere DST, a 30-minute DST (Lord Howe), DST at
// midnight (Havana), negative DST during Ramadan (Casablanca), and zones whose rules changed
// in or near the years tested (Sao Paulo 2019, Apia 2021, Tehran 2022, Amman 2022, Mexico City
// 2022, Cairo 2023, Asuncion 2024).
const zones = [
  'UTC', 'Europe/London', 'Europe/Berlin', 'Europe/Lisbon', 'Europe/Kyiv', 'Europe/Moscow', 'Europe/Istanbul',
  'Atlantic/Reykjavik', 'Africa/Casablanca', 'Africa/Cairo', 'Africa/Johannesburg', 'Africa/Lagos',
  'Asia/Tehran', 'Asia/Kabul', 'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Yangon', 'Asia/Shanghai', 'Asia/Tokyo',
  'Asia/Jerusalem', 'Asia/Amman', 'Australia/Adelaide', 'Australia/Sydney', 'Australia/Lord_Howe', 'Australia/Eucla',
  'Pacific/Auckland', 'Pacific/Chatham', 'Pacific/Apia', 'Pacific/Kiritimati', 'Pacific/Honolulu', 'America/St_Johns',
  'America/New_York', 'America/Havana', 'America/Mexico_City', 'America/Sao_Paulo', 'America/Santiago',
  'America/Asuncion', 'America/Los_Angeles',
];
const MINUTE = 60_000;
const from = Date.UTC(2019, 0, 1);
const until = Date.UTC(2031, 11, 31);

/** An oracle independent of Temporal's disambiguation: the offset as ICU reports it. */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
function oracleOffset(zone: string, ms: number): number {
  let format = offsetFormats.get(zone);
  if (!format) offsetFormats.set(zone, (format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })));
  const name = format.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')!.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  assert.ok(m, `unexpected offset ${name}`);
  return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
const wallAsUtc = (wall: string): number => Date.parse(`${wall}:00Z`);
const readBack = (zone: string, ms: number): string => new Date(ms + oracleOffset(zone, ms) * MINUTE).toISOString().slice(0, 16);
/** Every instant whose clock in `zone` reads `wall`: none in a gap, two in an overlap. */
function possibleInstants(zone: string, wall: string): number[] {
  const local = wallAsUtc(wall);
  const offsets = new Set<number>();
  for (let k = -36; k <= 36; k++) offsets.add(oracleOffset(zone, local + k * 30 * MINUTE));
  const found = [...offsets].map((o) => local - o * MINUTE).filter((ms) => oracleOffset(zone, ms) === (local - ms) / MINUTE);
  return [...new Set(found)].sort((a, b) => a - b);
}

/** Wall times just around each clock change, so gaps and overlaps are actually hit. */
const aroundTransitions: Array<{ zone: string; wall: number }> = [];
for (const zone of zones) {
  let at: Temporal.ZonedDateTime | null = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone);
  while ((at = at.getTimeZoneTransition('next')) && at.epochMilliseconds < until) {
    aroundTransitions.push({ zone, wall: at.epochMilliseconds + oracleOffset(zone, at.epochMilliseconds - 1) * MINUTE });
  }
}
const toWall = (ms: number): string => new Date(ms).toISOString().slice(0, 16);
const anyWall = fc.integer({ min: from / MINUTE, max: until / MINUTE }).map((m) => toWall(m * MINUTE));
const zoneAndWall = fc.oneof(
  fc.record({ zone: fc.constantFrom(...zones), wall: anyWall }),
  fc.record({ near: fc.constantFrom(...aroundTransitions), delta: fc.integer({ min: -120, max: 120 }) })
    .map(({ near, delta }) => ({ zone: near.zone, wall: toWall(near.wall + delta * MINUTE) })),
);

const utc = (iso: string): string => new Date(iso).toISOString();
const local = (wall: string, zone: string): string => resolveStart({ mode: 'same-local', wall }, zone).toISOString();

describe('resolveStart: properties over real zones', () => {
  it('a same-local wall time reads back as itself, or later by exactly the gap it fell into', () => {
    assert.ok(aroundTransitions.length > 300, 'the generator should know many clock changes');
    const seen = { exact: 0, repeated: 0, skipped: 0 };
    fc.assert(
      fc.property(zoneAndWall, ({ zone, wall }) => {
        const start = resolveStart({ mode: 'same-local', wall }, zone).getTime();
        const candidates = possibleInstants(zone, wall);
        const anomaly = wallTimeAnomaly(wall, zone);
        if (candidates.length > 0) {
          assert.equal(readBack(zone, start), wall);
          assert.equal(start, candidates[0], 'an overlap resolves to the earlier instant');
          const repeated = candidates.length > 1 ? (candidates.at(-1)! - candidates[0]!) / MINUTE : 0;
          assert.deepEqual(anomaly, repeated ? { kind: 'repeated', minutes: repeated } : null);
          seen[repeated ? 'repeated' : 'exact']++;
          return;
        }
        const gap = oracleOffset(zone, start) - oracleOffset(zone, start - 24 * 60 * MINUTE);
        assert.ok(gap > 0, `${wall} in ${zone} has no instant, so it must be in a gap`);
        assert.equal((wallAsUtc(readBack(zone, start)) - wallAsUtc(wall)) / MINUTE, gap);
        assert.deepEqual(anomaly, { kind: 'skipped', minutes: gap });
        seen.skipped++;
      }),
      { numRuns: 2000 },
    );
    // Guards against a generator that never reaches the interesting cases.
    assert.ok(seen.skipped > 50 && seen.repeated > 50 && seen.exact > 500, JSON.stringify(seen));
  });

  it('same-instant gives the same instant in every zone', () => {
    fc.assert(
      fc.property(fc.integer({ min: from, max: until }), fc.constantFrom(...zones), (ms, zone) => {
        assert.equal(resolveStart({ mode: 'same-instant', at: new Date(ms).toISOString() }, zone).getTime(), ms);
      }),
    );
  });

  it('offsetAt agrees with the ICU offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: from, max: until }), fc.constantFrom(...zones), (ms, zone) => {
        assert.equal(offsetAt(zone, new Date(ms)), oracleOffset(zone, ms));
      }),
    );
  });

  it('relativeRelease moves by real minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: from, max: until }), fc.integer({ min: -10_000, max: 10_000 }), (ms, minutes) => {
        assert.equal(relativeRelease(new Date(ms), minutes).getTime() - ms, minutes * MINUTE);
      }),
    );
  });
});

describe('resolveStart: known dates', () => {
  it('noon in New York on 2026-06-15 is 17:00 in London', () => {
    const start = resolveStart({ mode: 'same-local', wall: '2026-06-15T12:00' }, 'America/New_York');
    assert.equal(start.toISOString(), utc('2026-06-15T16:00Z'));
    assert.equal(formatInZone(start, 'Europe/London', 'en-GB', 'time'), '17:00');
  });

  it('17:00 local in London and New York is 4 hours apart between the US and EU switches, else 5', () => {
    const hoursApart = (day: string) =>
      (Date.parse(local(`${day}T17:00`, 'America/New_York')) - Date.parse(local(`${day}T17:00`, 'Europe/London'))) / 3_600_000;
    assert.equal(hoursApart('2026-03-15'), 4);
    assert.equal(hoursApart('2026-03-01'), 5);
    assert.equal(hoursApart('2026-04-15'), 5);
    assert.equal(hoursApart('2026-10-28'), 4); // EU back on winter time on 25 Oct, US on 1 Nov
  });

  it('moves a wall time in a gap forward by the gap, and takes the earlier of a repeated one', () => {
    assert.equal(local('2026-03-08T02:30', 'America/New_York'), utc('2026-03-08T07:30Z')); // = 03:30 EDT
    assert.equal(local('2026-11-01T01:30', 'America/New_York'), utc('2026-11-01T05:30Z')); // 01:30 EDT, not EST
    assert.equal(local('2026-03-29T01:30', 'Europe/London'), utc('2026-03-29T01:30Z')); // = 02:30 BST
    assert.equal(local('2026-10-25T01:30', 'Europe/London'), utc('2026-10-25T00:30Z')); // 01:30 BST
    assert.equal(local('2026-10-04T02:30', 'Australia/Sydney'), utc('2026-10-03T16:30Z')); // = 03:30 AEDT
    assert.equal(local('2026-04-05T02:30', 'Australia/Sydney'), utc('2026-04-04T15:30Z')); // 02:30 AEDT
    assert.equal(local('2026-10-04T02:15', 'Australia/Lord_Howe'), utc('2026-10-03T15:45Z')); // 30-minute gap
    assert.equal(local('2026-03-08T00:30', 'America/Havana'), utc('2026-03-08T05:30Z')); // gap at midnight
    assert.deepEqual(wallTimeAnomaly('2026-03-08T02:30', 'America/New_York'), { kind: 'skipped', minutes: 60 });
    assert.deepEqual(wallTimeAnomaly('2026-10-04T02:15', 'Australia/Lord_Howe'), { kind: 'skipped', minutes: 30 });
    assert.deepEqual(wallTimeAnomaly('2026-04-05T02:30', 'Australia/Sydney'), { kind: 'repeated', minutes: 60 });
    assert.equal(wallTimeAnomaly('2026-06-15T17:00', 'Australia/Sydney'), null);
  });

  it('handles 45-minute offsets and rule changes by date', () => {
    assert.equal(local('2026-06-15T17:00', 'Asia/Kathmandu'), utc('2026-06-15T11:15Z'));
    assert.equal(local('2026-06-15T17:00', 'Pacific/Chatham'), utc('2026-06-15T04:15Z'));
    assert.equal(offsetAt('Pacific/Chatham', new Date('2026-01-15T00:00Z')), 13 * 60 + 45);
    assert.equal(offsetAt('Asia/Kolkata', new Date('2026-01-15T00:00Z')), 330);
    assert.equal(local('2019-01-15T17:00', 'America/Sao_Paulo'), utc('2019-01-15T19:00Z')); // summer time, then
    assert.equal(local('2026-01-15T17:00', 'America/Sao_Paulo'), utc('2026-01-15T20:00Z')); // abolished in 2019
  });

  it('a T-720 release is 720 real minutes before, even across a clock change', () => {
    const start = resolveStart({ mode: 'same-local', wall: '2026-03-08T12:00' }, 'America/New_York');
    const release = relativeRelease(start, -720);
    assert.equal(release.toISOString(), utc('2026-03-08T04:00Z'));
    assert.equal(formatInZone(release, 'America/New_York', 'en-GB', 'date-time'), '7 Mar 2026, 23:00');
    assert.throws(() => relativeRelease(start, 1.5), RangeError);
  });

  it('formats in the reader’s language', () => {
    const at = new Date('2026-06-15T16:00Z');
    assert.match(formatInZone(at, 'America/New_York', 'en-US', 'time'), /^12:00\sPM$/);
    assert.equal(formatInZone(at, 'Asia/Tokyo', 'de-DE', 'date-time'), '16.06.2026, 01:00');
  });
});

describe('zones and malformed input', () => {
  const problemWith = (fields: Record<string, unknown>) => (err: unknown) => {
    assert.ok(err instanceof Problem);
    assert.equal(err.status, 422);
    assert.equal(err.code, 'invalid_input');
    assert.deepEqual(Object.keys(err.fields ?? {}).sort(), Object.keys(fields).sort());
    return true;
  };

  it('knows IANA zones, their aliases and any spelling case, but not bare offsets', () => {
    for (const zone of [...zones, 'Europe/Kiev', 'Asia/Calcutta', 'Etc/GMT+5']) assert.ok(isValidZone(zone), zone);
    for (const zone of ['Mars/Olympus_Mons', '', '+05:30', '-03:00', 'Z', 'x'.repeat(100)]) assert.ok(!isValidZone(zone), zone);
    assert.equal(normalizeZone('europe/london'), 'Europe/London');
    assert.throws(() => normalizeZone('Mars/Olympus_Mons', 'nodes.2.zone'), problemWith({ 'nodes.2.zone': 1 }));
  });

  it('refuses an unknown zone under the field name the caller gives', () => {
    const timing = { mode: 'same-local', wall: '2026-03-29T17:00' } as const;
    assert.throws(() => resolveStart(timing, 'Mars/Olympus_Mons', { zone: 'nodes.2.zone' }), problemWith({ 'nodes.2.zone': 1 }));
    assert.throws(() => resolveStart({ mode: 'same-instant', at: '2026-03-29T17:00Z' }, '+01:00'), problemWith({ zone: 1 }));
  });

  it('refuses malformed wall times and instants', () => {
    const walls = ['2026-02-30T17:00', '2026-03-29 17:00', '2026-03-29T25:00', '2026-03-29T24:00', '2026-03-29T17:00:00',
      '2026-03-29T17:00Z', '2026-3-29T17:00', '', '+002026-03-29T17:00', '2026-03-29T17:60'];
    for (const wall of walls) {
      assert.ok(!isValidWallTime(wall), wall);
      assert.throws(() => resolveStart({ mode: 'same-local', wall }, 'Europe/London'), problemWith({ 'timing.wall': 1 }), wall);
    }
    assert.throws(
      () => resolveStart({ mode: 'same-local', wall: '29/03/2026 17:00' }, 'Nowhere', { timing: 'nodes.0.timing', zone: 'nodes.0.zone' }),
      problemWith({ 'nodes.0.timing.wall': 1, 'nodes.0.zone': 1 }),
    );
    for (const at of ['2026-03-29T17:00', 'tomorrow', '2026-02-30T17:00Z']) {
      assert.throws(() => resolveStart({ mode: 'same-instant', at }, 'Europe/London'), problemWith({ 'timing.at': 1 }), at);
    }
  });
});
