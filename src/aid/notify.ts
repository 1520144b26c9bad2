import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.ts';
import type { MailComposer } from '../mail/outbox.ts';
import { queueMail } from '../mail/outbox.ts';
import type { Database } from '../store/schema.ts';
import type { AidNeedRow } from './rows.ts';
import { needKey, openField } from './secrets.ts';

/**
 * Both sides hear of a claim and of its outcome: in the page, through the need's `updatedAt`,
 * and by email when there is an address (the poster's optional one, the helper's account
 * email). Whoever made the change is not told of it. Mail says what happened, never where or
 * how to reach anyone: those stay behind the device ticket or the helper's login.
 */
export const needMailTemplate = 'aid.need';

export type NeedEvent = 'claimed' | 'assigned' | 'released' | 'fulfilled' | 'withdrawn' | 'expired' | 'removed';
export type Side = 'poster' | 'helper' | 'coordinator' | 'nobody';

export async function tellBothSides(db: Kysely<Database>, clock: Clock, need: Pick<AidNeedRow, 'id' | 'network_id' | 'sealed_email'>, event: NeedEvent, helperId: string | null, by: Side): Promise<void> {
  const ids = { needId: need.id, networkId: need.network_id, event };
  // A need removed as abuse does not write back to whoever posted it.
  if (need.sealed_email !== null && by !== 'poster' && event !== 'removed') await queueMail(db, clock, needMailTemplate, { ...ids, to: 'poster' });
  if (helperId !== null && by !== 'helper') await queueMail(db, clock, needMailTemplate, { ...ids, to: 'helper', helperId });
}

const toPoster: Partial<Record<NeedEvent, [string, string]>> = {
  claimed: ['Someone is coming to help', 'A helper has taken your request for %c.'],
  assigned: ['Someone is coming to help', 'A coordinator has found a helper for your request for %c.'],
  released: ['Your request is open again', 'The helper who took your request for %c cannot do it after all. It is open again for others.'],
  fulfilled: ['Your request is done', 'Your request for %c has been marked as done.'],
  expired: ['Your request has expired', 'The time you gave for your request for %c has passed, so it is closed.'],
};

const toHelper: Partial<Record<NeedEvent, [string, string]>> = {
  assigned: ['You have been asked to help', 'A coordinator has given you a request for %c. Its address and contact are on its page.'],
  released: ['A request is no longer yours', 'A coordinator has released the request for %c you had taken.'],
  fulfilled: ['A request you took is done', 'The request for %c you took has been marked as done. Thank you.'],
  withdrawn: ['A request was withdrawn', 'The request for %c you took was withdrawn by the person who posted it.'],
  expired: ['A request you took has expired', 'The time given for the request for %c you took has passed, so it is closed.'],
  removed: ['A request was removed', 'A coordinator removed a request you had taken.'],
};

/** Composes at send time from ids; null when the need is gone or there is no address. */
export const composeNeedMail: MailComposer = async (ctx, payload) => {
  const event = String(payload.event) as NeedEvent;
  const audience = payload.to === 'poster' ? toPoster : toHelper;
  const words = audience[event];
  if (!words) return null;
  const need = await ctx.db.selectFrom('aid_needs').selectAll().where('id', '=', String(payload.needId)).executeTakeFirst();
  if (!need && event !== 'removed') return null;
  let to: string | null;
  if (payload.to === 'poster') {
    to = need ? openField(needKey(ctx.config, need), need.id, 'email', need.sealed_email) : null;
  } else {
    const helper = await ctx.db.selectFrom('users').select('email').where('id', '=', String(payload.helperId)).executeTakeFirst();
    to = helper?.email ?? null;
  }
  if (!to) return null;
  const network = await ctx.db.selectFrom('groups').select('name').where('id', '=', String(payload.networkId)).executeTakeFirst();
  const link = need && ctx.config.publicUrl ? `\n\n${ctx.config.publicUrl.replace(/\/$/, '')}/aid/needs/${need.id}` : '';
  const where = payload.to === 'poster' ? 'Open it on the device you posted from to see more.' : 'Log in to Blossom to see more.';
  return {
    to,
    subject: `${words[0]} — ${network?.name ?? 'mutual aid'}`,
    text: `${words[1].replace('%c', need?.category ?? 'help')}\n\n${where}${link}\n\n— Blossom, for ${network?.name ?? 'your network'}`,
  };
};
