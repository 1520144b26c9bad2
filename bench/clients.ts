import { connect, type Socket } from 'node:net';
import { Crowd, ErrorTally } from './crowd.ts';
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

const send = (message: FromClients) => process.send?.(message);
const crowd = new Crowd<Phone>(send);
const phones = crowd.phones;

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
      const receivedAt = crowd.wallNow();
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
      for (const event of events) crowd.received(phone, event.id, receivedAt, () => event.frame);
    });
    socket.on('error', fail);
    socket.on('close', () => {
      clearTimeout(timer);
      phone.ended = true;
      fail(new Error(phone.wire.status ? `HTTP ${phone.wire.status}: closed` : 'closed before answering'));
      if (phone.joined) crowd.dropped(phone);
    });
  });
}

async function connectAll(spec: Extract<ToClients, { kind: 'connect' }>): Promise<void> {
  let next = 0;
  const errors = new ErrorTally();
  const progress = setInterval(() => send({ kind: 'progress', open: phones.length, failed: errors.failed }), 250);
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
          errors.add(`${code ?? ''} ${message}`.trim());
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.paths.length) }, worker));
  clearInterval(progress);
  send(errors.connected(phones.length));
}

function closeAll(): void {
  for (const phone of phones.splice(0)) phone.socket.destroy();
  send({ kind: 'closed' });
}

if (!process.send) throw new Error('run by bench/main.ts (it needs an IPC channel)');
process.on('message', (message: ToClients) => {
  if (message.kind === 'connect') void connectAll(message);
  else if (message.kind === 'arm') void crowd.arm(message);
  else closeAll();
});
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
