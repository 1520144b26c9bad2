import type { RevealOptions } from './args.ts';
import type { Child } from './children.ts';
import { cpuMs, rssMb } from './proc.ts';
import type { FromClients, ToClients } from './protocol.ts';
import { idleKbPerConnection, splitCrowd } from './spread.ts';
import { round, summarize, type LatencySummary } from './stats.ts';

/** A server the crowd connects to, whose reveal can be scheduled for an instant. */
export interface ServerUnderTest {
  name: string;
  pid: number;
  port: number;
  /** One request path per client (each carries its own ticket where the server wants one). */
  paths: string[];
  /** The target event is the one whose id contains this. */
  match: string;
  /** Every process whose CPU and memory count (a primary and its workers); just `pid` when absent. */
  pids?: () => number[];
  /** Arranges for the target to go out at `at`; resolves once the server has it in hand. */
  schedule(at: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PhaseResult extends LatencySummary {
  /** Streams that opened, and clients that could not open one. */
  open: number;
  failed: number;
  connectErrors: string[];
  /** Open streams that never got the target, and streams that ended while waiting. */
  missing: number;
  lost: number;
  cpu_ms: number;
  rss_mb: number;
  /** RSS growth from no clients to all streams open, per open stream. */
  idle_kb_per_conn: number | null;
  /** The target frame as the first client received it. */
  frame: string | null;
}

export type Progress = (server: string, open: number, failed: number, total: number) => void;

/** The CPU window opens this long before the instant: the release timer's own wake-up is part of the fan-out. */
const windowLeadMs = 200;
/** ...and closes this long after the last receipt, so work the server does after its last write counts too. */
const windowTailMs = 250;
/** Connections settle (catch-up written, timers quiet) before the RSS is read and the reveal scheduled. */
const settleMs = 500;

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * One reveal against one server: open the crowd's streams (shared among one or more client
 * processes, each within its open-file limit), read the server's RSS, schedule the reveal a
 * little ahead, read the server's CPU time around it, and collect receipts.
 */
export async function revealPhase(
  crowd: ReadonlyArray<Child<ToClients, FromClients>>,
  server: ServerUnderTest,
  options: RevealOptions,
  progress: Progress,
): Promise<PhaseResult> {
  const total = server.paths.length;
  const pids = server.pids?.() ?? [server.pid];
  const rssOf = () => sum(pids.map(rssMb));
  const cpuOf = () => sum(pids.map(cpuMs));
  const rssBefore = rssOf();
  const shares = splitCrowd(total, Math.ceil(total / crowd.length));
  const opened = shares.map(() => 0);
  const failing = shares.map(() => 0);
  let from = 0;
  crowd.forEach((clients, i) => {
    clients.onMessage = (message) => {
      if (message.kind !== 'progress') return;
      opened[i] = message.open;
      failing[i] = message.failed;
      progress(server.name, sum(opened), sum(failing), total);
    };
    clients.send({
      kind: 'connect',
      host: '127.0.0.1',
      port: server.port,
      paths: server.paths.slice(from, (from += shares[i] ?? 0)),
      sources: options.sources,
      concurrency: Math.ceil(options.concurrency / crowd.length),
      timeoutMs: 30_000,
    });
  });
  const each = await Promise.all(crowd.map((c) => c.next('connected', 60_000 + total * 10)));
  const connected = { open: sum(each.map((c) => c.open)), failed: sum(each.map((c) => c.failed)), errors: each.flatMap((c) => c.errors) };
  progress(server.name, connected.open, connected.failed, total);
  for (const clients of crowd) clients.onMessage = null;
  if (connected.open === 0) throw new Error(`no client could connect to ${server.name}: ${connected.errors.join('; ')}`);

  await sleepUntil(Date.now() + settleMs);
  const rss = rssOf();
  const at = Math.ceil((Date.now() + options.leadMs) / 1000) * 1000;
  const deadline = at + options.graceMs;
  for (const clients of crowd) clients.send({ kind: 'arm', at, match: server.match, deadline });
  await Promise.all(crowd.map((c) => c.next('armed', 10_000)));
  await server.schedule(at);
  if (Date.now() > at - windowLeadMs) throw new Error(`${server.name} took too long to schedule the reveal; raise --lead-ms`);
  await sleepUntil(at - windowLeadMs);
  const cpuBefore = cpuOf();
  const results = await Promise.all(crowd.map((c) => c.next('result', deadline - Date.now() + 10_000)));
  await sleepUntil(Date.now() + windowTailMs);
  const cpuAfter = cpuOf();

  for (const clients of crowd) clients.send({ kind: 'close' });
  await Promise.all(crowd.map((c) => c.next('closed', 30_000)));
  return {
    ...summarize(results.flatMap((r) => r.latencies)),
    open: connected.open,
    failed: connected.failed,
    connectErrors: connected.errors,
    missing: sum(results.map((r) => r.missing)),
    lost: sum(results.map((r) => r.lost)),
    cpu_ms: round(cpuAfter - cpuBefore)!,
    rss_mb: round(rss)!,
    idle_kb_per_conn: idleKbPerConnection(rssBefore, rss, connected.open),
    frame: results.find((r) => r.frame !== null)?.frame ?? null,
  };
}
