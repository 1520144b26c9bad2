import type { Ctx } from '../core/context.ts';
import { notFound } from '../core/errors.ts';
import type { SseEvent } from '../realtime/frame.ts';
import { broadcastsFor } from './broadcasts.ts';
import { visibleDisclosures } from './disclosure-policy.ts';
import { holderAt, notErasedForReading, type NodeHolder } from './holder.ts';
import { broadcastEvent, disclosureEvent, disperseEvent, instantOfId, nodeTopic, stateEvent } from './live-events.ts';
import { visibleAction, visibleNode } from './policy.ts';
import type { ActionNodeRow, ActionRow } from './rows.ts';

/**
 * The live channel of one node for one holder: an SSE stream whose audience is the holder's
 * tier, decided once when it opens. A holder who checks in is told to open a fresh stream
 * (see CheckInResult.reconnect); the new one gets the higher audience and its catch-up.
 */
export interface LiveSeat extends NodeHolder {
  action: ActionRow;
  node: ActionNodeRow;
  topic: string;
}

/** Who is listening where. Anyone who may see the action may follow an active node (the public tier sees the countdown). */
export async function liveSeat(ctx: Ctx, slug: string, nodeId: string, ticket: string | null): Promise<LiveSeat> {
  const access = await visibleAction(ctx, slug);
  const { action } = access;
  notErasedForReading(action);
  const node = await visibleNode(ctx, access, nodeId);
  const holder = await holderAt(ctx, access, node, ticket);
  // Drafts are visible to marshals only; their channel opens once the call is out.
  if (action.status !== 'published' && holder.tier !== 'marshal') throw notFound();
  return { ...holder, action, node, topic: nodeTopic(action.id, node.id) };
}

/**
 * Everything the seat is entitled to now and has not seen, oldest first, then the countdown
 * state. Disclosures go through visibleDisclosures like every other path.
 */
export async function liveCatchUp(ctx: Ctx, seat: LiveSeat, lastEventId: string | null): Promise<SseEvent[]> {
  const { action, node, tier, tierSince } = seat;
  const now = ctx.clock.now();
  const disclosures = (await visibleDisclosures(ctx, action, node, tier, now)).map((d) => disclosureEvent(node.id, d));
  const others = (await broadcastsFor(ctx, action, node.id, tier)).map(broadcastEvent);
  if (now.toISOString() >= node.ends_at) others.push(disperseEvent(node));
  const after = (e: SseEvent) => lastEventId === null || e.id > lastEventId;
  // A resume point from before the holder rose to this tier was reached in a lower tier:
  // disclosures of the higher tier released before it were never sent. Send them all again
  // (the client de-duplicates by id); broadcasts and dispersal are the same for every tier.
  const roseSince = lastEventId !== null && tierSince !== null && instantOfId(lastEventId) < tierSince;
  const missed = [...disclosures.filter((e) => roseSince || after(e)), ...others.filter(after)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const last = missed.at(-1)?.id ?? null;
  const resumeAt = last !== null && (lastEventId === null || last > lastEventId) ? last : lastEventId;
  return [...missed, stateEvent(resumeAt, node, tier, now)];
}
