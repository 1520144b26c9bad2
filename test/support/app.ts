import type { OpenAPIHono } from '@hono/zod-openapi';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/log.ts';
import type { Ctx } from '../../src/core/context.ts';
import { createApp } from '../../src/http/app.ts';
import type { AppDeps, AppEnv } from '../../src/http/env.ts';
import { RateLimiter } from '../../src/http/rate-limit.ts';
import type { DialectName } from '../../src/store/store.ts';
import { startActionEngine } from '../../src/actions/engine.ts';
import { Hub } from '../../src/realtime/hub.ts';
import { MemoryBus } from '../../src/bus/memory.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { freshStore, type TestStore } from './stores.ts';

export interface TestApp {
  app: OpenAPIHono<AppEnv>;
  /** What the app was made with (for serving it another way, as main.ts does). */
  deps: AppDeps;
  clock: ManualClock;
  config: Config;
  fixture: TestStore;
  /** Live streams of this app; the bus they hear from. */
  hub: Hub;
  bus: MemoryBus;
  /** Not started: tests move the clock and call `jobs.runDue()`, so nothing fires behind their back. */
  jobs: JobRunner;
  /** A service context for arranging data directly, as the given actor (or nobody). */
  ctx(actor?: Ctx['actor']): Ctx;
  dispose(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'blossom-cfg-'));
  return loadConfig({ BLOSSOM_DATA_DIR: dataDir, BLOSSOM_LOG_LEVEL: 'error', BLOSSOM_TRUST_PROXY: 'true', ...env });
}

/** The real app over a fresh store, driven in-process through app.request(). */
export async function testApp(dialect: DialectName = 'sqlite', env: Record<string, string> = {}): Promise<TestApp> {
  const fixture = await freshStore(dialect);
  const clock = new ManualClock();
  const config = testConfig(env);
  const log = createLogger(config.logLevel);
  const bus = new MemoryBus({ log });
  await bus.start();
  const hub = new Hub();
  const jobs = new JobRunner({ store: fixture.store, clock, log, bus });
  const actions = await startActionEngine({ store: fixture.store, clock, config, log, bus, hub, jobs });
  const deps: AppDeps = { store: fixture.store, clock, config, log, limiter: new RateLimiter(clock), hub, bus, jobs };
  const app = createApp(deps);
  return {
    app,
    deps,
    clock,
    config,
    fixture,
    hub,
    bus,
    jobs,
    ctx: (actor = null) => ({ db: fixture.store.db, clock, config, actor }),
    async dispose() {
      hub.stop();
      actions.stop();
      await jobs.stop();
      await bus.stop();
      await fixture.dispose();
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** A browser-like caller: keeps its session cookie and sends the CSRF header on writes. */
export class Caller {
  readonly #app: OpenAPIHono<AppEnv>;
  cookie: string | null = null;
  csrf: string | null = null;
  token: string | null = null;
  handle: string | null = null;
  /** Simulated source address, so rate limits see distinct networks. */
  address: string;

  constructor(app: OpenAPIHono<AppEnv>, address = '192.0.2.10') {
    this.#app = app;
    this.address = address;
  }

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
    const h: Record<string, string> = { 'x-forwarded-for': this.address, ...headers };
    if (body !== undefined) h['content-type'] ??= 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] ??= this.csrf;
    if (this.token) h.authorization = `Bearer ${this.token}`;
    const res = await this.#app.request(path, {
      method,
      headers: h,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('blossom_session=')) {
      const value = setCookie.split(';')[0]!;
      this.cookie = value === 'blossom_session=' || /max-age=0/i.test(setCookie) ? null : value;
    }
    // An event stream stays open: only its status and headers are read here.
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await res.body?.cancel();
      return { status: res.status, body: '' as T, headers: res.headers, text: '' };
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  /** Signs up and stays logged in. */
  async signUp(handle: string, password = 'a long enough passphrase'): Promise<this> {
    const res = await this.call('POST', '/api/v1/accounts', { handle, password });
    if (res.status !== 201) throw new Error(`sign-up of ${handle} failed: ${res.status} ${res.text}`);
    this.csrf = (res.body as { csrfToken: string }).csrfToken;
    this.handle = handle;
    return this;
  }
}
