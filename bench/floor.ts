import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sseHeaders } from '../src/realtime/frame.ts';
import { takeSocket } from '../src/realtime/hand-off.ts';
import { runFloorPrimary } from './floor-primary.ts';
import type { FromServer, ToServer } from './protocol.ts';
import { serveOverIpc } from './server-ipc.ts';

/**
 * The floor: the least any Node SSE server can do for a reveal. A bare node:http server
 * that takes each stream's socket over once the head is written (as Blossom does, as Node
 * does on an Upgrade) and, at the instant, writes one pre-serialized frame to each socket —
 * no routing, no database, no per-tier bookkeeping. Blossom's figures are read against
 * these. Run by bench/main.ts as a child process, so its CPU is its own; given a process
 * count above 1, as that many cluster workers on one port (floor-primary.ts).
 */
const processes = Number(process.argv[2] ?? '1');
if (cluster.isPrimary && processes > 1) await runFloorPrimary(processes);
else startFloor();

function startFloor(): void {
  const streams = new Set<Socket>();

  const server = createServer((req, res) => {
    // Not inside the 'request' event: the parser is still reading the request there.
    req.resume().once('end', () => {
      const socket = takeSocket(req, res, sseHeaders);
      if (!socket) throw new Error('this Node does not let the floor take sockets over');
      streams.add(socket);
      socket.once('close', () => streams.delete(socket));
    });
  });

  const reveal = (message: ToServer, send: (message: FromServer) => void): void => {
    const frame = Buffer.from(message.frame);
    send({ kind: 'armed', connections: streams.size });
    const fire = () => {
      const now = Date.now();
      // A timer may run a hair ahead of the wall clock; never send before the instant.
      if (now < message.at) return void setTimeout(fire, message.at - now);
      let written = 0;
      for (const socket of streams) {
        socket.write(frame);
        written++;
      }
      send({ kind: 'revealed', written, lateMs: now - message.at });
    };
    setTimeout(fire, message.at - Date.now());
  };

  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    serveOverIpc({ port, reveal, stop: () => streams.forEach((socket) => socket.destroy()) });
  });
}
