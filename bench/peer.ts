import type { RevealOptions } from './args.ts';
import { forkHelper, type Child } from './children.ts';
import type { Progress } from './phase.ts';
import type { ToPeerClients } from './peer-clients.ts';
import { cpuMs, openFileLimit, rssMb, spareDescriptors } from './proc.ts';
import type { FromClients, FromServer, ToServer } from './protocol.ts';
import { idleKbPerConnection, splitCrowd } from './spread.ts';
import { round, summarize, type LatencySummary } from './stats.ts';

/** The peer's figures as the JSON line carries them, and what a person reading the table needs. */
export interface PeerResult extends LatencySummary {
  name: 'socket.io';
  processes: number;
  open: number;
  failed: number;
  connectErrors: string[];
  missing: number;
  lost: number;
  /** CPU of all server processes together over the fan-out window (Redis itself not included). */
  cpu_ms: number;
  /** RSS of all server processes together with every client connected. */
  rss_mb: number;
  idle_kb_per_conn: number | null;
}

const peerProcesses = 3;
const windowLeadMs = 200;
const windowTailMs = 250;
const settleMs = 500;
const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Socket.IO with its Redis adapter on three processes, the crowd spread over them, the
 * reveal emitted to the room once, from the first process, at the scheduled instant.
 */
export async function peerPhase(options: RevealOptions, frame: string, match: string, progress: Progress): Promise<PeerResult> {
  const servers = Array.from({ length: peerProcesses }, (_, i) => forkHelper<ToServer, FromServer>(`socket.io-${i + 1}`, new URL('./peer-socketio.ts', import.meta.url)));
  const shares = splitCrowd(options.clients, openFileLimit().soft - spareDescriptors);
  const crowds: Array<Child<ToPeerClients, FromClients>> = shares.map((_, i) => forkHelper(`socket.io-clients-${i + 1}`, new URL('./peer-clients.ts', import.meta.url)));
  try {
    const ports = await Promise.all(servers.map(async (s) => (await s.next('listening', 30_000)).port));
    await sleepUntil(Date.now() + settleMs);
    const pids = servers.map((s) => s.pid);
    const rssBefore = sum(pids.map(rssMb));
    const opened = new Array<number>(crowds.length).fill(0);
    crowds.forEach((crowd, i) => {
      crowd.onMessage = (message) => {
        if (message.kind !== 'progress') return;
        opened[i] = message.open;
        progress('socket.io', sum(opened), 0, options.clients);
      };
      crowd.send({ kind: 'connect', host: '127.0.0.1', ports, count: shares[i]!, sources: options.sources, concurrency: Math.ceil(options.concurrency / crowds.length), timeoutMs: 30_000 });
    });
    const connected = await Promise.all(crowds.map((c) => c.next('connected', 60_000 + options.clients * 10)));
    const open = sum(connected.map((c) => c.open));
    progress('socket.io', open, sum(connected.map((c) => c.failed)), options.clients);
    if (open === 0) throw new Error(`no client could connect to socket.io: ${connected.flatMap((c) => c.errors).join('; ')}`);

    await sleepUntil(Date.now() + settleMs);
    const rssAfter = sum(pids.map(rssMb));
    const at = Math.ceil((Date.now() + options.leadMs) / 1000) * 1000;
    const deadline = at + options.graceMs;
    for (const crowd of crowds) crowd.send({ kind: 'arm', at, match, deadline });
    await Promise.all(crowds.map((c) => c.next('armed', 10_000)));
    // One emit from one process; the adapter carries it to the rooms of the other two.
    servers[0]!.send({ kind: 'reveal', at, frame });
    await servers[0]!.next('armed', 10_000);
    if (Date.now() > at - windowLeadMs) throw new Error('socket.io took too long to schedule the reveal; raise --lead-ms');
    await sleepUntil(at - windowLeadMs);
    const cpuBefore = sum(pids.map(cpuMs));
    const results = await Promise.all(crowds.map((c) => c.next('result', deadline - Date.now() + 10_000)));
    await sleepUntil(Date.now() + windowTailMs);
    const cpuAfter = sum(pids.map(cpuMs));
    for (const crowd of crowds) crowd.send({ kind: 'close' });
    await Promise.all(crowds.map((c) => c.next('closed', 30_000)));
    return {
      name: 'socket.io',
      processes: peerProcesses,
      ...summarize(results.flatMap((r) => r.latencies)),
      open,
      failed: sum(connected.map((c) => c.failed)),
      connectErrors: connected.flatMap((c) => c.errors),
      missing: sum(results.map((r) => r.missing)),
      lost: sum(results.map((r) => r.lost)),
      cpu_ms: round(cpuAfter - cpuBefore)!,
      rss_mb: round(rssAfter)!,
      idle_kb_per_conn: idleKbPerConnection(rssBefore, rssAfter, open),
    };
  } finally {
    await Promise.all([...crowds, ...servers].map((c) => c.stop()));
  }
}
