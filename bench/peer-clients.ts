import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
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

const phones: Phone[] = [];
let target: { match: string } | null = null;
let frame: string | null = null;
let waiting = 0;
let finish: (() => void) | null = null;
const send = (message: FromClients) => process.send?.(message);

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

function settle(): void {
  if (--waiting <= 0) finish?.();
}

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
      const at = wallNow();
      if (!target || phone.receivedAt !== null || !id?.includes(target.match)) return;
      phone.receivedAt = at;
      frame ??= JSON.stringify([id, payload]);
      settle();
    });
    socket.once('connect', () => resolve(phone));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
    socket.on('disconnect', () => {
      if (phone.ended) return;
      phone.ended = true;
      if (target && phone.receivedAt === null) settle();
    });
  });
}

async function connectAll(spec: Extract<ToPeerClients, { kind: 'connect' }>): Promise<void> {
  let next = 0;
  let failed = 0;
  const errors = new Map<string, number>();
  const progress = setInterval(() => send({ kind: 'progress', open: phones.length, failed }), 250);
  const worker = async () => {
    while (next < spec.count) {
      const index = next++;
      try {
        phones.push(await open(spec, index));
      } catch (err) {
        failed++;
        const reason = (err as Error).message;
        if (errors.size < 5 || errors.has(reason)) errors.set(reason, (errors.get(reason) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.count) }, worker));
  clearInterval(progress);
  send({ kind: 'connected', open: phones.length, failed, errors: [...errors].map(([reason, count]) => `${count} × ${reason}`) });
}

async function arm(spec: Extract<ToPeerClients, { kind: 'arm' }>): Promise<void> {
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
  for (const phone of phones.splice(0)) {
    phone.ended = true;
    phone.socket.close();
  }
  send({ kind: 'closed' });
}

if (!process.send) throw new Error('run by bench/main.ts (it needs an IPC channel)');
process.on('message', (message: ToPeerClients) => {
  if (message.kind === 'connect') void connectAll(message);
  else if (message.kind === 'arm') void arm(message);
  else closeAll();
});
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
