/** An event as a browser's EventSource would dispatch it. */
export interface ReceivedEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Reads an SSE byte stream into events, following the parsing rules of the HTML standard.
 * Used by tests and benchmarks to look at the stream the way a phone does.
 */
export class SseReader {
  readonly events: ReceivedEvent[] = [];
  comments = 0;
  /** Resolves when the stream ends or fails (never rejects; see `error`). */
  readonly done: Promise<void>;
  ended = false;
  error: unknown = null;
  #text = '';
  #pending: { id: string | null; event: string; data: string[] } = { id: null, event: 'message', data: [] };
  #waiters = new Set<() => void>();

  readonly #body: ReadableStreamDefaultReader<Uint8Array>;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#body = body.getReader();
    this.done = this.#read();
  }

  /** Hangs up, as a phone closing the page does. */
  async cancel(): Promise<void> {
    await this.#body.cancel().catch(() => {});
    await this.done;
  }

  /** Resolves once the predicate holds, or rejects after `timeoutMs` (or when the stream ends first). */
  async until(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs = 5000): Promise<ReceivedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (this.ended) throw new Error(`stream ended with ${this.events.length} events`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.events.length} events`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events;
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await this.#body.read();
        if (done) break;
        this.#feed(decoder.decode(value, { stream: true }));
      }
    } catch (err) {
      this.error = err;
    } finally {
      this.ended = true;
      this.#notify();
    }
  }

  #feed(text: string): void {
    this.#text += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#text);
      // A lone CR at the end may be the first half of CRLF.
      if (!match || (match[0] === '\r' && match.index === this.#text.length - 1)) break;
      const line = this.#text.slice(0, match.index);
      this.#text = this.#text.slice(match.index + match[0].length);
      this.#line(line);
    }
    this.#notify();
  }

  #line(line: string): void {
    if (line === '') {
      const { id, event, data } = this.#pending;
      if (data.length) this.events.push({ id, event, data: data.join('\n') });
      this.#pending = { id, event: 'message', data: [] };
      return;
    }
    if (line.startsWith(':')) {
      this.comments++;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#pending.data.push(value);
    else if (field === 'event') this.#pending.event = value;
    else if (field === 'id' && !value.includes('\0')) this.#pending.id = value;
  }

  #notify(): void {
    for (const wake of [...this.#waiters]) wake();
    this.#waiters.clear();
  }
}
