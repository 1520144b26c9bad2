import { PostgresAdapter, sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DialectName } from '../store.ts';

/**
 * Nearby search with a real spatial index on each dialect, behind two small functions:
 * `createGeoIndex` (migrations) and `withinKm` (a WHERE condition that the index serves).
 *
 * SQLite: an R*Tree virtual table `<table>_geo` kept in sync with the rows by triggers.
 * PostgreSQL: the cube and earthdistance extensions and a GiST index on the point's position
 * on the earth (ll_to_earth), searched with a box around the centre.
 * On both, one more dimension holds a partition key (`geo_slot`, from the network and the
 * category), so a search reads only rows it could match instead of every category in the
 * box; that makes matching several times faster (bench/aid.ts).
 *
 * Both return a superset (a box around the circle); callers keep rows whose exact distance,
 * `distanceKm`, is within the radius, so both dialects give identical answers.
 */

export interface Point {
  lat: number;
  lon: number;
}

/** Mean earth radius (IUGG). */
export const earthRadiusKm = 6371.0088;
/** earthdistance's earth() radius, in metres; its cube coordinates are in these units. */
const pgEarthMetres = 6378168;

export type GeoTable = 'aid_needs' | 'aid_offers';

/** Slots are 24-bit: exact in a float32 R*Tree coordinate and in a cube coordinate. */
const slotCount = 2 ** 24;

/** earthdistance's ll_to_earth(lat, lon), computed here: metres from the earth's centre. */
function earthPoint(p: Point): [number, number, number] {
  const rad = Math.PI / 180;
  const lat = p.lat * rad;
  const lon = p.lon * rad;
  return [pgEarthMetres * Math.cos(lat) * Math.cos(lon), pgEarthMetres * Math.cos(lat) * Math.sin(lon), pgEarthMetres * Math.sin(lat)];
}

/** Works on a Kysely instance or a transaction, so services need not carry the dialect around. */
export function dialectOf(db: { getExecutor(): { readonly adapter: object } }): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Great-circle distance (haversine). */
export function distanceKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * 24 bits of FNV-1a over network and category: an integer a float32 R*Tree coordinate holds
 * exactly. Collisions only widen the search; the query still compares network and category.
 */
export function geoSlot(networkId: string, category: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${networkId}\0${category}`, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % slotCount;
}

interface Box {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/** The latitude/longitude boxes covering a circle, split where it crosses the antimeridian. */
export function boxesAround(center: Point, radiusKm: number): Box[] {
  const deg = 180 / Math.PI;
  const angle = radiusKm / earthRadiusKm;
  // Rounding slack: stored points and the query must never disagree at the edge.
  const slack = 1e-6;
  const minLat = center.lat - angle * deg - slack;
  const maxLat = center.lat + angle * deg + slack;
  if (minLat <= -90 || maxLat >= 90) return [{ minLat: Math.max(minLat, -90), maxLat: Math.min(maxLat, 90), minLon: -180, maxLon: 180 }];
  const spread = Math.asin(Math.min(1, Math.sin(angle) / Math.cos(center.lat / deg))) * deg + slack;
  const minLon = center.lon - spread;
  const maxLon = center.lon + spread;
  if (minLon < -180) return [{ minLat, maxLat, minLon: minLon + 360, maxLon: 180 }, { minLat, maxLat, minLon: -180, maxLon }];
  if (maxLon > 180) return [{ minLat, maxLat, minLon, maxLon: 180 }, { minLat, maxLat, minLon: -180, maxLon: maxLon - 360 }];
  return [{ minLat, maxLat, minLon, maxLon }];
}

/**
 * A WHERE condition: rows of `table` in the given slot (any slot when null) within `radiusKm`
 * of `center`, possibly with a few farther ones. Filter by `distanceKm` afterwards.
 */
export function withinKm(dialect: DialectName, table: GeoTable, center: Point, radiusKm: number, slot: number | null): RawBuilder<SqlBool> {
  if (dialect === 'postgres') {
    // A box around the centre whose half-side is at least the straight-line (chord) distance
    // of the radius on earthdistance's slightly larger earth, so no point inside is missed.
    const half = (radiusKm * pgEarthMetres) / earthRadiusKm + 1;
    const [x, y, z] = earthPoint(center);
    const [low, high] = slot === null ? [0, slotCount - 1] : [slot, slot];
    return sql<SqlBool>`public.cube(${[x - half, y - half, z - half, low]}::float8[], ${[x + half, y + half, z + half, high]}::float8[]) operator(public.@>) blossom_geo_key(${sql.ref(`${table}.lat`)}, ${sql.ref(`${table}.lon`)}, ${sql.ref(`${table}.geo_slot`)})`;
  }
  const boxes = boxesAround(center, radiusKm).map(
    (b) => sql`(max_lat >= ${b.minLat} and min_lat <= ${b.maxLat} and max_lon >= ${b.minLon} and min_lon <= ${b.maxLon})`,
  );
  const inSlot = slot === null ? sql`1 = 1` : sql`min_slot <= ${slot} and max_slot >= ${slot}`;
  return sql<SqlBool>`${sql.ref(`${table}.seq`)} in (select id from ${sql.table(`${table}_geo`)} where ${inSlot} and (${sql.join(boxes, sql` or `)}))`;
}

/**
 * Adds the geo index to a table with columns seq (integer key), lat, lon and geo_slot.
 * On PostgreSQL the extensions live in `public` (an extension exists once per database, and
 * test schemas come and go), and the key function is ll_to_earth spelled out with every name
 * schema-qualified, so the index works whatever the search_path: earthdistance's own
 * ll_to_earth does not on PostgreSQL 15, and fails in a schema without `public` on its path
 * (as with BLOSSOM_DATABASE_SCHEMA) and during a restore.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function createGeoIndex(db: Kysely<any>, table: GeoTable): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`select pg_advisory_xact_lock(8172635)`.execute(db);
    await sql`create extension if not exists cube with schema public`.execute(db);
    await sql`create extension if not exists earthdistance with schema public`.execute(db);
    // ll_to_earth(lat, lon), with the slot as a fourth coordinate.
    await sql`
      create or replace function blossom_geo_key(lat double precision, lon double precision, slot integer) returns public.cube
      language sql immutable strict parallel safe as $$
        select public.cube(public.cube(public.cube(public.cube(public.earth() * cos(radians(lat)) * cos(radians(lon))),
          public.earth() * cos(radians(lat)) * sin(radians(lon))), public.earth() * sin(radians(lat))), slot)
      $$`.execute(db);
    await sql`create index ${sql.id(`${table}_geo`)} on ${sql.table(table)} using gist (blossom_geo_key(lat, lon, geo_slot))`.execute(db);
    return;
  }
  const geo = sql.table(`${table}_geo`);
  await sql`create virtual table ${geo} using rtree(id, min_lat, max_lat, min_lon, max_lon, min_slot, max_slot)`.execute(db);
  const point = sql`new.lat, new.lat, new.lon, new.lon, new.geo_slot, new.geo_slot`;
  await sql`create trigger ${sql.id(`${table}_geo_insert`)} after insert on ${sql.table(table)} begin
    insert into ${geo} values (new.seq, ${point}); end`.execute(db);
  await sql`create trigger ${sql.id(`${table}_geo_update`)} after update of lat, lon, geo_slot on ${sql.table(table)} begin
    update ${geo} set min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon, min_slot = new.geo_slot, max_slot = new.geo_slot
    where id = new.seq; end`.execute(db);
  await sql`create trigger ${sql.id(`${table}_geo_delete`)} after delete on ${sql.table(table)} begin
    delete from ${geo} where id = old.seq; end`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see createGeoIndex()
export async function dropGeoIndex(db: Kysely<any>, table: GeoTable): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await sql`drop table if exists ${sql.table(`${table}_geo`)}`.execute(db);
    return;
  }
  // The index went with its table; the extensions stay, as other schemas may use them.
  await sql`drop function if exists blossom_geo_key(double precision, double precision, integer)`.execute(db);
}
