/** One server-sent event. Ids must sort in the order events happen (UUIDv7 does). */
export interface SseEvent {
  id: string;
  event: string;
  data: unknown;
}

// A line break inside a field would end it early and let the rest be read as new fields.
const unsafeId = /[\r\n\0]/;
const unsafeName = /[\r\n]/;

/**
 * The bytes of one event on the wire. The data is JSON, which escapes every CR and LF, so it
 * always fits on one `data:` line.
 */
export function encodeEvent(event: SseEvent): Buffer {
  if (event.id === '' || unsafeId.test(event.id)) throw new Error('SSE event id must be non-empty and on one line');
  if (event.event === '' || unsafeName.test(event.event)) throw new Error('SSE event name must be non-empty and on one line');
  const data = JSON.stringify(event.data) ?? 'null';
  return Buffer.from(`id: ${event.id}\nevent: ${event.event}\ndata: ${data}\n\n`);
}

/** A comment line: keeps proxies from timing the stream out and lets dead sockets surface. */
export const heartbeatFrame: Buffer = Buffer.from(': heartbeat\n\n');

export const sseHeaders: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-store',
  // nginx would otherwise buffer the stream and deliver a reveal late, all at once.
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
});
