import type { Ctx } from '../core/context.ts';
import { instant } from '../core/clock.ts';
import { conflict, forbidden, invalid, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { parseInput } from '../groups/model.ts';
import { requireActor } from '../groups/policy.ts';
import { nodesOf } from './action-view.ts';
import { consoleDisclosures } from './disclosure-policy.ts';
import { actionKey, sealDisclosure } from './keys.ts';
import { disclosureChangesSchema, newDisclosureSchema, type DisclosureChanges, type NewDisclosure, type Place } from './model.ts';
import { isAnyMarshal, isMarshalOf, visibleAction, type ActionAccess } from './policy.ts';
import type { DisclosureRow } from './rows.ts';
import type { ConsoleDisclosure } from './views.ts';

/**
 * Writing disclosures. Organizers write for every node or any one node; a host group's
 * coordinators write for their own node (its staging point, say). Reading goes through
 * disclosure-policy.ts only.
 */

/** Told (after commit) whenever release instants of an action may have moved, so timers follow. */
export type DisclosureListener = (ctx: Ctx, actionId: string) => void | Promise<void>;

/**
 * Empty here; the participant side registers its release-timer (re)scheduler at boot. Called
 * after disclosures are created, edited or deleted, and after node or timing changes and
 * publishing, since those move release instants too.
 */
export const disclosureListeners: DisclosureListener[] = [];

export function onDisclosuresChanged(listener: DisclosureListener): () => void {
  disclosureListeners.push(listener);
  return () => {
    const at = disclosureListeners.indexOf(listener);
    if (at !== -1) disclosureListeners.splice(at, 1);
  };
}

/** Every listener runs even if one fails; the first failure is then thrown so it is not lost. */
export async function notifyDisclosuresChanged(ctx: Ctx, actionId: string): Promise<void> {
  let failure: unknown = undefined;
  for (const listener of [...disclosureListeners]) {
    try {
      await listener(ctx, actionId);
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}

function mayWrite(access: ActionAccess, nodeId: string | null): boolean {
  return access.organizer || (nodeId !== null && access.hosts.has(nodeId));
}

async function writableAction(ctx: Ctx, slug: string): Promise<ActionAccess> {
  requireActor(ctx);
  const access = await visibleAction(ctx, slug);
  if (!access.organizer && access.hosts.size === 0) throw forbidden('Only the organizers and host coordinators write disclosures.');
  if (access.action.status === 'erased') throw conflict('action_erased', 'This action has been erased.');
  return access;
}

async function checkTarget(ctx: Ctx, access: ActionAccess, nodeId: string | null): Promise<void> {
  if (nodeId !== null) {
    const node = await ctx.db.selectFrom('action_nodes').select('id').where('id', '=', nodeId).where('action_id', '=', access.action.id).executeTakeFirst();
    if (!node) throw invalid('invalid_input', { nodeId: 'Not a node of this action' });
  }
  if (!mayWrite(access, nodeId)) {
    throw forbidden(nodeId === null ? 'Only the organizers write disclosures for every node.' : 'You may write disclosures for your own node only.');
  }
}

function sealPayload(ctx: Ctx, access: ActionAccess, id: string, text: string, place: Place | null): string {
  return sealDisclosure(actionKey(ctx, access.action), id, { text, place });
}

async function inConsole(ctx: Ctx, access: ActionAccess, id: string): Promise<ConsoleDisclosure> {
  const all = await consoleDisclosures(ctx, access, await nodesOf(ctx, access.action.id), ctx.clock.now());
  const found = all.find((d) => d.id === id);
  if (!found) throw notFound();
  return found;
}

/** A disclosure the caller may change; others' answer as missing unless they marshal its node. */
async function writableDisclosure(ctx: Ctx, access: ActionAccess, id: string): Promise<DisclosureRow> {
  const row = await ctx.db.selectFrom('disclosures').selectAll().where('id', '=', id).where('action_id', '=', access.action.id).executeTakeFirst();
  if (!row) throw notFound();
  if (mayWrite(access, row.node_id)) return row;
  const seesIt = access.organizer || (row.node_id !== null && isMarshalOf(access, row.node_id));
  throw seesIt ? forbidden() : notFound();
}

export async function listConsoleDisclosures(ctx: Ctx, slug: string): Promise<ConsoleDisclosure[]> {
  const access = await visibleAction(ctx, slug);
  if (!isAnyMarshal(access)) throw notFound();
  return consoleDisclosures(ctx, access, await nodesOf(ctx, access.action.id), ctx.clock.now());
}

export async function createDisclosure(ctx: Ctx, slug: string, input: NewDisclosure): Promise<ConsoleDisclosure> {
  const data = parseInput(newDisclosureSchema, input);
  const access = await writableAction(ctx, slug);
  const nodeId = data.nodeId ?? null;
  await checkTarget(ctx, access, nodeId);
  const now = ctx.clock.now();
  const id = uuidv7(now.getTime());
  await ctx.db
    .insertInto('disclosures')
    .values({
      id,
      action_id: access.action.id,
      node_id: nodeId,
      tier: data.tier,
      offset_minutes: data.offsetMinutes,
      sealed: sealPayload(ctx, access, id, data.text, data.place ?? null),
      created_at: instant(now),
    })
    .execute();
  await notifyDisclosuresChanged(ctx, access.action.id);
  return inConsole(ctx, access, id);
}

export async function updateDisclosure(ctx: Ctx, slug: string, id: string, changes: DisclosureChanges): Promise<ConsoleDisclosure> {
  const data = parseInput(disclosureChangesSchema, changes);
  const access = await writableAction(ctx, slug);
  const row = await writableDisclosure(ctx, access, id);
  if (data.nodeId !== undefined) await checkTarget(ctx, access, data.nodeId);
  const current = await inConsole(ctx, access, id);
  const text = data.text ?? current.text;
  const place = data.place === undefined ? current.place : data.place;
  await ctx.db
    .updateTable('disclosures')
    .set({
      tier: data.tier ?? row.tier,
      offset_minutes: data.offsetMinutes ?? row.offset_minutes,
      node_id: data.nodeId === undefined ? row.node_id : data.nodeId,
      sealed: sealPayload(ctx, access, id, text, place),
    })
    .where('id', '=', id)
    .execute();
  await notifyDisclosuresChanged(ctx, access.action.id);
  return inConsole(ctx, access, id);
}

export async function deleteDisclosure(ctx: Ctx, slug: string, id: string): Promise<void> {
  const access = await writableAction(ctx, slug);
  await writableDisclosure(ctx, access, id);
  await ctx.db.deleteFrom('disclosures').where('id', '=', id).execute();
  await notifyDisclosuresChanged(ctx, access.action.id);
}
