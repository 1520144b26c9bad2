import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/store/store.ts';
import { seedReveal, type SeedTarget } from './blossom-seed.ts';
import { serverEnv, spawnBlossom } from './blossom.ts';
import { forkHelper, stopAll } from './children.ts';
import type { FromCheckinClients, ToCheckinClients } from './checkin-clients.ts';
import { perSecond } from './checkin-plan.ts';
import { cpuMs, processFamily } from './proc.ts';
import { round, summarize } from './stats.ts';

/**
 * `npm run bench -- checkin [--json]`: the check-in burst at a staging point. N phones,
 * each with its own device ticket, post the code the marshals show to the real route, from
 * a separate process over keep-alive connections; on SQLite, then on PostgreSQL. At the
 * end the checked-in rows are counted: every acknowledged check-in must be there.
 */
const usage = `usage: npm run bench -- checkin [--json] [--checkins N] [--concurrency C] [--postgres URL|none] [--workers W]

  --checkins N     phones checking in, each once (default 20000)
  --concurrency C  requests in flight at once, one keep-alive connection each (default 64)
  --postgres URL   PostgreSQL to measure in a scratch schema (default $BLOSSOM_TEST_DATABASE_URL
                   or postgres://postgres@127.0.0.1:5432/test); "none" to skip it
  --workers W      Blossom processes on PostgreSQL (\`serve --workers W\`, default 1); SQLite is always one`;

const targetPerSecond = 5000;
const targetP99Ms = 50;

interface DialectResult {
  checkins: number;
  acknowledged: number;
  per_s: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** checked_in rows counted in the database afterwards. */
  stored: number;
  lost: number;
  /** The server process's CPU (user + system) per acknowledged check-in, over the burst. */
  cpu_ms_per_checkin: number | null;
  /** The same for the crowd's own process: what the rest of the machine spent asking. */
  client_cpu_ms_per_checkin: number | null;
  outcomes: Record<string, number>;
  /** Blossom processes that served the burst. */
  workers: number;
}

async function countCheckedIn(where: SeedTarget): Promise<number> {
  const config = loadConfig({ BLOSSOM_DATA_DIR: where.dataDir, BLOSSOM_LOG_LEVEL: 'error' });
  const store = await openStore(where.postgres ? { databaseUrl: where.postgres.url, schema: where.postgres.schema, poolSize: 1 } : { sqlitePath: config.sqlitePath });
  try {
    const row = await store.db.selectFrom('rsvps').select((eb) => eb.fn.countAll<string | number>().as('n')).where('checked_in_at', 'is not', null).executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await store.close();
  }
}

async function burst(where: SeedTarget, checkins: number, concurrency: number, workers: number): Promise<DialectResult> {
  const seed = await seedReveal(where, checkins, { checkedIn: false });
  // Trusting X-Forwarded-For lets the crowd come from many networks, as a real one does.
  const { child, url } = await spawnBlossom(serverEnv(where, { BLOSSOM_TRUST_PROXY: 'true' }), workers > 1 ? ['--workers', String(workers)] : []);
  // With --workers, the primary and its workers together.
  const serverCpu = () => processFamily(child.pid).reduce((sum, pid) => sum + cpuMs(pid), 0);
  const crowd = forkHelper<ToCheckinClients, FromCheckinClients>('checkin-clients', new URL('./checkin-clients.ts', import.meta.url));
  try {
    if (workers > 1) await new Promise((resolve) => setTimeout(resolve, 1000)); // every worker listening
    const cpuBefore = serverCpu();
    const clientCpuBefore = cpuMs(crowd.pid);
    crowd.send({ kind: 'run', base: url, slug: seed.slug, nodeId: seed.nodeId, organizerToken: seed.organizerToken, tickets: seed.tickets, concurrency });
    const done = await crowd.next('done', 120_000 + checkins * 10);
    const cpu = serverCpu() - cpuBefore;
    const clientCpu = cpuMs(crowd.pid) - clientCpuBefore;
    const summary = summarize(done.latencies);
    const stored = await countCheckedIn(where);
    return {
      checkins,
      acknowledged: summary.delivered,
      per_s: perSecond(summary.delivered, done.elapsedMs),
      p50_ms: summary.p50_ms,
      p99_ms: summary.p99_ms,
      max_ms: summary.max_ms,
      stored,
      lost: Math.max(0, summary.delivered - stored),
      cpu_ms_per_checkin: summary.delivered ? round(cpu / summary.delivered, 2) : null,
      client_cpu_ms_per_checkin: summary.delivered ? round(clientCpu / summary.delivered, 2) : null,
      outcomes: done.outcomes,
      workers,
    };
  } finally {
    await crowd.stop();
    await child.stop(10_000);
  }
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

/** What a run has left behind so far: removed at its end, or on Ctrl-C. */
const leftovers = new Set<() => Promise<void>>();

async function cleanUp(): Promise<void> {
  await stopAll();
  for (const undo of [...leftovers]) await undo().catch(() => undefined);
}

async function run(dialect: 'sqlite' | 'postgres', checkins: number, concurrency: number, url: string, workers = 1): Promise<DialectResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'blossom-checkin-'));
  const where: SeedTarget = dialect === 'postgres' ? { dataDir, postgres: { url, schema: `bench_checkin_${randomBytes(4).toString('hex')}` } } : { dataDir };
  const undo = async () => {
    leftovers.delete(undo);
    rmSync(dataDir, { recursive: true, force: true });
    if (where.postgres) await dropSchema(url, where.postgres.schema).catch(() => undefined);
  };
  leftovers.add(undo);
  try {
    return await burst(where, checkins, concurrency, workers);
  } finally {
    await undo();
  }
}

const show = (name: string, r: DialectResult | null, why: string | null) =>
  r ? `${name.padEnd(9)} ${r.acknowledged}/${r.checkins} acknowledged, ${r.per_s}/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms, ${r.stored} stored, ${r.lost} lost, server CPU ${r.cpu_ms_per_checkin} ms per check-in, ${r.workers} process(es)` : `${name.padEnd(9)} not measured: ${why}`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, checkins: { type: 'string' }, concurrency: { type: 'string' }, postgres: { type: 'string' }, workers: { type: 'string' } } }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const checkins = Number(values.checkins ?? 20_000);
  const concurrency = Number(values.concurrency ?? 64);
  const workers = Number(values.workers ?? 1);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    process.stderr.write(`--workers must be 1..64\n\n${usage}\n`);
    return 2;
  }
  if (!Number.isInteger(checkins) || checkins < 1 || checkins > 1_000_000 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 5000) {
    process.stderr.write(`--checkins must be 1..1000000 and --concurrency 1..5000\n\n${usage}\n`);
    return 2;
  }
  const url = values.postgres ?? process.env.BLOSSOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  // Ctrl-C: stop the children, then drop the scratch schema and the temporary directory.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().then(() => process.exit(130)));
  try {
    const sqlite = await run('sqlite', checkins, concurrency, url);
    const pgProblem = url === 'none' ? 'skipped (--postgres none)' : await reachable(url);
    const postgres = pgProblem ? null : await run('postgres', checkins, concurrency, url, workers);
    const met = sqlite.per_s >= targetPerSecond && sqlite.p99_ms !== null && sqlite.p99_ms < targetP99Ms && sqlite.lost === 0;
    const report = { bench: 'checkin', checkins, concurrency, sqlite, postgres, target: { sqlite_per_s: targetPerSecond, sqlite_p99_ms: targetP99Ms, met } };
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else process.stdout.write(`${checkins} check-ins, ${concurrency} at once\n${show('sqlite', sqlite, null)}\n${show('postgres', postgres, pgProblem)}\ntarget on SQLite: ≥ ${targetPerSecond}/s, p99 < ${targetP99Ms} ms, none lost: ${met ? 'met' : 'MISSED'}\n`);
    const lost = sqlite.lost + (postgres?.lost ?? 0);
    if (lost) process.stderr.write(`${lost} acknowledged check-ins are not in the database\n`);
    return lost ? 1 : 0;
  } catch (err) {
    process.stderr.write(`The check-in bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await stopAll();
  }
}

