import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config.ts';
import { openStore } from '../store/store.ts';
import { note, out } from './runtime.ts';

/** How long a stop may take before the primary gives up waiting for its workers. */
const shutdownGraceMs = 15_000;
/** A worker that dies this soon after starting is probably failing at boot: wait before the next. */
const quickDeathMs = 5_000;

/**
 * Why N > 1 is refused on SQLite, or null when the setting can be honoured. One process owns
 * the SQLite file's writes (its locks serialize writers, and the in-process bus and job timers
 * assume one process); several processes need PostgreSQL.
 */
export function workersProblem(config: Config): string | null {
  if (config.workers <= 1 || config.databaseUrl) return null;
  return (
    `BLOSSOM_WORKERS=${config.workers} (or --workers) needs PostgreSQL (BLOSSOM_DATABASE_URL). ` +
    'With the embedded SQLite database, one process owns the database file\'s writes, so Blossom runs as one process. ' +
    'Set BLOSSOM_WORKERS=1, or move to PostgreSQL: see "Running on PostgreSQL" in docs/operating.md.'
  );
}

/**
 * A worker's young generation, in MB per semi-space. V8 sizes it from the machine's memory and
 * lets it grow to 64 MB under a burst of new connections, memory the worker then keeps: on
 * three workers that is more than all their idle streams together. Work between streams is
 * short-lived, so a small young generation costs little CPU (docs/scaling.md has the figures).
 */
export const workerSemiSpaceMb = 4;

/** The primary's Node flags for its workers, with the young generation capped unless the operator set it. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const set = [...execArgv, ...(nodeOptions?.split(/\s+/) ?? [])].some((flag) => /^--max-semi-space-size(=|$)/.test(flag));
  return set ? [...execArgv] : [...execArgv, `--max-semi-space-size=${workerSemiSpaceMb}`];
}

/**
 * The primary of `serve --workers N`: it migrates once, then forks N workers that each run
 * the whole server (own pool, own LISTEN connection, own live hub and job runner) on one
 * shared port. It serves nothing itself; it restarts workers that die and passes a
 * SIGTERM/SIGINT on to all of them for a graceful stop.
 */
export async function runPrimary(config: Config): Promise<void> {
  const store = await openStore({ sqlitePath: config.sqlitePath, databaseUrl: config.databaseUrl, schema: config.databaseSchema, poolSize: 1 });
  try {
    const applied = await store.migrate();
    if (applied.length) note(`Applied migrations: ${applied.join(', ')}`);
  } finally {
    await store.close();
  }

  let stopping = false;
  const bornAt = new Map<Worker, number>();
  const fork = () => {
    const worker = cluster.fork();
    bornAt.set(worker, Date.now());
    worker.on('exit', (code, signal) => {
      const lived = Date.now() - (bornAt.get(worker) ?? 0);
      bornAt.delete(worker);
      if (stopping) {
        if (bornAt.size === 0) process.exit(0);
        return;
      }
      note(`Worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another.`);
      setTimeout(() => {
        if (!stopping) fork();
      }, lived < quickDeathMs ? 1_000 : 0);
    });
  };
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  for (let n = 0; n < config.workers; n++) fork();

  // Announced once every worker listens: ready means at full strength, and with PORT=0 the
  // port stays the same only while at least one worker holds it.
  const listening = new Set<number>();
  let announced = false;
  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (announced || listening.size < config.workers) return;
    announced = true;
    const host = address.address && !['0.0.0.0', '::'].includes(address.address) ? address.address : 'localhost';
    const url = config.publicUrl?.replace(/\/$/, '') ?? `http://${host}:${address.port}`;
    out(`Blossom is running at ${url} with ${config.workers} workers (Ctrl-C to stop).`);
  });

  const shutdown = (signal: NodeJS.Signals) => {
    note(`Received ${signal}; stopping ${bornAt.size} workers.`);
    stopping = true;
    process.once(signal, () => process.exit(1));
    setTimeout(() => {
      note(`Workers still stopping after ${shutdownGraceMs / 1000} s; exiting anyway.`);
      for (const worker of bornAt.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, shutdownGraceMs).unref();
    if (bornAt.size === 0) process.exit(0);
    for (const worker of bornAt.keys()) worker.process.kill('SIGTERM');
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
