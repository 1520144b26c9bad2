import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';

/**
 * Kysely's SQLite driver prepares every query afresh, and preparing costs more than running
 * most of Blossom's queries. This wrapper hands it the database with prepare() answered from
 * a bounded cache keyed by SQL text (least recently used out first).
 *
 * A statement that is being iterated (Kysely's stream()) is busy: better-sqlite3 refuses to
 * run it again until the iteration ends. Asked for the same SQL meanwhile, the cache prepares
 * a fresh statement for that caller instead of handing out the busy one.
 */
export interface CachingDatabase {
  prepare(sql: string): Statement;
  close(): void;
  /** Whether a transaction is open on the connection (better-sqlite3's own flag). */
  readonly inTransaction: boolean;
  /** Statements held, for tests. */
  readonly cached: number;
}

export function cachingDatabase(database: SqliteDatabase, capacity = 256): CachingDatabase {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a whole number ≥ 1');
  const statements = new Map<string, Statement>();
  return {
    prepare(sql) {
      const held = statements.get(sql);
      if (held !== undefined) {
        if (held.busy) return database.prepare(sql);
        // Map keeps insertion order: re-inserting marks it most recently used.
        statements.delete(sql);
        statements.set(sql, held);
        return held;
      }
      const fresh = database.prepare(sql);
      statements.set(sql, fresh);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return fresh;
    },
    close() {
      statements.clear();
      database.close();
    },
    get inTransaction() {
      return database.inTransaction;
    },
    get cached() {
      return statements.size;
    },
  };
}
