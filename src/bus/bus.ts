/**
 * Publish/subscribe between the parts of the server (and, with a PostgreSQL bus, between
 * processes). A message says *that* something happened — kinds and ids — never the content:
 * it may cross a database connection, and a reader fetches what it is entitled to see.
 */
export type BusValue = string | number | boolean | null;

export interface BusMessage {
  readonly kind: string;
  readonly [field: string]: BusValue;
}

export type BusHandler = (message: BusMessage, topic: string) => void | Promise<void>;

export interface Bus {
  /**
   * Delivers to every subscriber of the topic, in this process or another, asynchronously
   * and in publish order per publisher. Resolves once the message is handed over, not when
   * handlers have run. Publish after the transaction that made the news has committed.
   */
  publish(topic: string, message: BusMessage): Promise<void>;
  /** Returns the unsubscribe function. A handler's errors never reach the publisher. */
  subscribe(topic: string, handler: BusHandler): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Told locally, on every subscribed topic, when a networked bus was deaf for a while (its
 * connection dropped and came back): messages may have been missed, so re-check the source.
 * Handlers ignore kinds they do not know, so only those that care need to handle it.
 */
export const resumedKind = 'bus.resumed';

/** PostgreSQL NOTIFY carries under 8000 bytes; keeping every bus far below keeps them swappable. */
export const maxMessageBytes = 1024;

/**
 * The wire form every bus uses, checked the same way everywhere, so code that works on the
 * memory bus does not break on a networked one (no Dates, no nesting, nothing large).
 */
export function encodeMessage(topic: string, message: BusMessage): string {
  if (topic === '') throw new Error('bus topic must not be empty');
  if (typeof message.kind !== 'string' || message.kind === '') throw new Error(`bus message on ${topic} needs a kind`);
  for (const [field, value] of Object.entries(message)) {
    const type = typeof value;
    if (value !== null && type !== 'string' && type !== 'number' && type !== 'boolean') {
      throw new Error(`bus message ${message.kind}: field ${field} must be a string, number, boolean or null`);
    }
  }
  const text = JSON.stringify(message);
  if (Buffer.byteLength(text) > maxMessageBytes) {
    throw new Error(`bus message ${message.kind} is over ${maxMessageBytes} bytes; send ids, not content`);
  }
  return text;
}

export function decodeMessage(text: string): BusMessage {
  return Object.freeze(JSON.parse(text) as BusMessage);
}
