import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';
import { runPreparedDirectly } from './prepared.ts';
import { cachingDatabase } from './statement-cache.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export interface StoreOptions {
  sqlitePath?: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to work in (created if missing); tests use a fresh one each run. */
  schema?: string | undefined;
  /** PostgreSQL connections per process. */
  poolSize?: number;
}

function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives power loss, which RSVPs and check-ins need.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  // Erased secrets must not linger in free pages of the file.
  database.pragma('secure_delete = ON');
  database.pragma('busy_timeout = 5000');
  const caching = cachingDatabase(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: caching }) });
  runPreparedDirectly(db, caching);
  return db;
}

function openPostgres(url: string, schema: string | undefined, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const dialect: DialectName = options.databaseUrl ? 'postgres' : 'sqlite';
  if (dialect === 'postgres' && options.schema) {
    const bootstrap = new pg.Client({ connectionString: options.databaseUrl });
    await bootstrap.connect();
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    } finally {
      await bootstrap.end();
    }
  }
  const db =
    dialect === 'postgres'
      ? openPostgres(options.databaseUrl!, options.schema, options.poolSize ?? 10)
      : openSqlite(options.sqlitePath ?? ':memory:');
  return {
    db,
    dialect,
    async migrate() {
      // Kysely looks for its bookkeeping tables in every schema unless told which; without
      // this, a second Blossom schema in the same database skips creating its own and fails.
      const migrator = new Migrator({
        db,
        provider: migrationProvider,
        ...(dialect === 'postgres' && options.schema ? { migrationTableSchema: options.schema } : {}),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error;
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** A cheap round trip, for /healthz. */
export async function ping(store: Store): Promise<void> {
  await sql`select 1`.execute(store.db);
}
