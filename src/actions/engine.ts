import type { Bus } from '../bus/bus.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import type { Logger } from '../core/log.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Store } from '../store/store.ts';
import { onDisclosuresChanged } from './disclosures.ts';
import { fireErasure } from './erasure.ts';
import type { Hub } from '../realtime/hub.ts';
import { relayLiveEvents } from './live-relay.ts';
import { disperseJob, eraseJob, fireDispersal, fireRelease, followAction, releaseJob } from './release.ts';

/**
 * The participant side's moving parts, started by main.ts (and test/support/app.ts) after
 * the store and the bus, before the job runner starts: job handlers, the relay from the bus
 * to this process's live streams, and the timers that follow every change of an action.
 */
export interface ActionEngineDeps {
  store: Pick<Store, 'db'>;
  clock: Clock;
  config: Config;
  log: Logger;
  bus: Bus;
  hub: Hub;
  jobs: JobRunner;
}

/** Job contexts act as nobody: what they may do is decided by ids, never by a caller. */
const jobCtx = (deps: Omit<ActionEngineDeps, 'hub' | 'jobs'>): Ctx => ({ db: deps.store.db, clock: deps.clock, config: deps.config, actor: null });

export function registerActionJobs(runner: JobRunner, deps: Omit<ActionEngineDeps, 'hub' | 'jobs'>): JobRunner {
  const ctx = jobCtx(deps);
  return runner
    .register(releaseJob, (job) => fireRelease(ctx, runner, deps.bus, job))
    .register(disperseJob, (job) => fireDispersal(ctx, runner, deps.bus, job))
    .register(eraseJob, (job) => fireErasure(ctx, runner, deps.bus, job));
}

export interface ActionEngine {
  stop(): void;
}

export async function startActionEngine(deps: ActionEngineDeps): Promise<ActionEngine> {
  registerActionJobs(deps.jobs, deps);
  const ctx = jobCtx(deps);
  const unrelay = relayLiveEvents({ ctx, bus: deps.bus, hub: deps.hub, log: deps.log });
  // The listener list is shared by every app in this process (tests run many): each follows
  // changes made in its own database only.
  const unlisten = onDisclosuresChanged((changed, actionId) =>
    changed.db === deps.store.db ? followAction(changed, deps.jobs, actionId, { refire: true }) : undefined,
  );
  // A change whose listener never ran (the process died right after committing it) is
  // caught up here; timers that came due while down are already in the table and fire on start.
  const stop = () => {
    unlisten();
    unrelay();
  };
  try {
    const live = await ctx.db.selectFrom('actions').select('id').where('status', '=', 'published').execute();
    for (const { id } of live) await followAction(ctx, deps.jobs, id, { refire: false });
  } catch (err) {
    stop();
    throw err;
  }
  return { stop };
}
