import type { Bus } from '../bus/bus.ts';
import type { Ctx } from '../core/context.ts';
import { instant } from '../core/clock.ts';
import type { Job, JobRequest } from '../jobs/model.ts';
import { cancelJobs, jobsByKeyPrefix } from '../jobs/schedule.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { releaseInstants } from './disclosure-policy.ts';
import { liveBusTopic } from './live-events.ts';
import type { ActionNodeRow, ActionRow } from './rows.ts';

/**
 * The action's durable timers: one release job per (node, release instant), one dispersal
 * job per node at its end, one erasure job per action. They follow every change that moves
 * an instant (the disclosure listeners call followAction), and fire only when due.
 */
export const releaseJob = 'action.release';
export const disperseJob = 'action.disperse';
export const eraseJob = 'action.erase';

export const releaseKey = (nodeId: string, releaseAt: string): string => `release:${nodeId}:${releaseAt}`;
export const disperseKey = (nodeId: string, endsAt: string): string => `disperse:${nodeId}:${endsAt}`;
export const eraseKey = (actionId: string): string => `erase:${actionId}`;
/** Every release and dispersal key of a node starts with one of these. */
export const nodeKeyPrefixes = (nodeId: string): string[] => [`release:${nodeId}:`, `disperse:${nodeId}:`];

/** Schedules and wakes the runner in time (here, and through the bus in other processes). */
export type Timers = Pick<JobRunner, 'schedule'>;

/** Erasure: the last dispersal of any node plus the action's retention window. */
export function erasureDue(action: Pick<ActionRow, 'retention_minutes'>, nodes: readonly Pick<ActionNodeRow, 'ends_at'>[]): Date | null {
  const last = nodes.map((node) => node.ends_at).sort().at(-1);
  return last === undefined ? null : new Date(new Date(last).getTime() + Number(action.retention_minutes) * 60_000);
}

async function wantedTimers(ctx: Ctx, action: ActionRow, nodes: readonly ActionNodeRow[]): Promise<JobRequest[]> {
  // Drafts have nobody to tell; erased actions have nothing left to tell.
  if (action.status !== 'published' || action.wrapped_key === null) return [];
  const actionId = action.id;
  const requests: JobRequest[] = (await releaseInstants(ctx, action)).map(({ nodeId, releaseAt }) => ({
    kind: releaseJob, runAt: new Date(releaseAt), payload: { actionId, nodeId, releaseAt }, dedupeKey: releaseKey(nodeId, releaseAt),
  }));
  for (const node of nodes.filter((n) => n.status === 'active')) {
    requests.push({ kind: disperseJob, runAt: new Date(node.ends_at), payload: { actionId, nodeId: node.id, endsAt: node.ends_at }, dedupeKey: disperseKey(node.id, node.ends_at) });
  }
  const erase = erasureDue(action, nodes);
  if (erase) requests.push({ kind: eraseJob, runAt: erase, payload: { actionId }, dedupeKey: eraseKey(actionId) });
  return requests;
}

/**
 * Brings the action's timers in line with its rows: stale pending ones are cancelled, new
 * and moved ones scheduled. `refire` (after an organizer's change) sends a past release
 * again, since a disclosure may just have been placed at an instant already fired; the
 * ids are the same, so clients de-duplicate. At boot nothing that ran runs again.
 */
export async function followAction(ctx: Ctx, timers: Timers, actionId: string, options: { refire: boolean }): Promise<void> {
  const action = await ctx.db.selectFrom('actions').selectAll().where('id', '=', actionId).executeTakeFirst();
  if (!action || action.status === 'erased') return;
  const nodes = await ctx.db.selectFrom('action_nodes').selectAll().where('action_id', '=', actionId).execute();
  const requests = await wantedTimers(ctx, action, nodes);
  const prefixes = [...nodes.flatMap((node) => nodeKeyPrefixes(node.id)), eraseKey(actionId)];
  const existing = await jobsByKeyPrefix(ctx.db, prefixes);
  const wanted = new Set(requests.map((r) => r.dedupeKey));
  for (const job of existing) {
    // Exact keys: an ISO instant or a UUID ends each, so no key is a prefix of another.
    if (job.dedupe_key && job.status === 'pending' && !wanted.has(job.dedupe_key)) await cancelJobs(ctx.db, { dedupeKeyPrefix: job.dedupe_key });
  }
  const known = new Map(existing.map((job) => [job.dedupe_key, job]));
  const now = ctx.clock.now().getTime();
  for (const request of requests) {
    const key = request.dedupeKey!;
    const job = known.get(key);
    if (job?.status === 'pending' && job.run_at === instant(request.runAt)) continue;
    if (job?.status === 'done' && options.refire && request.kind === releaseJob && request.runAt.getTime() <= now) {
      await cancelJobs(ctx.db, { dedupeKeyPrefix: key });
    } else if (job && job.status !== 'pending') {
      continue;
    }
    await timers.schedule(request);
  }
}

/** A job claimed before its instant (another process's clock, a moved timer): put it back. */
export async function postpone(ctx: Ctx, timers: Timers, job: Job, key: string, runAt: Date): Promise<void> {
  // The running row is forgotten, so the same key can be pending again; its own ending changes nothing.
  await cancelJobs(ctx.db, { dedupeKeyPrefix: key });
  await timers.schedule({ kind: job.kind, runAt, payload: job.payload, dedupeKey: key });
}

const text = (job: Job, field: string): string => String(job.payload[field] ?? '');

/** Due: tell every process to send what is released at that instant to whom it may go. */
export async function fireRelease(ctx: Ctx, timers: Timers, bus: Bus, job: Job): Promise<void> {
  const releaseAt = text(job, 'releaseAt');
  const at = new Date(releaseAt);
  if (ctx.clock.now().getTime() < at.getTime()) return postpone(ctx, timers, job, releaseKey(text(job, 'nodeId'), releaseAt), at);
  await bus.publish(liveBusTopic, { kind: 'release', actionId: text(job, 'actionId'), nodeId: text(job, 'nodeId'), releaseAt });
}

/** The node's end: everyone on its channel is told to disperse, unless the end has moved since. */
export async function fireDispersal(ctx: Ctx, timers: Timers, bus: Bus, job: Job): Promise<void> {
  const nodeId = text(job, 'nodeId');
  const endsAt = text(job, 'endsAt');
  const at = new Date(endsAt);
  if (ctx.clock.now().getTime() < at.getTime()) return postpone(ctx, timers, job, disperseKey(nodeId, endsAt), at);
  const node = await ctx.db
    .selectFrom('action_nodes')
    .innerJoin('actions', 'actions.id', 'action_nodes.action_id')
    .select(['action_nodes.ends_at', 'action_nodes.status', 'actions.status as actionStatus'])
    .where('action_nodes.id', '=', nodeId)
    .executeTakeFirst();
  if (!node || node.ends_at !== endsAt || node.status !== 'active' || node.actionStatus !== 'published') return;
  await bus.publish(liveBusTopic, { kind: 'disperse', actionId: text(job, 'actionId'), nodeId, endsAt });
}
