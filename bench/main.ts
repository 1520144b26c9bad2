import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRevealArgs, usage, UsageError, type RevealOptions } from './args.ts';
import { startBlossom } from './blossom.ts';
import { forkHelper, killAllNow, stopAll } from './children.ts';
import { sampleFrame, startIpcServer } from './ipc-servers.ts';
import { revealPhase, type Progress, type ServerUnderTest } from './phase.ts';
import { busyMachineWarning, descriptorAdvice } from './proc.ts';
import type { FromClients, ToClients } from './protocol.ts';
import { failures, jsonLine, table, type RevealReport } from './report.ts';

/**
 * `npm run bench -- reveal --clients N [--json]`: the reveal, measured against Blossom and
 * against the floor in one run. See bench/README.md for what the figures mean.
 */
const tempDirs: string[] = [];

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
  if (options.server !== 'blossom') return startIpcServer(options.server, options.clients, frame);
  const dataDir = mkdtempSync(join(tmpdir(), 'blossom-bench-'));
  tempDirs.push(dataDir);
  return startBlossom(dataDir, options.clients);
}

async function reveal(options: RevealOptions): Promise<RevealReport> {
  const clients = forkHelper<ToClients, FromClients>('clients', new URL('./clients.ts', import.meta.url));
  const subject = await subjectFor(options, sampleFrame());
  const measured = await revealPhase(clients, subject, options, progress);
  await subject.stop();
  // The floor sends exactly the bytes the subject sent, so both move the same payload.
  const floorServer = await startIpcServer('floor', options.clients, measured.frame ?? sampleFrame());
  const floor = await revealPhase(clients, floorServer, options, progress);
  await floorServer.stop();
  await clients.stop();
  return { clients: options.clients, server: options.server, subject: measured, floor };
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'aid') {
    // Another bench's own runner; loaded only when asked for (it brings PostgreSQL along).
    const aid = await import('./aid.ts');
    return aid.main(argv.slice(1));
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
  const advice = descriptorAdvice(options.clients);
  if (advice) {
    process.stderr.write(`${advice}\n`);
    return 2;
  }
  const busy = busyMachineWarning();
  if (busy) process.stderr.write(`${busy}\n`);
  // Bounded whatever happens: connecting, two reveals and their grace periods, with room to spare.
  const budgetMs = 2 * (90_000 + options.clients * 20 + options.leadMs + options.graceMs) + 60_000;
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
  }
}

process.exitCode = await main(process.argv.slice(2));
