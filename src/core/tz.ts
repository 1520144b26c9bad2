import { Temporal } from 'temporal-polyfill';
import { invalid } from './errors.ts';
import type { FieldErrors } from './errors.ts';

/**
 * When does each node of an action start?
 *
 * - `same-instant`: one UTC instant for every node ("all cities at 15:00 UTC"); the node's
 *   zone only matters for display.
 * - `same-local`: one wall-clock time applied in each node's own IANA zone ("17:00 in every
 *   city"), so nodes start hours apart. The wall time and the zone are what is stored; the
 *   instant is resolved here, with the tz rules of the running Node, at the time of use —
 *   so a government changing its DST rules before the action moves the start with them.
 *
 * Wall times that do not exist or exist twice are resolved the way Temporal's 'compatible'
 * disambiguation (and RFC 5545 / iCalendar) does, which is what people expect of a clock:
 * - gap (spring forward, e.g. 02:30 on 2026-03-08 in New York): moved forward by the length
 *   of the gap (03:30 EDT). The node still starts, just later by the gap; `wallTimeAnomaly`
 *   lets the organizer's form say so before saving.
 * - overlap (fall back, e.g. 01:30 on 2026-11-01 in New York): the earlier of the two
 *   (01:30 EDT), so nobody arrives an hour after the others.
 */
export type ActionTiming =
  | { mode: 'same-instant'; at: string /* ISO instant with Z or an offset */ }
  | { mode: 'same-local'; wall: string /* YYYY-MM-DDTHH:mm, no zone */ };

/** Where in the caller's request the values came from, so a 422 points at the right field. */
export interface TimingFieldNames {
  timing?: string; // errors go to `${timing}.at` / `${timing}.wall`
  zone?: string;
}

export type WallTimeAnomaly =
  | { kind: 'skipped'; minutes: number } // does not exist; resolved that many minutes later
  | { kind: 'repeated'; minutes: number }; // happens twice, that many minutes apart; the first is used

const WALL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
// The longest IANA name is 32 characters; the cap keeps absurd input away from the parser.
const MAX_ZONE_LENGTH = 64;
const MAX_INSTANT_LENGTH = 64;

/** An IANA zone name (case-insensitive, aliases like Europe/Kiev included). Bare offsets
 * like +05:30 are refused: they know no DST, so "17:00 local" would drift by an hour. */
export function isValidZone(zone: string): boolean {
  return canonicalZone(zone) !== null;
}

/** The zone as Temporal spells it (`europe/london` -> `Europe/London`), for storing. */
export function normalizeZone(zone: string, field = 'zone'): string {
  const canonical = canonicalZone(zone);
  if (canonical === null) throw invalid('invalid_input', { [field]: zoneMessage });
  return canonical;
}

export function isValidWallTime(wall: string): boolean {
  return parseWall(wall) !== null;
}

/** The instant a node starts. Throws a 422 Problem naming the offending fields. */
export function resolveStart(timing: ActionTiming, zone: string, names: TimingFieldNames = {}): Date {
  if (timing.mode === 'same-local') {
    const { local, timeZone } = checkLocal(timing.wall, zone, names);
    return new Date(local.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds);
  }
  const errors: FieldErrors = {};
  // The zone is checked in this mode too: a node with a bogus zone is a bug even when unused.
  if (canonicalZone(zone) === null) errors[names.zone ?? 'zone'] = zoneMessage;
  const at = parseInstant(timing.at);
  if (at === null) errors[`${names.timing ?? 'timing'}.at`] = 'Use an instant with a UTC offset, like 2026-03-29T15:00:00Z';
  if (at === null || Object.keys(errors).length > 0) throw invalid('invalid_input', errors);
  return new Date(at.epochMilliseconds);
}

/** Whether a same-local wall time falls into a DST gap or overlap in this zone, for a warning. */
export function wallTimeAnomaly(wall: string, zone: string, names: TimingFieldNames = {}): WallTimeAnomaly | null {
  const { local, timeZone } = checkLocal(wall, zone, names);
  const earlier = local.toZonedDateTime(timeZone, { disambiguation: 'earlier' });
  const later = local.toZonedDateTime(timeZone, { disambiguation: 'later' });
  const apart = earlier.until(later, { largestUnit: 'minutes' }).minutes;
  if (apart === 0) return null;
  // In a gap, 'earlier' lands before it, so it no longer reads as the wall time asked for;
  // either way the two candidates are as far apart as the clock jumped.
  const inGap = !earlier.toPlainDateTime().equals(local);
  return { kind: inGap ? 'skipped' : 'repeated', minutes: apart };
}

/** Minutes east of UTC at that instant (Kolkata +330, New York -240 in summer).
 * Note the sign is the opposite of Date#getTimezoneOffset. */
export function offsetAt(zone: string, instant: Date): number {
  return toZoned(instant, zone).offsetNanoseconds / 60e9;
}

/** An instant as people in `zone` read it, in their language: for "17:00 in London (18:00 your time)". */
export function formatInZone(
  instant: Date,
  zone: string,
  locale: Intl.LocalesArgument,
  style: 'time' | 'date' | 'date-time' = 'date-time',
): string {
  const timeZone = normalizeZone(zone);
  checkDate(instant);
  const options: Intl.DateTimeFormatOptions =
    style === 'time' ? { timeStyle: 'short' } : style === 'date' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(instant);
}

/**
 * When a disclosure released at T+offset (T-120 is `-120`) goes out. Plain arithmetic on
 * the instant, not on the wall clock: "two hours before" stays 120 real minutes even when
 * a DST change falls in between.
 */
export function relativeRelease(start: Date, offsetMinutes: number): Date {
  checkDate(start);
  if (!Number.isSafeInteger(offsetMinutes)) throw new RangeError(`release offset must be whole minutes, got ${offsetMinutes}`);
  return new Date(start.getTime() + offsetMinutes * 60_000);
}

const zoneMessage = 'Not a known time zone; use an IANA name like Europe/London';

function canonicalZone(zone: string): string | null {
  if (zone.length === 0 || zone.length > MAX_ZONE_LENGTH) return null;
  try {
    const id = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone).timeZoneId;
    return id.startsWith('+') || id.startsWith('-') ? null : id;
  } catch {
    return null;
  }
}

function checkLocal(wall: string, zone: string, names: TimingFieldNames): { local: Temporal.PlainDateTime; timeZone: string } {
  const errors: FieldErrors = {};
  const timeZone = canonicalZone(zone);
  if (timeZone === null) errors[names.zone ?? 'zone'] = zoneMessage;
  const local = parseWall(wall);
  if (local === null) errors[`${names.timing ?? 'timing'}.wall`] = 'Use a local date and time like 2026-03-29T17:00';
  if (local === null || timeZone === null) throw invalid('invalid_input', errors);
  return { local, timeZone };
}

function parseWall(wall: string): Temporal.PlainDateTime | null {
  if (!WALL.test(wall)) return null;
  try {
    return Temporal.PlainDateTime.from(wall, { overflow: 'reject' });
  } catch {
    return null; // e.g. 2026-02-30T17:00 or 25:00
  }
}

function parseInstant(at: string): Temporal.Instant | null {
  if (at.length > MAX_INSTANT_LENGTH) return null;
  try {
    return Temporal.Instant.from(at); // refuses text without Z or an offset
  } catch {
    return null;
  }
}

function toZoned(instant: Date, zone: string): Temporal.ZonedDateTime {
  checkDate(instant);
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(normalizeZone(zone));
}

function checkDate(d: Date): void {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid Date');
}
