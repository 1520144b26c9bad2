import type { Kysely } from 'kysely';
import { conflict } from '../core/errors.ts';
import type { Database } from '../store/schema.ts';
import { countRoles, lockGroup } from './roster.ts';

/**
 * Clears a person out of every group before their account is deleted. `db` may be the
 * caller's transaction; a thrown conflict is meant to roll all of it back. Groups they
 * alone hold are dissolved; groups they would leave without a coordinator stop it.
 */
export async function prepareAccountDeletion(db: Kysely<Database>, userId: string): Promise<void> {
  const coordinated = await db
    .selectFrom('memberships')
    .innerJoin('groups', 'groups.id', 'memberships.group_id')
    .select(['groups.id', 'groups.name'])
    .where('memberships.user_id', '=', userId)
    .where('memberships.role', '=', 'coordinator')
    .orderBy('groups.name')
    .execute();
  const stranded: string[] = [];
  const dissolve: string[] = [];
  for (const group of coordinated) {
    await lockGroup(db, group.id);
    const { members, coordinators } = await countRoles(db, group.id);
    if (coordinators > 1) continue;
    if (members > 1) stranded.push(group.name);
    else dissolve.push(group.id);
  }
  if (stranded.length) {
    const names = stranded.map((name) => `"${name}"`).join(', ');
    throw conflict('last_coordinator', `You are the last coordinator of ${names}. Make someone else a coordinator, or remove the other members, first.`);
  }
  if (dissolve.length) await db.deleteFrom('groups').where('id', 'in', dissolve).execute();
  // Foreign keys would cascade these too; removing them here does not depend on that.
  await db.deleteFrom('memberships').where('user_id', '=', userId).execute();
  await db.deleteFrom('join_requests').where('user_id', '=', userId).execute();
  await db.updateTable('invitations').set({ created_by: null }).where('created_by', '=', userId).execute();
}
