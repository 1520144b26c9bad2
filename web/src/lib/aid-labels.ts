import { hasMessage, t } from '../i18n/i18n.ts';
import type { Choice } from './choices.ts';
import type { NeedStatus, Urgency } from './aid.ts';
import { currentLocale } from '../i18n/i18n.ts';

/** Names of categories, urgencies and states, in the reader's language. */
export function categoryLabel(category: string): string {
  const key = `aidCategory.${category}`;
  // A network may add its own categories; those are shown as the network named them.
  return hasMessage(key) ? t(key) : category;
}

export const urgencyLabel = (u: Urgency): string => t(`aidUrgency.${u}`);
export const statusLabel = (s: NeedStatus): string => t(`aidStatus.${s}`);

export const categoryOptions = (categories: readonly string[]): Choice<string>[] => categories.map((c) => ({ value: c, label: categoryLabel(c) }));
export const urgencyOptions = (urgencies: readonly Urgency[]): Choice<Urgency>[] => urgencies.map((u) => ({ value: u, label: urgencyLabel(u) }));

/** "about 2.5 km" — distances between coarse areas are themselves only approximate. */
export function kmText(km: number): string {
  if (km < 1) return t('aid.km.under1');
  const n = new Intl.NumberFormat(currentLocale(), { maximumFractionDigits: km < 10 ? 1 : 0 }).format(km);
  return t('aid.km', { n });
}

function short(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return new Intl.DateTimeFormat(currentLocale(), { weekday: 'short', day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }), hour: 'numeric', minute: '2-digit' }).format(date);
}

/** When a need or offer applies, said briefly: "until Fri 12 Jun, 18:00" or "Mon 8 Jun, 9:00 – Fri 12 Jun, 18:00". */
export function windowText(from: string, until: string, now = Date.now()): string {
  return new Date(from).getTime() <= now ? t('aid.when.until', { until: short(until) }) : t('aid.when.range', { from: short(from), until: short(until) });
}
