import { sql } from 'kysely';
import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { conflict, forbidden, invalid } from '../core/errors.ts';
import { roleIn } from '../groups/policy.ts';
import { helperOffer, present, takeNeed } from './claims.ts';
import { removeAtOnce } from './erasure.ts';
import { nearestOffers } from './matching.ts';
import type { DispatchItem, Need } from './model.ts';
import { coordinatedNetwork } from './networks.ts';
import { tellBothSides } from './notify.ts';
import { needInView, type NeedInView } from './policy.ts';
import { peopleById, toNeedSummary } from './views.ts';

/**
 * The coordinators' side: a queue of what is waiting (open needs, most urgent and oldest
 * first, with how many offers could meet each), then the needs in hand. Coordinators see
 * coarse areas and who helps, never a need's place or contact (see policy.ts).
 */
const queueSize = 200;

export async function dispatchQueue(ctx: Ctx, slug: string): Promise<DispatchItem[]> {
  const { group } = await coordinatedNetwork(ctx, slug);
  const now = instant(ctx.clock.now());
  const rows = await ctx.db
    .selectFrom('aid_needs')
    .selectAll()
    .where('network_id', '=', group.id)
    .where('status', 'in', ['open', 'claimed'])
    .orderBy(sql`case status when 'open' then 0 else 1 end`)
    .orderBy(sql`case urgency when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`)
    .orderBy('created_at')
    .limit(queueSize)
    .execute();
  const people = await peopleById(ctx.db, rows.map((row) => row.helper_id));
  const items: DispatchItem[] = [];
  for (const row of rows) {
    const nearby = row.status === 'open' && row.until_at > now ? (await nearestOffers(ctx.db, row, now, 20)).length : 0;
    const helper = row.helper_id ? (people.get(row.helper_id) ?? null) : null;
    items.push({ ...toNeedSummary(row, slug), helper, claimedAt: row.claimed_at, nearbyOffers: nearby });
  }
  return items;
}

async function coordinating(ctx: Ctx, needId: string): Promise<NeedInView> {
  const seen = await needInView(ctx, needId, null);
  if (seen.role !== 'coordinator') throw forbidden('Only coordinators of this network may do that.');
  return seen;
}

/** A coordinator gives an open need to a member who can meet it. */
export async function assignNeed(ctx: Ctx, needId: string, input: { helper: string; offerId?: string | undefined }): Promise<Need> {
  const seen = await coordinating(ctx, needId);
  const helper = await ctx.db.selectFrom('users').select('id').where('handle', '=', input.helper.trim().toLowerCase()).executeTakeFirst();
  if (!helper || !(await roleIn(ctx.db, seen.group.id, helper.id))) throw invalid('not_a_member', { helper: 'Not a member of this network' });
  if (helper.id === seen.need.poster_id) throw conflict('own_need', 'The person who posted this need cannot be its helper.');
  const offerId = await helperOffer(ctx.db, seen.need, helper.id, input.offerId);
  await ctx.db.transaction().execute(async (trx) => {
    await takeNeed(trx, ctx, seen.need, helper.id, offerId);
    await tellBothSides(trx, ctx.clock, seen.need, 'assigned', helper.id, helper.id === ctx.actor?.userId ? 'helper' : 'coordinator');
  });
  return present(ctx, seen);
}

/** Abuse: the need is erased at once, leaving only a count under "removed". */
export async function removeNeed(ctx: Ctx, needId: string): Promise<void> {
  const seen = await coordinating(ctx, needId);
  await removeAtOnce(ctx, seen.need);
}
