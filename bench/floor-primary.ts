import cluster, { type Worker } from 'node:cluster';
import { workerExecArgv } from '../src/cli/workers.ts';
import type { FromServer, ToServer } from './protocol.ts';
import { serveOverIpc } from './server-ipc.ts';

/**
 * The floor over several processes, laid out as `blossom serve --workers N` is: a node:cluster
 * primary that serves nothing and N workers sharing one port, the primary handing them
 * connections in turn. It relays the reveal to every worker and answers for all of them, so
 * the bench drives it like the one-process floor. CPU is read over the primary and workers.
 */
function next<K extends FromServer['kind']>(worker: Worker, kind: K): Promise<Extract<FromServer, { kind: K }>> {
  return new Promise((resolve) => {
    const listener = (message: FromServer) => {
      if (message.kind !== kind) return;
      worker.off('message', listener);
      resolve(message as Extract<FromServer, { kind: K }>);
    };
    worker.on('message', listener);
  });
}

export async function runFloorPrimary(workers: number): Promise<void> {
  // The same V8 flags as Blossom's workers, so memory compares like with like.
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const forked = Array.from({ length: workers }, () => cluster.fork());
  const [first] = await Promise.all(forked.map((worker) => next(worker, 'listening')));
  const reveal = (message: ToServer, send: (message: FromServer) => void) => {
    const armed = forked.map((worker) => next(worker, 'armed'));
    const revealed = forked.map((worker) => next(worker, 'revealed'));
    for (const worker of forked) worker.send(message);
    void Promise.all(armed).then((each) => {
      send({ kind: 'armed', connections: each.reduce((sum, m) => sum + m.connections, 0) });
      return Promise.all(revealed);
    }).then((each) => send({
      kind: 'revealed',
      written: each.reduce((sum, m) => sum + m.written, 0),
      lateMs: Math.max(...each.map((m) => m.lateMs)),
    }));
  };
  serveOverIpc({ port: first!.port, reveal, stop: () => forked.forEach((worker) => worker.process.kill('SIGKILL')) });
}
