import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database, JobRow } from '../schema.ts';
import type { DialectName } from '../store.ts';

export interface ClaimRequest {
  /** The claimer's present instant (ISO); a job is due when run_at <= now. */
  now: string;
  /** Written to lease_until; past it, the claim counts as abandoned (its process died). */
  leaseUntil: string;
  limit: number;
  /** Only kinds this runner can handle, so a newer runner's jobs wait for a newer runner. */
  kinds: readonly string[];
}

/** Pending and due, or running with a lease that ran out. */
function claimable(request: ClaimRequest) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([
      eb('kind', 'in', request.kinds),
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', request.now)]),
        eb.and([eb('status', '=', 'running'), eb('lease_until', '<=', request.now)]),
      ]),
    ]);
}

/**
 * Marks up to `limit` due jobs as running under a lease, and returns them earliest first.
 * Each claim counts as an attempt. Nobody else can claim the same rows until the lease ends.
 */
export async function claimDueJobs(db: Kysely<Database>, dialect: DialectName, request: ClaimRequest): Promise<JobRow[]> {
  if (request.kinds.length === 0 || request.limit < 1) return [];
  const claimed = dialect === 'postgres' ? await claimOnPostgres(db, request) : await claimOnSqlite(db, request);
  return claimed.sort((a, b) => (a.run_at < b.run_at ? -1 : a.run_at > b.run_at ? 1 : 0));
}

const running = (request: ClaimRequest) =>
  ({
    status: 'running',
    lease_until: request.leaseUntil,
    updated_at: request.now,
  }) as const;

/** Many processes: rows another runner holds are skipped rather than waited for. */
async function claimOnPostgres(db: Kysely<Database>, request: ClaimRequest): Promise<JobRow[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('jobs')
      .select('id')
      .where(claimable(request))
      .orderBy('run_at')
      .limit(request.limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable('jobs')
      .set((eb) => ({ ...running(request), attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', due.map((row) => row.id))
      .returningAll()
      .execute();
  });
}

/** One process, one writer: a single statement is already atomic. */
async function claimOnSqlite(db: Kysely<Database>, request: ClaimRequest): Promise<JobRow[]> {
  return db
    .updateTable('jobs')
    .set((eb) => ({ ...running(request), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', db.selectFrom('jobs').select('id').where(claimable(request)).orderBy('run_at').limit(request.limit))
    .where(claimable(request))
    .returningAll()
    .execute();
}
