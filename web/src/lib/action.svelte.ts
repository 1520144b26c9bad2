import { asApiError, type ApiError } from './api.ts';

/** A button's request outside a form (approve, revoke, leave): busy while it runs, its error after. */
export class Action {
  busy = $state(false);
  error = $state<ApiError | null>(null);

  async run(work: () => Promise<unknown>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await work();
      return true;
    } catch (err) {
      this.error = asApiError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
