import type { Bus } from '../bus/bus.ts';
import type { Ctx } from '../core/context.ts';
import { instant } from '../core/clock.ts';
import { open, seal } from '../core/crypto.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { parseInput } from '../groups/model.ts';
import { requireActor } from '../groups/policy.ts';
import { openForParticipants } from './holder.ts';
import { aad, actionKey } from './keys.ts';
import { liveBusTopic, type OpenedBroadcast } from './live-events.ts';
import { tierRank, type Tier } from './model.ts';
import { newBroadcastSchema, type BroadcastView, type NewBroadcast } from './participation-views.ts';
import { isAnyMarshal, isMarshalOf, visibleAction, visibleNode } from './policy.ts';
import type { ActionRow, BroadcastRow } from './rows.ts';

/**
 * Short instructions from the marshals ("move to the north entrance", "disperse now") to a
 * tier of one node, or of every node. Sealed at rest like disclosures, sent live, and part
 * of the catch-up of whoever (re)connects later.
 */
export async function sendBroadcast(ctx: Ctx, bus: Bus, slug: string, input: NewBroadcast): Promise<BroadcastView> {
  const data = parseInput(newBroadcastSchema, input);
  requireActor(ctx);
  const access = await visibleAction(ctx, slug);
  if (!isAnyMarshal(access)) throw notFound();
  const nodeId = data.nodeId ?? null;
  if (nodeId === null && !access.organizer) throw forbidden('Only the organizers speak to every city at once; name your city.');
  if (nodeId !== null && !isMarshalOf(access, (await visibleNode(ctx, access, nodeId)).id)) {
    throw forbidden('You marshal other cities, not this one.');
  }
  const { action } = access;
  openForParticipants(action);
  const now = ctx.clock.now();
  const id = uuidv7(now.getTime());
  const row: BroadcastRow = {
    id,
    action_id: action.id,
    node_id: nodeId,
    tier: data.tier,
    sealed: seal(actionKey(ctx, action), data.text, aad.broadcast(id)),
    created_by: ctx.actor?.userId ?? null,
    created_at: instant(now),
  };
  await ctx.db.insertInto('broadcasts').values(row).execute();
  // Stored first, then announced: whoever connects in between finds it in the catch-up.
  await bus.publish(liveBusTopic, { kind: 'broadcast', actionId: action.id, broadcastId: id });
  return { id, nodeId, tier: data.tier, text: data.text, createdAt: row.created_at };
}

function openBroadcast(ctx: Pick<Ctx, 'config'>, action: ActionRow, row: BroadcastRow): OpenedBroadcast {
  return { id: row.id, nodeId: row.node_id, tier: row.tier as Tier, text: open(actionKey(ctx, action), row.sealed, aad.broadcast(row.id)), createdAt: row.created_at };
}

/** One broadcast, opened, for sending live; undefined once erased or deleted. */
export async function broadcastById(ctx: Ctx, action: ActionRow, id: string): Promise<OpenedBroadcast | undefined> {
  if (action.status === 'erased' || action.wrapped_key === null) return undefined;
  const row = await ctx.db.selectFrom('broadcasts').selectAll().where('id', '=', id).where('action_id', '=', action.id).executeTakeFirst();
  return row ? openBroadcast(ctx, action, row) : undefined;
}

/** What a holder of `tier` at the node has been told: its tier and lower, that node's and every node's. */
export async function broadcastsFor(ctx: Ctx, action: ActionRow, nodeId: string, tier: Tier): Promise<OpenedBroadcast[]> {
  if (action.status === 'erased' || action.wrapped_key === null || tier === 'public') return [];
  const rows = await ctx.db
    .selectFrom('broadcasts')
    .selectAll()
    .where('action_id', '=', action.id)
    .where((eb) => eb.or([eb('node_id', '=', nodeId), eb('node_id', 'is', null)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  // Decided before anything is opened, like disclosures.
  return rows.filter((row) => tierRank(row.tier) <= tierRank(tier)).map((row) => openBroadcast(ctx, action, row));
}
