import type { Logger } from '../core/log.ts';
import { decodeMessage, encodeMessage, type Bus, type BusHandler, type BusMessage } from './bus.ts';

/**
 * The bus for a single process. It behaves like a networked bus on purpose — messages are
 * copied through their wire form and delivered on a later tick — so nothing comes to rely
 * on shared objects or on a handler having run before publish() returns.
 */
export class MemoryBus implements Bus {
  readonly #topics = new Map<string, Set<BusHandler>>();
  readonly #log: Logger | undefined;
  #started = false;

  constructor(options: { log?: Logger } = {}) {
    this.#log = options.log;
  }

  async start(): Promise<void> {
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
  }

  async publish(topic: string, message: BusMessage): Promise<void> {
    if (!this.#started) throw new Error('the bus is not started');
    const text = encodeMessage(topic, message);
    const handlers = this.#topics.get(topic);
    if (!handlers?.size) return;
    const copy = decodeMessage(text);
    // Snapshot: a handler subscribed after publishing does not receive this message.
    for (const handler of [...handlers]) {
      queueMicrotask(() => this.#deliver(handler, copy, topic));
    }
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    let handlers = this.#topics.get(topic);
    if (!handlers) this.#topics.set(topic, (handlers = new Set()));
    // Wrapped so the same function subscribed twice gets two deliveries and two unsubscribes.
    const entry: BusHandler = (message, at) => handler(message, at);
    handlers.add(entry);
    return () => {
      handlers.delete(entry);
      if (handlers.size === 0 && this.#topics.get(topic) === handlers) this.#topics.delete(topic);
    };
  }

  /** Subscribers per topic, for tests and metrics. */
  subscriberCount(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0;
  }

  #deliver(handler: BusHandler, message: BusMessage, topic: string): void {
    if (!this.#started) return;
    const failed = (err: unknown) =>
      this.#log?.error('bus handler failed', { topic, kind: message.kind, error: err instanceof Error ? err.name : 'non-Error' });
    try {
      const result = handler(message, topic);
      if (result instanceof Promise) result.catch(failed);
    } catch (err) {
      failed(err);
    }
  }
}
