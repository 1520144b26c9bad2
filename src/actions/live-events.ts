import type { SseEvent } from '../realtime/frame.ts';
import { localIso } from './action-view.ts';
import type { OpenedDisclosure } from './disclosure-policy.ts';
import { tierRank, tiers, type Tier } from './model.ts';
import type { ActionNodeRow } from './rows.ts';

/**
 * What an action's live channel carries, built the same way for the catch-up and for live
 * sends so a client sees identical bytes either way. Event ids start with the instant the
 * event belongs to, so they sort in time order and a client de-duplicates by id:
 * `<releaseAt>~d~<disclosureId>`, `<createdAt>~b~<broadcastId>`, `<endsAt>~x~<nodeId>`.
 */

/** The SSE topic of one node's live channel; its audiences are tiers. */
export const nodeTopic = (actionId: string, nodeId: string): string => `action:${actionId}:${nodeId}`;

/** Every node topic of an action starts with this, so its streams can be ended together. */
export const actionTopicPrefix = (actionId: string): string => `action:${actionId}:`;

/** Every node topic of every action starts with this. */
export const liveTopicPrefix = 'action:';

/** The bus topic on which processes tell each other what to send on the live channels. */
export const liveBusTopic = 'actions.live';

/** Audiences that receive something meant for `tier`: that tier and every higher one. */
export function audiencesFor(tier: string): Tier[] {
  return tiers.filter((audience) => tierRank(audience) >= tierRank(tier));
}

export function disclosureEvent(nodeId: string, d: OpenedDisclosure): SseEvent {
  return {
    id: `${d.releaseAt}~d~${d.id}`,
    event: 'disclosure',
    data: { id: d.id, nodeId, tier: d.tier, releaseAt: d.releaseAt, text: d.text, place: d.place },
  };
}

export interface OpenedBroadcast {
  id: string;
  nodeId: string | null;
  tier: Tier;
  text: string;
  createdAt: string;
}

export function broadcastEvent(b: OpenedBroadcast): SseEvent {
  return { id: `${b.createdAt}~b~${b.id}`, event: 'broadcast', data: b };
}

export function disperseEvent(node: Pick<ActionNodeRow, 'id' | 'ends_at'>): SseEvent {
  return { id: `${node.ends_at}~x~${node.id}`, event: 'disperse', data: { nodeId: node.id, endsAt: node.ends_at } };
}

/**
 * The countdown. Its id is the resume point the client already had (or the last event of
 * this catch-up), never "now": an id ahead of what was really sent would let a resume skip
 * an event stored a moment later under an earlier instant. '0' sorts before every instant.
 */
export function stateEvent(resumeAt: string | null, node: ActionNodeRow, tier: Tier, now: Date): SseEvent {
  return {
    id: resumeAt ?? '0',
    event: 'state',
    data: {
      nodeId: node.id,
      city: node.city,
      zone: node.zone,
      startsAt: node.starts_at,
      startsLocal: localIso(node.starts_at, node.zone),
      endsAt: node.ends_at,
      endsLocal: localIso(node.ends_at, node.zone),
      now: now.toISOString(),
      tier,
    },
  };
}

/** The instant at the head of an event id (the whole id when it has none, such as '0'). */
export function instantOfId(id: string): string {
  return id.split('~')[0] ?? id;
}
