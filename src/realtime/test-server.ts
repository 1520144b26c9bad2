import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SseEvent } from './frame.ts';
import { Hub } from './hub.ts';
import { SseReader } from './sse-reader.ts';
import { sseResponse } from './sse-response.ts';

/**
 * A real HTTP server on 127.0.0.1 with one SSE route, `/streams/:topic?audience=`, for
 * tests and benchmarks. The catch-up reads an in-memory archive: events stored per topic,
 * oldest first, with ids that sort in time order.
 */
export interface SseServer {
  url: string;
  port: number;
  hub: Hub;
  archive: Map<string, SseEvent[]>;
  app: Hono;
  /** Opens a subscriber with node's fetch, as a phone's EventSource would. */
  subscribe(topic: string, audience: string, lastEventId?: string): Promise<Subscriber>;
  close(): Promise<void>;
}

export interface Subscriber {
  response: Response;
  reader: SseReader;
  close(): void;
}

export type CatchUp = (topic: string, lastEventId: string | null) => Promise<SseEvent[]>;

export async function startSseServer(options: { hub?: Hub; catchUp?: CatchUp } = {}): Promise<SseServer> {
  const hub = options.hub ?? new Hub();
  const archive = new Map<string, SseEvent[]>();
  const fromArchive: CatchUp = async (topic, lastEventId) =>
    (archive.get(topic) ?? []).filter((event) => lastEventId === null || event.id > lastEventId);
  const catchUp = options.catchUp ?? fromArchive;

  const app = new Hono();
  app.get('/streams/:topic', (c) => {
    const topic = c.req.param('topic');
    return sseResponse(c, { hub, topic, audience: c.req.query('audience') ?? 'public', catchUp: (last) => catchUp(topic, last) });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const subscribers = new Set<AbortController>();

  return {
    url,
    port,
    hub,
    archive,
    app,
    async subscribe(topic, audience, lastEventId) {
      const abort = new AbortController();
      subscribers.add(abort);
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
      const response = await fetch(`${url}/streams/${encodeURIComponent(topic)}?audience=${encodeURIComponent(audience)}`, {
        headers,
        signal: abort.signal,
      });
      if (!response.body) throw new Error(`no stream: ${response.status}`);
      return { response, reader: new SseReader(response.body), close: () => abort.abort() };
    },
    async close() {
      for (const abort of subscribers) abort.abort();
      hub.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Polls until the condition holds; for state that changes when a socket closes. */
export async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
