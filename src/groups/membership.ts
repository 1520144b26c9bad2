import type { Kysely } from 'kysely';
import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { Problem, conflict, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, GroupRow } from '../store/schema.ts';
import { joinSchema, parseInput, roleChangeSchema, type Member, type Role } from './model.ts';
import { groupWithVisibleMembers, managedGroup, requireActor, visibleGroup } from './policy.ts';
import { countRoles, lockGroup, userIdByHandle } from './roster.ts';

export type JoinOutcome = { status: 'member' } | { status: 'requested' };

export const lastCoordinator = (name: string): Problem =>
  conflict('last_coordinator', `You are the last coordinator of "${name}". Make someone else a coordinator first.`);

/** Adds a member; false when they already were one (a concurrent join is not an error). */
export async function addMember(db: Kysely<Database>, groupId: string, userId: string, at: string): Promise<boolean> {
  const result = await db
    .insertInto('memberships')
    .values({ group_id: groupId, user_id: userId, role: 'member', created_at: at })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
    .executeTakeFirst();
  // A pending request means nothing once someone is in.
  await db.deleteFrom('join_requests').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Open groups take people in at once; request groups queue them for a coordinator.
 * Asking twice keeps the first request. Secret groups are reached only by invitation,
 * since an outsider cannot see them to ask.
 */
export async function joinGroup(ctx: Ctx, slug: string, message?: string): Promise<JoinOutcome> {
  const actor = requireActor(ctx);
  const data = parseInput(joinSchema, message === undefined ? {} : { message });
  const { group, role } = await visibleGroup(ctx, slug);
  if (role) throw conflict('already_member', 'You are already a member of this group.');
  const now = instant(ctx.clock.now());
  if (group.join_policy === 'open') {
    const added = await ctx.db.transaction().execute((trx) => addMember(trx, group.id, actor.userId, now));
    if (!added) throw conflict('already_member', 'You are already a member of this group.');
    return { status: 'member' };
  }
  if (group.join_policy === 'request') {
    await ctx.db
      .insertInto('join_requests')
      .values({ id: uuidv7(ctx.clock.now().getTime()), group_id: group.id, user_id: actor.userId, message: data.message ?? '', created_at: now })
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .execute();
    return { status: 'requested' };
  }
  throw new Problem(403, 'invitation_required', 'Invitation required', { detail: 'This group takes new members by invitation only.' });
}

/**
 * Someone leaves or is removed. The last coordinator may not go while others remain, so
 * no group is left without anyone to let people in; if they are the only one left, the
 * group dissolves. Runs under the group's lock so concurrent departures see each other.
 */
export async function depart(db: Kysely<Database>, group: GroupRow, userId: string): Promise<'left' | 'dissolved'> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockGroup(trx, group.id))) throw notFound();
    const membership = await trx
      .selectFrom('memberships')
      .select('role')
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!membership) throw notFound();
    const { members, coordinators } = await countRoles(trx, group.id);
    if (membership.role === 'coordinator' && coordinators === 1) {
      if (members > 1) throw lastCoordinator(group.name);
      await trx.deleteFrom('groups').where('id', '=', group.id).execute();
      return 'dissolved';
    }
    await trx.deleteFrom('memberships').where('group_id', '=', group.id).where('user_id', '=', userId).execute();
    return 'left';
  });
}

export async function leaveGroup(ctx: Ctx, slug: string): Promise<'left' | 'dissolved'> {
  const actor = requireActor(ctx);
  const { group, role } = await visibleGroup(ctx, slug);
  if (!role) throw conflict('not_member', 'You are not a member of this group.');
  return depart(ctx.db, group, actor.userId);
}

/** Coordinators first, then by when they joined. */
export async function listMembers(ctx: Ctx, slug: string): Promise<Member[]> {
  const { group } = await groupWithVisibleMembers(ctx, slug);
  const rows = await ctx.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.handle', 'users.display_name', 'memberships.role', 'memberships.created_at'])
    .where('memberships.group_id', '=', group.id)
    .orderBy('memberships.role')
    .orderBy('memberships.created_at')
    .orderBy('users.handle')
    .execute();
  return rows.map((row) => ({ handle: row.handle, displayName: row.display_name, role: row.role as Role, since: row.created_at }));
}

export async function changeRole(ctx: Ctx, slug: string, handle: string, role: Role): Promise<void> {
  const data = parseInput(roleChangeSchema, { role });
  const { group } = await managedGroup(ctx, slug);
  const userId = await userIdByHandle(ctx.db, handle);
  if (!userId) throw notFound();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await lockGroup(trx, group.id))) throw notFound();
    const current = await trx
      .selectFrom('memberships')
      .select('role')
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!current) throw notFound();
    if (current.role === 'coordinator' && data.role === 'member') {
      const { coordinators } = await countRoles(trx, group.id);
      if (coordinators === 1) throw lastCoordinator(group.name);
    }
    await trx.updateTable('memberships').set({ role: data.role }).where('group_id', '=', group.id).where('user_id', '=', userId).execute();
  });
}

/** A coordinator removing themselves is leaving, with the same last-coordinator rule. */
export async function removeMember(ctx: Ctx, slug: string, handle: string): Promise<void> {
  const { group } = await managedGroup(ctx, slug);
  const userId = await userIdByHandle(ctx.db, handle);
  if (!userId) throw notFound();
  await depart(ctx.db, group, userId);
}
