import type { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { takeSocket } from './hand-off.ts';

/** Where a connection's bytes go: the raw Node response, or a web ReadableStream. */
export interface SseSink {
  /** Queues the bytes without waiting; returns how many bytes now wait to reach the peer. */
  write(frame: Uint8Array): number;
  /** Resolves once the peer has taken most of what is queued, or the sink has closed. */
  drain(): Promise<void>;
  /** Ends the stream after what is queued. */
  end(): void;
  /** Cuts the connection at once, discarding what is queued. */
  destroy(): void;
  readonly closed: boolean;
  /** Called once, however the sink closes (peer gone, end, destroy). */
  onClose(listener: () => void): void;
}

/**
 * A stream served by node:http. It waits on the ServerResponse while the route reads the
 * catch-up (so a phone that leaves meanwhile is noticed), then open() writes the head and
 * takes the socket over (hand-off.ts); from then on it holds only the socket. Where the
 * hand-off cannot be done it keeps writing through the ServerResponse.
 */
export class NodeSink implements SseSink {
  #req: IncomingMessage | null;
  #res: ServerResponse | null;
  #out: Writable;
  #closed = false;
  #listeners: Array<() => void> | null = null;
  // Closed at once on end/destroy, not on the later 'close' event, so nothing more is queued.
  readonly #close = () => {
    if (this.#closed) return;
    this.#closed = true;
    const listeners = this.#listeners ?? [];
    this.#listeners = null;
    for (const listener of listeners) listener();
  };

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#req = req;
    this.#res = res;
    this.#out = res;
    res.once('close', this.#close);
  }

  /** Sends the 200 head. Before this, end() leaves the response to the route (it may still answer with an error). */
  open(headers: Readonly<Record<string, string>>): void {
    const req = this.#req!;
    const res = this.#res!;
    this.#req = null;
    this.#res = null;
    const socket = takeSocket(req, res, headers);
    if (socket) {
      res.off('close', this.#close);
      socket.once('close', this.#close);
      this.#out = socket;
      return;
    }
    res.writeHead(200, headers);
    res.flushHeaders();
  }

  get opened(): boolean {
    return this.#res === null;
  }

  write(frame: Uint8Array): number {
    if (this.#closed) return 0;
    this.#out.write(frame);
    // Includes what the socket itself still holds, not only the response's own buffer.
    return this.#out.writableLength;
  }

  drain(): Promise<void> {
    const out = this.#out;
    if (this.#closed || !out.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  }

  end(): void {
    if (this.#closed) return;
    if (this.opened) {
      const out = this.#out;
      // A socket of our own must close fully: the server's close() waits for it.
      if (out instanceof Socket) out.destroySoon();
      else out.end();
    }
    this.#close();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#out.destroy();
    this.#close();
  }

  get closed(): boolean {
    return this.#closed;
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else (this.#listeners ??= []).push(listener);
  }
}

/** For servers without a Node ServerResponse (and app.request() in tests): a byte stream. */
export function streamSink(): { sink: SseSink; stream: ReadableStream<Uint8Array> } {
  const listeners: Array<() => void> = [];
  const waiting: Array<() => void> = [];
  // Only a drain signal: how much may be queued is the connection's decision, not the stream's.
  const highWaterMark = 16 * 1024;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const resolve of waiting.splice(0)) resolve();
    for (const listener of listeners.splice(0)) listener();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: () => void waiting.splice(0).forEach((resolve) => resolve()),
      cancel: close,
    },
    { highWaterMark, size: (chunk) => chunk.byteLength },
  );
  const queued = () => highWaterMark - (controller.desiredSize ?? 0);
  return {
    stream,
    sink: {
      write(frame) {
        if (closed) return 0;
        controller.enqueue(frame);
        return queued();
      },
      drain() {
        if (closed || queued() < highWaterMark) return Promise.resolve();
        return new Promise((resolve) => waiting.push(resolve));
      },
      end() {
        if (closed) return;
        controller.close();
        close();
      },
      destroy() {
        if (closed) return;
        controller.error(new Error('slow consumer dropped'));
        close();
      },
      get closed() {
        return closed;
      },
      onClose(listener) {
        if (closed) listener();
        else listeners.push(listener);
      },
    },
  };
}
