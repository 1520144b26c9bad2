import { asApiError, type ApiError } from './api.ts';

/** One fetch with its loading and error states, and a way to try again. */
export class Resource<T> {
  data = $state<T | undefined>(undefined);
  error = $state<ApiError | null>(null);
  loading = $state(false);
  readonly #fetcher: () => Promise<T>;

  constructor(fetcher: () => Promise<T>, opts: { lazy?: boolean } = {}) {
    this.#fetcher = fetcher;
    if (!opts.lazy) void this.load();
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.data = await this.#fetcher();
      this.error = null;
    } catch (err) {
      this.error = asApiError(err);
    } finally {
      this.loading = false;
    }
  }
}
