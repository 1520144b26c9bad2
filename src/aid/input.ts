import { addMs, instant } from '../core/clock.ts';
import { invalid } from '../core/errors.ts';
import { defaultWindowDays, maxLeadDays, maxWindowDays } from './model.ts';

const dayMs = 24 * 60 * 60 * 1000;

/** About 1 km: the database never holds anything finer than a neighbourhood in the clear. */
export function coarse(degrees: number): number {
  return Math.round(degrees * 100) / 100 + 0; // + 0 turns -0 into 0
}

/** The window as stored instants, or a 422 naming the field that is off. */
export function resolveWindow(now: Date, from: string | undefined, until: string | undefined): { from: string; until: string } {
  const start = from === undefined ? now : new Date(from);
  const end = until === undefined ? addMs(start, defaultWindowDays * dayMs) : new Date(until);
  if (start.getTime() > now.getTime() + maxLeadDays * dayMs) throw invalid('invalid_window', { from: `At most ${maxLeadDays} days ahead` });
  if (end.getTime() <= start.getTime()) throw invalid('invalid_window', { until: 'Must be after from' });
  if (end.getTime() <= now.getTime()) throw invalid('invalid_window', { until: 'Must be in the future' });
  if (end.getTime() - start.getTime() > maxWindowDays * dayMs) throw invalid('invalid_window', { until: `The window may span at most ${maxWindowDays} days` });
  return { from: instant(start), until: instant(end) };
}

export function checkCategory(categories: readonly string[], category: string): void {
  if (!categories.includes(category)) {
    throw invalid('unknown_category', { category: `Not a category of this network; it has: ${categories.join(', ')}` });
  }
}

/** Most urgent first, for sorting. */
export const urgencyRank: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** UTC month of an instant, for the counts that outlive needs. */
export function monthOf(at: string): string {
  return at.slice(0, 7);
}
