import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { parseInput } from '../groups/model.ts';
import { requireActor, roleIn } from '../groups/policy.ts';
import { dialectOf, geoSlot, withinKm } from '../store/dialect/geo.ts';
import { isUniqueViolation } from '../store/errors.ts';
import { scheduleJob } from '../jobs/schedule.ts';
import { offerExpiryJob } from './erasure.ts';
import { idempotentRequest, recall, remember } from './idempotency.ts';
import { checkCategory, coarse, resolveWindow } from './input.ts';
import { nearFirst } from './matching.ts';
import { newOfferSchema, type ListQuery, type NewOffer, type Offer } from './model.ts';
import { categoriesOf, memberNetwork } from './networks.ts';
import type { AidOfferRow } from './rows.ts';
import { peopleById, toOffer } from './views.ts';

/**
 * Offers are what members can do: a category, a window, a coarse area and how far they will
 * go. An offer stays open for any number of needs until its window ends (then it is deleted)
 * or its helper or a coordinator takes it down. Offers are seen by members only.
 */
export async function postOffer(ctx: Ctx, slug: string, input: NewOffer, idempotencyKey?: string): Promise<Offer & { replayed: boolean }> {
  const actor = requireActor(ctx);
  const data = parseInput(newOfferSchema, input);
  const { group } = await memberNetwork(ctx, slug);
  const request = idempotentRequest(idempotencyKey, `offer:${group.id}:${actor.userId}`, data);
  const now = ctx.clock.now();
  const replay = async (offerId: string) => ({ ...(await presentOffer(ctx, offerId, slug)), replayed: true });
  if (request) {
    const earlier = await recall(ctx.db, request, now);
    if (earlier) return replay(earlier.targetId);
  }
  checkCategory(await categoriesOf(ctx.db, group.id), data.category);
  const window = resolveWindow(now, data.from, data.until);
  const id = uuidv7(now.getTime());
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('aid_offers')
        .values({
          id,
          network_id: group.id,
          helper_id: actor.userId,
          category: data.category,
          description: data.description,
          from_at: window.from,
          until_at: window.until,
          lat: coarse(data.lat),
          lon: coarse(data.lon),
          geo_slot: geoSlot(group.id, data.category),
          radius_km: data.radiusKm,
          created_at: instant(now),
          updated_at: instant(now),
        })
        .execute();
      await scheduleJob(trx, { kind: offerExpiryJob, runAt: new Date(window.until), payload: { offerId: id }, dedupeKey: `aid-offer:${id}:expire` }, ctx.clock);
      if (request) await remember(trx, request, { targetId: id, sealedTicket: null }, now);
    });
  } catch (err) {
    const earlier = request && isUniqueViolation(err) ? await recall(ctx.db, request, now) : null;
    if (earlier) return replay(earlier.targetId);
    throw err;
  }
  return { ...(await presentOffer(ctx, id, slug)), replayed: false };
}

async function presentOffer(ctx: Ctx, offerId: string, slug: string): Promise<Offer> {
  const row = await ctx.db.selectFrom('aid_offers').selectAll().where('id', '=', offerId).executeTakeFirst();
  if (!row) throw notFound();
  return (await presentOffers(ctx, [row], slug, true))[0]!;
}

/** `withHelper`: whether the caller is in the network and so may know who offers. */
export async function presentOffers(ctx: Ctx, rows: AidOfferRow[], slug: string, withHelper: boolean): Promise<Offer[]> {
  const people = withHelper ? await peopleById(ctx.db, rows.map((r) => r.helper_id)) : new Map();
  return rows.map((row) => toOffer(row, slug, people.get(row.helper_id) ?? null, row.helper_id === ctx.actor?.userId));
}

export async function listOffers(ctx: Ctx, slug: string, query: ListQuery): Promise<Offer[]> {
  const { group } = await memberNetwork(ctx, slug);
  const center = query.lat !== undefined && query.lon !== undefined ? { lat: query.lat, lon: query.lon } : null;
  const slot = query.category === undefined ? null : geoSlot(group.id, query.category);
  const rows = await ctx.db
    .selectFrom('aid_offers')
    .selectAll()
    .where('network_id', '=', group.id)
    .where('until_at', '>', instant(ctx.clock.now()))
    .$if(query.category !== undefined, (qb) => qb.where('category', '=', query.category!))
    .$if(center !== null, (qb) => qb.where(withinKm(dialectOf(ctx.db), 'aid_offers', center!, query.km, slot)))
    .orderBy('created_at', 'desc')
    .limit(center ? 5000 : query.limit)
    .execute();
  const ordered = center ? nearFirst(rows, center, query.km).map((fit) => fit.row) : rows;
  return presentOffers(ctx, ordered.slice(0, query.limit), slug, true);
}

/** Its helper or a coordinator takes an offer down; needs claimed through it stay claimed. */
export async function withdrawOffer(ctx: Ctx, offerId: string): Promise<void> {
  const actor = requireActor(ctx);
  const offer = await ctx.db.selectFrom('aid_offers').select(['id', 'network_id', 'helper_id']).where('id', '=', offerId).executeTakeFirst();
  if (!offer) throw notFound();
  const role = await roleIn(ctx.db, offer.network_id, actor.userId);
  if (offer.helper_id !== actor.userId) {
    if (role === null) throw notFound();
    if (role !== 'coordinator') throw forbidden('Only its helper or a coordinator may take an offer down.');
  }
  await ctx.db.deleteFrom('aid_offers').where('id', '=', offer.id).execute();
}
