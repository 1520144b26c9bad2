/** The time a need or offer applies, as chosen with a tap, turned into the API's window. */
export type Span = 'day' | 'week' | 'dates';

export interface When {
  span: Span;
  /** `datetime-local` values, in the device's time zone; used when span is 'dates'. */
  from: string;
  until: string;
}

const hourMs = 60 * 60 * 1000;

function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Left out, the server's default applies: from now, for a week. */
export function windowOf(when: When, now = new Date()): { from?: string; until?: string } {
  if (when.span === 'day') return { until: new Date(now.getTime() + 24 * hourMs).toISOString() };
  if (when.span === 'week') return {};
  const from = isoOf(when.from);
  const until = isoOf(when.until);
  return { ...(from ? { from } : {}), ...(until ? { until } : {}) };
}

/** A `datetime-local` value for an instant, in this device's zone (the input's minimum). */
export function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
