import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { requireActor } from '../groups/policy.ts';
import { needsForHelper, nearestOffers } from './matching.ts';
import type { NeedMatch, OfferMatch } from './model.ts';
import { memberNetwork } from './networks.ts';
import { presentOffers } from './offers.ts';
import { needInView } from './policy.ts';
import { toNeedSummary } from './views.ts';

const roundKm = (km: number): number => Math.round(km * 10) / 10;

/**
 * The nearest open offers that could meet a need, for anyone who may see the need. A poster
 * outside the network learns that help is near and what kind, not who offers it.
 */
export async function offersForNeed(ctx: Ctx, needId: string, ticket: string | null, limit: number): Promise<OfferMatch[]> {
  const seen = await needInView(ctx, needId, ticket);
  if (seen.need.status !== 'open') return [];
  const fits = await nearestOffers(ctx.db, seen.need, instant(ctx.clock.now()), limit);
  const offers = await presentOffers(ctx, fits.map((fit) => fit.row), seen.group.slug, seen.role !== null);
  return offers.map((offer, i) => ({ ...offer, distanceKm: roundKm(fits[i]!.distanceKm) }));
}

/** For a helper: the nearest open needs that fit any of their current offers in the network. */
export async function matchesForMe(ctx: Ctx, slug: string, limit: number): Promise<NeedMatch[]> {
  const actor = requireActor(ctx);
  const { group } = await memberNetwork(ctx, slug);
  const fits = await needsForHelper(ctx.db, group.id, actor.userId, instant(ctx.clock.now()), limit);
  return fits.map((fit) => ({ ...toNeedSummary(fit.row, slug), distanceKm: roundKm(fit.distanceKm), offerId: fit.offerId }));
}
