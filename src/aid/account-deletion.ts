import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * Before an account goes: the needs it posted go with it (foreign key), and the needs it
 * holds as a helper are released to open so nobody waits on a person who is gone. `db` may
 * be the deletion's transaction.
 */
export async function prepareAidAccountDeletion(db: Kysely<Database>, userId: string, now: string): Promise<void> {
  await db
    .updateTable('aid_needs')
    .set({ status: 'open', helper_id: null, offer_id: null, claimed_at: null, updated_at: now })
    .where('helper_id', '=', userId)
    .where('status', '=', 'claimed')
    .execute();
}
