import type { Ctx } from '../core/context.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { hashToken } from '../core/ids.ts';
import type { Role } from '../groups/model.ts';
import { roleIn } from '../groups/policy.ts';
import type { GroupRow } from '../store/schema.ts';
import type { NeedViewer } from './model.ts';
import type { AidNeedRow } from './rows.ts';

/**
 * Who sees what of a need. The one rule that matters most: its exact place and its contact
 * are shown to its poster (by device ticket or account) and to the helper who holds the
 * claim, while it is claimed and while they are still a member of the network — and to
 * nobody else. Coordinators dispatch from the coarse area and do not see them either; if a
 * coordinator needs the address, they take the need themselves and become its helper.
 * A need the caller may not see answers notFound(), the same as a need that never was.
 */
export interface NeedInView {
  need: AidNeedRow;
  group: GroupRow;
  role: Role | null;
  viewer: NeedViewer;
}

/** A ticket as it may arrive: trimmed, and nothing absurdly long is hashed. */
export function cleanTicket(ticket: string | null | undefined): string | null {
  const value = ticket?.trim() ?? '';
  return value === '' || value.length > 512 ? null : value;
}

export function viewerOf(need: AidNeedRow, role: Role | null, userId: string | undefined, ticket: string | null): NeedViewer | null {
  if ((ticket !== null && hashToken(ticket) === need.ticket_hash) || (userId !== undefined && need.poster_id === userId)) return 'poster';
  if (role === null) return null;
  if (userId !== undefined && need.status === 'claimed' && need.helper_id === userId) return 'claimer';
  return role === 'coordinator' ? 'coordinator' : 'member';
}

export function seesDetails(viewer: NeedViewer): boolean {
  return viewer === 'poster' || viewer === 'claimer';
}

export function seesHelper(viewer: NeedViewer): boolean {
  return viewer !== 'member';
}

/** The need as the caller may see it, or notFound(). */
export async function needInView(ctx: Ctx, needId: string, ticket: string | null): Promise<NeedInView> {
  const need = await ctx.db.selectFrom('aid_needs').selectAll().where('id', '=', needId).executeTakeFirst();
  if (!need) throw notFound();
  const group = await ctx.db.selectFrom('groups').selectAll().where('id', '=', need.network_id).executeTakeFirstOrThrow();
  const role = await roleIn(ctx.db, group.id, ctx.actor?.userId);
  const viewer = viewerOf(need, role, ctx.actor?.userId, cleanTicket(ticket));
  if (!viewer) throw notFound();
  return { need, group, role, viewer };
}

/** Those who may see a need but not do this to it are told so; others still get notFound(). */
export function allow(seen: NeedInView, viewers: readonly NeedViewer[], why: string): void {
  if (!viewers.includes(seen.viewer)) throw forbidden(why);
}
