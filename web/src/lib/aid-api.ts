import { enc, request } from './api.ts';
import type { AidNetwork, DispatchItem, MyAid, Need, NeedMatch, NeedSummary, NewNeed, NewOffer, Offer, OfferMatch, PostedNeed } from './aid.ts';
import { needTicketHeader } from './aid-device.ts';
import type { Group } from './types.ts';

/** Every call the mutual aid pages make; the device ticket travels only in a header. */
const network = (slug: string) => `/groups/${enc(slug)}/aid`;
const need = (id: string) => `/aid/needs/${enc(id)}`;

export interface NearQuery {
  lat?: number;
  lon?: number;
  km?: number;
  category?: string;
}

function query(q: NearQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The network's aid settings, with the group's own coarse area as a starting point for maps. */
async function loadNetwork(slug: string): Promise<AidNetwork> {
  const [aid, group] = await Promise.all([request<AidNetwork>('GET', network(slug)), request<Group>('GET', `/groups/${enc(slug)}`)]);
  return { ...aid, area: aid.area ?? (group.lat !== null && group.lon !== null ? { lat: group.lat, lon: group.lon } : null) };
}

export const aidApi = {
  network: loadNetwork,
  setCategories: (slug: string, categories: string[]) => request<AidNetwork>('PATCH', network(slug), { categories }),
  needs: (slug: string, q: NearQuery = {}) => request<{ needs: NeedSummary[] }>('GET', `${network(slug)}/needs${query(q)}`),
  offers: (slug: string, q: NearQuery = {}) => request<{ offers: Offer[] }>('GET', `${network(slug)}/offers${query(q)}`),
  matches: (slug: string) => request<{ needs: NeedMatch[] }>('GET', `${network(slug)}/matches`),
  dispatch: (slug: string) => request<{ needs: DispatchItem[] }>('GET', `${network(slug)}/dispatch`),
  mine: () => request<MyAid>('GET', '/me/aid'),

  postNeed: (slug: string, body: NewNeed, key: string) => request<PostedNeed>('POST', `${network(slug)}/needs`, body, { 'Idempotency-Key': key }),
  postOffer: (slug: string, body: NewOffer, key: string) => request<Offer>('POST', `${network(slug)}/offers`, body, { 'Idempotency-Key': key }),
  withdrawOffer: (id: string) => request<void>('DELETE', `/aid/offers/${enc(id)}`),

  need: (id: string) => request<Need>('GET', need(id), undefined, needTicketHeader(id)),
  offersForNeed: (id: string) => request<{ offers: OfferMatch[] }>('GET', `${need(id)}/offers`, undefined, needTicketHeader(id)),
  claim: (id: string, offerId?: string) => request<Need>('POST', `${need(id)}/claim`, offerId ? { offerId } : {}),
  release: (id: string) => request<Need>('POST', `${need(id)}/release`, {}),
  fulfil: (id: string) => request<Need>('POST', `${need(id)}/fulfil`, {}, needTicketHeader(id)),
  withdraw: (id: string) => request<Need>('POST', `${need(id)}/withdraw`, {}, needTicketHeader(id)),
  assign: (id: string, helper: string, offerId?: string) => request<Need>('POST', `${need(id)}/assign`, offerId ? { helper, offerId } : { helper }),
  remove: (id: string) => request<void>('DELETE', need(id)),
};
