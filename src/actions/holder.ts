import { sql } from 'kysely';
import type { Ctx } from '../core/context.ts';
import { conflict, gone } from '../core/errors.ts';
import { hashToken } from '../core/ids.ts';
import { prepared } from '../store/prepared.ts';
import type { Tier } from './model.ts';
import { cleanTicket, tiersOf, type ActionAccess } from './policy.ts';
import type { ActionNodeRow, ActionRow, RsvpRow } from './rows.ts';

/**
 * The participant: whoever holds a device ticket, or is signed in with an RSVP linked to
 * their account. The ticket wins over the session, because it names one RSVP exactly.
 */

// ticket_hash is unique, so there is one row at most: no ORDER BY, which makes SQLite sort even
// that one row and costs it more than the lookup.
const rsvpByTicket = prepared(2, (db, actionId: string, ticketHash: string) =>
  db.selectFrom('rsvps').selectAll().where('action_id', '=', actionId).where('ticket_hash', '=', ticketHash));
// LIMIT as a literal: SQLite recompiles a statement whose LIMIT is a bound parameter on every run.
const rsvpByUser = prepared(2, (db, actionId: string, userId: string) =>
  db.selectFrom('rsvps').selectAll().where('action_id', '=', actionId).where('user_id', '=', userId).orderBy('created_at').limit(sql.lit(1)));

/** The caller's RSVP for this action: by ticket if one was given, else by account. */
export async function findRsvp(ctx: Ctx, actionId: string, ticket: string | null): Promise<RsvpRow | undefined> {
  const clean = cleanTicket(ticket);
  const userId = ctx.actor?.userId;
  if (clean !== null) return (await rsvpByTicket(ctx.db, actionId, hashToken(clean)))[0];
  return userId ? (await rsvpByUser(ctx.db, actionId, userId))[0] : undefined;
}

export interface NodeHolder {
  tier: Tier;
  /**
   * When the holder reached this tier (RSVP or check-in instant), for participants. A client
   * resuming from an event older than this was listening in a lower tier before.
   */
  tierSince: string | null;
}

/** The caller's tier at one node (through policy.tiersOf, the one rule), and since when. */
export async function holderAt(ctx: Ctx, access: ActionAccess, node: ActionNodeRow, ticket: string | null): Promise<NodeHolder> {
  const tier = (await tiersOf(ctx, access, [node], ticket)).get(node.id) ?? 'public';
  if (tier !== 'rsvp' && tier !== 'present') return { tier, tierSince: null };
  const clean = cleanTicket(ticket);
  const userId = ctx.actor?.userId;
  const rows = await ctx.db
    .selectFrom('rsvps')
    .select(['created_at', 'checked_in_at'])
    .where('node_id', '=', node.id)
    .where((eb) => {
      const ways = [];
      if (clean !== null) ways.push(eb('ticket_hash', '=', hashToken(clean)));
      if (userId) ways.push(eb('user_id', '=', userId));
      return eb.or(ways);
    })
    .execute();
  const since = rows
    .map((row) => (tier === 'present' ? row.checked_in_at : row.created_at))
    .filter((at): at is string => at !== null)
    .sort();
  return { tier, tierSince: since[0] ?? null };
}

const erasedDetail = 'This action is over and its secrets are destroyed; only its public call remains.';

export const actionErased = () => conflict('action_erased', erasedDetail);

/** Participant writes need a published action that still exists. */
export function openForParticipants(action: ActionRow): void {
  if (action.status === 'erased') throw actionErased();
  if (action.status !== 'published') throw conflict('not_published', 'The call has not gone out yet.');
}

/** Participant reads of an erased action: there is nothing left to read. */
export function notErasedForReading(action: ActionRow): void {
  if (action.status === 'erased') throw gone('action_erased', erasedDetail);
}

/** A node that takes RSVPs and check-ins: active, and not yet dispersed. */
export function stillGathering(ctx: Ctx, node: ActionNodeRow): void {
  if (ctx.clock.now().toISOString() >= node.ends_at) throw conflict('action_over', 'This city has already dispersed.');
}
