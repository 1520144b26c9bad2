import type { Need } from '../../lib/aid.ts';
import { t } from '../../i18n/i18n.ts';

/** What to tell someone watching a need when it changed under them (the poll saw a new `updatedAt`). */
export function changeMessage(before: Need, after: Need): string {
  const helper = after.helper ? t('aidStatus.helper', { name: after.helper.displayName, handle: after.helper.handle }) : '';
  if (after.status === 'claimed' && before.status !== 'claimed') {
    return after.viewer === 'poster' ? t('aidChange.claimedPoster', { helper }) : helper ? t('aidChange.claimedBy', { helper }) : t('aidChange.claimed');
  }
  if (after.status === 'open' && before.status === 'claimed') return t('aidChange.released');
  if (after.status === 'fulfilled') return t('aidChange.fulfilled');
  if (after.status === 'withdrawn') return t('aidChange.withdrawn');
  if (after.status === 'expired') return t('aidChange.expired');
  return t('aidChange.updated');
}
