import type { Generated, Selectable } from 'kysely';

/**
 * Rows of mutual aid. A network is a group; these tables hang off `groups.id`.
 * Areas are coordinates rounded to 2 decimals (about 1 km) and kept in the clear for
 * matching and maps; the exact place, the contact and the notification email of a need are
 * sealed with the need's own data key (src/core/crypto.ts), AAD naming the row and field.
 */
export interface AidNetworkRow {
  group_id: string;
  /** JSON list of category names; a network without a row uses the defaults. */
  categories: string;
  created_at: string;
  updated_at: string;
}

export interface AidNeedTable {
  /** Integer key of the geo index (SQLite R*Tree ids are integers; rowids may move on VACUUM). */
  seq: Generated<number>;
  id: string;
  network_id: string;
  category: string;
  description: string;
  /** low | normal | high | urgent */
  urgency: string;
  from_at: string;
  until_at: string;
  lat: number;
  lon: number;
  /** Partition key of the SQLite geo index: network and category (src/store/dialect/geo.ts). */
  geo_slot: number;
  /** The need's data key wrapped by the master secret. */
  wrapped_key: string;
  /** Sealed exact address, AAD `aid-need-place:<id>`. */
  sealed_place: string | null;
  /** Sealed contact method, AAD `aid-need-contact:<id>`. */
  sealed_contact: string | null;
  /** Sealed email for notifications, AAD `aid-need-email:<id>`. */
  sealed_email: string | null;
  /** hashToken of the poster's device ticket. */
  ticket_hash: string;
  poster_id: string | null;
  /** open | claimed | fulfilled | withdrawn | expired */
  status: string;
  helper_id: string | null;
  /** The helper's offer the claim was made through, when there was one. */
  offer_id: string | null;
  claimed_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AidOfferTable {
  seq: Generated<number>;
  id: string;
  network_id: string;
  helper_id: string;
  category: string;
  description: string;
  from_at: string;
  until_at: string;
  lat: number;
  lon: number;
  geo_slot: number;
  /** How far the helper will go, in whole kilometres. */
  radius_km: number;
  created_at: string;
  updated_at: string;
}

/** All that outlives an erased need. */
export interface AidCountRow {
  network_id: string;
  category: string;
  /** YYYY-MM (UTC) of the month the need closed. */
  month: string;
  /** fulfilled | withdrawn | expired | removed */
  outcome: string;
  count: number;
}

/** A create seen before, so a repeated submission answers the first result instead of a copy. */
export interface AidIdempotencyRow {
  /** hashToken of the scope and the client's Idempotency-Key. */
  key_hash: string;
  /** hashToken of the request body, so a key reused for something else is refused. */
  fingerprint: string;
  target_id: string;
  /** The device ticket of a new need, sealed with the need's key (AAD `aid-need-ticket:<id>`), for a replay. */
  sealed_ticket: string | null;
  created_at: string;
  expires_at: string;
}

export type AidNeedRow = Selectable<AidNeedTable>;
export type AidOfferRow = Selectable<AidOfferTable>;

export interface AidTables {
  aid_networks: AidNetworkRow;
  aid_needs: AidNeedTable;
  aid_offers: AidOfferTable;
  aid_counts: AidCountRow;
  aid_idempotency: AidIdempotencyRow;
}
