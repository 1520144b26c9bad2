/**
 * Jobs carry ids, never content: a payload is a flat record of small values, stored as
 * JSON text where anyone with a database dump can read it.
 */
export type JobPayload = Readonly<Record<string, string | number | boolean | null>>;

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface JobRequest {
  kind: string;
  runAt: Date;
  payload: JobPayload;
  /**
   * Names one job for good. While that job is pending, scheduling the key again moves it to
   * the new runAt and payload; once it is running, done or failed, scheduling again changes
   * nothing (so a repeated call never runs the work twice). cancelJobs forgets a key.
   */
  dedupeKey?: string;
}

/** What a handler is given. */
export interface Job {
  id: string;
  kind: string;
  runAt: Date;
  payload: JobPayload;
  /** 1 on the first try. A job whose process died mid-run comes back with the next number. */
  attempt: number;
}

/**
 * Handlers must be idempotent: a job whose process died mid-run is run again once its lease
 * ends. Throw to retry later; after the last attempt the job is marked failed.
 */
export type JobHandler = (job: Job) => Promise<void>;

/**
 * An error whose message is safe to store in jobs.last_error and the log. Any other error is
 * recorded only by its name and code, because messages can quote the data they choked on.
 */
export class JobFailure extends Error {
  override readonly name = 'JobFailure';
}

/** Payloads are ids; anything bigger is a mistake worth stopping early. */
export const maxPayloadBytes = 2048;
