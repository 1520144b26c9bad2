import type { Ctx } from '../core/context.ts';
import { instant } from '../core/clock.ts';
import { invalid, notFound } from '../core/errors.ts';
import { hashToken } from '../core/ids.ts';
import { verifyCode } from '../core/rotating-code.ts';
import { prepared } from '../store/prepared.ts';
import { parseInput } from '../groups/model.ts';
import { requireActor } from '../groups/policy.ts';
import { markPresent } from './checkin-marks.ts';
import { unlockedDisclosures } from './disclosure-policy.ts';
import { findRsvp, openForParticipants, stillGathering } from './holder.ts';
import { nodeCodeKey } from './keys.ts';
import {
  checkInRequestSchema,
  marshalCheckInRequestSchema,
  type CheckInRequest,
  type CheckInResult,
  type MarshalCheckInRequest,
  type MarshalCheckInResult,
} from './participation-views.ts';
import { cleanTicket, isMarshalOf, visibleAction, visibleNode, type ActionAccess } from './policy.ts';
import type { ActionNodeRow, RsvpRow } from './rows.ts';

/**
 * Check-in at the staging point: typing the code the marshals show (it turns every minute)
 * proves the holder is there, and moves them to the present tier. Marshals can also check
 * someone in by scanning the QR code of their ticket.
 */

interface Seat {
  access: ActionAccess;
  rsvp: Pick<RsvpRow, 'id' | 'checked_in_at'>;
  node: ActionNodeRow;
}

// Two lookups by key rather than one join: SQLite recompiles a join whose WHERE binds a
// parameter on every run, which costs more than the second lookup.
const nodeById = prepared(1, (db, nodeId: string) => db.selectFrom('action_nodes').selectAll().where('id', '=', nodeId));

/** The action, the caller's RSVP (by ticket, else by account) and its node; errors as everywhere else. */
async function seatOf(ctx: Ctx, slug: string, ticket: string | null): Promise<Seat> {
  const access = await visibleAction(ctx, slug);
  openForParticipants(access.action);
  const rsvp = await findRsvp(ctx, access.action.id, ticket);
  if (!rsvp) throw notFound();
  const [node] = await nodeById(ctx.db, rsvp.node_id);
  if (!node) throw notFound();
  return { access, rsvp, node };
}

export async function checkIn(ctx: Ctx, slug: string, input: CheckInRequest, ticket: string | null): Promise<CheckInResult> {
  const { code } = parseInput(checkInRequestSchema, input);
  const { access, rsvp, node } = await seatOf(ctx, slug, ticket);
  const { action } = access;
  stillGathering(ctx, node);
  const now = ctx.clock.now();
  let checkedInAt = rsvp.checked_in_at;
  if (checkedInAt === null) {
    if (!verifyCode(nodeCodeKey(ctx, action, node), code, now)) {
      throw invalid('wrong_code', { code: 'That is not the code the marshals show now' });
    }
    // Answered only once the mark is on disk; withdrawn meanwhile, there is no RSVP to check in.
    checkedInAt = await markPresent(ctx.db, rsvp.id, instant(now));
    if (checkedInAt === null) throw notFound();
  }
  // The RSVP at this node is checked in now, so the tier is present, or marshal for one.
  const tier = isMarshalOf(access, node.id) ? 'marshal' : 'present';
  // What checking in unlocks beyond the rsvp tier; asked again (an answer lost on a bad
  // network), the same list again. The client merges by id.
  const unlocked = await unlockedDisclosures(ctx, action, node, 'rsvp', tier, now);
  return { tier, checkedInAt, disclosures: unlocked.map((d) => ({ ...d, released: true })), reconnect: true };
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
  if (rsvp.checked_in_at !== null) return { checkedInAt: rsvp.checked_in_at, alreadyCheckedIn: true };
  const checkedInAt = await markPresent(ctx.db, rsvp.id, instant(ctx.clock.now()));
  if (checkedInAt === null) throw invalid('unknown_ticket', { ticket: 'No RSVP for this city with that ticket' });
  return { checkedInAt, alreadyCheckedIn: false };
}
