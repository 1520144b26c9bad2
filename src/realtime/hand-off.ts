import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

/**
 * Takes a live stream's socket away from node:http once the route has said yes, the way Node
 * itself hands over a socket on an HTTP Upgrade: the parser goes back to its pool and the
 * request and response objects become garbage. A phone waiting for a reveal then costs its
 * socket and little else (about a third of what a held ServerResponse costs; `npm run bench
 * -- reveal` prints idle_kb_per_conn), and each event is one socket write with no chunked
 * framing around it.
 *
 * The body is delimited by the connection closing (RFC 9112 §6.3), which is how an event
 * stream ends anyway, so the response says `Connection: close`.
 *
 * This leans on `_http_common.freeParser`, which Node has exported under that name for a
 * decade but does not document; when it is missing or the connection is not a plain
 * HTTP/1.1 one, takeSocket() returns null and the caller keeps the ServerResponse.
 */

type FreeParser = (parser: unknown, req: IncomingMessage | null, socket: Socket | null) => void;
interface ParsedSocket extends Socket {
  parser?: unknown;
}

const freeParser = loadFreeParser();

function loadFreeParser(): FreeParser | null {
  try {
    const common = createRequire(import.meta.url)('_http_common') as { freeParser?: unknown };
    return typeof common.freeParser === 'function' ? (common.freeParser as FreeParser) : null;
  } catch {
    return null;
  }
}

/** True when takeSocket() can work in this process (tests assert it on the Node we ship with). */
export const canTakeSockets = freeParser !== null;

/**
 * Writes a 200 head with the given headers straight to the socket and returns the socket,
 * now free of node:http; or null (nothing written) when the hand-off cannot be done safely.
 */
export function takeSocket(req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>): Socket | null {
  const socket = req.socket as ParsedSocket | null;
  if (!freeParser || !socket || res.headersSent || res.socket !== socket || !socket.parser) return null;
  if (req.httpVersionMajor !== 1 || !req.complete) return null;
  const head = headBytes(headers);
  if (!head) return null;

  // Every listener at once: removing them event by event would leave the socket's listener
  // table in V8's slow dictionary form, hundreds of bytes per held stream. What node:http had
  // there (data, end, close, drain, error, timeout, pause, resume) is ours to replace.
  socket.removeAllListeners();
  freeParser(socket.parser, req, socket);
  res.detachSocket(socket);
  socket.setTimeout(0);
  // A phone that leaves half-closes; the server side follows. Anything it sends is ignored.
  socket.on('end', () => socket.end());
  socket.on('error', () => socket.destroy());
  socket.on('data', ignore);
  socket.write(head);
  return socket;
}

function ignore(): void {}

// Printable ASCII only: anything else could split the head or be mangled by the latin1 encoding.
const unsafeHeader = /[^\t\x20-\x7e]/;

function headBytes(headers: Readonly<Record<string, string>>): Buffer | null {
  let head = 'HTTP/1.1 200 OK\r\n';
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'connection' || lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (unsafeHeader.test(name) || unsafeHeader.test(value)) return null;
    head += `${name}: ${value}\r\n`;
  }
  head += `Date: ${new Date().toUTCString()}\r\nConnection: close\r\n\r\n`;
  return Buffer.from(head, 'latin1');
}
