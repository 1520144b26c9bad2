import type { Kysely } from 'kysely';
import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { conflict, invalid } from '../core/errors.ts';
import { requireActor } from '../groups/policy.ts';
import type { Database } from '../store/schema.ts';
import { expire, scheduleErasure, scheduleNeedExpiry } from './erasure.ts';
import type { Need } from './model.ts';
import { tellBothSides, type Side } from './notify.ts';
import { allow, needInView, viewerOf, type NeedInView } from './policy.ts';
import type { AidNeedRow } from './rows.ts';
import { presentNeed } from './views.ts';

/**
 * A need's flow: open -> claimed -> fulfilled, or released back to open, or withdrawn by its
 * poster. Every step is one conditional UPDATE on the status it expects, so two helpers
 * racing for the same need cannot both win: the loser's update matches no row and gets 409.
 */
const taken = () => conflict('already_claimed', 'Someone else has already taken this need.');
const notOpen = () => conflict('not_open', 'This need is no longer open.');

export const sideOf = (seen: NeedInView): Side => (seen.viewer === 'poster' ? 'poster' : seen.viewer === 'claimer' ? 'helper' : 'coordinator');

/** Takes an open need for a helper: by the helper (claim) or by a coordinator (assign). */
export async function takeNeed(trx: Kysely<Database>, ctx: Ctx, need: AidNeedRow, helperId: string, offerId: string | null): Promise<void> {
  const now = instant(ctx.clock.now());
  const result = await trx
    .updateTable('aid_needs')
    .set({ status: 'claimed', helper_id: helperId, offer_id: offerId, claimed_at: now, updated_at: now })
    .where('id', '=', need.id)
    .where('status', '=', 'open')
    .where('until_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return;
  const current = await trx.selectFrom('aid_needs').select('status').where('id', '=', need.id).executeTakeFirst();
  throw current?.status === 'claimed' ? taken() : notOpen();
}

/** An offer of this helper in this network, for the record of which offer a claim answers. */
export async function helperOffer(db: Kysely<Database>, need: AidNeedRow, helperId: string, offerId: string | undefined): Promise<string | null> {
  if (offerId === undefined) return null;
  const offer = await db.selectFrom('aid_offers').select('id').where('id', '=', offerId).where('helper_id', '=', helperId).where('network_id', '=', need.network_id).executeTakeFirst();
  if (!offer) throw invalid('unknown_offer', { offerId: 'Not one of your offers in this network' });
  return offer.id;
}

/** The need after a change, as the caller now sees it: a helper who let it go no longer sees its details. */
export async function present(ctx: Ctx, seen: NeedInView): Promise<Need> {
  const need = await ctx.db.selectFrom('aid_needs').selectAll().where('id', '=', seen.need.id).executeTakeFirstOrThrow();
  const viewer = viewerOf(need, seen.role, ctx.actor?.userId, null) ?? seen.viewer;
  return presentNeed(ctx.db, ctx.config, need, seen.group.slug, seen.viewer === 'poster' ? 'poster' : viewer);
}

export async function claimNeed(ctx: Ctx, needId: string, input: { offerId?: string | undefined } = {}): Promise<Need> {
  const actor = requireActor(ctx);
  const seen = await needInView(ctx, needId, null);
  if (seen.viewer === 'claimer') return present(ctx, seen);
  if (seen.viewer === 'poster') throw conflict('own_need', 'You posted this need; someone else has to take it.');
  const offerId = await helperOffer(ctx.db, seen.need, actor.userId, input.offerId);
  await ctx.db.transaction().execute(async (trx) => {
    await takeNeed(trx, ctx, seen.need, actor.userId, offerId);
    await tellBothSides(trx, ctx.clock, seen.need, 'claimed', actor.userId, 'helper');
  });
  return present(ctx, seen);
}

/** The helper (or a coordinator) gives the need back; past its window it expires instead. */
export async function releaseNeed(ctx: Ctx, needId: string): Promise<Need> {
  requireActor(ctx);
  const seen = await needInView(ctx, needId, null);
  const { need } = seen;
  if (need.status !== 'claimed' || need.helper_id === null) throw conflict('not_claimed', 'This need is not claimed.');
  if (seen.viewer !== 'claimer' && seen.role !== 'coordinator') allow(seen, ['claimer', 'coordinator'], 'Only its helper or a coordinator may release a need.');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (new Date(need.until_at) <= now) {
      if (!(await expire(trx, ctx, need, 'claimed'))) throw notOpen();
      return;
    }
    const result = await trx
      .updateTable('aid_needs')
      .set({ status: 'open', helper_id: null, offer_id: null, claimed_at: null, updated_at: instant(now) })
      .where('id', '=', need.id)
      .where('status', '=', 'claimed')
      .where('helper_id', '=', need.helper_id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw conflict('not_claimed', 'This need is not claimed.');
    await scheduleNeedExpiry(trx, ctx.clock, need.id, new Date(need.until_at), 'window');
    await tellBothSides(trx, ctx.clock, need, 'released', need.helper_id, sideOf(seen));
  });
  return present(ctx, seen);
}

/** Closes a need as fulfilled or withdrawn; its details are erased after the retention window. */
async function close(ctx: Ctx, seen: NeedInView, outcome: 'fulfilled' | 'withdrawn'): Promise<Need> {
  const { need } = seen;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('aid_needs')
      .set({ status: outcome, closed_at: instant(now), updated_at: instant(now) })
      .where('id', '=', need.id)
      .where('status', '=', need.status)
      .where((eb) => (need.helper_id === null ? eb('helper_id', 'is', null) : eb('helper_id', '=', need.helper_id)))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw conflict('changed', 'This need changed meanwhile; reload it.');
    await scheduleErasure(trx, ctx, need.id, now);
    await tellBothSides(trx, ctx.clock, need, outcome, need.helper_id, sideOf(seen));
  });
  return present(ctx, seen);
}

export async function fulfilNeed(ctx: Ctx, needId: string, ticket: string | null): Promise<Need> {
  const seen = await needInView(ctx, needId, ticket);
  if (seen.viewer !== 'poster' && seen.viewer !== 'claimer' && seen.role !== 'coordinator') {
    allow(seen, ['poster', 'claimer', 'coordinator'], 'Only its poster, its helper or a coordinator may mark a need done.');
  }
  if (seen.need.status !== 'open' && seen.need.status !== 'claimed') throw notOpen();
  return close(ctx, seen, 'fulfilled');
}

export async function withdrawNeed(ctx: Ctx, needId: string, ticket: string | null): Promise<Need> {
  const seen = await needInView(ctx, needId, ticket);
  allow(seen, ['poster'], 'Only the person who posted a need may withdraw it.');
  if (seen.need.status !== 'open' && seen.need.status !== 'claimed') throw notOpen();
  return close(ctx, seen, 'withdrawn');
}
