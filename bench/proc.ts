import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * What the kernel says a process has used, read from /proc so the servers under test carry
 * no measuring code of their own. Linux only; the bench says so and stops elsewhere.
 */

/** Clock ticks per second in /proc/<pid>/stat; 100 on every Linux this runs on. */
const ticksPerSecond = 100;

/**
 * CPU time of every thread of the process, in milliseconds. Summed from each thread's
 * schedstat (nanoseconds) where the kernel keeps it, else utime+stime from stat (10 ms ticks).
 */
export function cpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8');
      ns += Number(text.split(' ')[0]);
    }
    if (ns > 0) return ns / 1e6;
  } catch {
    // A thread ending between the listing and the read, or no schedstat: fall back.
  }
  return statCpuMs(pid);
}

/** utime + stime of the whole process (threads that ended included), in milliseconds. */
export function statCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses; fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

/** The process and its children (the workers of `serve --workers N`), from /proc. */
export function processFamily(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // A kernel without the children file: the process alone.
  }
  return [pid, ...children];
}

/** Resident set size in MiB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * This process's open-file limit (soft, hard). Node raises its own soft limit to the hard
 * one at start-up, and the children it starts inherit it.
 */
export function openFileLimit(limits = readFileSync('/proc/self/limits', 'utf8')): { soft: number; hard: number } {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (!match) throw new Error('cannot read the open-file limit from /proc/self/limits');
  const value = (text: string) => (text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text));
  return { soft: value(match[1]!), hard: value(match[2]!) };
}

/** Descriptors each process needs beyond one per connection: the runtime, the database, pipes. */
export const spareDescriptors = 256;

/** Null when there are descriptors enough for `clients` connections per process, else what to do. */
export function descriptorAdvice(clients: number, limit = openFileLimit()): string | null {
  const needed = clients + spareDescriptors;
  if (limit.soft >= needed) return null;
  const target = Math.max(65536, 2 ** Math.ceil(Math.log2(needed)));
  return [
    `The open-file limit is ${limit.soft} (hard ${limit.hard}); ${clients} clients need at least ${needed}`,
    `in the server and in the client process alike. Raise it in this shell and run again:`,
    ``,
    `  ulimit -n ${target} && npm run bench -- reveal --clients ${clients}`,
    ``,
    limit.hard < needed
      ? `The hard limit is lower than that, so raising it needs root (\`sudo prlimit --nofile=${target}:${target} --pid $$\`)\n` +
        `or a line in /etc/security/limits.conf (\`* - nofile ${target}\`) and a new login.`
      : `The hard limit (${limit.hard}) allows it without root.`,
  ].join('\n');
}

/**
 * A warning when other work already keeps the machine's cores busy: latencies then measure
 * the neighbours too. CPU times, being per process, suffer less.
 */
export function busyMachineWarning(loadavg = readFileSync('/proc/loadavg', 'utf8'), cores = availableParallelism()): string | null {
  const load = Number(loadavg.split(' ')[0]);
  if (!(load > cores / 2)) return null;
  return `The machine is busy (load average ${load} on ${cores} cores): latencies will be noisy; compare runs on a quiet machine.`;
}
