import type { FromServer, ToServer } from './protocol.ts';

/**
 * The IPC side of a server under test run as a child of the bench: says where it listens,
 * takes the reveal, and goes away with its parent (even one that was killed).
 */
export function serveOverIpc(server: {
  port: number;
  reveal: (message: ToServer, send: (message: FromServer) => void) => void;
  stop: () => void;
}): void {
  const send = (message: FromServer) => process.send?.(message);
  if (!process.send) throw new Error('run by bench/main.ts (it needs an IPC channel)');
  process.on('message', (message: ToServer) => {
    if (message.kind === 'reveal') server.reveal(message, send);
  });
  const quit = () => {
    server.stop();
    process.exit(0);
  };
  process.once('disconnect', quit);
  process.once('SIGTERM', quit);
  send({ kind: 'listening', port: server.port });
}
