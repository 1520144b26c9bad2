import { performance } from 'node:perf_hooks';
import type { FromClients } from './protocol.ts';

/**
 * What the two crowds (bench/clients.ts on raw SSE sockets, bench/peer-clients.ts on
 * socket.io) share once their phones are open: tallying why some failed to open, waiting
 * for the reveal until a deadline, and summing up who got it. The transports stay in their
 * own files; they only report arrivals and lost connections here.
 */

/** A phone as the crowd sees it, whatever it talks. */
export interface Listener {
  /** Wall-clock instant the target arrived, null while it has not. */
  receivedAt: number | null;
  /** Its connection ended (or failed). */
  ended: boolean;
}

export type Outcome = Pick<Extract<FromClients, { kind: 'result' }>, 'latencies' | 'missing' | 'lost'>;

/** Milliseconds from `at` for every phone that got the target; the rest, still connected or gone. */
export function outcome(phones: readonly Listener[], at: number): Outcome {
  const latencies = phones.filter((p) => p.receivedAt !== null).map((p) => p.receivedAt! - at);
  const missing = phones.filter((p) => p.receivedAt === null && !p.ended).length;
  const lost = phones.filter((p) => p.receivedAt === null && p.ended).length;
  return { latencies, missing, lost };
}

/** Distinct reasons with how many clients gave each: 5000 identical lines would say less. */
export class ErrorTally {
  failed = 0;
  readonly #reasons = new Map<string, number>();

  /** One more client that could not open; only the first 5 distinct reasons are kept. */
  add(reason: string): void {
    this.failed++;
    if (this.#reasons.size < 5 || this.#reasons.has(reason)) this.#reasons.set(reason, (this.#reasons.get(reason) ?? 0) + 1);
  }

  /** E.g. `12 × ECONNRESET read ECONNRESET`, in order of first appearance. */
  lines(): string[] {
    return [...this.#reasons].map(([reason, count]) => `${count} × ${reason}`);
  }

  /** The message saying the crowd is connected. */
  connected(open: number): Extract<FromClients, { kind: 'connected' }> {
    return { kind: 'connected', open, failed: this.failed, errors: this.lines() };
  }
}

type Arm = { at: number; match: string; deadline: number };

/** The phones of one process and the reveal they are waiting for. */
export class Crowd<P extends Listener> {
  readonly phones: P[] = [];
  #target: Arm | null = null;
  #frame: string | null = null;
  /** Phones still waiting for the target while armed. */
  #waiting = 0;
  #finish: (() => void) | null = null;
  #anchorWall = 0;
  #anchorPerf = 0;

  readonly #send: (message: FromClients) => void;

  constructor(send: (message: FromClients) => void) {
    this.#send = send;
  }

  /** Armed and waiting for the target. */
  get armed(): boolean {
    return this.#target !== null;
  }

  /** Wall-clock milliseconds with sub-millisecond steps, anchored on a tick of Date.now(). */
  wallNow(): number {
    return this.#anchorWall + (performance.now() - this.#anchorPerf);
  }

  #anchorClock(): void {
    const start = Date.now();
    let now = start;
    while (now === start) now = Date.now();
    this.#anchorPerf = performance.now();
    this.#anchorWall = now;
  }

  /** An event with this id reached the phone at `at`; `frame` gives its text if it is the target. */
  received(phone: P, id: string | null | undefined, at: number, frame: () => string): void {
    if (!this.#target || phone.receivedAt !== null || !id?.includes(this.#target.match)) return;
    phone.receivedAt = at;
    this.#frame ??= frame();
    this.#settle();
  }

  /** The phone's connection ended: if it was still waiting, it has its answer. */
  dropped(phone: P): void {
    if (this.#target && phone.receivedAt === null) this.#settle();
  }

  /** One more phone has its answer (the target, or a lost connection). */
  #settle(): void {
    if (--this.#waiting <= 0) this.#finish?.();
  }

  /** Says `armed`, waits until every phone has its answer or the deadline, then sends the `result`. */
  async arm(spec: Arm): Promise<void> {
    this.#anchorClock();
    this.#frame = null;
    for (const phone of this.phones) phone.receivedAt = null;
    this.#waiting = this.phones.filter((p) => !p.ended).length;
    this.#target = spec;
    this.#send({ kind: 'armed' });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, spec.deadline - Date.now()));
      this.#finish = () => {
        clearTimeout(timer);
        resolve();
      };
      if (this.#waiting <= 0) this.#finish();
    });
    this.#finish = null;
    this.#target = null;
    this.#send({ kind: 'result', ...outcome(this.phones, spec.at), frame: this.#frame });
  }
}
