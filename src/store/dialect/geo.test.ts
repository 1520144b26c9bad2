import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshStore, skipReason, type TestStore } from '../../../test/support/stores.ts';
import { insertPerson } from '../../groups/test-fixtures.ts';
import { boxesAround, dialectOf, distanceKm, geoSlot, withinKm } from './geo.ts';

/** The geo seam: exact distances in JS, and an index search on each dialect that never misses a point. */
describe('geo helpers', () => {
  it('measures great-circle distances', () => {
    assert.ok(Math.abs(distanceKm({ lat: 51.5074, lon: -0.1278 }, { lat: 48.8566, lon: 2.3522 }) - 343.5) < 1);
    assert.ok(Math.abs(distanceKm({ lat: 0, lon: 179.9 }, { lat: 0, lon: -179.9 }) - 22.24) < 0.01);
    assert.equal(distanceKm({ lat: 10, lon: 10 }, { lat: 10, lon: 10 }), 0);
  });

  it('splits a box at the antimeridian and opens it over a pole', () => {
    const east = boxesAround({ lat: 0, lon: 179.95 }, 20);
    assert.equal(east.length, 2);
    assert.equal(east[0]!.maxLon, 180);
    assert.equal(east[1]!.minLon, -180);
    const pole = boxesAround({ lat: 89.9, lon: 10 }, 50);
    assert.deepEqual([pole.length, pole[0]!.minLon, pole[0]!.maxLon, pole[0]!.maxLat], [1, -180, 180, 90]);
  });

  it('keeps slots within 24 bits, so a float32 R*Tree coordinate holds them exactly', () => {
    for (const category of ['food', 'shelter', 'x'.repeat(30)]) {
      const slot = geoSlot('0190a0b0-0000-7000-8000-000000000001', category);
      assert.ok(Number.isInteger(slot) && slot >= 0 && slot < 2 ** 24);
      assert.equal(Math.fround(slot), slot);
    }
  });
});

function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

for (const dialect of dialects) {
  describe(`geo index on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    const points: Array<{ id: string; lat: number; lon: number; geo_slot: number }> = [];
    before(async () => {
      if (skip) return;
      t = await freshStore(dialect);
      const db = t.store.db;
      const helper = await insertPerson(db, 'geo_helper');
      const now = new Date().toISOString();
      await db.insertInto('groups').values({ id: 'g', slug: 'g', name: 'g', kind: 'network', visibility: 'public', join_policy: 'open', member_list: 'public', description: '', city: '', lat: null, lon: null, contact: '', meeting_rhythm: '', created_at: now, updated_at: now }).execute();
      const rand = random(7);
      for (let i = 0; i < 600; i++) {
        // Half spread over the globe (poles and the antimeridian included), half in one region.
        const lat = Math.round((i % 2 ? -90 + rand() * 180 : 40 + rand() * 2) * 100) / 100;
        const spread = i % 2 ? -180 + rand() * 360 : 179 + rand() * 2;
        const lon = Math.round((spread > 180 ? spread - 360 : spread) * 100) / 100;
        const row = { id: `p${i}`, lat, lon, geo_slot: geoSlot('g', i % 3 ? 'food' : 'legal') };
        points.push(row);
        await db.insertInto('aid_offers').values({ ...row, network_id: 'g', helper_id: helper.userId, category: 'food', description: '', from_at: now, until_at: now, radius_km: 5, created_at: now, updated_at: now }).execute();
      }
    });
    after(async () => t?.dispose());

    it('returns every point within the radius (and perhaps a few more)', { skip }, async () => {
      const rand = random(11);
      const centers = [{ lat: 41, lon: 180 }, { lat: 41, lon: -179.99 }, { lat: 89.99, lon: 0 }, { lat: -89.99, lon: 45 }];
      for (let i = 0; i < 40; i++) centers.push(points[Math.floor(rand() * points.length)]!);
      for (const center of centers) {
        for (const km of [1, 30, 200]) {
          for (const slot of [null, geoSlot('g', 'food')]) {
            const rows = await t.store.db.selectFrom('aid_offers').select('id').where(withinKm(dialectOf(t.store.db), 'aid_offers', center, km, slot)).execute();
            const found = new Set(rows.map((r) => r.id));
            const wanted = points.filter((p) => distanceKm(center, p) <= km && (slot === null || p.geo_slot === slot));
            for (const p of wanted) assert.ok(found.has(p.id), `${p.id} at ${p.lat},${p.lon} is within ${km} km of ${center.lat},${center.lon}`);
          }
        }
      }
    });
  });
}
