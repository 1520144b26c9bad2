import { SseConnection } from './connection.ts';
import { encodeEvent, heartbeatFrame, type SseEvent } from './frame.ts';
import type { SseSink } from './sink.ts';

export interface HubOptions {
  /** Bytes a subscriber may fall behind before it is cut off (default 256 KiB). */
  maxQueuedBytes?: number;
  /** Comment lines keep idle streams open through proxies: each idle stream gets one this often (default 20 s). */
  heartbeatMs?: number;
}

/**
 * A heartbeat to every stream at once is as heavy as a reveal to every stream, and would stall
 * the process as long; streams are dealt into this many groups, and one group beats at a time.
 */
const beatGroups = 20;

export interface HubMetrics {
  /** Events encoded by send(): one per send that had anyone to reach, however many that was. */
  framesEncoded: number;
  /** Frames handed to connections by send(). */
  framesDelivered: number;
  /** Connections cut off for falling behind. */
  connectionsDropped: number;
}

export interface AudienceCount {
  topic: string;
  audience: string;
  connections: number;
}

/**
 * Holds open SSE connections by topic and audience (an opaque name the caller chooses, such
 * as a tier) and fans each event out as one shared buffer. Nothing here touches the database:
 * who belongs to which audience is decided once, when the connection is opened.
 */
export class Hub {
  readonly #topics = new Map<string, Map<string, Set<SseConnection>>>();
  /** One copy of each open topic's name, shared by its connections (each request builds its own). */
  readonly #topicNames = new Map<string, string>();
  readonly #maxQueuedBytes: number;
  readonly #heartbeatMs: number;
  readonly #metrics: HubMetrics = { framesEncoded: 0, framesDelivered: 0, connectionsDropped: 0 };
  #heartbeat: NodeJS.Timeout | null = null;
  /** Every open connection, in the group that beats with it; one group per tick, in turn. */
  readonly #beatGroups: Set<SseConnection>[] = Array.from({ length: beatGroups }, () => new Set());
  #dealt = 0;
  #nextGroup = 0;

  constructor(options: HubOptions = {}) {
    this.#maxQueuedBytes = options.maxQueuedBytes ?? 256 * 1024;
    this.#heartbeatMs = options.heartbeatMs ?? 20_000;
  }

  start(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => this.beatNextGroup(), this.#heartbeatMs / beatGroups);
    // Heartbeats alone are no reason to keep the process alive.
    this.#heartbeat.unref();
  }

  /** Ends every stream; clients will reconnect to whichever process comes up next. */
  stop(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    for (const connection of this.#all()) connection.end();
  }

  /**
   * Registers a connection in its catching-up state: live events are held for it until
   * `connection.catchUp(events)` has written what it missed. See sseResponse().
   */
  connect(topic: string, audience: string, sink: SseSink): SseConnection {
    let audiences = this.#topics.get(topic);
    if (!audiences) this.#topics.set(topic, (audiences = new Map()));
    let members = audiences.get(audience);
    if (!members) audiences.set(audience, (members = new Set()));
    const beatGroup = this.#dealt++ % beatGroups;
    const connection = new SseConnection(this.#intern(topic), audience, sink, this.#maxQueuedBytes, beatGroup);
    members.add(connection);
    this.#beatGroups[beatGroup]!.add(connection);
    connection.onClose(() => this.#remove(connection));
    return connection;
  }

  /**
   * Sends one event to every connection on the topic in the given audiences. The event is
   * encoded once and the same bytes written to each. Returns how many connections got it.
   */
  send(topic: string, audiences: readonly string[], event: SseEvent): number {
    const byAudience = this.#topics.get(topic);
    if (!byAudience) return 0;
    let frame: Buffer | null = null;
    let delivered = 0;
    for (const audience of new Set(audiences)) {
      const members = byAudience.get(audience);
      if (!members) continue;
      if (!frame) {
        frame = encodeEvent(event);
        this.#metrics.framesEncoded++;
      }
      for (const connection of members) if (connection.deliver(event.id, frame)) delivered++;
    }
    this.#metrics.framesDelivered += delivered;
    return delivered;
  }

  /** A heartbeat to every open stream now: one whole round of the groups. */
  heartbeat(): void {
    for (let i = 0; i < beatGroups; i++) this.beatNextGroup();
  }

  /** A heartbeat to the next group of streams: what the timer does, a twentieth of the interval apart. */
  beatNextGroup(): void {
    const group = this.#beatGroups[this.#nextGroup]!;
    this.#nextGroup = (this.#nextGroup + 1) % beatGroups;
    for (const connection of group) connection.heartbeat(heartbeatFrame);
  }

  /** Open connections, optionally on one topic and audience. */
  count(topic?: string, audience?: string): number {
    let total = 0;
    for (const entry of this.counts()) {
      if ((topic === undefined || entry.topic === topic) && (audience === undefined || entry.audience === audience)) {
        total += entry.connections;
      }
    }
    return total;
  }

  /** Ends every stream whose topic starts with the prefix (an erased action's); returns how many. */
  endTopics(prefix: string): number {
    const ending = [...this.#topics].filter(([topic]) => topic.startsWith(prefix));
    let ended = 0;
    for (const [, audiences] of ending) {
      for (const members of audiences.values()) {
        for (const connection of [...members]) {
          connection.end();
          ended++;
        }
      }
    }
    return ended;
  }

  counts(): AudienceCount[] {
    const result: AudienceCount[] = [];
    for (const [topic, audiences] of this.#topics) {
      for (const [audience, members] of audiences) result.push({ topic, audience, connections: members.size });
    }
    return result;
  }

  get metrics(): Readonly<HubMetrics> {
    return { ...this.#metrics };
  }

  *#all(): Generator<SseConnection> {
    for (const audiences of this.#topics.values()) {
      for (const members of audiences.values()) yield* [...members];
    }
  }

  #remove(connection: SseConnection): void {
    if (connection.dropped) this.#metrics.connectionsDropped++;
    this.#beatGroups[connection.beatGroup]!.delete(connection);
    const audiences = this.#topics.get(connection.topic);
    const members = audiences?.get(connection.audience);
    if (!audiences || !members?.delete(connection)) return;
    if (members.size === 0) audiences.delete(connection.audience);
    if (audiences.size === 0) {
      this.#topics.delete(connection.topic);
      this.#topicNames.delete(connection.topic);
    }
  }

  #intern(topic: string): string {
    const known = this.#topicNames.get(topic);
    if (known !== undefined) return known;
    this.#topicNames.set(topic, topic);
    return topic;
  }
}
