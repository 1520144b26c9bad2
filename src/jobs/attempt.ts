import type { Kysely } from 'kysely';
import { addMs, instant, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Database, JobRow } from '../store/schema.ts';
import { JobFailure, type JobHandler, type JobPayload } from './model.ts';

export interface RetryPolicy {
  maxAttempts: number;
  /** Wait before the next try, given the attempt that just failed (1-based). */
  backoffMs(attempt: number): number;
}

/** 1 s, 2 s, 4 s ... capped at 5 minutes: a reveal that hit a hiccup is retried almost at once. */
export const defaultRetry: RetryPolicy = {
  maxAttempts: 5,
  backoffMs: (attempt) => Math.min(1000 * 2 ** (attempt - 1), 5 * 60_000),
};

export type Outcome = 'done' | 'retry' | 'failed';

/**
 * What may be stored about a failure. Messages can quote the very data a handler choked on
 * (a decrypted disclosure, an address), so only JobFailure messages are kept verbatim.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof JobFailure) return err.message.slice(0, 500);
  if (!(err instanceof Error)) return 'a non-Error value was thrown';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? `${err.name} (${code})` : err.name;
}

/** Runs one claimed job and records how it went. */
export async function attemptJob(
  db: Kysely<Database>,
  row: JobRow,
  handler: JobHandler,
  deps: { clock: Clock; retry: RetryPolicy; log?: Logger | undefined },
): Promise<Outcome> {
  const { clock, retry, log } = deps;
  // The claim itself counts attempts, so a job that keeps killing its process still gives up.
  if (row.attempts > retry.maxAttempts) {
    await finish(db, row, clock, { status: 'failed', last_error: 'its process stopped during the last attempt' });
    log?.error('job gave up', { kind: row.kind, job: row.id, attempts: row.attempts });
    return 'failed';
  }
  try {
    await handler({
      id: row.id,
      kind: row.kind,
      runAt: new Date(row.run_at),
      payload: JSON.parse(row.payload) as JobPayload,
      attempt: row.attempts,
    });
  } catch (err) {
    const failure = describeFailure(err);
    if (row.attempts >= retry.maxAttempts) {
      await finish(db, row, clock, { status: 'failed', last_error: failure });
      log?.error('job failed', { kind: row.kind, job: row.id, attempts: row.attempts, error: failure });
      return 'failed';
    }
    const next = addMs(clock.now(), retry.backoffMs(row.attempts));
    await finish(db, row, clock, { status: 'pending', run_at: instant(next), last_error: failure });
    log?.warn('job will be retried', { kind: row.kind, job: row.id, attempts: row.attempts, error: failure });
    return 'retry';
  }
  await finish(db, row, clock, { status: 'done', last_error: null });
  return 'done';
}

/**
 * Only the holder of this claim may record its end: if the lease ran out and another runner
 * claimed the job again (attempts moved on), this update matches nothing.
 */
async function finish(
  db: Kysely<Database>,
  row: JobRow,
  clock: Clock,
  change: { status: 'done' | 'failed' | 'pending'; last_error: string | null; run_at?: string },
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ ...change, lease_until: null, updated_at: instant(clock.now()) })
    .where('id', '=', row.id)
    .where('status', '=', 'running')
    .where('attempts', '=', row.attempts)
    .execute();
}
