import type { Store } from '../store/store.ts';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../config.ts';
import type { Actor, Ctx } from '../core/context.ts';
import type { Logger } from '../core/log.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Bus } from '../bus/bus.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Hub } from '../realtime/hub.ts';

export interface AppDeps {
  store: Store;
  clock: Clock;
  config: Config;
  log: Logger;
  limiter: RateLimiter;
  /** Open SSE streams of this process (the actions' live channels). */
  hub: Hub;
  /** Tells every process what happened (ids only), e.g. a reveal to fan out. */
  bus: Bus;
  /** Durable timers: release, dispersal and erasure of actions. */
  jobs: JobRunner;
}

/** What middleware leaves on the request for the routes. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    actor: Actor | null;
    /** Set when the actor came from a cookie session (so CSRF applies and logout has a target). */
    sessionId: string | null;
    csrfToken: string | null;
    /** Salted hash of the caller's network prefix; never the address itself. */
    networkKey: string;
  };
}

export function ctxOf(c: { get<K extends keyof AppEnv['Variables']>(key: K): AppEnv['Variables'][K] }): Ctx {
  return ctxFor(c.get('deps'), c.get('actor'));
}

/** The service context for an actor, where there is no Hono context (the lean path's handlers, lean.ts). */
export function ctxFor(deps: AppDeps, actor: Actor | null): Ctx {
  return { db: deps.store.db, clock: deps.clock, config: deps.config, actor };
}
