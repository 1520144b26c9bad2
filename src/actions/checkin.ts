import type { Ctx } from '../core/context.ts';
import { instant } from '../core/clock.ts';
import { invalid, notFound } from '../core/errors.ts';
import { hashToken } from '../core/ids.ts';
import { verifyCode } from '../core/rotating-code.ts';
import { parseInput } from '../groups/model.ts';
import { requireActor } from '../groups/policy.ts';
import { visibleDisclosures } from './disclosure-policy.ts';
import { findRsvp, holderAt, openForParticipants, stillGathering } from './holder.ts';
import { nodeSecret } from './keys.ts';
import {
  checkInRequestSchema,
  marshalCheckInRequestSchema,
  type CheckInRequest,
  type CheckInResult,
  type MarshalCheckInRequest,
  type MarshalCheckInResult,
} from './participation-views.ts';
import { cleanTicket, isMarshalOf, visibleAction, visibleNode } from './policy.ts';
import type { RsvpRow } from './rows.ts';

/**
 * Check-in at the staging point: typing the code the marshals show (it turns every minute)
 * proves the holder is there, and moves them to the present tier. Marshals can also check
 * someone in by scanning the QR code of their ticket.
 */

/** Sets checked_in_at once; a second check-in keeps the first instant. */
async function markPresent(ctx: Ctx, rsvp: RsvpRow): Promise<{ checkedInAt: string; already: boolean }> {
  if (rsvp.checked_in_at !== null) return { checkedInAt: rsvp.checked_in_at, already: true };
  const at = instant(ctx.clock.now());
  await ctx.db.updateTable('rsvps').set({ checked_in_at: at }).where('id', '=', rsvp.id).where('checked_in_at', 'is', null).execute();
  const row = await ctx.db.selectFrom('rsvps').select('checked_in_at').where('id', '=', rsvp.id).executeTakeFirst();
  return { checkedInAt: row?.checked_in_at ?? at, already: false };
}

export async function checkIn(ctx: Ctx, slug: string, input: CheckInRequest, ticket: string | null): Promise<CheckInResult> {
  const { code } = parseInput(checkInRequestSchema, input);
  const access = await visibleAction(ctx, slug);
  const { action } = access;
  openForParticipants(action);
  const rsvp = await findRsvp(ctx, action.id, ticket);
  if (!rsvp) throw notFound();
  const node = await ctx.db.selectFrom('action_nodes').selectAll().where('id', '=', rsvp.node_id).executeTakeFirst();
  if (!node) throw notFound();
  stillGathering(ctx, node);
  const now = ctx.clock.now();
  if (rsvp.checked_in_at === null && !verifyCode(nodeSecret(ctx, action, node), code, now)) {
    throw invalid('wrong_code', { code: 'That is not the code the marshals show now' });
  }
  const { checkedInAt } = await markPresent(ctx, rsvp);
  const after = await holderAt(ctx, access, node, ticket);
  // What checking in unlocks beyond the rsvp tier; asked again (an answer lost on a bad
  // network), the same list again. The client merges by id.
  const rsvpSees = new Set((await visibleDisclosures(ctx, action, node, 'rsvp', now)).map((d) => d.id));
  const visible = await visibleDisclosures(ctx, action, node, after.tier, now);
  return {
    tier: after.tier,
    checkedInAt,
    disclosures: visible.filter((d) => !rsvpSees.has(d.id)).map((d) => ({ ...d, released: true })),
    reconnect: true,
  };
}

/** A marshal of the node scans a participant's ticket. Anyone else: not found. */
export async function checkInByMarshal(ctx: Ctx, slug: string, nodeId: string, input: MarshalCheckInRequest): Promise<MarshalCheckInResult> {
  const data = parseInput(marshalCheckInRequestSchema, input);
  requireActor(ctx);
  const access = await visibleAction(ctx, slug);
  const node = await visibleNode(ctx, access, nodeId);
  if (!isMarshalOf(access, node.id)) throw notFound();
  openForParticipants(access.action);
  stillGathering(ctx, node);
  const ticket = cleanTicket(data.ticket);
  const rsvp = ticket === null
    ? undefined
    : await ctx.db.selectFrom('rsvps').selectAll().where('ticket_hash', '=', hashToken(ticket)).where('node_id', '=', node.id).executeTakeFirst();
  if (!rsvp) throw invalid('unknown_ticket', { ticket: 'No RSVP for this city with that ticket' });
  const { checkedInAt, already } = await markPresent(ctx, rsvp);
  return { checkedInAt, alreadyCheckedIn: already };
}
