import { encodeEvent, type SseEvent } from './frame.ts';
import type { SseSink } from './sink.ts';

/**
 * One subscriber's stream. It opens "catching up": live events are held back while the
 * catch-up is written, then released minus any the catch-up already contained, so the
 * subscriber sees no gap and no duplicate.
 */
export class SseConnection {
  readonly topic: string;
  readonly audience: string;
  /** Which of the hub's heartbeat groups this stream beats with. */
  readonly beatGroup: number;
  readonly #sink: SseSink;
  readonly #maxQueuedBytes: number;
  /** Live events that arrived during catch-up; null once live. */
  #held: Array<{ id: string; frame: Uint8Array }> | null = [];
  #heldBytes = 0;
  /** Ids the catch-up sent. A publisher may send an event live well after committing it. */
  #caughtUp: Set<string> | null = null;
  #beatsUntilSettled = 2;
  /** Something went out since the last heartbeat, so the stream was not idle. */
  #wroteSinceBeat = false;
  #dropped = false;

  constructor(topic: string, audience: string, sink: SseSink, maxQueuedBytes: number, beatGroup: number) {
    this.topic = topic;
    this.audience = audience;
    this.beatGroup = beatGroup;
    this.#sink = sink;
    this.#maxQueuedBytes = maxQueuedBytes;
  }

  get closed(): boolean {
    return this.#sink.closed;
  }

  /** True when cut off for falling behind (as opposed to the peer leaving or a shutdown). */
  get dropped(): boolean {
    return this.#dropped;
  }

  get live(): boolean {
    return this.#held === null;
  }

  onClose(listener: () => void): void {
    this.#sink.onClose(listener);
  }

  /**
   * Writes one pre-encoded frame (shared with every other subscriber). Returns false when
   * nothing was written or held. A subscriber too far behind is cut off instead of blocking
   * the others or growing without bound: it reconnects and catches up from Last-Event-ID.
   */
  deliver(id: string, frame: Uint8Array): boolean {
    if (this.#sink.closed) return false;
    if (this.#held) {
      this.#held.push({ id, frame });
      this.#heldBytes += frame.byteLength;
      if (this.#heldBytes > this.#maxQueuedBytes) this.drop();
      return !this.#sink.closed;
    }
    if (this.#caughtUp?.has(id)) return false;
    if (this.#sink.write(frame) > this.#maxQueuedBytes) {
      this.drop();
      return false;
    }
    this.#wroteSinceBeat = true;
    return true;
  }

  /** Writes what the subscriber missed, waiting on the socket as needed, then goes live. */
  async catchUp(events: readonly SseEvent[]): Promise<void> {
    const sent = new Set<string>();
    for (const event of events) {
      if (this.#sink.closed) return;
      this.#sink.write(encodeEvent(event));
      this.#wroteSinceBeat = true;
      sent.add(event.id);
      await this.#sink.drain();
    }
    if (this.#sink.closed) return;
    const held = this.#held ?? [];
    this.#held = null;
    this.#heldBytes = 0;
    this.#caughtUp = sent.size ? sent : null;
    for (const { id, frame } of held) this.deliver(id, frame);
  }

  /**
   * Writes a keep-alive, unless an event went out since the last beat: a stream that just
   * carried the reveal is not idle, and a comment to every phone right after the reveal to
   * every phone would double the peak. After a couple of beats, catch-up ids can no longer
   * come back live.
   */
  heartbeat(frame: Uint8Array): void {
    if (this.#sink.closed || this.#held) return;
    if (this.#caughtUp && --this.#beatsUntilSettled <= 0) this.#caughtUp = null;
    if (this.#wroteSinceBeat) {
      this.#wroteSinceBeat = false;
      return;
    }
    if (this.#sink.write(frame) > this.#maxQueuedBytes) this.drop();
  }

  /** Ends the stream politely (server shutting down, catch-up failed). */
  end(): void {
    this.#sink.end();
  }

  /** Cuts a subscriber that cannot keep up. */
  drop(): void {
    if (this.#sink.closed) return;
    this.#dropped = true;
    this.#sink.destroy();
  }
}
