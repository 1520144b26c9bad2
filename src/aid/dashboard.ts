import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { requireActor } from '../groups/policy.ts';
import type { MyAid, Need } from './model.ts';
import { presentOffers } from './offers.ts';
import { viewerOf } from './policy.ts';
import type { AidNeedRow } from './rows.ts';
import { presentNeed } from './views.ts';

/**
 * A helper's dashboard across networks: my current offers, the needs I hold (with their
 * details, since I am their helper), and needs I posted while logged in. Poll-friendly:
 * every need carries `updatedAt`.
 */
export async function myAid(ctx: Ctx): Promise<MyAid> {
  const actor = requireActor(ctx);
  const now = instant(ctx.clock.now());
  const slugs = new Map<string, string>();
  const memberships = await ctx.db
    .selectFrom('memberships')
    .innerJoin('groups', 'groups.id', 'memberships.group_id')
    .select(['groups.id', 'groups.slug', 'memberships.role'])
    .where('memberships.user_id', '=', actor.userId)
    .execute();
  const roles = new Map(memberships.map((m) => [m.id, m.role as 'member' | 'coordinator']));
  const slugOf = async (groupId: string): Promise<string> => {
    const known = memberships.find((m) => m.id === groupId)?.slug ?? slugs.get(groupId);
    if (known) return known;
    const group = await ctx.db.selectFrom('groups').select('slug').where('id', '=', groupId).executeTakeFirstOrThrow();
    slugs.set(groupId, group.slug);
    return group.slug;
  };

  const offerRows = await ctx.db.selectFrom('aid_offers').selectAll().where('helper_id', '=', actor.userId).where('until_at', '>', now).orderBy('until_at').execute();
  const offers = [];
  for (const row of offerRows) offers.push(...(await presentOffers(ctx, [row], await slugOf(row.network_id), true)));

  const present = async (rows: AidNeedRow[]): Promise<Need[]> => {
    const needs: Need[] = [];
    for (const row of rows) {
      const viewer = viewerOf(row, roles.get(row.network_id) ?? null, actor.userId, null);
      if (viewer) needs.push(await presentNeed(ctx.db, ctx.config, row, await slugOf(row.network_id), viewer));
    }
    return needs;
  };
  const claimed = await ctx.db.selectFrom('aid_needs').selectAll().where('helper_id', '=', actor.userId).where('status', '=', 'claimed').orderBy('claimed_at').execute();
  const posted = await ctx.db.selectFrom('aid_needs').selectAll().where('poster_id', '=', actor.userId).orderBy('created_at', 'desc').execute();
  return { offers, claims: await present(claimed), posted: await present(posted) };
}
