import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * The bench's helper processes: started, talked to, and always stopped — on success, on a
 * failure, on Ctrl-C. Everything waited for has a time limit.
 */
export class Child<In, Out extends { kind: string }> {
  readonly name: string;
  readonly process: ChildProcess;
  readonly #queue: Out[] = [];
  #waiter: (() => void) | null = null;
  #exited: string | null = null;
  /** The last lines it wrote to stderr, to explain a failure. */
  readonly stderrTail: string[] = [];
  onMessage: ((message: Out) => void) | null = null;

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.process = child;
    child.on('message', (message: Out) => {
      this.onMessage?.(message);
      this.#queue.push(message);
      this.#waiter?.();
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderrTail.push(...text.split('\n').filter(Boolean));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - 20));
    });
    child.on('exit', (code, signal) => {
      this.#exited = `${name} exited (${signal ?? `code ${code}`})${this.stderrTail.length ? `:\n  ${this.stderrTail.join('\n  ')}` : ''}`;
      this.#waiter?.();
    });
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.process.pid;
  }

  send(message: In): void {
    this.process.send?.(message as object);
  }

  /** The next message of this kind (earlier ones of other kinds are skipped). */
  async next<K extends Out['kind']>(kind: K, timeoutMs: number): Promise<Extract<Out, { kind: K }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.#queue.findIndex((m) => m.kind === kind);
      if (at !== -1) return this.#queue.splice(0, at + 1).at(-1) as Extract<Out, { kind: K }>;
      if (this.#exited) throw new Error(this.#exited);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no '${kind}' within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = null;
    }
  }

  /** SIGTERM, then SIGKILL if it has not gone within the grace period. */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** A TypeScript helper from bench/, with an IPC channel, on this same Node. */
export function forkHelper<In, Out extends { kind: string }>(name: string, script: URL, args: string[] = []): Child<In, Out> {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], execArgv: [] });
  return track(new Child<In, Out>(name, child));
}

/** A program as an operator runs it (no IPC), for Blossom itself. */
export function spawnProgram(name: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Child<never, never> {
  // BENCH_NODE_ARGS passes Node flags to the program under test (e.g. "--heapsnapshot-signal=SIGUSR2");
  // BENCH_CPU_PROF=<dir> is short for a V8 CPU profile written there (open it in Chrome DevTools).
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  if (process.env.BENCH_CPU_PROF) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  const child = spawn(process.execPath, [...nodeArgs, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  return track(new Child<never, never>(name, child));
}

interface Stoppable {
  readonly process: ChildProcess;
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Stoppable>();

function track<T extends Stoppable>(child: T): T {
  running.add(child);
  child.process.once('exit', () => running.delete(child));
  return child;
}

/** Stops every helper still running; used on the way out, whatever the way out is. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop(2000).catch(() => undefined)));
}

/** A last resort when the bench itself is exiting and cannot wait. */
export function killAllNow(): void {
  for (const child of running) if (child.process.exitCode === null) child.process.kill('SIGKILL');
}
