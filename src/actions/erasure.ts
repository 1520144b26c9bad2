import type { Bus } from '../bus/bus.ts';
import type { Ctx } from '../core/context.ts';
import { instant } from '../core/clock.ts';
import type { Job } from '../jobs/model.ts';
import { cancelJobs } from '../jobs/schedule.ts';
import { flushDeletions } from '../store/dialect/erasure.ts';
import { forgetNodeCodes } from './keys.ts';
import { liveBusTopic } from './live-events.ts';
import { eraseKey, erasureDue, nodeKeyPrefixes, postpone, type Timers } from './release.ts';

/**
 * Crypto-erasure after the last dispersal plus the retention window. In one transaction:
 * the counts the organizers chose to keep are written, then disclosures, RSVPs (tickets and
 * check-ins), broadcasts, appointed marshals and node code secrets are deleted and the
 * action's wrapped key is cleared — without it, any sealed copy left anywhere is noise.
 * What remains is the public call: title, call, what to bring, the cities and their times.
 */
export async function eraseAction(ctx: Ctx, actionId: string): Promise<boolean> {
  const now = instant(ctx.clock.now());
  const erased = await ctx.db.transaction().execute(async (trx) => {
    const action = await trx.selectFrom('actions').select(['id', 'status', 'keep_counts']).where('id', '=', actionId).executeTakeFirst();
    if (!action || action.status === 'erased') return false;
    const nodes = await trx.selectFrom('action_nodes').select('id').where('action_id', '=', actionId).execute();
    const nodeIds = nodes.map((node) => node.id);
    if (Number(action.keep_counts) === 1 && nodeIds.length > 0) {
      const counted = await trx
        .selectFrom('rsvps')
        .select((eb) => ['node_id', eb.fn.countAll().as('rsvps'), eb.fn.count('checked_in_at').as('checkins')])
        .where('action_id', '=', actionId)
        .groupBy('node_id')
        .execute();
      const byNode = new Map(counted.map((row) => [row.node_id, row]));
      await trx.deleteFrom('action_counts').where('action_id', '=', actionId).execute();
      await trx
        .insertInto('action_counts')
        .values(nodeIds.map((nodeId) => ({ action_id: actionId, node_id: nodeId, rsvps: Number(byNode.get(nodeId)?.rsvps ?? 0), checkins: Number(byNode.get(nodeId)?.checkins ?? 0) })))
        .execute();
    }
    await trx.deleteFrom('disclosures').where('action_id', '=', actionId).execute();
    await trx.deleteFrom('rsvps').where('action_id', '=', actionId).execute();
    await trx.deleteFrom('broadcasts').where('action_id', '=', actionId).execute();
    if (nodeIds.length > 0) await trx.deleteFrom('node_marshals').where('node_id', 'in', nodeIds).execute();
    await trx.updateTable('action_nodes').set({ code_secret: '' }).where('action_id', '=', actionId).execute();
    await trx.updateTable('actions').set({ wrapped_key: null, status: 'erased', erased_at: now, updated_at: now }).where('id', '=', actionId).execute();
    return true;
  });
  // Other processes drop theirs when they hear 'erased' on the live bus (live-relay.ts).
  forgetNodeCodes(actionId);
  return erased;
}

/** The erasure job: re-checks the instant (retention or times may have moved), erases, then tidies up. */
export async function fireErasure(ctx: Ctx, timers: Timers, bus: Bus, job: Job): Promise<void> {
  const actionId = String(job.payload.actionId ?? '');
  const action = await ctx.db.selectFrom('actions').selectAll().where('id', '=', actionId).executeTakeFirst();
  if (!action || action.status === 'draft') return;
  const nodes = await ctx.db.selectFrom('action_nodes').select(['id', 'ends_at']).where('action_id', '=', actionId).execute();
  if (action.status !== 'erased') {
    const due = erasureDue(action, nodes);
    if (!due) return;
    if (ctx.clock.now().getTime() < due.getTime()) return postpone(ctx, timers, job, eraseKey(actionId), due);
    await eraseAction(ctx, actionId);
  }
  // Also when run again after a crash: idempotent. Done timers go too, so the jobs table no
  // longer tells when this action's reveals were.
  for (const node of nodes) for (const prefix of nodeKeyPrefixes(node.id)) await cancelJobs(ctx.db, { dedupeKeyPrefix: prefix });
  await flushDeletions(ctx.db);
  await bus.publish(liveBusTopic, { kind: 'erased', actionId });
}
