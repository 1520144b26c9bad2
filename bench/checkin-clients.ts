import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { forwardedFor, tally } from './checkin-plan.ts';

/**
 * The crowd at the staging point, in its own process: each phone posts the code the
 * marshals show, with its own ticket, over keep-alive connections. The code is read from
 * the marshal endpoint, as the code screen does, and read again when it turns.
 *
 * The phones speak HTTP/1.1 over raw sockets rather than through node:http: the bench runs
 * on a 2-core machine, so every millisecond of CPU the crowd spends asking is taken from
 * the server under test. One string and one write per request, a minimal parser for the
 * answers (status line, headers, Content-Length body), one request in flight per connection.
 */
export type ToCheckinClients = {
  kind: 'run';
  base: string;
  slug: string;
  nodeId: string;
  organizerToken: string;
  tickets: string[];
  concurrency: number;
};
export type FromCheckinClients = { kind: 'done'; latencies: number[]; outcomes: Record<string, number>; elapsedMs: number };

const requestTimeoutMs = 30_000;
/** Headers longer than this are not an answer from Blossom. */
const maxHeadLength = 64 * 1024;
/** Where every socket reads into; each read is copied out before the next one. */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

interface Answer {
  status: number;
  /** The body, each byte one character (latin1): exact for the ASCII the crowd reads. */
  body: string;
  /** The server closes the connection after this answer. */
  close: boolean;
}

/** The server answered something this client must not guess at: stop the run. */
class ProtocolError extends Error {
  constructor(problem: string) {
    super(`the check-in crowd cannot read the server's answer: ${problem}`);
  }
}

/** What node:http calls a connection closed before the answer came. */
function hangUp(): NodeJS.ErrnoException {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/**
 * The first whole answer at the start of `text`, and how many characters it took, or null
 * while more is to come. 1xx interim answers are skipped.
 */
function parseAnswer(text: string): { answer: Answer | null; length: number } | null {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) {
    if (text.length > maxHeadLength) throw new ProtocolError(`no end to the headers after ${text.length} bytes`);
    return null;
  }
  const head = text.slice(0, headEnd);
  const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!statusLine) throw new ProtocolError(`not an HTTP/1.1 answer: ${JSON.stringify(head.slice(0, 80))}`);
  const status = Number(statusLine[1]);
  if (status < 200) return { answer: null, length: headEnd + 4 };
  if (/\r\ntransfer-encoding:/i.test(head)) throw new ProtocolError(`a ${status} answer with Transfer-Encoding; this client reads Content-Length bodies only`);
  const contentLength = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?:\r|$)/i.exec(head);
  if (!contentLength) throw new ProtocolError(`a ${status} answer without Content-Length`);
  const end = headEnd + 4 + Number(contentLength[1]);
  if (text.length < end) return null;
  const close = head.startsWith('HTTP/1.0') || /\r\nconnection:[^\r]*\bclose\b/i.test(head);
  return { answer: { status, body: text.slice(headEnd + 4, end), close }, length: end };
}

interface Waiting {
  resolve: (answer: Answer) => void;
  reject: (err: Error) => void;
}

/**
 * One phone's keep-alive connection: opened when needed, one request in flight, opened
 * again after a network error, a timeout or the server's `Connection: close`.
 */
class Connection {
  readonly #host: string;
  readonly #port: number;
  #socket: Socket | null = null;
  /** Bytes received and not yet parsed, one character each. */
  #received = '';
  #waiting: Waiting | null = null;
  /** A protocol error found while no request was in flight, for the next one. */
  #broken: Error | null = null;
  /** One timer per connection, restarted at each request: it fires 30 s after the last. */
  readonly #timer = setTimeout(() => this.#timedOut(), requestTimeoutMs);

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
  }

  send(request: string): Promise<Answer> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#waiting) return Promise.reject(new Error('one request at a time per connection'));
    const socket = this.#socket ?? this.#open();
    this.#timer.refresh();
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      socket.write(request, 'utf8');
    });
  }

  /** Ends the connection; throws if the server broke the protocol after the last answer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#socket?.destroy();
    this.#socket = null;
    if (this.#broken) throw this.#broken;
  }

  #open(): Socket {
    // onread hands each read straight to us, skipping the stream's 'data' machinery.
    const socket: Socket = connect({
      port: this.#port,
      host: this.#host,
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (length) => {
          this.#read(socket, readBuffer.toString('latin1', 0, length));
          return true;
        },
      },
    });
    socket.on('error', (err) => this.#drop(socket, err));
    socket.on('close', () => this.#drop(socket, hangUp()));
    this.#socket = socket;
    this.#received = '';
    return socket;
  }

  #read(socket: Socket, chunk: string): void {
    if (socket !== this.#socket) return;
    this.#received += chunk;
    try {
      while (this.#received && socket === this.#socket) {
        if (!this.#waiting) throw new ProtocolError(`${this.#received.length} bytes came with no request in flight (one answer per request)`);
        const parsed = parseAnswer(this.#received);
        if (!parsed) return;
        this.#received = this.#received.slice(parsed.length);
        if (!parsed.answer) continue;
        if (parsed.answer.close) this.#forget(socket);
        const waiting = this.#waiting;
        this.#waiting = null;
        waiting.resolve(parsed.answer);
      }
    } catch (err) {
      this.#drop(socket, err as Error);
    }
  }

  #timedOut(): void {
    if (this.#waiting && this.#socket) this.#drop(this.#socket, new Error('timed out'));
  }

  /** The socket failed or closed: the request in flight (if any) fails with `err`. */
  #drop(socket: Socket, err: Error): void {
    if (socket !== this.#socket) return;
    this.#forget(socket);
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting) waiting.reject(err);
    else if (err instanceof ProtocolError) this.#broken = err;
  }

  #forget(socket: Socket): void {
    this.#socket = null;
    this.#received = '';
    socket.destroy();
  }
}

async function readCode(spec: ToCheckinClients): Promise<{ code: string; turnsAt: number }> {
  const res = await fetch(`${spec.base}/api/v1/actions/${spec.slug}/nodes/${encodeURIComponent(spec.nodeId)}/code`, { headers: { authorization: `Bearer ${spec.organizerToken}` } });
  if (res.status !== 200) throw new Error(`reading the code failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  const { code, secondsLeft } = (await res.json()) as { code: string; secondsLeft: number };
  return { code, turnsAt: Date.now() + secondsLeft * 1000 };
}

/** The check-in request for ticket `index`, as one string: headers, then the JSON body. */
function checkinRequest(base: URL, path: string, ticket: string, index: number, code: string): string {
  const body = JSON.stringify({ code });
  return (
    `POST ${path} HTTP/1.1\r\nHost: ${base.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Blossom-Ticket: ${ticket}\r\nX-Forwarded-For: ${forwardedFor(index)}\r\n\r\n${body}`
  );
}

/** `200`, or the status and the problem's code: `422 wrong_code`. */
function outcomeOf(answer: Answer): string {
  if (answer.status === 200) return '200';
  const body = Buffer.from(answer.body, 'latin1').toString('utf8');
  return `${answer.status} ${/"code":"([^"]+)"/.exec(body)?.[1] ?? ''}`.trim();
}

async function run(spec: ToCheckinClients): Promise<FromCheckinClients> {
  const base = new URL(spec.base);
  let current = await readCode(spec);
  const codeNow = async () => {
    if (Date.now() >= current.turnsAt) current = await readCode(spec);
    return current.code;
  };
  const path = `/api/v1/actions/${spec.slug}/checkin`;
  const latencies: number[] = [];
  const outcomes: string[] = [];
  let next = 0;
  const checkIn = async (connection: Connection, index: number): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const request = checkinRequest(base, path, spec.tickets[index]!, index, await codeNow());
      const sent = performance.now();
      let answer: Answer;
      try {
        answer = await connection.send(request);
      } catch (err) {
        if (err instanceof ProtocolError) throw err;
        return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      }
      const outcome = outcomeOf(answer);
      // The code turned between reading and checking: read it again, as a phone would.
      if (outcome === '422 wrong_code' && attempt === 1) {
        current = await readCode(spec);
        continue;
      }
      if (answer.status === 200) latencies.push(performance.now() - sent);
      return outcome;
    }
  };
  const phone = async () => {
    const connection = new Connection(base.hostname.replace(/^\[|\]$/g, ''), Number(base.port || 80));
    try {
      while (next < spec.tickets.length) outcomes.push(await checkIn(connection, next++));
    } finally {
      connection.close();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.tickets.length) }, phone));
  const elapsedMs = performance.now() - started;
  return { kind: 'done', latencies, outcomes: tally(outcomes), elapsedMs };
}

if (!process.send) throw new Error('run by bench/checkin.ts (it needs an IPC channel)');
process.on('message', (message: ToCheckinClients) => {
  run(message).then(
    (result) => process.send?.(result),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
});
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
