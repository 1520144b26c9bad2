import type { PeerResult } from './peer.ts';
import type { PhaseResult } from './phase.ts';
import { ratio } from './stats.ts';

export interface RevealReport {
  clients: number;
  /** What stood where Blossom stands (only 'blossom' is the benchmark proper). */
  server: 'blossom' | 'hub' | 'floor';
  subject: PhaseResult;
  /** Null when the crowd is larger than the floor's processes (as many as --nodes) may hold. */
  floor: PhaseResult | null;
  /** Blossom processes; printed only when more than one. */
  nodes?: number;
  /** Socket.IO with its Redis adapter, measured in the same run when asked for. */
  peer?: PeerResult | null;
}

/** The one JSON line; its shape is the issue's, with `server` added only when it is not Blossom. */
export function jsonLine(report: RevealReport): string {
  const { subject, floor } = report;
  return JSON.stringify({
    bench: 'reveal',
    ...(report.server === 'blossom' ? {} : { server: report.server }),
    ...(report.nodes && report.nodes > 1 ? { nodes: report.nodes } : {}),
    clients: report.clients,
    delivered: subject.delivered,
    early: subject.early,
    p50_ms: subject.p50_ms,
    p99_ms: subject.p99_ms,
    max_ms: subject.max_ms,
    cpu_ms: subject.cpu_ms,
    rss_mb: subject.rss_mb,
    idle_kb_per_conn: subject.idle_kb_per_conn,
    floor: floor ? { p99_ms: floor.p99_ms, cpu_ms: floor.cpu_ms, rss_mb: floor.rss_mb, idle_kb_per_conn: floor.idle_kb_per_conn } : null,
    ...(report.peer
      ? {
          peer: {
            name: report.peer.name,
            delivered: report.peer.delivered,
            early: report.peer.early,
            p99_ms: report.peer.p99_ms,
            cpu_ms: report.peer.cpu_ms,
            rss_mb: report.peer.rss_mb,
            idle_kb_per_conn: report.peer.idle_kb_per_conn,
          },
          ...(floor ? { cpu_vs_peer: cpuVsPeer(subject.cpu_ms, floor.cpu_ms, report.peer.cpu_ms) } : {}),
        }
      : {}),
  });
}

/**
 * Blossom's CPU and the floor's as fractions of the peer's, and what each server spends
 * beyond the floor (its own software, over the one write per phone every server makes) as
 * a fraction of the peer's. On loopback the floor's share is the kernel's work on both ends
 * of every TCP write; `above_floor` leaves that out.
 */
export function cpuVsPeer(subject: number, floor: number, peer: number): { blossom: number | null; floor: number | null; above_floor: number | null } {
  return { blossom: ratio(subject, peer), floor: ratio(floor, peer), above_floor: peer > floor ? ratio(Math.max(0, subject - floor), peer - floor) : null };
}

const show = (value: number | null) => (value === null ? '-' : String(value));

/** The same figures for a person: both servers side by side, and the ratio to the floor. */
export function table(report: RevealReport): string {
  const { subject, floor } = report;
  const rows: Array<[string, number | null, number | null, boolean]> = [
    ['streams opened', subject.open, floor?.open ?? null, false],
    ['delivered', subject.delivered, floor?.delivered ?? null, false],
    ['early (must be 0)', subject.early, floor?.early ?? null, false],
    ['p50 latency (ms)', subject.p50_ms, floor?.p50_ms ?? null, true],
    ['p99 latency (ms)', subject.p99_ms, floor?.p99_ms ?? null, true],
    ['max latency (ms)', subject.max_ms, floor?.max_ms ?? null, true],
    ['CPU for the fan-out (ms)', subject.cpu_ms, floor?.cpu_ms ?? null, true],
    ['RSS with streams open (MB)', subject.rss_mb, floor?.rss_mb ?? null, true],
  ];
  const head = ['', report.server, 'floor', 'ratio'];
  const body = rows.map(([label, a, b, compare]) => [label, show(a), show(b), compare ? show(ratio(a, b)) : '']);
  const widths = head.map((_, col) => Math.max(...[head, ...body].map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('   ').trimEnd();
  const notes: string[] = [];
  for (const [name, phase] of [[report.server, subject], ['floor', floor]] as const) {
    if (!phase) continue;
    if (phase.failed) notes.push(`${name}: ${phase.failed} clients could not connect (${phase.connectErrors[0] ?? 'no detail'})`);
    if (phase.missing || phase.lost) notes.push(`${name}: ${phase.missing} streams never got the target, ${phase.lost} ended while waiting`);
  }
  const extra = [`idle memory per stream: ${report.server} ${show(subject.idle_kb_per_conn)} KB, floor ${show(floor?.idle_kb_per_conn ?? null)} KB`];
  if (!floor) notes.push('floor: not measured; one process cannot hold this many connections under this open-file limit');
  const { peer } = report;
  if (peer) {
    extra.push(
      `socket.io (${peer.processes} processes, Redis adapter, WebSocket only): delivered ${peer.delivered}/${peer.open}, early ${peer.early}, ` +
        `p99 ${show(peer.p99_ms)} ms, CPU ${peer.cpu_ms} ms, RSS ${peer.rss_mb} MB, idle ${show(peer.idle_kb_per_conn)} KB per connection`,
    );
    if (peer.failed) notes.push(`socket.io: ${peer.failed} clients could not connect (${peer.connectErrors[0] ?? 'no detail'})`);
  }
  const title = `reveal to ${report.clients} clients${report.nodes && report.nodes > 1 ? ` over ${report.nodes} Blossom processes` : ''}`;
  return [title, '', line(head), ...body.map(line), '', ...extra, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** The never-early rule and full delivery decide the exit status; latency targets are for people to read. */
export function failures(report: RevealReport): string[] {
  const { subject, clients, server } = report;
  const problems: string[] = [];
  if (subject.early > 0) problems.push(`${server} delivered the target to ${subject.early} clients BEFORE its release instant`);
  if (subject.delivered < clients) problems.push(`${server} delivered the target to ${subject.delivered} of ${clients} clients`);
  const { peer } = report;
  if (peer && peer.early > 0) problems.push(`socket.io delivered the target to ${peer.early} clients BEFORE its release instant`);
  if (peer && peer.delivered < clients) problems.push(`socket.io delivered the target to ${peer.delivered} of ${clients} clients`);
  return problems;
}
