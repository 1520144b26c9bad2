import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { dialects, freshStore, skipReason, type TestStore } from '../../test/support/stores.ts';
import { addMs, instant } from '../core/clock.ts';
import { insertPerson } from '../groups/test-fixtures.ts';
import { distanceKm, geoSlot } from '../store/dialect/geo.ts';
import type { Database } from '../store/schema.ts';
import { needOrder, needsForHelper, nearestOffers, offerOrder, type Fit } from './matching.ts';
import type { AidNeedRow, AidOfferRow } from './rows.ts';

/**
 * The geo-indexed matching against a brute-force reference over random data: the same
 * answers, in the same order, on both dialects. The data is dense around one city (so the
 * widening search stops early) and scattered across the antimeridian (so boxes split).
 */
const now = new Date('2026-06-01T12:00:00.000Z');
const hourMs = 60 * 60 * 1000;

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const categories = ['food', 'transport', 'medical'];
const round2 = (x: number) => Math.round(x * 100) / 100 + 0;

interface Data {
  networks: string[];
  helpers: string[];
  offers: AidOfferRow[];
  needs: AidNeedRow[];
}

async function seed(db: Kysely<Database>, rand: () => number): Promise<Data> {
  const networks: string[] = [];
  for (const name of ['north', 'south']) {
    const id = `net-${name}`;
    await db.insertInto('groups').values({ id, slug: id, name, kind: 'network', visibility: 'public', join_policy: 'open', member_list: 'public', description: '', city: '', lat: null, lon: null, contact: '', meeting_rhythm: '', created_at: instant(now), updated_at: instant(now) }).execute();
    networks.push(id);
  }
  const helpers: string[] = [];
  for (let i = 0; i < 12; i++) helpers.push((await insertPerson(db, `helper_${i}`)).userId);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const place = () =>
    rand() < 0.75
      ? { lat: round2(51.3 + rand() * 0.4), lon: round2(-0.4 + rand() * 0.6) }
      : { lat: round2(-17 - rand() * 1), lon: round2(rand() < 0.5 ? 179.5 + rand() * 0.5 : -180 + rand() * 0.5) };
  const window = () => {
    const from = addMs(now, (rand() * 24 * 14 - 24 * 3) * hourMs);
    return { from_at: instant(from), until_at: instant(addMs(from, (1 + rand() * 24 * 5) * hourMs)) };
  };
  const offers: AidOfferRow[] = [];
  for (let i = 0; i < 1500; i++) {
    const network = pick(networks);
    const category = pick(categories);
    const row = { id: `offer-${String(i).padStart(5, '0')}`, network_id: network, helper_id: pick(helpers), category, description: '', ...window(), ...place(), geo_slot: geoSlot(network, category), radius_km: 1 + Math.floor(rand() * 50), created_at: instant(now), updated_at: instant(now) };
    await db.insertInto('aid_offers').values(row).execute();
    offers.push({ ...row, seq: 0 });
  }
  const needs: AidNeedRow[] = [];
  for (let i = 0; i < 1500; i++) {
    const network = pick(networks);
    const category = pick(categories);
    const row = {
      id: `need-${String(i).padStart(5, '0')}`, network_id: network, category, description: '', urgency: pick(['low', 'normal', 'high', 'urgent']), ...window(), ...place(),
      geo_slot: geoSlot(network, category), wrapped_key: 'x', sealed_place: null, sealed_contact: null, sealed_email: null, ticket_hash: `t${i}`,
      poster_id: rand() < 0.2 ? pick(helpers) : null, status: rand() < 0.8 ? 'open' : pick(['claimed', 'fulfilled']), helper_id: null, offer_id: null,
      claimed_at: null, closed_at: null, created_at: instant(now), updated_at: instant(now),
    };
    await db.insertInto('aid_needs').values(row).execute();
    needs.push({ ...row, seq: 0 });
  }
  return { networks, helpers, offers, needs };
}

const at = instant(now);
const overlaps = (a: { from_at: string; until_at: string }, b: { from_at: string; until_at: string }) => a.from_at < b.until_at && b.from_at < a.until_at;

function fits(need: AidNeedRow, offer: AidOfferRow): number | null {
  if (need.network_id !== offer.network_id || need.category !== offer.category || need.status !== 'open') return null;
  if (need.until_at <= at || offer.until_at <= at || !overlaps(need, offer) || need.poster_id === offer.helper_id) return null;
  const km = distanceKm(need, offer);
  return km <= offer.radius_km ? km : null;
}

function referenceOffers(data: Data, need: AidNeedRow, k: number): Array<Fit<AidOfferRow>> {
  const open = { ...need, status: 'open' };
  return data.offers.flatMap((row) => {
    const km = fits(open, row);
    return km === null ? [] : [{ row, distanceKm: km }];
  }).sort(offerOrder).slice(0, k);
}

function referenceNeeds(data: Data, networkId: string, helperId: string, k: number): Array<Fit<AidNeedRow>> {
  const mine = data.offers.filter((o) => o.helper_id === helperId && o.network_id === networkId);
  return data.needs.flatMap((row) => {
    const kms = mine.map((offer) => fits(row, offer)).filter((km): km is number => km !== null);
    return kms.length ? [{ row, distanceKm: Math.min(...kms) }] : [];
  }).sort(needOrder).slice(0, k);
}

const ids = <R extends { id: string }>(fitsList: Array<Fit<R>>) => fitsList.map((f) => `${f.row.id}@${f.distanceKm.toFixed(9)}`);

for (const dialect of dialects) {
  describe(`matching on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    let data: Data;
    before(async () => {
      if (skip) return;
      t = await freshStore(dialect);
      data = await seed(t.store.db, random(20260601));
    });
    after(async () => t?.dispose());

    it('finds, for any need, exactly the nearest fitting offers the brute force finds', { skip }, async () => {
      let nonEmpty = 0;
      for (const need of data.needs.slice(0, 300)) {
        for (const k of [1, 20]) {
          const found = await nearestOffers(t.store.db, need, at, k);
          assert.deepEqual(ids(found), ids(referenceOffers(data, need, k)), `need ${need.id}, k=${k}`);
          if (found.length) nonEmpty++;
        }
      }
      assert.ok(nonEmpty > 100, `the data should produce matches (${nonEmpty})`);
    });

    it('finds, for any helper, exactly the nearest fitting open needs the brute force finds', { skip }, async () => {
      let total = 0;
      for (const network of data.networks) {
        for (const helper of data.helpers) {
          for (const k of network === data.networks[0] ? [3, 20] : [20]) {
            const found = await needsForHelper(t.store.db, network, helper, at, k);
            assert.deepEqual(ids(found), ids(referenceNeeds(data, network, helper, k)), `helper ${helper} in ${network}, k=${k}`);
            total += found.length;
          }
        }
      }
      assert.ok(total > 100, `the data should produce matches (${total})`);
    });

    it('matches across the antimeridian', { skip }, async () => {
      const east = data.needs.find((n) => n.lon >= 179.9 && n.status === 'open' && n.until_at > at);
      assert.ok(east, 'the data has a need just east of 180°');
      const reference = referenceOffers(data, east, 50);
      assert.ok(reference.some((f) => f.row.lon < 0), 'some fitting offer lies west of the antimeridian');
      assert.deepEqual(ids(await nearestOffers(t.store.db, east, at, 50)), ids(reference));
    });
  });
}
