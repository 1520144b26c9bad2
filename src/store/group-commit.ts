/**
 * Group commit: writes submitted in the same event-loop turn are handed to one flush (one
 * transaction, so one fsync with synchronous=FULL) and each submitter's promise settles only
 * after that flush has settled. A failed flush rejects every submitter of its batch, with the
 * flush's error; nothing is retried behind anyone's back.
 *
 * Batches never overlap: what arrives while a flush is running waits for the next one.
 */
export type Flush<T, R> = (items: readonly T[]) => Promise<readonly R[]>;

interface Waiter<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export class GroupCommit<T, R> {
  readonly #flush: Flush<T, R>;
  readonly #maxBatch: number;
  #pending: Waiter<T, R>[] = [];
  /** A drain is scheduled or running; it keeps going until nothing is pending. */
  #draining = false;

  /** `flush` gets the items in submission order and must answer one result per item, in that order. */
  constructor(flush: Flush<T, R>, options: { maxBatch?: number } = {}) {
    const { maxBatch = 512 } = options;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be a whole number ≥ 1');
    this.#flush = flush;
    this.#maxBatch = maxBatch;
  }

  /** Resolves with this item's result once the batch holding it is committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#draining) return;
      this.#draining = true;
      // After the I/O callbacks of this turn, so every request read in it can join the batch.
      setImmediate(() => void this.#drain());
    });
  }

  /** Items waiting for a flush, for tests. */
  get pending(): number {
    return this.#pending.length;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, this.#maxBatch);
        await this.#commit(batch);
        // Let the next turn's requests arrive and join the following batch.
        if (this.#pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#draining = false;
    }
  }

  async #commit(batch: Waiter<T, R>[]): Promise<void> {
    let results: readonly R[];
    try {
      results = await this.#flush(batch.map((waiter) => waiter.item));
      if (results.length !== batch.length) throw new Error(`group commit: flush answered ${results.length} results for ${batch.length} items`);
    } catch (err) {
      for (const waiter of batch) waiter.reject(err);
      return;
    }
    batch.forEach((waiter, i) => waiter.resolve(results[i] as R));
  }
}
