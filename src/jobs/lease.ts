import type { Kysely } from 'kysely';
import type { Database, JobRow } from '../store/schema.ts';

/**
 * Extends the leases of jobs this process is still running, so that only a process that
 * died (or froze) loses its jobs to another runner. Fenced by attempts like every outcome.
 */
export async function renewLeases(db: Kysely<Database>, rows: readonly JobRow[], leaseUntil: string): Promise<void> {
  if (rows.length === 0) return;
  await db
    .updateTable('jobs')
    .set({ lease_until: leaseUntil })
    .where('status', '=', 'running')
    .where((eb) => eb.or(rows.map((row) => eb.and([eb('id', '=', row.id), eb('attempts', '=', row.attempts)]))))
    .execute();
}

/** When the earliest pending job of these kinds is due, if any. */
export async function nextRunAt(db: Kysely<Database>, kinds: readonly string[]): Promise<Date | null> {
  if (kinds.length === 0) return null;
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('run_at').as('next'))
    .where('status', '=', 'pending')
    .where('kind', 'in', kinds)
    .executeTakeFirst();
  return row?.next ? new Date(row.next) : null;
}
