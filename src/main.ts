import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { createLogger, type Logger } from './core/log.ts';
import { openStore, type Store } from './store/store.ts';
import { createApp, leanEndpoints } from './http/app.ts';
import { leanListener } from './http/lean.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { adminSetupLink } from './accounts/setup.ts';
import { startAidWork } from './aid/jobs.ts';
import type { Bus } from './bus/bus.ts';
import { MemoryBus } from './bus/memory.ts';
import { PostgresBus } from './bus/postgres.ts';
import { JobRunner } from './jobs/runner.ts';
import { startActionEngine } from './actions/engine.ts';
import { Hub } from './realtime/hub.ts';

export interface Running {
  url: string;
  store: Store;
  /** The one-time link for creating the first administrator, while there is none. */
  setupLink: string | null;
  stop(): Promise<void>;
}

/**
 * On PostgreSQL, processes reach each other through LISTEN/NOTIFY, in a channel named after
 * the schema so deployments sharing one database stay apart; on SQLite there is one process.
 */
function busFor(config: Config, store: Store, log: Logger): Bus {
  if (!config.databaseUrl) return new MemoryBus({ log });
  return new PostgresBus({ connectionString: config.databaseUrl, db: store.db, namespace: config.databaseSchema, log });
}

/** Boot order: config -> store (migrated) -> bus -> jobs -> http. Nothing starts on import. */
export async function start(config: Config, opts: { clock?: Clock; log?: Logger; quiet?: boolean } = {}): Promise<Running> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(config.logLevel);
  const store = await openStore({ sqlitePath: config.sqlitePath, databaseUrl: config.databaseUrl, schema: config.databaseSchema });
  const applied = await store.migrate();
  if (applied.length) log.info('migrations applied', { applied });

  const bus = busFor(config, store, log);
  await bus.start();
  const hub = new Hub();
  hub.start();
  const jobs = new JobRunner({ store, clock, log, bus, leaseMs: config.jobLeaseMs });
  // Handlers are registered before the runner starts, which then fires what came due while down.
  const actions = await startActionEngine({ store, clock, config, log, bus, hub, jobs });
  const aid = startAidWork({ store, clock, config, log, jobs });
  await jobs.start();

  const deps = { store, clock, config, log, limiter: new RateLimiter(clock), hub, bus, jobs };
  const app = createApp(deps);
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = createServer(leanListener(deps, leanEndpoints, getRequestListener(app.fetch, { hostname: config.host })));
      s.once('error', reject);
      s.listen(config.port, config.host, () => resolve(s));
    });
  } catch (err) {
    hub.stop();
    await jobs.stop();
    aid.stop();
    actions.stop();
    await bus.stop();
    await store.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = config.publicUrl?.replace(/\/$/, '') ?? `http://${shownHost}:${port}`;
  log.info('blossom is serving', { url, database: store.dialect });

  const setup = await adminSetupLink({ db: store.db, clock, config, actor: null }, url);
  if (setup && !opts.quiet) {
    process.stdout.write(`\nNo administrator yet. Open this one-time link to create the first one:\n\n  ${setup}\n\n`);
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    store,
    setupLink: setup,
    stop() {
      stopping ??= (async () => {
        // Live streams first: they would hold the server open, and their phones reconnect elsewhere.
        hub.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // SSE and keep-alive sockets would hold close() open forever.
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await jobs.stop();
        aid.stop();
        actions.stop();
        await bus.stop();
        await store.close();
        log.info('blossom stopped');
      })();
      return stopping;
    },
  };
}
