import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** Counts of who is in a group, for the last-coordinator rule and for summaries. */
export async function countRoles(db: Kysely<Database>, groupId: string): Promise<{ members: number; coordinators: number }> {
  const rows = await db
    .selectFrom('memberships')
    .select((eb) => ['role', eb.fn.countAll().as('n')])
    .where('group_id', '=', groupId)
    .groupBy('role')
    .execute();
  let members = 0;
  let coordinators = 0;
  for (const row of rows) {
    // PostgreSQL returns count() as a string (bigint).
    members += Number(row.n);
    if (row.role === 'coordinator') coordinators += Number(row.n);
  }
  return { members, coordinators };
}

/**
 * Takes the group's row lock (on PostgreSQL; SQLite lets one writer in at a time anyway),
 * so two coordinators stepping down at once cannot leave a group with none. A no-op update
 * is the one locking statement both dialects share. False when the group is gone.
 */
export async function lockGroup(trx: Kysely<Database>, groupId: string): Promise<boolean> {
  const result = await trx
    .updateTable('groups')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('id', '=', groupId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function userIdByHandle(db: Kysely<Database>, handle: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('id').where('handle', '=', handle.toLowerCase()).executeTakeFirst();
  return row?.id ?? null;
}
