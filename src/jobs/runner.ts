import { addMs, instant, systemClock, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { resumedKind, type Bus } from '../bus/bus.ts';
import { claimDueJobs } from '../store/dialect/claim.ts';
import type { JobRow } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { attemptJob, defaultRetry, describeFailure, type RetryPolicy } from './attempt.ts';
import { nextRunAt, renewLeases } from './lease.ts';
import type { JobHandler, JobRequest } from './model.ts';
import { scheduleJob } from './schedule.ts';

/** Bus topic on which runners tell each other a job was scheduled, so no process waits for its poll. */
export const jobsTopic = 'jobs';

export interface JobRunnerOptions {
  store: Pick<Store, 'db' | 'dialect'>;
  clock?: Clock;
  log?: Logger;
  /** When given, jobs scheduled through any runner wake every runner at once. */
  bus?: Bus;
  retry?: RetryPolicy;
  /** How long a claim holds unless renewed; renewed every third of it while the job runs (default 60 s). */
  leaseMs?: number;
  batchSize?: number;
  /** Jobs running at once; more wait their turn (default 100). */
  concurrency?: number;
  /** The safety poll, for jobs scheduled where this runner was not told (default 5 s). */
  pollMs?: number;
}

/**
 * Runs due jobs. While started it keeps one timer armed for the earliest pending job (or the
 * safety poll, whichever is sooner), so a timer fires at its instant rather than on a poll.
 * Claiming never waits for running handlers: a slow job does not hold back a reveal.
 */
export class JobRunner {
  readonly #store: Pick<Store, 'db' | 'dialect'>;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #bus: Bus | undefined;
  readonly #retry: RetryPolicy;
  readonly #leaseMs: number;
  readonly #batchSize: number;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #inFlight = new Map<string, { row: JobRow; run: Promise<void> }>();
  #started = false;
  #timer: NodeJS.Timeout | null = null;
  #armedAt = Infinity;
  #renewal: NodeJS.Timeout | null = null;
  #claiming: Promise<unknown> = Promise.resolve();
  #unsubscribe: (() => void) | null = null;

  constructor(options: JobRunnerOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log;
    this.#bus = options.bus;
    this.#retry = options.retry ?? defaultRetry;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#batchSize = options.batchSize ?? 50;
    this.#concurrency = options.concurrency ?? 100;
    this.#pollMs = options.pollMs ?? 5_000;
  }

  register(kind: string, handler: JobHandler): this {
    if (this.#handlers.has(kind)) throw new Error(`a handler for job kind ${kind} is already registered`);
    this.#handlers.set(kind, handler);
    return this;
  }

  /** Runs whatever came due while the process was down at once, then follows the timers. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#unsubscribe =
      this.#bus?.subscribe(jobsTopic, (message) => {
        if (message.kind === 'job.scheduled' && typeof message.runAt === 'string') this.notice(new Date(message.runAt));
        // The bus was deaf for a while: jobs scheduled elsewhere meanwhile may be due already.
        if (message.kind === resumedKind) this.#arm(0);
      }) ?? null;
    this.#arm(0);
  }

  /** Stops the timer and waits for jobs already running to finish. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#armedAt = Infinity;
    await this.#claiming;
    await Promise.all([...this.#inFlight.values()].map((job) => job.run));
  }

  /** scheduleJob, and wake up in time for it (here, and through the bus, elsewhere). */
  async schedule(request: JobRequest): Promise<string> {
    const id = await scheduleJob(this.#store.db, request, this.#clock);
    this.notice(request.runAt);
    await this.#bus?.publish(jobsTopic, { kind: 'job.scheduled', runAt: instant(request.runAt) });
    return id;
  }

  /** Tells the runner a job is due at `runAt`; call it after committing a scheduleJob(trx, ...). */
  notice(runAt: Date): void {
    this.#arm(runAt.getTime() - this.#clock.now().getTime());
  }

  /** Claims every due job, runs them, and resolves with how many ran once they have finished. */
  async runDue(): Promise<number> {
    let total = 0;
    // More rounds only when every slot was taken and due jobs may have been left waiting.
    for (;;) {
      const runs = await this.#claimInTurn();
      await Promise.all(runs);
      total += runs.length;
      if (runs.length < this.#concurrency) return total;
    }
  }

  /** Claims are taken one round at a time, so two rounds never split a batch oddly. */
  #claimInTurn(): Promise<Array<Promise<void>>> {
    const round = this.#claiming.then(() => this.#claim());
    this.#claiming = round.catch(() => undefined);
    return round;
  }

  async #claim(): Promise<Array<Promise<void>>> {
    const runs: Array<Promise<void>> = [];
    for (;;) {
      const room = this.#concurrency - this.#inFlight.size;
      if (room <= 0) return runs;
      const limit = Math.min(this.#batchSize, room);
      const now = this.#clock.now();
      const claimed = await claimDueJobs(this.#store.db, this.#store.dialect, {
        now: instant(now),
        leaseUntil: instant(addMs(now, this.#leaseMs)),
        limit,
        kinds: [...this.#handlers.keys()],
      });
      for (const row of claimed) runs.push(this.#run(row));
      if (claimed.length < limit) return runs;
    }
  }

  #run(row: JobRow): Promise<void> {
    const run = attemptJob(this.#store.db, row, this.#handlers.get(row.kind)!, { clock: this.#clock, retry: this.#retry, log: this.#log })
      .then(
        () => undefined,
        // Recording the outcome failed; the lease will run out and the job comes back.
        (err) => this.#log?.error('job outcome not recorded', { kind: row.kind, job: row.id, error: describeFailure(err) }),
      )
      .finally(() => {
        // Due jobs may have been left waiting for a free slot.
        if (this.#full) this.#arm(0);
        this.#inFlight.delete(row.id);
        if (this.#inFlight.size === 0 && this.#renewal) {
          clearInterval(this.#renewal);
          this.#renewal = null;
        }
      });
    this.#inFlight.set(row.id, { row, run });
    this.#renewal ??= setInterval(() => void this.#renew(), Math.max(1, Math.floor(this.#leaseMs / 3)));
    return run;
  }

  get #full(): boolean {
    return this.#inFlight.size >= this.#concurrency;
  }

  async #renew(): Promise<void> {
    const rows = [...this.#inFlight.values()].map((job) => job.row);
    try {
      await renewLeases(this.#store.db, rows, instant(addMs(this.#clock.now(), this.#leaseMs)));
    } catch (err) {
      this.#log?.warn('job leases not renewed', { error: describeFailure(err) });
    }
  }

  #arm(delayMs: number): void {
    if (!this.#started) return;
    const delay = Math.min(Math.max(0, delayMs), this.#pollMs);
    const at = Date.now() + delay;
    if (this.#timer && at >= this.#armedAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(() => void this.#tick(), delay);
  }

  async #tick(): Promise<void> {
    this.#timer = null;
    this.#armedAt = Infinity;
    try {
      await this.#claimInTurn();
      // When every slot is taken, the next job to finish re-arms the timer.
      const next = this.#full ? null : await nextRunAt(this.#store.db, [...this.#handlers.keys()]);
      this.#arm(next === null ? this.#pollMs : next.getTime() - this.#clock.now().getTime());
    } catch (err) {
      this.#log?.error('job runner could not reach the database', { error: describeFailure(err) });
      this.#arm(this.#pollMs);
    }
  }
}
