import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { FromServer, ToServer } from './protocol.ts';
import { serveOverIpc } from './server-ipc.ts';
import { parseFrame } from './sse-wire.ts';

/**
 * The peer: Socket.IO with its Redis adapter, one of three server processes. Every socket
 * joins the node's room; at the instant, the process told to reveal emits the target to the
 * room once and the adapter carries it through Redis to the other two, as a Socket.IO
 * deployment across processes does. Run by bench/main.ts as a child, so its CPU is its own.
 */
const room = 'node';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const pub = new Redis(redisUrl, { lazyConnect: true });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer();
// WebSocket only, as the clients are told too: long polling would measure a different protocol.
const io = new Server(http, { transports: ['websocket'], serveClient: false, adapter: createAdapter(pub, sub) });
io.on('connection', (socket) => void socket.join(room));

function reveal(message: ToServer, send: (message: FromServer) => void): void {
  const { id, data } = parseFrame(message.frame);
  // The same payload as Blossom's frame: its event id and its JSON data, parsed once.
  const payload: unknown = JSON.parse(data);
  send({ kind: 'armed', connections: io.engine.clientsCount });
  const fire = () => {
    const now = Date.now();
    // A timer may run a hair ahead of the wall clock; never send before the instant.
    if (now < message.at) return void setTimeout(fire, message.at - now);
    io.to(room).emit('disclosure', id, payload);
    send({ kind: 'revealed', written: io.engine.clientsCount, lateMs: now - message.at });
  };
  setTimeout(fire, message.at - Date.now());
}

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  serveOverIpc({
    port,
    reveal,
    stop: () => {
      void io.close();
      pub.disconnect();
      sub.disconnect();
    },
  });
});
