/**
 * Polite polling for pages that change while someone watches them (a need being taken, a
 * queue filling up): every 20 s while the page is visible, none while it is hidden, once at
 * once when it comes back or the network returns, and slower after failures so a struggling
 * server or a phone in a tunnel is not hammered.
 */
export const pollEveryMs = 20_000;
const maxBackoffMs = 5 * 60_000;

export class Poller {
  readonly #refresh: () => Promise<boolean>;
  readonly #everyMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #failures = 0;
  #busy = false;
  readonly #wake = () => {
    if (document.visibilityState === 'visible') void this.#tick();
    else this.#clear();
  };

  /** `refresh` resolves true when it worked. */
  constructor(refresh: () => Promise<boolean>, everyMs = pollEveryMs) {
    this.#refresh = refresh;
    this.#everyMs = everyMs;
  }

  /** Starts waiting; the page has just loaded, so the first refresh comes after one interval. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    document.addEventListener('visibilitychange', this.#wake);
    window.addEventListener('online', this.#wake);
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    document.removeEventListener('visibilitychange', this.#wake);
    window.removeEventListener('online', this.#wake);
    this.#clear();
  }

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    this.#clear();
    if (!this.#running || document.visibilityState !== 'visible') return;
    const delay = Math.min(maxBackoffMs, this.#everyMs * 2 ** this.#failures);
    this.#timer = setTimeout(() => void this.#tick(), delay);
  }

  async #tick(): Promise<void> {
    this.#clear();
    if (!this.#running || this.#busy) return;
    this.#busy = true;
    const ok = await this.#refresh().catch(() => false);
    this.#busy = false;
    this.#failures = ok ? 0 : Math.min(this.#failures + 1, 4);
    this.#schedule();
  }
}
