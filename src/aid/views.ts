import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../store/schema.ts';
import type { Need, NeedStatus, NeedSummary, NeedViewer, Offer, Urgency } from './model.ts';
import { seesDetails, seesHelper } from './policy.ts';
import type { AidNeedRow, AidOfferRow } from './rows.ts';
import { needKey, openField } from './secrets.ts';

/** Rows to what callers see. Only presentNeed opens sealed fields, and only for seesDetails(). */
export interface Person {
  handle: string;
  displayName: string;
}

export function toNeedSummary(row: AidNeedRow, network: string): NeedSummary {
  return {
    id: row.id,
    network,
    category: row.category,
    description: row.description,
    urgency: row.urgency as Urgency,
    from: row.from_at,
    until: row.until_at,
    area: { lat: Number(row.lat), lon: Number(row.lon) },
    status: row.status as NeedStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function peopleById(db: Kysely<Database>, ids: ReadonlyArray<string | null>): Promise<Map<string, Person>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'handle', 'display_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, { handle: r.handle, displayName: r.display_name }]));
}

export async function presentNeed(db: Kysely<Database>, config: Pick<Config, 'masterSecret'>, row: AidNeedRow, network: string, viewer: NeedViewer): Promise<Need> {
  const helper = seesHelper(viewer) && row.helper_id ? ((await peopleById(db, [row.helper_id])).get(row.helper_id) ?? null) : null;
  let details: Need['details'] = null;
  if (seesDetails(viewer)) {
    const key = needKey(config, row);
    details = {
      place: openField(key, row.id, 'place', row.sealed_place),
      contact: openField(key, row.id, 'contact', row.sealed_contact),
      email: viewer === 'poster' ? openField(key, row.id, 'email', row.sealed_email) : null,
    };
  }
  return { ...toNeedSummary(row, network), viewer, helper, claimedAt: row.claimed_at, closedAt: row.closed_at, details };
}

export function toOffer(row: AidOfferRow, network: string, helper: Person | null, mine: boolean): Offer {
  return {
    id: row.id,
    network,
    category: row.category,
    description: row.description,
    from: row.from_at,
    until: row.until_at,
    area: { lat: Number(row.lat), lon: Number(row.lon) },
    radiusKm: Number(row.radius_km),
    helper,
    mine,
    createdAt: row.created_at,
  };
}
