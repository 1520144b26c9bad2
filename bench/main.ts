import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseRevealArgs, usage, UsageError, type RevealOptions } from './args.ts';
import { startBlossom } from './blossom.ts';
import { forkHelper, killAllNow, stopAll } from './children.ts';
import { sampleFrame, startIpcServer } from './ipc-servers.ts';
import { revealPhase, type PhaseResult, type Progress, type ServerUnderTest } from './phase.ts';
import { busyMachineWarning, descriptorAdvice, openFileLimit, spareDescriptors } from './proc.ts';
import type { FromClients, ToClients } from './protocol.ts';
import { multiProcessProblem } from './nodes.ts';
import { peerPhase } from './peer.ts';
import { failures, jsonLine, table, type RevealReport } from './report.ts';
import { splitCrowd } from './spread.ts';
import { parseFrame } from './sse-wire.ts';

/**
 * `npm run bench -- reveal --clients N [--json]`: the reveal, measured against Blossom and
 * against the floor in one run. See bench/README.md for what the figures mean.
 */
const tempDirs: string[] = [];
/** Scratch PostgreSQL schemas of --nodes 3, dropped on the way out. */
const schemas: string[] = [];
const postgresUrl = () => process.env.BLOSSOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function dropSchemas(): Promise<void> {
  if (!schemas.length) return;
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

function cleanUpNow(): void {
  killAllNow();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

let shown = '';
const progress: Progress = (server, open, failed, total) => {
  const line = `${server}: ${open}/${total} streams open${failed ? `, ${failed} failed` : ''}`;
  if (!process.stderr.isTTY || line === shown) return;
  shown = line;
  process.stderr.write(`\r${line}   ${open + failed === total ? '\n' : ''}`);
};

async function subjectFor(options: RevealOptions, frame: string): Promise<ServerUnderTest> {
  if (options.server !== 'blossom') return startIpcServer(options.server, options.clients, frame, options.server === 'floor' ? options.nodes : 1);
  const dataDir = mkdtempSync(join(tmpdir(), 'blossom-bench-'));
  tempDirs.push(dataDir);
  if (options.nodes === 1) return startBlossom({ dataDir }, options.clients);
  const postgres = { url: postgresUrl(), schema: `bench_reveal_${randomBytes(4).toString('hex')}` };
  schemas.push(postgres.schema);
  return startBlossom({ dataDir, postgres }, options.clients, options.nodes);
}

async function reveal(options: RevealOptions): Promise<RevealReport> {
  // As many client processes as the open-file limit asks for: each holds its share of sockets.
  const perProcess = openFileLimit().soft - spareDescriptors;
  const crowd = splitCrowd(options.clients, perProcess).map((_, i) => forkHelper<ToClients, FromClients>(`clients-${i + 1}`, new URL('./clients.ts', import.meta.url)));
  const subject = await subjectFor(options, sampleFrame());
  const measured = await revealPhase(crowd, subject, options, progress);
  await subject.stop();
  // The floor sends exactly the bytes the subject sent, so both move the same payload. It
  // runs as many processes as the subject (--nodes), each holding its share of the crowd.
  let floor: PhaseResult | null = null;
  if (options.clients <= perProcess * options.nodes) {
    const floorServer = await startIpcServer('floor', options.clients, measured.frame ?? sampleFrame(), options.nodes);
    floor = await revealPhase(crowd, floorServer, options, progress);
    await floorServer.stop();
  }
  await Promise.all(crowd.map((c) => c.stop()));
  const match = parseFrame(measured.frame ?? sampleFrame()).id ?? '';
  const peer = options.peer ? await peerPhase(options, measured.frame ?? sampleFrame(), match, progress) : null;
  return { clients: options.clients, server: options.server, subject: measured, floor, nodes: options.nodes, peer };
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'aid') {
    // Another bench's own runner; loaded only when asked for (it brings PostgreSQL along).
    const aid = await import('./aid.ts');
    return aid.main(argv.slice(1));
  }
  if (argv[0] === 'checkin') {
    const checkin = await import('./checkin.ts');
    return checkin.main(argv.slice(1));
  }
  let options: RevealOptions;
  try {
    options = parseRevealArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${usage}\n`);
    return 2;
  }
  if (process.platform !== 'linux') {
    process.stderr.write('The reveal bench reads CPU and memory from /proc; it runs on Linux only.\n');
    return 2;
  }
  const multi = options.nodes > 1 ? multiProcessProblem() : null;
  if (multi) {
    process.stderr.write(`${multi}\n`);
    return 2;
  }
  // Each Blossom process holds its share of the streams; the client processes split theirs.
  const advice = descriptorAdvice(Math.ceil(options.clients / options.nodes));
  if (advice) {
    process.stderr.write(`${advice}\n`);
    return 2;
  }
  const busy = busyMachineWarning();
  if (busy) process.stderr.write(`${busy}\n`);
  // Bounded whatever happens: connecting, two or three reveals and their grace periods, with room to spare.
  const budgetMs = (options.peer ? 3 : 2) * (90_000 + options.clients * 20 + options.leadMs + options.graceMs) + 60_000;
  const watchdog = setTimeout(() => {
    process.stderr.write(`\nThe bench did not finish within ${Math.round(budgetMs / 1000)} s; stopping everything.\n`);
    cleanUpNow();
    process.exit(1);
  }, budgetMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUpNow();
      process.exit(130);
    });
  }
  try {
    const report = await reveal(options);
    process.stdout.write(`${options.json ? jsonLine(report) : table(report)}\n`);
    const problems = failures(report);
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    return problems.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`\nThe reveal bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    await stopAll();
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    await dropSchemas().catch((err: unknown) => process.stderr.write(`dropping the scratch schema failed: ${String(err)}\n`));
  }
}

process.exitCode = await main(process.argv.slice(2));
