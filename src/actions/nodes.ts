import type { Ctx } from '../core/context.ts';
import type { DataKey } from '../core/crypto.ts';
import { instant } from '../core/clock.ts';
import { Problem, conflict, forbidden, invalid, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { newNodeSecret } from '../core/rotating-code.ts';
import { normalizeZone } from '../core/tz.ts';
import { parseInput } from '../groups/model.ts';
import { managedGroup, requireActor } from '../groups/policy.ts';
import { presentAction } from './action-view.ts';
import { notifyDisclosuresChanged } from './disclosures.ts';
import { actionKey, sealNodeSecret } from './keys.ts';
import { newNodeSchema, nodeChangesSchema, type NewNode, type NodeChanges } from './model.ts';
import { appointableIds, setMarshals } from './node-marshals.ts';
import { nodeTimes } from './node-timing.ts';
import { actionAccess, mayEditNode, organizedAction, visibleAction, visibleNode, type ActionAccess } from './policy.ts';
import type { ActionNodeRow, ActionRow } from './rows.ts';
import type { NodeView } from './views.ts';

/**
 * The cities an action runs in. Organizers add nodes directly. "Blossom everywhere": when
 * the action is open for nodes, a coordinator of another group adds a node for their city,
 * at once ('immediate') or pending the owners' approval ('approval'); 'closed' refuses.
 */

async function nodeView(ctx: Ctx, access: ActionAccess, nodeId: string): Promise<NodeView> {
  // Re-read access: the caller may have just become this node's host marshal.
  const view = await presentAction(ctx, await actionAccess(ctx, access.action), null);
  const node = view.nodes.find((n) => n.id === nodeId);
  if (!node) throw notFound();
  return node;
}

function notErased(access: ActionAccess): void {
  if (access.action.status === 'erased') throw conflict('action_erased', 'This action has been erased.');
}

/** Whether the caller's node starts active, waits for approval, or is refused. */
function arrival(access: ActionAccess): 'active' | 'pending' {
  if (access.organizer) return 'active';
  if (access.action.status === 'published' && access.action.nodes_policy === 'immediate') return 'active';
  if (access.action.status === 'published' && access.action.nodes_policy === 'approval') return 'pending';
  throw new Problem(403, 'nodes_closed', 'Not allowed', { detail: 'This action is not open for new nodes.' });
}

export interface NodePlan {
  hostGroupId: string;
  city: string;
  /** Already normalized. */
  zone: string;
  capacity: number | null;
  status: 'active' | 'pending';
}

/** A node's row with its times resolved and a fresh check-in secret sealed with the action key. */
export function newNodeRow(ctx: Ctx, action: ActionRow, key: DataKey, plan: NodePlan): ActionNodeRow {
  const now = ctx.clock.now();
  const id = uuidv7(now.getTime());
  return {
    id,
    action_id: action.id,
    host_group_id: plan.hostGroupId,
    city: plan.city,
    zone: plan.zone,
    ...nodeTimes(action, plan.zone),
    capacity: plan.capacity,
    status: plan.status,
    code_secret: sealNodeSecret(key, id, newNodeSecret()),
    created_at: instant(now),
  };
}

export async function addNode(ctx: Ctx, slug: string, input: NewNode): Promise<NodeView> {
  const data = parseInput(newNodeSchema, input);
  requireActor(ctx);
  const access = await visibleAction(ctx, slug);
  notErased(access);
  let hostGroupId = access.action.group_id;
  if (data.hostGroup !== undefined) hostGroupId = (await managedGroup(ctx, data.hostGroup)).group.id;
  else if (!access.organizer) throw invalid('invalid_input', { hostGroup: 'Name the group you coordinate that hosts this node' });
  const status = arrival(access);
  const zone = normalizeZone(data.zone);
  const marshals = await appointableIds(ctx, [access.action.group_id, hostGroupId], data.marshals ?? []);
  const row = newNodeRow(ctx, access.action, actionKey(ctx, access.action), { hostGroupId, city: data.city, zone, capacity: data.capacity ?? null, status });
  const { id } = row;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('action_nodes').values(row).execute();
    await setMarshals(trx, id, marshals);
  });
  await notifyDisclosuresChanged(ctx, access.action.id);
  return nodeView(ctx, access, id);
}

/** A node the caller may change: organizers any, host coordinators their own. */
async function editableNode(ctx: Ctx, slug: string, nodeId: string): Promise<{ access: ActionAccess; node: ActionNodeRow }> {
  requireActor(ctx);
  const access = await visibleAction(ctx, slug);
  const node = await visibleNode(ctx, access, nodeId);
  if (!mayEditNode(access, node.id)) throw forbidden('Only the organizers and the host group\'s coordinators may change this node.');
  notErased(access);
  return { access, node };
}

export async function updateNode(ctx: Ctx, slug: string, nodeId: string, changes: NodeChanges): Promise<NodeView> {
  const data = parseInput(nodeChangesSchema, changes);
  const { access, node } = await editableNode(ctx, slug, nodeId);
  const zone = data.zone === undefined ? node.zone : normalizeZone(data.zone);
  const marshals = data.marshals === undefined ? null : await appointableIds(ctx, [access.action.group_id, node.host_group_id], data.marshals);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('action_nodes')
      .set({
        city: data.city ?? node.city,
        zone,
        ...nodeTimes(access.action, zone),
        capacity: data.capacity === undefined ? node.capacity : data.capacity,
      })
      .where('id', '=', node.id)
      .execute();
    if (marshals !== null) await setMarshals(trx, node.id, marshals);
  });
  if (zone !== node.zone) await notifyDisclosuresChanged(ctx, access.action.id);
  return nodeView(ctx, access, node.id);
}

export async function approveNode(ctx: Ctx, slug: string, nodeId: string): Promise<NodeView> {
  const access = await organizedAction(ctx, slug);
  notErased(access);
  const node = await visibleNode(ctx, access, nodeId);
  if (node.status === 'pending') {
    await ctx.db.updateTable('action_nodes').set({ status: 'active' }).where('id', '=', node.id).execute();
    await notifyDisclosuresChanged(ctx, access.action.id);
  }
  return nodeView(ctx, access, node.id);
}

/** RSVPs, check-ins and that node's disclosures go with it (foreign keys cascade). */
export async function removeNode(ctx: Ctx, slug: string, nodeId: string): Promise<void> {
  requireActor(ctx);
  const access = await visibleAction(ctx, slug);
  const node = await visibleNode(ctx, access, nodeId);
  if (!mayEditNode(access, node.id)) throw forbidden('Only the organizers and the host group\'s coordinators may remove this node.');
  await ctx.db.deleteFrom('action_nodes').where('id', '=', node.id).execute();
  await notifyDisclosuresChanged(ctx, access.action.id);
}
