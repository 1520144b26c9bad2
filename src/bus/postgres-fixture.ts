import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../core/log.ts';
import { postgresUrl } from '../../test/support/stores.ts';
import { PostgresBus } from './postgres.ts';

/**
 * A PostgresBus on the test database, in a namespace of its own (as a per-test schema would
 * give it), with a small pool of its own: no tables are needed to pass notes around.
 */
export async function postgresBus(opts: { log?: Logger; namespace?: string } = {}): Promise<{ bus: PostgresBus; namespace: string; dispose: () => Promise<void> }> {
  const namespace = opts.namespace ?? `bus_${randomBytes(6).toString('hex')}`;
  const db = new Kysely<object>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: postgresUrl, max: 2 }) }) });
  const bus = new PostgresBus({ connectionString: postgresUrl, db, namespace, reconnectMs: 20, ...(opts.log ? { log: opts.log } : {}) });
  return { bus, namespace, dispose: () => db.destroy() };
}

/** Cuts a bus's LISTEN connection from the server side, as a database restart or a network drop would. */
export async function dropListener(bus: PostgresBus): Promise<number> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const result = await client.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [bus.listenerName]);
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}
