import { StringDecoder } from 'node:string_decoder';

/** An event as read off the wire, with the exact text of its frame (to replay it from the floor). */
export interface WireEvent {
  id: string | null;
  event: string;
  data: string;
  frame: string;
}

type BodyState = 'size' | 'data' | 'crlf' | 'done';
const headEnd = Buffer.from('\r\n\r\n');

/**
 * Reads one HTTP/1.1 response carrying an SSE stream, straight off a socket: the head, a
 * chunked or plain body, then events. Minimal on purpose (thousands of these run in one
 * client process) but it takes bytes split anywhere, as TCP delivers them. SSE lines end in
 * LF or CRLF here; a lone CR, which Blossom never writes, is not treated as a line end.
 */
export class SseWire {
  /** The response status once the head has arrived. */
  status: number | null = null;
  headers: Record<string, string> = {};
  /** The body as text when the response is not a stream (an error answer, say). */
  get body(): string {
    return this.#text;
  }

  #head: Buffer | null = Buffer.alloc(0);
  #chunked = false;
  #state: BodyState = 'size';
  #sizeLine = '';
  #chunkLeft = 0;
  #crlfLeft = 0;
  readonly #decoder = new StringDecoder('utf8');
  #text = '';
  #event: { id: string | null; event: string; data: string[] } = { id: null, event: 'message', data: [] };

  /** Feeds bytes; returns the events they completed, in order. */
  feed(bytes: Buffer): WireEvent[] {
    if (this.#head) {
      const head = Buffer.concat([this.#head, bytes]);
      const end = head.indexOf(headEnd);
      if (end === -1) {
        this.#head = head;
        return [];
      }
      this.#readHead(head.subarray(0, end).toString('latin1'));
      this.#head = null;
      bytes = head.subarray(end + headEnd.length);
    }
    if (this.#chunked) this.#unchunk(bytes);
    else this.#text += this.#decoder.write(bytes);
    return this.status === 200 ? this.#events() : [];
  }

  #readHead(head: string): void {
    const [statusLine = '', ...lines] = head.split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!match) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 80))}`);
    this.status = Number(match[1]);
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) this.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.#chunked = /\bchunked\b/i.test(this.headers['transfer-encoding'] ?? '');
  }

  #unchunk(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length && this.#state !== 'done') {
      if (this.#state === 'size') {
        const lf = bytes.indexOf(0x0a, at);
        if (lf === -1) {
          this.#sizeLine += bytes.subarray(at).toString('latin1');
          return;
        }
        this.#sizeLine += bytes.subarray(at, lf).toString('latin1');
        at = lf + 1;
        const size = parseInt(this.#sizeLine.trim().split(';')[0] ?? '', 16);
        if (Number.isNaN(size)) throw new Error(`bad chunk size line ${JSON.stringify(this.#sizeLine.slice(0, 40))}`);
        this.#sizeLine = '';
        this.#chunkLeft = size;
        this.#state = size === 0 ? 'done' : 'data';
      } else if (this.#state === 'data') {
        const take = Math.min(this.#chunkLeft, bytes.length - at);
        this.#text += this.#decoder.write(bytes.subarray(at, at + take));
        at += take;
        this.#chunkLeft -= take;
        if (this.#chunkLeft === 0) {
          this.#state = 'crlf';
          this.#crlfLeft = 2;
        }
      } else {
        const skip = Math.min(this.#crlfLeft, bytes.length - at);
        at += skip;
        this.#crlfLeft -= skip;
        if (this.#crlfLeft === 0) this.#state = 'size';
      }
    }
  }

  #events(): WireEvent[] {
    const events: WireEvent[] = [];
    for (;;) {
      const lf = this.#text.indexOf('\n');
      if (lf === -1) return events;
      const line = this.#text.slice(0, lf).replace(/\r$/, '');
      this.#text = this.#text.slice(lf + 1);
      const event = this.#line(line);
      if (event) events.push(event);
    }
  }

  #line(line: string): WireEvent | null {
    const pending = this.#event;
    if (line === '') {
      this.#event = { id: pending.id, event: 'message', data: [] };
      if (pending.data.length === 0) return null;
      const data = pending.data.join('\n');
      const frame = `${pending.id === null ? '' : `id: ${pending.id}\n`}event: ${pending.event}\n${pending.data.map((d) => `data: ${d}\n`).join('')}\n`;
      return { id: pending.id, event: pending.event, data, frame };
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'data') pending.data.push(value);
    else if (field === 'event') pending.event = value;
    else if (field === 'id') pending.id = value;
    return null;
  }
}

/** The one event in a frame's text (the id of the floor's frame, the event the stand-in sends). */
export function parseFrame(frame: string): WireEvent {
  const [event] = new SseWire().feed(Buffer.from(`HTTP/1.1 200 OK\r\n\r\n${frame}`));
  if (!event) throw new Error(`not an SSE frame: ${JSON.stringify(frame.slice(0, 80))}`);
  return event;
}
