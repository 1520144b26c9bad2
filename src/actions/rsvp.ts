import type { Ctx } from '../core/context.ts';
import { instant } from '../core/clock.ts';
import { conflict, invalid, notFound } from '../core/errors.ts';
import { hashToken, secretToken, uuidv7 } from '../core/ids.ts';
import { parseInput } from '../groups/model.ts';
import { localIso } from './action-view.ts';
import { visibleDisclosures } from './disclosure-policy.ts';
import { actionErased, findRsvp, holderAt, notErasedForReading, openForParticipants, stillGathering } from './holder.ts';
import { rsvpRequestSchema, type HolderView, type RsvpCreated, type RsvpRequest } from './participation-views.ts';
import { cleanTicket, visibleAction } from './policy.ts';

/**
 * Saying "I'll come". No account needed: the answer carries a device ticket, shown once; the
 * server keeps only its hash. With a session the RSVP is also linked to the account.
 */
export async function rsvpTo(ctx: Ctx, slug: string, input: RsvpRequest, ticket: string | null): Promise<RsvpCreated> {
  const { nodeId } = parseInput(rsvpRequestSchema, input);
  const { action } = await visibleAction(ctx, slug);
  openForParticipants(action);
  const node = await ctx.db
    .selectFrom('action_nodes')
    .selectAll()
    .where('id', '=', nodeId)
    .where('action_id', '=', action.id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  // A node awaiting approval reads exactly like one that does not exist.
  if (!node) throw invalid('invalid_input', { nodeId: 'Not a city of this action' });
  stillGathering(ctx, node);
  if (await findRsvp(ctx, action.id, ticket)) throw alreadyRsvped();
  const fresh = secretToken();
  const now = instant(ctx.clock.now());
  const userId = ctx.actor?.userId ?? null;
  await ctx.db.transaction().execute(async (trx) => {
    // Writing the node row takes its lock on PostgreSQL (SQLite runs one writer anyway), so
    // RSVPs racing for the last place are counted one after the other and none overbooks.
    await trx.updateTable('action_nodes').set((eb) => ({ capacity: eb.ref('capacity') })).where('id', '=', node.id).execute();
    const locked = await trx.selectFrom('action_nodes').select('capacity').where('id', '=', node.id).executeTakeFirst();
    if (!locked) throw invalid('invalid_input', { nodeId: 'Not a city of this action' });
    if (locked.capacity !== null) {
      const taken = await trx.selectFrom('rsvps').select((eb) => eb.fn.countAll().as('n')).where('node_id', '=', node.id).executeTakeFirstOrThrow();
      if (Number(taken.n) >= Number(locked.capacity)) throw conflict('node_full', 'This city is full.');
    }
    if (userId) {
      // A double tap with a session: the second one finds the first inside the lock.
      const mine = await trx.selectFrom('rsvps').select('id').where('action_id', '=', action.id).where('user_id', '=', userId).executeTakeFirst();
      if (mine) throw alreadyRsvped();
    }
    await trx
      .insertInto('rsvps')
      .values({ id: uuidv7(ctx.clock.now().getTime()), action_id: action.id, node_id: node.id, ticket_hash: hashToken(fresh), user_id: userId, checked_in_at: null, created_at: now })
      .execute();
  });
  return { ticket: fresh, nodeId: node.id, tier: 'rsvp' };
}

function alreadyRsvped() {
  return conflict('already_rsvped', 'You have already said you will come to this action.');
}

/** "I can't come after all": the RSVP and its check-in go. */
export async function withdrawRsvp(ctx: Ctx, slug: string, ticket: string | null): Promise<void> {
  const { action } = await visibleAction(ctx, slug);
  if (action.status === 'erased') throw actionErased();
  const rsvp = await findRsvp(ctx, action.id, ticket);
  if (!rsvp) throw notFound();
  await ctx.db.deleteFrom('rsvps').where('id', '=', rsvp.id).execute();
}

/** The holder's city, tier and what that tier may see now. No RSVP: not found. */
export async function holderView(ctx: Ctx, slug: string, ticket: string | null): Promise<HolderView> {
  const access = await visibleAction(ctx, slug);
  const { action } = access;
  notErasedForReading(action);
  const rsvp = await findRsvp(ctx, action.id, cleanTicket(ticket));
  if (!rsvp) throw notFound();
  const node = await ctx.db.selectFrom('action_nodes').selectAll().where('id', '=', rsvp.node_id).executeTakeFirst();
  if (!node) throw notFound();
  const { tier } = await holderAt(ctx, access, node, ticket);
  const now = ctx.clock.now();
  const disclosures = await visibleDisclosures(ctx, action, node, tier, now);
  return {
    nodeId: node.id,
    city: node.city,
    zone: node.zone,
    startsAt: node.starts_at,
    startsLocal: localIso(node.starts_at, node.zone),
    endsAt: node.ends_at,
    endsLocal: localIso(node.ends_at, node.zone),
    tier,
    rsvpedAt: rsvp.created_at,
    checkedInAt: rsvp.checked_in_at,
    now: instant(now),
    disclosures: disclosures.map((d) => ({ ...d, released: true })),
  };
}
