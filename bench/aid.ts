import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { nearestOffers } from '../src/aid/matching.ts';
import { defaultCategories } from '../src/aid/model.ts';
import { geoSlot } from '../src/store/dialect/geo.ts';
import { openStore, type DialectName, type Store } from '../src/store/store.ts';

/**
 * `node bench/aid.ts [--json]` (or `npm run bench -- aid --json` once bench/main.ts hands
 * `aid` over): nearest-20 matching of a need against 100,000 open offers, on SQLite and on
 * PostgreSQL in one run. Offers are spread over a 60 x 60 km city in 8 categories with
 * windows over 30 days and reaches of 1–25 km; each query is a random need somewhere in the
 * city. Measured: the latency of nearestOffers() (the same call the API makes), as seen by
 * the caller, after a warm-up. Target: p99 under 5 ms on SQLite.
 */
const usage = `usage: node bench/aid.ts [--json] [--offers N] [--queries Q] [--postgres URL]

  --json          one JSON line on stdout instead of a table
  --offers N      open offers to search (default 100000)
  --queries Q     timed queries per database (default 2000, after 200 warm-up queries)
  --postgres URL  PostgreSQL to measure in a scratch schema (default $BLOSSOM_TEST_DATABASE_URL
                  or postgres://postgres@127.0.0.1:5432/test); "none" to skip it`;

const k = 20;
const targetSqliteP99Ms = 5;
const now = new Date('2026-06-01T12:00:00.000Z');
const dayMs = 24 * 60 * 60 * 1000;
const city = { lat: 51.25, lon: -0.5, latSpan: 0.54, lonSpan: 0.86 }; // about 60 x 60 km

interface Options {
  json: boolean;
  offers: number;
  queries: number;
  postgres: string | null;
}

interface Result {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_found: number;
  seed_s: number;
}

function options(argv: readonly string[]): Options {
  // A leading `aid` is accepted, so a dispatcher may pass its arguments on as they came.
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: 'boolean', default: false }, offers: { type: 'string' }, queries: { type: 'string' }, postgres: { type: 'string' } } });
  if (positionals.some((p) => p !== 'aid')) throw new Error(`unexpected ${JSON.stringify(positionals.join(' '))}`);
  const whole = (text: string | undefined, fallback: number) => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`expected a whole number, got ${text}`);
    return n;
  };
  const url = values.postgres ?? process.env.BLOSSOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  return { json: values.json, offers: whole(values.offers, 100_000), queries: whole(values.queries, 2000), postgres: url === 'none' ? null : url };
}

/** A deterministic stream, so both databases hold the same offers and answer the same needs. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const spot = (rand: () => number) => ({ lat: round2(city.lat + rand() * city.latSpan), lon: round2(city.lon + rand() * city.lonSpan) });
const window = (rand: () => number, days: number) => {
  const from = new Date(now.getTime() + (rand() * 30 - 2) * dayMs);
  return { from_at: from.toISOString(), until_at: new Date(from.getTime() + (0.5 + rand() * days) * dayMs).toISOString() };
};

async function seed(store: Store, count: number): Promise<void> {
  const db = store.db;
  const at = now.toISOString();
  await db.insertInto('groups').values({ id: 'bench-net', slug: 'bench-net', name: 'Bench', kind: 'network', visibility: 'public', join_policy: 'open', member_list: 'public', description: '', city: '', lat: null, lon: null, contact: '', meeting_rhythm: '', created_at: at, updated_at: at }).execute();
  const helpers = Array.from({ length: 500 }, (_, i) => `bench-helper-${i}`);
  for (let i = 0; i < helpers.length; i += 250) {
    await db.insertInto('users').values(helpers.slice(i, i + 250).map((id) => ({ id, handle: id.replaceAll('-', '_'), display_name: id, bio: '', languages: '[]', email: null, password_hash: 'x', is_admin: 0, created_at: at, updated_at: at }))).execute();
  }
  const rand = random(42);
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i += 1000) {
      const rows = [];
      for (let j = i; j < Math.min(count, i + 1000); j++) {
        const category = defaultCategories[j % defaultCategories.length]!;
        rows.push({ id: `offer-${j}`, network_id: 'bench-net', helper_id: helpers[j % helpers.length]!, category, description: 'I can help', ...window(rand, 7), ...spot(rand), geo_slot: geoSlot('bench-net', category), radius_km: 1 + Math.floor(rand() * 25), created_at: at, updated_at: at });
      }
      await trx.insertInto('aid_offers').values(rows).execute();
    }
  });
  await sql`analyze`.execute(db);
}

async function measure(store: Store, queries: number): Promise<Omit<Result, 'seed_s'>> {
  const rand = random(7);
  const need = () => {
    const category = defaultCategories[Math.floor(rand() * defaultCategories.length)]!;
    return { network_id: 'bench-net', category, ...window(rand, 3), ...spot(rand), poster_id: null };
  };
  for (let i = 0; i < 200; i++) await nearestOffers(store.db, need(), now.toISOString(), k);
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < queries; i++) {
    const shape = need();
    const start = performance.now();
    found += (await nearestOffers(store.db, shape, now.toISOString(), k)).length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const rank = (p: number) => times[Math.min(times.length, Math.max(1, Math.ceil((p / 100) * times.length))) - 1]!;
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  return { p50_ms: ms(rank(50)), p99_ms: ms(rank(99)), max_ms: ms(times.at(-1)!), mean_found: Math.round((found / queries) * 10) / 10 };
}

async function run(dialect: DialectName, opts: Options): Promise<Result> {
  const dir = dialect === 'sqlite' ? mkdtempSync(join(tmpdir(), 'blossom-bench-aid-')) : null;
  const schema = `bench_aid_${randomBytes(4).toString('hex')}`;
  const store = await openStore(dir ? { sqlitePath: join(dir, 'bench.sqlite') } : { databaseUrl: opts.postgres!, schema, poolSize: 2 });
  try {
    await store.migrate();
    const started = performance.now();
    await seed(store, opts.offers);
    const seedS = Math.round((performance.now() - started) / 100) / 10;
    return { ...(await measure(store, opts.queries)), seed_s: seedS };
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    else await dropSchema(opts.postgres!, schema);
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let opts: Options;
  try {
    opts = options(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const sqlite = await run('sqlite', opts);
  const pgProblem = opts.postgres ? await reachable(opts.postgres) : 'skipped (--postgres none)';
  if (pgProblem) process.stderr.write(`PostgreSQL not measured: ${pgProblem}\n`);
  const postgres = pgProblem ? null : await run('postgres', opts);
  const met = sqlite.p99_ms < targetSqliteP99Ms;
  const report = { bench: 'aid', offers: opts.offers, k, queries: opts.queries, sqlite, postgres, target: { sqlite_p99_ms: targetSqliteP99Ms, met } };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const line = (name: string, r: Result | null) => (r ? `${name.padEnd(10)} p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  max ${r.max_ms} ms  found ${r.mean_found}/${k}  (seeded in ${r.seed_s} s)` : `${name.padEnd(10)} not measured`);
    process.stdout.write(`nearest-${k} offers among ${opts.offers} (${opts.queries} queries)\n${line('sqlite', sqlite)}\n${line('postgres', postgres)}\ntarget: SQLite p99 < ${targetSqliteP99Ms} ms: ${met ? 'met' : 'MISSED'}\n`);
  }
  return met ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
