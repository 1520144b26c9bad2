import { existsSync, readFileSync } from 'node:fs';

/**
 * Whether Blossom can run as several processes that all deliver one reveal: that needs the
 * PostgreSQL bus (LISTEN/NOTIFY) and `serve --workers`. Without them, three processes would
 * each deliver only what they themselves released, and the bench would print wrong figures.
 */
export function multiProcessProblem(root = new URL('..', import.meta.url)): string | null {
  const bus = existsSync(new URL('src/bus/postgres.ts', root));
  const serve = new URL('src/cli/serve.ts', root);
  const workers = existsSync(serve) && readFileSync(serve, 'utf8').includes('--workers');
  if (bus && workers) return null;
  return [
    '--nodes 3 needs Blossom\'s PostgreSQL bus (src/bus/postgres.ts) and `blossom serve --workers N`;',
    `this tree has ${bus ? 'the bus but not --workers' : workers ? '--workers but not the bus' : 'neither yet'}.`,
    'Without them a reveal released in one process would not reach the clients of the others.',
    'Meanwhile, `npm run bench -- reveal --clients N --peer` measures one Blossom process and the',
    'Socket.IO peer (three processes, Redis adapter) in the same run.',
  ].join('\n');
}
