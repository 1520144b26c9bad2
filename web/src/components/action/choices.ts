import type { Choice } from '../../lib/choices.ts';
import { t } from '../../i18n/i18n.ts';
import type { ActionVisibility, NodesPolicy, Tier, TimingMode } from './types.ts';

export const actionVisibilityOptions = (): Choice<ActionVisibility>[] => [
  { value: 'open', label: t('actionVisibility.open'), hint: t('actionVisibility.open.hint') },
  { value: 'semi-open', label: t('actionVisibility.semi-open'), hint: t('actionVisibility.semi-open.hint') },
  { value: 'closed', label: t('actionVisibility.closed'), hint: t('actionVisibility.closed.hint') },
];

export const timingModeOptions = (): Choice<TimingMode>[] => [
  { value: 'same-instant', label: t('timing.same-instant'), hint: t('timing.same-instant.hint') },
  { value: 'same-local', label: t('timing.same-local'), hint: t('timing.same-local.hint') },
];

export const nodesPolicyOptions = (): Choice<NodesPolicy>[] => [
  { value: 'closed', label: t('nodesPolicy.closed'), hint: t('nodesPolicy.closed.hint') },
  { value: 'approval', label: t('nodesPolicy.approval'), hint: t('nodesPolicy.approval.hint') },
  { value: 'immediate', label: t('nodesPolicy.immediate'), hint: t('nodesPolicy.immediate.hint') },
];

export const tierOptions = (): Choice<Tier>[] => [
  { value: 'public', label: t('tier.public'), hint: t('tier.public.hint') },
  { value: 'rsvp', label: t('tier.rsvp'), hint: t('tier.rsvp.hint') },
  { value: 'present', label: t('tier.present'), hint: t('tier.present.hint') },
  { value: 'marshal', label: t('tier.marshal'), hint: t('tier.marshal.hint') },
];

/** Who a broadcast reaches: a tier and everyone above it. */
export const audienceOptions = (): Choice<Tier>[] => [
  { value: 'rsvp', label: t('audience.rsvp') },
  { value: 'present', label: t('audience.present') },
  { value: 'marshal', label: t('audience.marshal') },
];

export const tierLabel = (tier: Tier): string => t(`tier.${tier}`);
export const actionVisibilityLabel = (v: ActionVisibility): string => t(`actionVisibility.${v}`);
