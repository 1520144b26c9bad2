import type { Context } from 'hono';
import { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { sseHeaders, type SseEvent } from './frame.ts';
import type { Hub } from './hub.ts';
import { NodeSink, streamSink } from './sink.ts';

export interface SseStream {
  hub: Hub;
  topic: string;
  /** Which events this subscriber may receive; decided by the route, before calling this. */
  audience: string;
  /**
   * What the subscriber is entitled to and has not seen: everything after lastEventId (or
   * the current state when null), oldest first. Events must be stored before they are sent
   * live, so that every event is in the catch-up, in the live stream, or in both.
   */
  catchUp: (lastEventId: string | null) => Promise<SseEvent[]>;
}

/**
 * Serves an SSE stream: registers the subscriber (holding live events), reads its catch-up,
 * writes that, then releases the held events it did not already contain. If catchUp throws,
 * nothing has been sent and the error becomes an ordinary error response.
 *
 * Under @hono/node-server it takes the socket over from node:http once the head is written,
 * the cheapest path to many sockets (sink.ts, hand-off.ts); elsewhere (e.g. app.request() in tests) it answers with a byte stream.
 */
export async function sseResponse(c: Context, options: SseStream): Promise<Response> {
  const { hub, topic, audience, catchUp } = options;
  const lastEventId = c.req.header('last-event-id')?.trim() || null;
  const node = nodeMessages(c.env);
  const stream = node ? null : streamSink();
  const sink = node ? new NodeSink(node.incoming, node.outgoing) : null;
  const connection = hub.connect(topic, audience, sink ?? stream!.sink);

  let missed: SseEvent[];
  try {
    missed = await catchUp(lastEventId);
  } catch (err) {
    connection.end();
    throw err;
  }
  // What middleware put on Node's response, then on Hono's, then the stream's own; one of each name.
  const headers: Record<string, string> = {};
  for (const [name, value] of [...Object.entries(node?.outgoing.getHeaders() ?? {}), ...Object.entries(preparedHeaders(c)), ...Object.entries(sseHeaders)]) {
    if (value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  if (node) {
    // Shut down, or too much held back, while the catch-up was read: the peer retries.
    if (connection.closed) {
      node.outgoing.destroy();
      return RESPONSE_ALREADY_SENT;
    }
    sink!.open(headers);
  }
  void connection.catchUp(missed).catch(() => connection.drop());
  return node ? RESPONSE_ALREADY_SENT : new Response(stream!.stream, { status: 200, headers });
}

/** Node's request and response under @hono/node-server; null elsewhere (app.request() in tests). */
export function nodeMessages(env: unknown): { incoming: IncomingMessage; outgoing: ServerResponse } | null {
  const { incoming, outgoing } = (env ?? {}) as { incoming?: unknown; outgoing?: unknown };
  return incoming instanceof IncomingMessage && outgoing instanceof ServerResponse ? { incoming, outgoing } : null;
}

/** Headers middleware set before the route ran (the Node path bypasses Hono's response). */
function preparedHeaders(c: Context): Record<string, string> {
  const result: Record<string, string> = {};
  c.res.headers.forEach((value, name) => {
    if (name !== 'content-type' && name !== 'content-length') result[name] = value;
  });
  return result;
}
