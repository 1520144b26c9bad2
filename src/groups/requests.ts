import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { notFound } from '../core/errors.ts';
import type { JoinRequest } from './model.ts';
import { managedGroup, requireActor } from './policy.ts';
import { addMember } from './membership.ts';

/** Pending requests to join, oldest first, for the group's coordinators. */
export async function listRequests(ctx: Ctx, slug: string): Promise<JoinRequest[]> {
  const { group } = await managedGroup(ctx, slug);
  const rows = await ctx.db
    .selectFrom('join_requests')
    .innerJoin('users', 'users.id', 'join_requests.user_id')
    .select(['join_requests.id', 'users.handle', 'users.display_name', 'join_requests.message', 'join_requests.created_at'])
    .where('join_requests.group_id', '=', group.id)
    .orderBy('join_requests.created_at')
    .orderBy('join_requests.id')
    .execute();
  return rows.map((row) => ({ id: row.id, handle: row.handle, displayName: row.display_name, message: row.message, createdAt: row.created_at }));
}

/** The requester becomes a member and the request is gone, both or neither. */
export async function approveRequest(ctx: Ctx, slug: string, requestId: string): Promise<void> {
  const { group } = await managedGroup(ctx, slug);
  await ctx.db.transaction().execute(async (trx) => {
    const request = await trx
      .selectFrom('join_requests')
      .select('user_id')
      .where('id', '=', requestId)
      .where('group_id', '=', group.id)
      .executeTakeFirst();
    if (!request) throw notFound();
    await addMember(trx, group.id, request.user_id, instant(ctx.clock.now()));
  });
}

export async function declineRequest(ctx: Ctx, slug: string, requestId: string): Promise<void> {
  const { group } = await managedGroup(ctx, slug);
  const result = await ctx.db.deleteFrom('join_requests').where('id', '=', requestId).where('group_id', '=', group.id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound();
}

/**
 * Withdrawing one's own request. It works even if the group has since turned secret: the
 * requester already knows it exists, and anyone else gets the same 404 as for no group.
 */
export async function withdrawRequest(ctx: Ctx, slug: string): Promise<void> {
  const actor = requireActor(ctx);
  const group = await ctx.db.selectFrom('groups').select('id').where('slug', '=', slug).executeTakeFirst();
  if (!group) throw notFound();
  const result = await ctx.db
    .deleteFrom('join_requests')
    .where('group_id', '=', group.id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound();
}
