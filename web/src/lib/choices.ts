import { t } from '../i18n/i18n.ts';
import type { GroupKind, JoinPolicy, MemberListVisibility, Role, Visibility } from './types.ts';

export interface Choice<V extends string> {
  value: V;
  label: string;
  hint?: string;
}

export const kindOptions = (): Choice<GroupKind>[] => [
  { value: 'affinity', label: t('kind.affinity'), hint: t('kind.affinity.hint') },
  { value: 'working', label: t('kind.working'), hint: t('kind.working.hint') },
  { value: 'network', label: t('kind.network'), hint: t('kind.network.hint') },
];

export const visibilityOptions = (): Choice<Visibility>[] => [
  { value: 'public', label: t('visibility.public'), hint: t('visibility.public.hint') },
  { value: 'unlisted', label: t('visibility.unlisted'), hint: t('visibility.unlisted.hint') },
  { value: 'secret', label: t('visibility.secret'), hint: t('visibility.secret.hint') },
];

export const joinPolicyOptions = (): Choice<JoinPolicy>[] => [
  { value: 'open', label: t('joinPolicy.open'), hint: t('joinPolicy.open.hint') },
  { value: 'request', label: t('joinPolicy.request'), hint: t('joinPolicy.request.hint') },
  { value: 'invitation', label: t('joinPolicy.invitation'), hint: t('joinPolicy.invitation.hint') },
];

export const memberListOptions = (): Choice<MemberListVisibility>[] => [
  { value: 'public', label: t('memberList.public'), hint: t('memberList.public.hint') },
  { value: 'members', label: t('memberList.members'), hint: t('memberList.members.hint') },
  { value: 'coordinators', label: t('memberList.coordinators'), hint: t('memberList.coordinators.hint') },
];

export const kindLabel = (kind: GroupKind): string => t(`kind.${kind}`);
export const visibilityLabel = (v: Visibility): string => t(`visibility.${v}`);
export const joinPolicyLabel = (p: JoinPolicy): string => t(`joinPolicy.${p}`);
export const roleLabel = (role: Role): string => t(`role.${role}`);
