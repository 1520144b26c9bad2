import type { Kysely } from 'kysely';
import { dialectOf, distanceKm, geoSlot, withinKm, type Point } from '../store/dialect/geo.ts';
import type { Database } from '../store/schema.ts';
import { urgencyRank } from './input.ts';
import { maxRadiusKm } from './model.ts';
import type { AidNeedRow, AidOfferRow } from './rows.ts';

/**
 * A need and an offer fit when they are in the same network and category, their windows
 * overlap, both are still current, the need is open, the need lies within the offer's
 * radius, and the helper did not post the need. Nearest first; among equals, the more urgent
 * need, then the id, so the order is total and the same on both dialects.
 *
 * k-nearest by widening circles: search a small circle through the geo index, and stop as
 * soon as k fits lie inside it (nothing outside a circle can be nearer than anything in it);
 * otherwise double it, up to the largest radius an offer may have.
 */
// Small enough that a dense city answers from one or two short searches.
const firstRadiusKm = 2;

export interface Fit<R> {
  row: R;
  distanceKm: number;
}

async function widening<R extends Point>(search: (radiusKm: number) => Promise<R[]>, center: Point, maxKm: number, k: number, fits: (row: R, km: number) => boolean, order: (a: Fit<R>, b: Fit<R>) => number): Promise<Array<Fit<R>>> {
  for (let radius = Math.min(firstRadiusKm, maxKm); ; radius = Math.min(maxKm, radius * 2)) {
    const found: Array<Fit<R>> = [];
    for (const row of await search(radius)) {
      const km = distanceKm(center, { lat: Number(row.lat), lon: Number(row.lon) });
      if (km <= radius && fits(row, km)) found.push({ row, distanceKm: km });
    }
    if (found.length >= k || radius >= maxKm) return found.sort(order).slice(0, k);
  }
}

export const offerOrder = (a: Fit<AidOfferRow>, b: Fit<AidOfferRow>): number => a.distanceKm - b.distanceKm || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0);

export const needOrder = (a: Fit<AidNeedRow>, b: Fit<AidNeedRow>): number =>
  a.distanceKm - b.distanceKm || urgencyRank[a.row.urgency]! - urgencyRank[b.row.urgency]! || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0);

type NeedShape = Pick<AidNeedRow, 'network_id' | 'category' | 'from_at' | 'until_at' | 'lat' | 'lon' | 'poster_id'>;

/** The nearest open offers that fit a need. */
export async function nearestOffers(db: Kysely<Database>, need: NeedShape, now: string, k: number): Promise<Array<Fit<AidOfferRow>>> {
  if (need.until_at <= now) return [];
  const dialect = dialectOf(db);
  const center = { lat: Number(need.lat), lon: Number(need.lon) };
  const slot = geoSlot(need.network_id, need.category);
  const search = (radiusKm: number) =>
    db
      .selectFrom('aid_offers')
      .selectAll()
      .where(withinKm(dialect, 'aid_offers', center, radiusKm, slot))
      .where('network_id', '=', need.network_id)
      .where('category', '=', need.category)
      .where('until_at', '>', now)
      .where('from_at', '<', need.until_at)
      .where('until_at', '>', need.from_at)
      .$if(need.poster_id !== null, (qb) => qb.where('helper_id', '!=', need.poster_id!))
      .execute();
  return widening(search, center, maxRadiusKm, k, (offer, km) => km <= offer.radius_km, offerOrder);
}

/** The nearest open needs that fit one offer. */
export async function nearestNeeds(db: Kysely<Database>, offer: AidOfferRow, now: string, k: number): Promise<Array<Fit<AidNeedRow>>> {
  const dialect = dialectOf(db);
  const center = { lat: Number(offer.lat), lon: Number(offer.lon) };
  const search = (radiusKm: number) =>
    db
      .selectFrom('aid_needs')
      .selectAll()
      .where(withinKm(dialect, 'aid_needs', center, radiusKm, offer.geo_slot))
      .where('network_id', '=', offer.network_id)
      .where('category', '=', offer.category)
      .where('status', '=', 'open')
      .where('until_at', '>', now)
      .where('from_at', '<', offer.until_at)
      .where('until_at', '>', offer.from_at)
      .where((eb) => eb.or([eb('poster_id', 'is', null), eb('poster_id', '!=', offer.helper_id)]))
      .execute();
  return widening(search, center, Number(offer.radius_km), k, () => true, needOrder);
}

/**
 * The nearest open needs fitting any of a helper's current offers in a network, each need
 * once, through the offer it is nearest to. Exact: a need in the overall top k is within
 * the top k of the offer it is nearest to.
 */
export async function needsForHelper(db: Kysely<Database>, networkId: string, helperId: string, now: string, k: number): Promise<Array<Fit<AidNeedRow> & { offerId: string }>> {
  const offers = await db
    .selectFrom('aid_offers')
    .selectAll()
    .where('network_id', '=', networkId)
    .where('helper_id', '=', helperId)
    .where('until_at', '>', now)
    .orderBy('id')
    .execute();
  const best = new Map<string, Fit<AidNeedRow> & { offerId: string }>();
  for (const offer of offers) {
    for (const fit of await nearestNeeds(db, offer, now, k)) {
      const known = best.get(fit.row.id);
      if (!known || fit.distanceKm < known.distanceKm) best.set(fit.row.id, { ...fit, offerId: offer.id });
    }
  }
  return [...best.values()].sort(needOrder).slice(0, k);
}

/** Rows of a list or map near a point: all within km (not only the nearest few), nearest first. */
export function nearFirst<R extends Point>(rows: R[], center: Point, km: number): Array<Fit<R>> {
  return rows
    .map((row) => ({ row, distanceKm: distanceKm(center, { lat: Number(row.lat), lon: Number(row.lon) }) }))
    .filter((fit) => fit.distanceKm <= km)
    .sort((a, b) => a.distanceKm - b.distanceKm);
}
