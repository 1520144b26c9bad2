import { loadConfig, type Config } from '../config.ts';
import { systemClock } from '../core/clock.ts';
import type { Actor, Ctx } from '../core/context.ts';
import { openStore, type Store } from '../store/store.ts';

/** A mistake the operator can fix; printed as one plain message, without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The validated configuration, with flags given on the command line taking the place of their variables. */
export function configFrom(overrides: Record<string, string | undefined> = {}): Config {
  const env = { ...process.env };
  for (const [name, value] of Object.entries(overrides)) if (value !== undefined) env[name] = value;
  return loadConfig(env);
}

/** Where the data lives, said without credentials so it is safe to print and paste into a chat. */
export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `SQLite at ${config.sqlitePath}`;
  const target = postgresTarget(config.databaseUrl);
  const schema = config.databaseSchema ? `, schema "${config.databaseSchema}"` : '';
  return `PostgreSQL database "${target.database}" on ${target.host}:${target.port}${schema}`;
}

export interface PostgresTarget {
  host: string;
  port: string;
  database: string;
  user: string | null;
}

/** The parts of a connection URL an operator needs to name the database; the password is left behind. */
export function postgresTarget(url: string): PostgresTarget {
  const parsed = new URL(url);
  const query = parsed.searchParams;
  return {
    host: parsed.hostname || query.get('host') || 'localhost',
    port: parsed.port || query.get('port') || '5432',
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || query.get('dbname') || 'postgres',
    user: parsed.username ? decodeURIComponent(parsed.username) : query.get('user'),
  };
}

/**
 * Opens the configured store with every migration applied, so commands work on a fresh
 * install before the first `serve`, and closes it afterwards whatever happens.
 */
export async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStoreFor(config);
  try {
    const applied = await store.migrate();
    if (applied.length) process.stderr.write(`Applied database migrations: ${applied.join(', ')}\n`);
    return await work(store);
  } finally {
    await store.close();
  }
}

export async function openStoreFor(config: Config): Promise<Store> {
  try {
    return await openStore({ sqlitePath: config.sqlitePath, databaseUrl: config.databaseUrl, schema: config.databaseSchema });
  } catch (err) {
    throw new CliError(`Cannot open the ${describeDatabase(config)}: ${(err as Error).message}`);
  }
}

/** A service context as the CLI's operator, who acts with the machine's authority (or as the given person). */
export function cliCtx(store: Store, config: Config, actor: Actor | null = null): Ctx {
  return { db: store.db, clock: systemClock, config, actor };
}

export function out(line = ''): void {
  process.stdout.write(line + '\n');
}

export function note(line = ''): void {
  process.stderr.write(line + '\n');
}
