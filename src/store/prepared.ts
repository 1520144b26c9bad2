import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { dialectOf } from './dialect/geo.ts';
import type { Database } from './schema.ts';
import type { CachingDatabase } from './statement-cache.ts';
import type { DialectName } from './store.ts';

/**
 * A query built and compiled once per dialect, then run with fresh parameters. Kysely builds
 * and compiles a query on every call, which costs more than SQLite takes to answer a lookup
 * by key; the few queries on hot paths (a check-in crowd) are declared this way instead.
 *
 * `build` is called once with placeholders for the arguments; each must end up as a bound
 * parameter of the compiled query, not spliced into its text or dropped (refused on first
 * use), so the same SQL text runs with the caller's values in their places.
 */
export type PreparedQuery<A extends string[], R> = (db: Kysely<Database>, ...args: A) => Promise<R[]>;

interface Compiled {
  sql: string;
  /** The compiled parameters, with the index of the argument that goes there, or -1 to keep the constant. */
  parameters: readonly unknown[];
  slots: readonly number[];
}

/**
 * SQLite connections whose prepared queries may skip Kysely's executor: a handful of promise
 * hops and its connection mutex per query, about as much CPU as SQLite takes to answer one.
 * The statement runs synchronously, so nothing can interleave with it; it goes around the
 * mutex only when no transaction is open on the connection, since the mutex is what keeps an
 * autocommit read out of another caller's open transaction (a batch of marks not yet on disk).
 */
const direct = new WeakMap<Kysely<Database>, CachingDatabase>();

export function runPreparedDirectly(db: Kysely<Database>, database: CachingDatabase): void {
  direct.set(db, database);
}

const marker = '\u0000blossom-prepared-argument-';

export function prepared<A extends string[], R>(arity: A['length'], build: (db: Kysely<Database>, ...args: A) => Compilable<R>): PreparedQuery<A, R> {
  const byDialect = new Map<DialectName, Compiled>();
  const compile = (db: Kysely<Database>): Compiled => {
    const placeholders = Array.from({ length: arity }, (_, i) => `${marker}${i}`) as A;
    const query = build(db, ...placeholders).compile();
    const slots = query.parameters.map((value) => (typeof value === 'string' && value.startsWith(marker) ? Number(value.slice(marker.length)) : -1));
    for (let i = 0; i < arity; i++) {
      if (!slots.includes(i)) throw new Error(`prepared query: argument ${i} is not a bound parameter of ${query.sql}`);
    }
    return { sql: query.sql, parameters: query.parameters, slots };
  };
  return async (db, ...args) => {
    const dialect = dialectOf(db);
    let compiled = byDialect.get(dialect);
    if (compiled === undefined) {
      compiled = compile(db);
      byDialect.set(dialect, compiled);
    }
    const { slots } = compiled;
    const parameters = compiled.parameters.map((value, i) => (slots[i]! >= 0 ? args[slots[i]!] : value));
    const database = direct.get(db);
    if (database !== undefined && !database.inTransaction) {
      const statement = database.prepare(compiled.sql);
      if (statement.reader) return statement.all(parameters) as R[];
      statement.run(parameters);
      return [];
    }
    return (await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))).rows;
  };
}
