/** JSON shapes of mutual aid (src/aid/model.ts on the server; see /api/openapi.json). */

export type Urgency = 'low' | 'normal' | 'high' | 'urgent';
export type NeedStatus = 'open' | 'claimed' | 'fulfilled' | 'withdrawn' | 'expired';
export type NeedViewer = 'poster' | 'claimer' | 'coordinator' | 'member';

/** A coarse area: coordinates rounded to about 1 km. */
export interface Area {
  lat: number;
  lon: number;
}

export interface AidPerson {
  handle: string;
  displayName: string;
}

/** Map pictures, when the server's operator configured a tile server; without them the map is plain. */
export interface TileSource {
  url: string;
  attribution: string;
}

export interface AidNetwork {
  slug: string;
  name: string;
  categories: string[];
  urgencies: Urgency[];
  retentionDays: number;
  /** Centre of the network (the group's own coarse area), when it has one. */
  area?: Area | null;
  tiles?: TileSource | null;
  viewer: { role: 'member' | 'coordinator' | null; canPost: boolean; canHelp: boolean };
}

export interface NeedSummary {
  id: string;
  network: string;
  category: string;
  description: string;
  urgency: Urgency;
  from: string;
  until: string;
  area: Area;
  status: NeedStatus;
  createdAt: string;
  updatedAt: string;
}

export interface NeedDetails {
  place: string | null;
  contact: string | null;
  email: string | null;
}

export interface Need extends NeedSummary {
  viewer: NeedViewer;
  helper: AidPerson | null;
  claimedAt: string | null;
  closedAt: string | null;
  details: NeedDetails | null;
}

export interface PostedNeed {
  need: Need;
  ticket: string;
}

export interface NeedMatch extends NeedSummary {
  distanceKm: number;
  offerId: string;
}

export interface DispatchItem extends NeedSummary {
  helper: AidPerson | null;
  claimedAt: string | null;
  nearbyOffers: number;
}

export interface Offer {
  id: string;
  network: string;
  category: string;
  description: string;
  from: string;
  until: string;
  area: Area;
  radiusKm: number;
  helper: AidPerson | null;
  mine: boolean;
  createdAt: string;
}

export interface OfferMatch extends Offer {
  distanceKm: number;
}

export interface MyAid {
  offers: Offer[];
  claims: Need[];
  posted: Need[];
}

export interface NewNeed {
  category: string;
  description: string;
  urgency: Urgency;
  from?: string;
  until?: string;
  lat: number;
  lon: number;
  place?: string;
  contact?: string;
  email?: string;
}

export interface NewOffer {
  category: string;
  description: string;
  from?: string;
  until?: string;
  lat: number;
  lon: number;
  radiusKm: number;
}

/** Needs that are over: nothing more can happen to them. */
export const closedStatuses: ReadonlySet<NeedStatus> = new Set(['fulfilled', 'withdrawn', 'expired']);
