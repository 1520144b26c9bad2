import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { SseReader } from '../../src/realtime/sse-reader.ts';
import { spawnCli } from './cli.ts';

/**
 * Talking to real Blossom processes over the network, as phones and browsers do: a running
 * `blossom serve`, a caller that keeps its cookie and CSRF token, and live streams.
 */

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  body: any;
  text: string;
}

export class RemoteCaller {
  readonly base: string;
  cookie: string | null = null;
  csrf: string | null = null;

  constructor(base: string) {
    this.base = base;
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('blossom_session=')) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text, text };
  }

  async signUp(handle: string): Promise<this> {
    const res = await this.call('POST', '/api/v1/accounts', { handle, password: 'a long enough passphrase' });
    if (res.status !== 201) throw new Error(`sign-up of ${handle} failed: ${res.status} ${res.text}`);
    this.csrf = res.body.csrfToken as string;
    return this;
  }

  /** Opens a live stream and waits for its catch-up to end (the `state` event). */
  async follow(path: string, headers: Record<string, string> = {}): Promise<{ reader: SseReader; close: () => void }> {
    const abort = new AbortController();
    const res = await fetch(this.base + path, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    if (res.status !== 200) throw new Error(`live stream answered ${res.status}: ${await res.text()}`);
    const reader = new SseReader(res.body!);
    await reader.until((events) => events.some((e) => e.event === 'state'));
    return { reader, close: () => abort.abort() };
  }
}

export interface Served {
  url: string;
  child: ChildProcess;
  /** What the process wrote to standard error, for failure messages. */
  stderr(): string;
  /** SIGTERM, then waits for the exit (a no-op for a process already gone). */
  stop(): Promise<void>;
}

/** Starts `blossom serve` as a real child process and waits for it to say where it listens. */
export async function serveProcess(env: Record<string, string>, args: string[] = []): Promise<Served> {
  const child = spawnCli(['serve', ...args], env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "running at" line within 20 s:\n${stdout}\n${stderr}`)), 20_000);
    child.stdout!.on('data', () => {
      const found = /Blossom is running at (http:\/\/\S+) /.exec(stdout)?.[1];
      if (!found) return;
      clearTimeout(timer);
      resolve(found);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`serve exited early:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
