import { createHash, randomBytes } from 'node:crypto';
import { sql, type QueryExecutorProvider } from 'kysely';
import pg from 'pg';
import type { Logger } from '../core/log.ts';
import { decodeMessage, encodeMessage, resumedKind, type Bus, type BusHandler, type BusMessage } from './bus.ts';

export interface PostgresBusOptions {
  /** The connection URL; the LISTEN connection is opened from it, outside the pool. */
  connectionString: string;
  /** Publishing borrows a pooled connection for one `SELECT pg_notify(...)`. */
  db: QueryExecutorProvider;
  /**
   * Keeps deployments (and parallel test schemas) that share one database from hearing each
   * other: the PostgreSQL schema, usually. Empty for a database used by one deployment.
   */
  namespace?: string | undefined;
  log?: Logger;
  /** First wait before reconnecting a dropped LISTEN connection; doubles up to 5 s. */
  reconnectMs?: number;
}

/** Topics go inside the payload; a long one would only mean a caller put content in it. */
const maxTopicBytes = 200;
const maxReconnectMs = 5_000;

/**
 * NOTIFY channels are identifiers of at most 63 bytes, and `action:<uuid>:<uuid>` topics with
 * a schema in front would not fit; LISTENing per topic would also make subscribe() wait for a
 * round trip. So one channel per namespace, LISTENed once at start, with the topic inside
 * the payload (≤ 1 KiB message + topic, far below NOTIFY's 8000 bytes).
 */
export function channelFor(namespace: string | undefined): string {
  const channel = namespace ? `blossom_bus:${namespace}` : 'blossom_bus';
  if (Buffer.byteLength(channel) <= 63) return channel;
  return `blossom_bus:${createHash('sha256').update(namespace!).digest('hex').slice(0, 40)}`;
}

/**
 * The bus between processes on one PostgreSQL. Every process LISTENs on one dedicated
 * connection (a pooled one would be handed to queries and miss notifications); its own
 * publishes come back through it too, so local and remote subscribers are served alike.
 * While the LISTEN connection is down, messages are missed, not queued: after reconnecting,
 * every subscribed topic gets a local `bus.resumed` so subscribers can re-check the database
 * (the job runner polls at once; live streams resume from Last-Event-ID when phones reconnect).
 */
export class PostgresBus implements Bus {
  readonly #options: PostgresBusOptions;
  readonly #channel: string;
  readonly #topics = new Map<string, Set<BusHandler>>();
  #client: pg.Client | null = null;
  #started = false;
  #reconnect: NodeJS.Timeout | null = null;
  #retryMs: number;
  // Publishes go out one after another: two pooled connections could otherwise reorder them.
  #sending: Promise<unknown> = Promise.resolve();

  constructor(options: PostgresBusOptions) {
    this.#options = options;
    this.#channel = channelFor(options.namespace);
    this.#retryMs = options.reconnectMs ?? 100;
  }

  /** The LISTEN connection's application_name, so operators (and tests) can find it in pg_stat_activity. */
  readonly listenerName = `blossom_bus ${process.pid}.${randomBytes(3).toString('hex')}`;

  get channel(): string {
    return this.#channel;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    // A bus that cannot listen at boot is a configuration error worth stopping for.
    this.#client = await this.#listen();
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
    if (this.#reconnect) clearTimeout(this.#reconnect);
    this.#reconnect = null;
    await this.#sending;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async publish(topic: string, message: BusMessage): Promise<void> {
    if (!this.#started) throw new Error('the bus is not started');
    const text = encodeMessage(topic, message);
    if (Buffer.byteLength(topic) > maxTopicBytes) throw new Error(`bus topic is over ${maxTopicBytes} bytes`);
    const payload = JSON.stringify([topic, text]);
    const send = this.#sending.then(() => sql`select pg_notify(${this.#channel}, ${payload})`.execute(this.#options.db));
    this.#sending = send.catch(() => undefined);
    await send;
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    let handlers = this.#topics.get(topic);
    if (!handlers) this.#topics.set(topic, (handlers = new Set()));
    const entry: BusHandler = (message, at) => handler(message, at);
    handlers.add(entry);
    return () => {
      handlers.delete(entry);
      if (handlers.size === 0 && this.#topics.get(topic) === handlers) this.#topics.delete(topic);
    };
  }

  async #listen(): Promise<pg.Client> {
    // keepAlive: a connection cut without a FIN (a dead NAT, a pulled cable) is then noticed.
    const client = new pg.Client({ connectionString: this.#options.connectionString, application_name: this.listenerName, keepAlive: true });
    // Without a listener an 'error' event would crash the process; a dropped connection is expected.
    client.on('error', () => undefined);
    await client.connect();
    try {
      client.on('notification', (note) => {
        if (note.channel === this.#channel && note.payload !== undefined) this.#receive(note.payload);
      });
      client.on('end', () => this.#dropped(client));
      await client.query(`LISTEN ${client.escapeIdentifier(this.#channel)}`);
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  #dropped(client: pg.Client): void {
    if (!this.#started || this.#client !== client) return;
    this.#client = null;
    this.#options.log?.warn('bus connection lost; reconnecting', { channel: this.#channel });
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, maxReconnectMs);
    this.#reconnect = setTimeout(() => void this.#reconnectNow(), wait);
  }

  async #reconnectNow(): Promise<void> {
    this.#reconnect = null;
    if (!this.#started) return;
    let client: pg.Client;
    try {
      client = await this.#listen();
    } catch {
      this.#scheduleReconnect();
      return;
    }
    if (!this.#started) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#retryMs = this.#options.reconnectMs ?? 100;
    this.#options.log?.info('bus connection restored', { channel: this.#channel });
    const resumed = decodeMessage(JSON.stringify({ kind: resumedKind }));
    for (const [topic, handlers] of this.#topics) for (const handler of [...handlers]) this.#deliver(handler, resumed, topic);
  }

  #receive(payload: string): void {
    let topic: string;
    let message: BusMessage;
    try {
      const [at, text] = JSON.parse(payload) as [string, string];
      topic = at;
      message = decodeMessage(text);
    } catch {
      this.#options.log?.warn('bus message not understood', { channel: this.#channel });
      return;
    }
    const handlers = this.#topics.get(topic);
    if (!handlers) return;
    for (const handler of [...handlers]) this.#deliver(handler, message, topic);
  }

  #deliver(handler: BusHandler, message: BusMessage, topic: string): void {
    if (!this.#started) return;
    const failed = (err: unknown) =>
      this.#options.log?.error('bus handler failed', { topic, kind: message.kind, error: err instanceof Error ? err.name : 'non-Error' });
    try {
      const result = handler(message, topic);
      if (result instanceof Promise) result.catch(failed);
    } catch (err) {
      failed(err);
    }
  }
}
