import { sql, type Kysely } from 'kysely';
import { instant, systemClock, type Clock } from '../core/clock.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database } from '../store/schema.ts';
import { maxPayloadBytes, type JobRequest } from './model.ts';

/**
 * Records a job to run at `runAt`. Pass a transaction as `db` to schedule together with the
 * write that calls for it. Returns the job's id (the existing one when the dedupeKey is known).
 */
export async function scheduleJob(db: Kysely<Database>, request: JobRequest, clock: Clock = systemClock): Promise<string> {
  const payload = JSON.stringify(request.payload);
  if (Buffer.byteLength(payload) > maxPayloadBytes) {
    throw new Error(`job payload for ${request.kind} is over ${maxPayloadBytes} bytes; payloads carry ids only`);
  }
  if (Number.isNaN(request.runAt.getTime())) throw new Error(`job ${request.kind} has an invalid runAt`);
  const now = clock.now();
  const row = {
    id: uuidv7(now.getTime()),
    kind: request.kind,
    run_at: instant(request.runAt),
    payload,
    status: 'pending',
    attempts: 0,
    lease_until: null,
    dedupe_key: request.dedupeKey ?? null,
    last_error: null,
    created_at: instant(now),
    updated_at: instant(now),
  };
  if (request.dedupeKey === undefined) {
    await db.insertInto('jobs').values(row).execute();
    return row.id;
  }
  const written = await db
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('dedupe_key')
        .doUpdateSet((eb) => ({
          run_at: eb.ref('excluded.run_at'),
          payload: eb.ref('excluded.payload'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        // Work already started or finished is not redone by a repeated call.
        .where('jobs.status', '=', 'pending'),
    )
    .returning('id')
    .executeTakeFirst();
  if (written) return written.id;
  const existing = await db.selectFrom('jobs').select('id').where('dedupe_key', '=', request.dedupeKey).executeTakeFirstOrThrow();
  return existing.id;
}

/**
 * Forgets every job whose dedupeKey starts with the prefix, whatever its status: pending ones
 * never run, a running one finishes but is not retried, and the key may be scheduled afresh.
 * Returns how many were forgotten.
 */
// Not LIKE: SQLite's LIKE ignores case and PostgreSQL's does not; equality behaves the same on both.
const keyStartsWith = (prefix: string) => sql<boolean>`substr(dedupe_key, 1, length(cast(${prefix} as text))) = cast(${prefix} as text)`;

export async function cancelJobs(db: Kysely<Database>, { dedupeKeyPrefix }: { dedupeKeyPrefix: string }): Promise<number> {
  if (dedupeKeyPrefix === '') throw new Error('cancelJobs needs a non-empty dedupeKeyPrefix');
  const result = await db.deleteFrom('jobs').where(keyStartsWith(dedupeKeyPrefix)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Jobs whose dedupe key starts with any of the prefixes, whatever their status. */
export async function jobsByKeyPrefix(
  db: Kysely<Database>,
  prefixes: string[],
): Promise<{ dedupe_key: string | null; status: string; run_at: string }[]> {
  if (prefixes.length === 0 || prefixes.includes('')) throw new Error('jobsByKeyPrefix needs non-empty prefixes');
  return db
    .selectFrom('jobs')
    .select(['dedupe_key', 'status', 'run_at'])
    .where((eb) => eb.or(prefixes.map(keyStartsWith)))
    .execute();
}

/** Retention: removes finished jobs last touched before the given instant. */
export async function pruneJobs(db: Kysely<Database>, { finishedBefore }: { finishedBefore: Date }): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where('status', 'in', ['done', 'failed'])
    .where('updated_at', '<', instant(finishedBefore))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
