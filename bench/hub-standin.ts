import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Hub } from '../src/realtime/hub.ts';
import { sseResponse } from '../src/realtime/sse-response.ts';
import type { FromServer, ToServer } from './protocol.ts';
import { serveOverIpc } from './server-ipc.ts';
import { parseFrame } from './sse-wire.ts';

/**
 * Blossom's real-time layer alone — Hono, sseResponse and the Hub — without accounts,
 * tickets, the database or release jobs. `--server hub` puts it where Blossom would be,
 * which tells the cost of the SSE layer apart from the rest of the live route.
 */
const hub = new Hub();
const topic = 'action:bench:node';
const app = new Hono();
app.get('*', (c) => sseResponse(c, { hub, topic, audience: 'present', catchUp: async () => [] }));

/** The frame as an event for hub.send, which encodes it again (once, for everyone). */
function eventOf(frame: string): { id: string; event: string; data: unknown } {
  const event = parseFrame(frame);
  if (!event.id) throw new Error('the reveal frame needs an id');
  return { id: event.id, event: event.event, data: JSON.parse(event.data) as unknown };
}

function reveal(message: ToServer, send: (message: FromServer) => void): void {
  const event = eventOf(message.frame);
  send({ kind: 'armed', connections: hub.count() });
  const fire = () => {
    const now = Date.now();
    if (now < message.at) return void setTimeout(fire, message.at - now);
    const written = hub.send(topic, ['present'], event);
    send({ kind: 'revealed', written, lateMs: now - message.at });
  };
  setTimeout(fire, message.at - Date.now());
}

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
  const { port } = server.address() as AddressInfo;
  hub.start();
  serveOverIpc({ port, reveal, stop: () => (server as Server).closeAllConnections() });
});
