import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type DialectName, type Store } from '../../src/store/store.ts';

export const postgresUrl = process.env.BLOSSOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<string | null> | undefined;

/** null when PostgreSQL answers; otherwise why not. */
export function postgresProblem(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (err) {
      return (err as Error).message;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

export interface TestStore {
  store: Store;
  /** Where the data lives: the SQLite file, or the PostgreSQL schema name. */
  location: string;
  dispose(): Promise<void>;
}

/** A fresh, migrated store: a new SQLite file, or a new PostgreSQL schema dropped afterwards. */
export async function freshStore(dialect: DialectName): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'blossom-test-'));
    const path = join(dir, 'blossom.sqlite');
    const store = await openStore({ sqlitePath: path });
    await store.migrate();
    return {
      store,
      location: path,
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  // Small pools: many suites share one PostgreSQL with a 100-connection limit.
  const store = await openStore({ databaseUrl: postgresUrl, schema, poolSize: 3 });
  await store.migrate();
  return {
    store,
    location: schema,
    async dispose() {
      await store.close();
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/**
 * The dialects a store-level suite must run on. PostgreSQL is always included: when it
 * cannot be reached, the caller's suite fails in CI and is loudly skipped on a laptop.
 */
export const dialects: DialectName[] = ['sqlite', 'postgres'];

export async function skipReason(dialect: DialectName): Promise<string | undefined> {
  if (dialect === 'sqlite') return undefined;
  const problem = await postgresProblem();
  if (!problem) return undefined;
  const message = `PostgreSQL at ${postgresUrl} is not reachable (${problem}); the PostgreSQL suite did NOT run`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!! ${message} !!!\n`);
  return message;
}
