import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sseHeaders } from '../src/realtime/frame.ts';
import type { FromServer, ToServer } from './protocol.ts';
import { serveOverIpc } from './server-ipc.ts';

/**
 * The floor: the least any Node SSE server can do for a reveal. A bare node:http server
 * that holds every connection and, at the instant, writes one pre-serialized frame to each
 * response — no routing, no database, no per-tier bookkeeping. Blossom's figures are read
 * against these. Run by bench/main.ts as a child process, so its CPU is its own.
 */
const streams = new Set<ServerResponse>();

const server = createServer((req, res) => {
  res.writeHead(200, { ...sseHeaders });
  res.flushHeaders();
  streams.add(res);
  res.once('close', () => streams.delete(res));
  req.resume();
});

function reveal(message: ToServer, send: (message: FromServer) => void): void {
  const frame = Buffer.from(message.frame);
  send({ kind: 'armed', connections: streams.size });
  const fire = () => {
    const now = Date.now();
    // A timer may run a hair ahead of the wall clock; never send before the instant.
    if (now < message.at) return void setTimeout(fire, message.at - now);
    let written = 0;
    for (const res of streams) {
      res.write(frame);
      written++;
    }
    send({ kind: 'revealed', written, lateMs: now - message.at });
  };
  setTimeout(fire, message.at - Date.now());
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveOverIpc({ port, reveal, stop: () => server.closeAllConnections() });
});
