import { currentLocale, t } from '../../i18n/i18n.ts';

/** Times of an action as people read them: in a city's own zone, in the viewer's, and as countdowns. */

export function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA zone the browser knows; old browsers without the list get a few, and can still type any. */
export function allZones(): string[] {
  try {
    const zones = Intl.supportedValuesOf('timeZone');
    if (zones.length > 0) return zones.includes('UTC') ? zones : [...zones, 'UTC'];
  } catch {
    // falls through
  }
  return [viewerZone(), 'UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'];
}

/** "Sat 20 Jun, 17:00" as the clock on the wall reads it in `zone` (the viewer's when left out). */
export function formatAt(iso: string, zone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLocale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    ...(zone ? { timeZone: zone } : {}),
  }).format(date);
}

export function formatTime(iso: string, zone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLocale(), { hour: '2-digit', minute: '2-digit', ...(zone ? { timeZone: zone } : {}) }).format(date);
}

/** Whether the viewer's clock reads the same as the city's at that instant (then saying it twice is noise). */
export function sameWallTime(iso: string, zone: string): boolean {
  return formatAt(iso, zone) === formatAt(iso, viewerZone());
}

/** Minutes east of UTC that `zone` is at `ms`. */
function offsetMinutes(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

/**
 * "2026-06-20T17:00" read in `zone` as an instant with its offset ("2026-06-20T17:00:00+01:00").
 * A wall time skipped by a DST change moves forward; the server resolves same-local times itself.
 */
export function wallToInstant(wall: string, zone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wall);
  if (!m) return '';
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let offset = offsetMinutes(zone, guess);
  offset = offsetMinutes(zone, guess - offset * 60000);
  const sign = offset < 0 ? '-' : '+';
  return `${wall}:00${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** An instant as "YYYY-MM-DDTHH:mm" on the wall in `zone`, for filling in a form. */
export function instantToWall(iso: string, zone: string): string {
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return '';
  const local = new Date(ms + offsetMinutes(zone, ms) * 60000);
  return local.toISOString().slice(0, 16);
}

/** "2 d 3 h", "1 h 05 min", "4:09": shorter as the moment nears. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return t('time.daysHours', { d: days, h: hours });
  if (hours > 0) return t('time.hoursMinutes', { h: hours, m: pad(minutes) });
  return `${minutes}:${pad(seconds)}`;
}

/** "2 h 30 min before the start", "at the start", "15 min after the start". */
export function describeOffset(minutes: number): string {
  if (minutes === 0) return t('offset.atStart');
  const amount = Math.abs(minutes);
  const h = Math.floor(amount / 60);
  const m = amount % 60;
  const span = h > 0 ? (m > 0 ? t('time.hoursMinutes', { h, m: pad(m) }) : t('time.hours', { h })) : t('time.minutes', { m });
  return minutes < 0 ? t('offset.before', { span }) : t('offset.after', { span });
}

export function describeDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? (m > 0 ? t('time.hoursMinutes', { h, m: pad(m) }) : t('time.hours', { h })) : t('time.minutes', { m });
}
