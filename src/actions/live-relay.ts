import { setTimeout as sleep } from 'node:timers/promises';
import { resumedKind, type Bus, type BusMessage } from '../bus/bus.ts';
import type { Ctx } from '../core/context.ts';
import type { Logger } from '../core/log.ts';
import { broadcastById } from './broadcasts.ts';
import { forgetNodeCodes } from './keys.ts';
import { visibleDisclosures, type OpenedDisclosure } from './disclosure-policy.ts';
import type { Hub } from '../realtime/hub.ts';
import { actionTopicPrefix, audiencesFor, broadcastEvent, disclosureEvent, disperseEvent, liveBusTopic, liveTopicPrefix, nodeTopic } from './live-events.ts';
import { tiers, type Tier } from './model.ts';
import type { ActionNodeRow, ActionRow } from './rows.ts';

/**
 * Every process turns what the bus says happened (ids only) into events for the streams it
 * holds: the job that fires a release runs in one process, the phones are spread over all.
 * A process with nobody on a node's channel does no database work for it.
 */
export interface RelayDeps {
  ctx: Ctx;
  bus: Bus;
  hub: Hub;
  log: Logger;
}

async function load(ctx: Ctx, actionId: string, nodeId: string): Promise<{ action: ActionRow; node: ActionNodeRow } | null> {
  const action = await ctx.db.selectFrom('actions').selectAll().where('id', '=', actionId).executeTakeFirst();
  const node = await ctx.db.selectFrom('action_nodes').selectAll().where('id', '=', nodeId).where('action_id', '=', actionId).executeTakeFirst();
  return action && node ? { action, node } : null;
}

/** The disclosures released at exactly this instant, each with the tiers that may see it, decided per tier. */
async function releasedAt(deps: RelayDeps, topic: string, action: ActionRow, node: ActionNodeRow, releaseAt: string) {
  const at = new Date(releaseAt);
  const found = new Map<string, { disclosure: OpenedDisclosure; audiences: Tier[] }>();
  for (const tier of tiers) {
    if (deps.hub.count(topic, tier) === 0) continue;
    for (const d of await visibleDisclosures(deps.ctx, action, node, tier, at)) {
      if (d.releaseAt !== releaseAt) continue;
      const entry = found.get(d.id) ?? { disclosure: d, audiences: [] };
      entry.audiences.push(tier);
      found.set(d.id, entry);
    }
  }
  return [...found.values()];
}

async function relayRelease(deps: RelayDeps, actionId: string, nodeId: string, releaseAt: string): Promise<void> {
  const topic = nodeTopic(actionId, nodeId);
  if (deps.hub.count(topic) === 0) return;
  // Never early, here too: this process's clock may run behind the one that fired the job.
  const wait = new Date(releaseAt).getTime() - deps.ctx.clock.now().getTime();
  if (wait > 0) await sleep(wait, undefined, { ref: false });
  const found = await load(deps.ctx, actionId, nodeId);
  if (!found) return;
  // One encoding per disclosure, written to every tier allowed to see it.
  for (const { disclosure, audiences } of await releasedAt(deps, topic, found.action, found.node, releaseAt)) {
    deps.hub.send(topic, audiences, disclosureEvent(nodeId, disclosure));
  }
}

async function relayBroadcast(deps: RelayDeps, actionId: string, broadcastId: string): Promise<void> {
  const action = await deps.ctx.db.selectFrom('actions').selectAll().where('id', '=', actionId).executeTakeFirst();
  if (!action) return;
  const broadcast = await broadcastById(deps.ctx, action, broadcastId);
  if (!broadcast) return;
  const nodeIds = broadcast.nodeId !== null
    ? [broadcast.nodeId]
    : (await deps.ctx.db.selectFrom('action_nodes').select('id').where('action_id', '=', actionId).execute()).map((n) => n.id);
  const event = broadcastEvent(broadcast);
  for (const nodeId of nodeIds) deps.hub.send(nodeTopic(actionId, nodeId), audiencesFor(broadcast.tier), event);
}

function relayDispersal(deps: RelayDeps, actionId: string, nodeId: string, endsAt: string): void {
  deps.hub.send(nodeTopic(actionId, nodeId), tiers, disperseEvent({ id: nodeId, ends_at: endsAt }));
}

async function relay(deps: RelayDeps, message: BusMessage): Promise<void> {
  const field = (name: string) => String(message[name] ?? '');
  switch (message.kind) {
    case 'release':
      return relayRelease(deps, field('actionId'), field('nodeId'), field('releaseAt'));
    case 'broadcast':
      return relayBroadcast(deps, field('actionId'), field('broadcastId'));
    case 'disperse':
      return relayDispersal(deps, field('actionId'), field('nodeId'), field('endsAt'));
    case resumedKind:
      // This process's bus was deaf for a while and may have missed a release. Every phone
      // here reconnects with its Last-Event-ID and the catch-up sends exactly what it missed.
      deps.hub.endTopics(liveTopicPrefix);
      return;
    case 'erased':
      forgetNodeCodes(field('actionId'));
      // Their phones reconnect, hear that the action is gone, and forget what they kept.
      deps.hub.endTopics(actionTopicPrefix(field('actionId')));
      return;
  }
}

/** Subscribes this process's hub to the live bus topic; returns the unsubscribe. */
export function relayLiveEvents(deps: RelayDeps): () => void {
  return deps.bus.subscribe(liveBusTopic, async (message) => {
    try {
      await relay(deps, message);
    } catch (err) {
      // Names only: a message could quote what was being sent.
      deps.log.error('live relay failed', { kind: message.kind, error: err instanceof Error ? err.name : 'non-Error' });
    }
  });
}
