import type { Kysely } from 'kysely';
import { addMs, instant, type Clock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { cancelJobs, scheduleJob } from '../jobs/schedule.ts';
import { flushDeletions } from '../store/dialect/erasure.ts';
import type { Database } from '../store/schema.ts';
import { forgetExpired } from './idempotency.ts';
import { monthOf } from './input.ts';
import { tellBothSides } from './notify.ts';
import type { AidNeedRow } from './rows.ts';

/**
 * The end of a need. When its window passes an open need expires; a claimed one is given
 * the retention window more for its helper to report back, then expires too. Once a need
 * is closed (fulfilled, withdrawn, expired) and the retention window has passed, the row
 * goes — description, area, sealed details and wrapped key together — and only a count per
 * network, category, month and outcome remains. Each step is a durable job, keyed by need.
 */
export const needExpiryJob = 'aid.need.expire';
export const needErasureJob = 'aid.need.erase';
export const offerExpiryJob = 'aid.offer.expire';

const dayMs = 24 * 60 * 60 * 1000;
export const closedStatuses = ['fulfilled', 'withdrawn', 'expired'] as const;

export const retentionMs = (ctx: Pick<Ctx, 'config'>): number => ctx.config.aidRetentionDays * dayMs;

export async function scheduleNeedExpiry(db: Kysely<Database>, clock: Clock, needId: string, at: Date, stage: 'window' | 'claim'): Promise<void> {
  await scheduleJob(db, { kind: needExpiryJob, runAt: at, payload: { needId }, dedupeKey: `aid-need:${needId}:expire-${stage}` }, clock);
}

export async function scheduleErasure(db: Kysely<Database>, ctx: Pick<Ctx, 'clock' | 'config'>, needId: string, closedAt: Date): Promise<void> {
  await scheduleJob(db, { kind: needErasureJob, runAt: addMs(closedAt, retentionMs(ctx)), payload: { needId }, dedupeKey: `aid-need:${needId}:erase` }, ctx.clock);
}

/** Closes a need as expired (if it is still in `from`), schedules its erasure and says so. */
export async function expire(trx: Kysely<Database>, ctx: Pick<Ctx, 'clock' | 'config'>, need: AidNeedRow, from: 'open' | 'claimed'): Promise<boolean> {
  const now = ctx.clock.now();
  const result = await trx
    .updateTable('aid_needs')
    .set({ status: 'expired', closed_at: instant(now), updated_at: instant(now) })
    .where('id', '=', need.id)
    .where('status', '=', from)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await scheduleErasure(trx, ctx, need.id, now);
  await tellBothSides(trx, ctx.clock, need, 'expired', from === 'claimed' ? need.helper_id : null, 'nobody');
  return true;
}

/** The expiry job: idempotent, and a no-op for a need already closed or erased. */
export async function expireNeed(ctx: Ctx, needId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const need = await trx.selectFrom('aid_needs').selectAll().where('id', '=', needId).executeTakeFirst();
    const now = ctx.clock.now();
    if (!need || new Date(need.until_at) > now) return;
    if (need.status === 'open') await expire(trx, ctx, need, 'open');
    if (need.status !== 'claimed') return;
    const deadline = addMs(new Date(need.until_at), retentionMs(ctx));
    if (deadline <= now) await expire(trx, ctx, need, 'claimed');
    else await scheduleNeedExpiry(trx, ctx.clock, need.id, deadline, 'claim');
  });
}

/** Deletes the need and keeps one count for it; `outcome` overrides its status (removal). */
export async function eraseNeed(db: Kysely<Database>, needId: string, outcome?: 'removed'): Promise<boolean> {
  const need = await db.selectFrom('aid_needs').select(['network_id', 'category', 'status', 'closed_at', 'updated_at']).where('id', '=', needId).executeTakeFirst();
  if (!need) return false;
  const counted = outcome ?? need.status;
  await db
    .insertInto('aid_counts')
    .values({ network_id: need.network_id, category: need.category, month: monthOf(need.closed_at ?? need.updated_at), outcome: counted, count: 1 })
    .onConflict((oc) => oc.columns(['network_id', 'category', 'month', 'outcome']).doUpdateSet((eb) => ({ count: eb('aid_counts.count', '+', 1) })))
    .execute();
  await db.deleteFrom('aid_idempotency').where('target_id', '=', needId).execute();
  await db.deleteFrom('aid_needs').where('id', '=', needId).execute();
  return true;
}

/** The erasure job: only closed needs whose retention has run out. */
export async function eraseClosedNeed(ctx: Ctx, needId: string): Promise<void> {
  const erased = await ctx.db.transaction().execute(async (trx) => {
    const need = await trx.selectFrom('aid_needs').select(['status', 'closed_at']).where('id', '=', needId).executeTakeFirst();
    if (!need?.closed_at || !(closedStatuses as readonly string[]).includes(need.status)) return false;
    if (addMs(new Date(need.closed_at), retentionMs(ctx)) > ctx.clock.now()) return false;
    return eraseNeed(trx, needId);
  });
  await forgetExpired(ctx.db, ctx.clock.now());
  if (erased) await flushDeletions(ctx.db);
}

/** Removal as abuse: gone at once, with its pending jobs; its helper, if any, is told. */
export async function removeAtOnce(ctx: Ctx, need: AidNeedRow): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await eraseNeed(trx, need.id, 'removed');
    await cancelJobs(trx, { dedupeKeyPrefix: `aid-need:${need.id}:` });
    if (need.status === 'claimed') await tellBothSides(trx, ctx.clock, need, 'removed', need.helper_id, 'coordinator');
  });
  await flushDeletions(ctx.db);
}

/** An offer whose window has passed is deleted: nothing of it is worth keeping. */
export async function expireOffer(ctx: Ctx, offerId: string): Promise<void> {
  await ctx.db.deleteFrom('aid_offers').where('id', '=', offerId).where('until_at', '<=', instant(ctx.clock.now())).execute();
}
