import { io, type Socket } from 'socket.io-client';
import { Crowd, ErrorTally } from './crowd.ts';
import type { FromClients } from './protocol.ts';

/**
 * The crowd for the peer: socket.io-client phones with `transports: ['websocket']` (no long
 * polling first, no upgrade), spread over the three Socket.IO processes and over loopback
 * source addresses. One of several such processes when the crowd outgrows one process's
 * open-file limit.
 */
export type ToPeerClients =
  | { kind: 'connect'; host: string; ports: number[]; count: number; sources: string[]; concurrency: number; timeoutMs: number }
  | { kind: 'arm'; at: number; match: string; deadline: number }
  | { kind: 'close' };

interface Phone {
  socket: Socket;
  receivedAt: number | null;
  ended: boolean;
}

const send = (message: FromClients) => process.send?.(message);
const crowd = new Crowd<Phone>(send);
const phones = crowd.phones;

function open(spec: Extract<ToPeerClients, { kind: 'connect' }>, index: number): Promise<Phone> {
  return new Promise((resolve, reject) => {
    const socket = io(`http://${spec.host}:${spec.ports[index % spec.ports.length]}`, {
      transports: ['websocket'],
      localAddress: spec.sources[index % spec.sources.length],
      reconnection: false,
      forceNew: true,
      timeout: spec.timeoutMs,
    } as Parameters<typeof io>[1]);
    const phone: Phone = { socket, receivedAt: null, ended: false };
    socket.on('disclosure', (id: string | null, payload: unknown) => {
      crowd.received(phone, id, crowd.wallNow(), () => JSON.stringify([id, payload]));
    });
    socket.once('connect', () => resolve(phone));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
    socket.on('disconnect', () => {
      if (phone.ended) return;
      phone.ended = true;
      crowd.dropped(phone);
    });
  });
}

async function connectAll(spec: Extract<ToPeerClients, { kind: 'connect' }>): Promise<void> {
  let next = 0;
  const errors = new ErrorTally();
  const progress = setInterval(() => send({ kind: 'progress', open: phones.length, failed: errors.failed }), 250);
  const worker = async () => {
    while (next < spec.count) {
      const index = next++;
      try {
        phones.push(await open(spec, index));
      } catch (err) {
        errors.add((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.count) }, worker));
  clearInterval(progress);
  send(errors.connected(phones.length));
}

function closeAll(): void {
  for (const phone of phones.splice(0)) {
    phone.ended = true;
    phone.socket.close();
  }
  send({ kind: 'closed' });
}

if (!process.send) throw new Error('run by bench/main.ts (it needs an IPC channel)');
process.on('message', (message: ToPeerClients) => {
  if (message.kind === 'connect') void connectAll(message);
  else if (message.kind === 'arm') void crowd.arm(message);
  else closeAll();
});
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
