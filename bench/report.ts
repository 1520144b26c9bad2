import type { PhaseResult } from './phase.ts';
import { ratio } from './stats.ts';

export interface RevealReport {
  clients: number;
  /** What stood where Blossom stands (only 'blossom' is the benchmark proper). */
  server: 'blossom' | 'hub' | 'floor';
  subject: PhaseResult;
  floor: PhaseResult;
}

/** The one JSON line; its shape is the issue's, with `server` added only when it is not Blossom. */
export function jsonLine(report: RevealReport): string {
  const { subject, floor } = report;
  return JSON.stringify({
    bench: 'reveal',
    ...(report.server === 'blossom' ? {} : { server: report.server }),
    clients: report.clients,
    delivered: subject.delivered,
    early: subject.early,
    p50_ms: subject.p50_ms,
    p99_ms: subject.p99_ms,
    max_ms: subject.max_ms,
    cpu_ms: subject.cpu_ms,
    rss_mb: subject.rss_mb,
    floor: { p99_ms: floor.p99_ms, cpu_ms: floor.cpu_ms, rss_mb: floor.rss_mb },
  });
}

const show = (value: number | null) => (value === null ? '-' : String(value));

/** The same figures for a person: both servers side by side, and the ratio to the floor. */
export function table(report: RevealReport): string {
  const { subject, floor } = report;
  const rows: Array<[string, number | null, number | null, boolean]> = [
    ['streams opened', subject.open, floor.open, false],
    ['delivered', subject.delivered, floor.delivered, false],
    ['early (must be 0)', subject.early, floor.early, false],
    ['p50 latency (ms)', subject.p50_ms, floor.p50_ms, true],
    ['p99 latency (ms)', subject.p99_ms, floor.p99_ms, true],
    ['max latency (ms)', subject.max_ms, floor.max_ms, true],
    ['CPU for the fan-out (ms)', subject.cpu_ms, floor.cpu_ms, true],
    ['RSS with streams open (MB)', subject.rss_mb, floor.rss_mb, true],
  ];
  const head = ['', report.server, 'floor', 'ratio'];
  const body = rows.map(([label, a, b, compare]) => [label, show(a), show(b), compare ? show(ratio(a, b)) : '']);
  const widths = head.map((_, col) => Math.max(...[head, ...body].map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('   ').trimEnd();
  const notes: string[] = [];
  for (const [name, phase] of [[report.server, subject], ['floor', floor]] as const) {
    if (phase.failed) notes.push(`${name}: ${phase.failed} clients could not connect (${phase.connectErrors[0] ?? 'no detail'})`);
    if (phase.missing || phase.lost) notes.push(`${name}: ${phase.missing} streams never got the target, ${phase.lost} ended while waiting`);
  }
  return [`reveal to ${report.clients} SSE clients`, '', line(head), ...body.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** The never-early rule and full delivery decide the exit status; latency targets are for people to read. */
export function failures(report: RevealReport): string[] {
  const { subject, clients, server } = report;
  const problems: string[] = [];
  if (subject.early > 0) problems.push(`${server} delivered the target to ${subject.early} clients BEFORE its release instant`);
  if (subject.delivered < clients) problems.push(`${server} delivered the target to ${subject.delivered} of ${clients} clients`);
  return problems;
}
