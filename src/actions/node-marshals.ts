import type { Kysely } from 'kysely';
import type { Ctx } from '../core/context.ts';
import { notFound, invalid } from '../core/errors.ts';
import { codeAt, displayCode, secondsLeft } from '../core/rotating-code.ts';
import type { Database } from '../store/schema.ts';
import { nodeCodeKey } from './keys.ts';
import { isMarshalOf, visibleAction, visibleNode } from './policy.ts';
import type { NodeCode } from './views.ts';

/**
 * Appointed marshals and the rotating check-in code they show. Only people already trusted
 * by the owning or the host group can be appointed: a marshal sees every secret of the node.
 */
export async function appointableIds(ctx: Ctx, groupIds: readonly string[], handles: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(handles)];
  if (wanted.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select(['users.id', 'users.handle'])
    .where('users.handle', 'in', wanted)
    .where('memberships.group_id', 'in', [...groupIds])
    .execute();
  const found = new Map(rows.map((row) => [row.handle, row.id]));
  const missing = wanted.filter((handle) => !found.has(handle));
  if (missing.length > 0) throw invalid('invalid_input', { marshals: `Not a member of the owning or the host group: ${missing.join(', ')}` });
  return wanted.map((handle) => found.get(handle)!);
}

/** Replaces the node's appointed marshals; run in the transaction that writes the node. */
export async function setMarshals(db: Kysely<Database>, nodeId: string, userIds: readonly string[]): Promise<void> {
  await db.deleteFrom('node_marshals').where('node_id', '=', nodeId).execute();
  if (userIds.length === 0) return;
  await db.insertInto('node_marshals').values(userIds.map((userId) => ({ node_id: nodeId, user_id: userId }))).execute();
}

/** The code on the marshal's screen now. Anyone else, or an erased action, gets notFound(). */
export async function currentCode(ctx: Ctx, slug: string, nodeId: string): Promise<NodeCode> {
  const access = await visibleAction(ctx, slug);
  const node = await visibleNode(ctx, access, nodeId);
  if (!isMarshalOf(access, node.id)) throw notFound();
  const now = ctx.clock.now();
  const code = codeAt(nodeCodeKey(ctx, access.action, node), now);
  return { code, display: displayCode(code), secondsLeft: secondsLeft(now) };
}
