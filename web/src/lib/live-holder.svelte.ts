import { enc, request, asApiError, type ApiError } from './api.ts';
import { fromView, type LiveEvent } from './live-events.ts';
import { keepShellOffline } from './live-offline.ts';
import { LiveChannel } from './live.svelte.ts';
import { forgetAction, ticketFor, ticketHeader } from './tickets.ts';
import type { ActionView, HolderView, ReleasedDisclosure, Tier } from '../components/action/types.ts';

/**
 * The participant's side of the live page: who this phone is for the action (its ticket, or
 * the signed-in person's RSVP), the live channel of its city, and the endings — the action
 * erased, or the RSVP gone — after which nothing about the action stays on the phone.
 */
export type HolderPhase = 'loading' | 'ready' | 'noRsvp' | 'unknownTicket' | 'over';

export interface HolderHooks {
  /** New events arrived (once each): for announcing them. */
  onevents: (events: LiveEvent[]) => void;
}

export class LiveHolder {
  channel = $state<LiveChannel | null>(null);
  phase = $state<HolderPhase>('loading');
  loadError = $state<ApiError | null>(null);
  /** The tier the server last told us outside the stream (the holder view, a check-in). */
  tier = $state<Tier | null>(null);

  readonly #slug: string;
  readonly #signedIn: boolean;
  readonly #hooks: HolderHooks;

  constructor(slug: string, signedIn: boolean, hooks: HolderHooks) {
    this.#slug = slug;
    this.#signedIn = signedIn;
    this.#hooks = hooks;
    const stored = ticketFor(slug);
    // With a ticket the page draws at once from what this phone kept, network or not.
    if (stored) this.channel = this.#open(stored.nodeId, stored.ticket);
    else if (!signedIn) this.phase = 'noRsvp';
  }

  start(): void {
    if (this.phase === 'noRsvp') return;
    keepShellOffline();
    this.channel?.start();
    void this.load();
  }

  stop(): void {
    this.channel?.stop();
  }

  /** What the server says about this holder now; on a network failure the kept copy stands. */
  async load(): Promise<void> {
    const slug = enc(this.#slug);
    const headers = ticketHeader(this.#slug);
    try {
      const [holder, action] = await Promise.all([
        request<HolderView>('GET', `/actions/${slug}/me`, undefined, headers),
        request<ActionView>('GET', `/actions/${slug}`),
      ]);
      this.loadError = null;
      if (!this.channel) {
        // Signed in, RSVPed on another device: the session stands in for the ticket.
        this.channel = this.#open(holder.nodeId, null);
        this.channel.start();
      }
      this.tier = holder.tier;
      this.channel.remember(
        { title: action.title, city: holder.city, zone: holder.zone, startsAt: holder.startsAt, endsAt: holder.endsAt },
        holder.now,
      );
      this.channel.add(holder.disclosures.map(fromView));
      this.phase = 'ready';
    } catch (err) {
      const problem = asApiError(err);
      if (problem.status === 410) return this.#end('over');
      // No RSVP behind this ticket any more: cancelled, its city removed, or the action gone.
      if (problem.status === 404) return this.#end(this.channel || !this.#signedIn ? 'unknownTicket' : 'noRsvp');
      this.loadError = problem;
      this.phase = this.channel?.summary ? 'ready' : 'loading';
    }
  }

  /** Checked in: show what it unlocked, and reopen the stream in the higher tier. */
  checkedIn(tier: Tier, disclosures: ReleasedDisclosure[]): void {
    this.tier = tier;
    this.channel?.add(disclosures.map(fromView));
    this.channel?.restart();
  }

  #open(nodeId: string, ticket: string | null): LiveChannel {
    return new LiveChannel({
      slug: this.#slug,
      nodeId,
      ticket,
      // A refused stream may mean the action was erased: the holder view says which.
      onrefused: () => void this.load(),
      onevents: (events) => this.#hooks.onevents(events),
    });
  }

  #end(phase: HolderPhase): void {
    this.phase = phase;
    this.channel?.stop();
    forgetAction(this.#slug);
  }
}
