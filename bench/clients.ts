import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FromClients, ToClients } from './protocol.ts';
import { SseWire } from './sse-wire.ts';

/**
 * The crowd: N phones on SSE, in one process apart from the servers, spread over several
 * loopback source addresses so the ephemeral ports of one address do not run out. Each
 * reads its stream minimally and notes when the target event arrived.
 */
interface Phone {
  socket: Socket;
  wire: SseWire;
  receivedAt: number | null;
  ended: boolean;
  /** Counted among the crowd (its stream opened). */
  joined: boolean;
}

const phones: Phone[] = [];
let target: { at: number; match: string; deadline: number } | null = null;
let frame: string | null = null;
let finish: (() => void) | null = null;
/** Phones of the crowd still waiting for the target while armed. */
let waiting = 0;

const send = (message: FromClients) => process.send?.(message);

/** Wall-clock milliseconds with sub-millisecond steps, anchored on a tick of Date.now(). */
let anchorWall = 0;
let anchorPerf = 0;
function anchorClock(): void {
  const start = Date.now();
  let now = start;
  while (now === start) now = Date.now();
  anchorPerf = performance.now();
  anchorWall = now;
}
const wallNow = () => anchorWall + (performance.now() - anchorPerf);

const retryable = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'EPIPE']);

/** Opens one stream; resolves once the response head said 200. */
function open(spec: Extract<ToClients, { kind: 'connect' }>, index: number): Promise<Phone> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: spec.host, port: spec.port, localAddress: spec.sources[index % spec.sources.length]!, noDelay: true });
    const phone: Phone = { socket, wire: new SseWire(), receivedAt: null, ended: false, joined: false };
    let settled = false;
    const fail = (err: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), spec.timeoutMs);
    socket.once('connect', () => {
      socket.write(`GET ${spec.paths[index]} HTTP/1.1\r\nHost: ${spec.host}:${spec.port}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    socket.on('data', (bytes: Buffer) => {
      const receivedAt = wallNow();
      let events;
      try {
        events = phone.wire.feed(bytes);
      } catch (err) {
        // Not a stream this reader understands: this phone is out, the crowd goes on.
        fail(err as Error);
        socket.destroy();
        return;
      }
      if (!settled && phone.wire.status !== null) {
        if (phone.wire.status !== 200) {
          // Wait for a little of the body: the problem's code says why.
          if (phone.wire.body.length > 0 || phone.wire.status >= 500) fail(new Error(`HTTP ${phone.wire.status} ${phone.wire.body.slice(0, 200)}`));
          return;
        }
        settled = true;
        clearTimeout(timer);
        phone.joined = true;
        resolve(phone);
      }
      for (const event of events) received(phone, event.id, event.frame, receivedAt);
    });
    socket.on('error', fail);
    socket.on('close', () => {
      clearTimeout(timer);
      phone.ended = true;
      fail(new Error(phone.wire.status ? `HTTP ${phone.wire.status}: closed` : 'closed before answering'));
      if (target && phone.joined && phone.receivedAt === null) settle();
    });
  });
}

function received(phone: Phone, id: string | null, text: string, at: number): void {
  if (!target || phone.receivedAt !== null || id === null || !id.includes(target.match)) return;
  phone.receivedAt = at;
  frame ??= text;
  settle();
}

/** One more phone has its answer (the target, or a lost stream). */
function settle(): void {
  if (--waiting <= 0) finish?.();
}

async function connectAll(spec: Extract<ToClients, { kind: 'connect' }>): Promise<void> {
  let next = 0;
  let failed = 0;
  /** Distinct reasons with how many clients gave each: 5000 identical lines would say less. */
  const errors = new Map<string, number>();
  const progress = setInterval(() => send({ kind: 'progress', open: phones.length, failed }), 250);
  const worker = async () => {
    while (next < spec.paths.length) {
      const index = next++;
      for (let attempt = 1; ; attempt++) {
        try {
          phones.push(await open(spec, index));
          break;
        } catch (err) {
          const { code, message } = err as Error & { code?: string };
          if (attempt < 4 && code && retryable.has(code)) {
            await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
            continue;
          }
          failed++;
          const reason = `${code ?? ''} ${message}`.trim();
          if (errors.size < 5 || errors.has(reason)) errors.set(reason, (errors.get(reason) ?? 0) + 1);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.paths.length) }, worker));
  clearInterval(progress);
  send({ kind: 'connected', open: phones.length, failed, errors: [...errors].map(([reason, count]) => `${count} × ${reason}`) });
}

async function arm(spec: Extract<ToClients, { kind: 'arm' }>): Promise<void> {
  anchorClock();
  frame = null;
  for (const phone of phones) phone.receivedAt = null;
  waiting = phones.filter((p) => !p.ended).length;
  target = spec;
  send({ kind: 'armed' });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, spec.deadline - Date.now()));
    finish = () => {
      clearTimeout(timer);
      resolve();
    };
    if (waiting <= 0) finish();
  });
  finish = null;
  target = null;
  const latencies = phones.filter((p) => p.receivedAt !== null).map((p) => p.receivedAt! - spec.at);
  const missing = phones.filter((p) => p.receivedAt === null && !p.ended).length;
  const lost = phones.filter((p) => p.receivedAt === null && p.ended).length;
  send({ kind: 'result', latencies, missing, lost, frame });
}

function closeAll(): void {
  for (const phone of phones.splice(0)) phone.socket.destroy();
  send({ kind: 'closed' });
}

if (!process.send) throw new Error('run by bench/main.ts (it needs an IPC channel)');
process.on('message', (message: ToClients) => {
  if (message.kind === 'connect') void connectAll(message);
  else if (message.kind === 'arm') void arm(message);
  else closeAll();
});
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
