import type { SseConnection } from '../realtime/connection.ts';
import { Hub } from '../realtime/hub.ts';
import type { SseSink } from '../realtime/sink.ts';

/**
 * The realtime Hub plus one thing erasure needs and Hub does not offer (yet): ending the
 * streams of some topics while leaving the rest open. An erased action's phones are cut
 * off; they reconnect, are told the action is gone, and forget what they kept.
 */
export class LiveHub extends Hub {
  readonly #byTopic = new Map<string, Set<SseConnection>>();

  override connect(topic: string, audience: string, sink: SseSink): SseConnection {
    const connection = super.connect(topic, audience, sink);
    let members = this.#byTopic.get(topic);
    if (!members) this.#byTopic.set(topic, (members = new Set()));
    members.add(connection);
    connection.onClose(() => {
      const current = this.#byTopic.get(topic);
      current?.delete(connection);
      if (current?.size === 0) this.#byTopic.delete(topic);
    });
    return connection;
  }

  /** Ends every stream whose topic starts with the prefix; returns how many were ended. */
  endTopics(prefix: string): number {
    let ended = 0;
    for (const [topic, members] of [...this.#byTopic]) {
      if (!topic.startsWith(prefix)) continue;
      for (const connection of [...members]) {
        connection.end();
        ended++;
      }
    }
    return ended;
  }
}
