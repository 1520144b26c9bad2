import type { ServerResponse } from 'node:http';

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

/** The floor: one write per connection straight into the socket's ServerResponse. */
export function nodeResponseSink(res: ServerResponse): SseSink {
  const listeners: Array<() => void> = [];
  let closed = false;
  // Closed at once on end/destroy, not on the later 'close' event, so nothing more is queued.
  const close = () => {
    if (closed) return;
    closed = true;
    for (const listener of listeners.splice(0)) listener();
  };
  res.once('close', close);
  return {
    write(frame) {
      if (closed) return 0;
      res.write(frame);
      // Includes what the socket itself still holds, not only the response's own buffer.
      return res.writableLength;
    },
    drain() {
      if (closed || !res.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
    end() {
      if (closed) return;
      // Before the head is written the response is not ours to finish: the route may still
      // answer with an error instead.
      if (res.headersSent) res.end();
      close();
    },
    destroy() {
      if (closed) return;
      res.destroy();
      close();
    },
    get closed() {
      return closed;
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
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
