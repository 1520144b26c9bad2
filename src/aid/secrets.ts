import type { Config } from '../config.ts';
import { deriveKek, newDataKey, open, seal, unwrapKey, wrapKey, type DataKey } from '../core/crypto.ts';
import type { AidNeedRow } from './rows.ts';

/**
 * Each need has its own random data key, wrapped by a key derived from the master secret.
 * A need's exact place, contact, notification email and (briefly) its replayable device
 * ticket are sealed with it, each bound to its row and field by the AAD, so a sealed value
 * copied onto another need or into another column does not open. Erasing the need deletes
 * the wrapped key with the row, and with it every sealed copy anywhere (backups included).
 */
const purpose = 'aid-need-key';

export type SealedField = 'place' | 'contact' | 'email' | 'ticket';

const aad = {
  key: (needId: string) => `aid-need:${needId}`,
  field: (needId: string, field: SealedField) => `aid-need-${field}:${needId}`,
};

export function newNeedKey(config: Pick<Config, 'masterSecret'>, needId: string): { key: DataKey; wrapped: string } {
  const key = newDataKey();
  return { key, wrapped: wrapKey(deriveKek(config.masterSecret, purpose), key, aad.key(needId)) };
}

/** Not cached: the key exists in memory only for the request that needs it. */
export function needKey(config: Pick<Config, 'masterSecret'>, need: Pick<AidNeedRow, 'id' | 'wrapped_key'>): DataKey {
  return unwrapKey(deriveKek(config.masterSecret, purpose), need.wrapped_key, aad.key(need.id));
}

export function sealField(key: DataKey, needId: string, field: SealedField, value: string | undefined): string | null {
  return value === undefined || value === '' ? null : seal(key, value, aad.field(needId, field));
}

export function openField(key: DataKey, needId: string, field: SealedField, sealed: string | null): string | null {
  return sealed === null ? null : open(key, sealed, aad.field(needId, field));
}
