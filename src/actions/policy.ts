import type { Ctx } from '../core/context.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { hashToken } from '../core/ids.ts';
import type { Role } from '../groups/model.ts';
import { prepared } from '../store/prepared.ts';
import { requireActor, roleIn } from '../groups/policy.ts';
import type { Tier } from './model.ts';
import type { ActionNodeRow, ActionRow } from './rows.ts';

/**
 * Who may see an action and who marshals which node. Whatever is hidden answers notFound(),
 * the same bytes as a slug that never existed.
 *
 * Marshals of a node: coordinators of the owning group (every node), coordinators of the
 * node's host group (their node), and people appointed in node_marshals (that node).
 */
export interface ActionAccess {
  action: ActionRow;
  /** The caller's role in the owning group. */
  ownerRole: Role | null;
  /** A coordinator of the owning group: organizer and marshal of every node. */
  organizer: boolean;
  /** Nodes whose host group the caller coordinates: they may edit and marshal these. */
  hosts: ReadonlySet<string>;
  /** Nodes the caller was appointed to marshal. */
  appointed: ReadonlySet<string>;
}

const none: ReadonlySet<string> = new Set();

export async function actionAccess(ctx: Ctx, action: ActionRow): Promise<ActionAccess> {
  const userId = ctx.actor?.userId;
  if (!userId) return { action, ownerRole: null, organizer: false, hosts: none, appointed: none };
  const ownerRole = await roleIn(ctx.db, action.group_id, userId);
  const hosted = await ctx.db
    .selectFrom('action_nodes')
    .innerJoin('memberships', 'memberships.group_id', 'action_nodes.host_group_id')
    .select('action_nodes.id')
    .where('action_nodes.action_id', '=', action.id)
    .where('memberships.user_id', '=', userId)
    .where('memberships.role', '=', 'coordinator')
    .execute();
  const appointed = await ctx.db
    .selectFrom('node_marshals')
    .innerJoin('action_nodes', 'action_nodes.id', 'node_marshals.node_id')
    .select('node_marshals.node_id')
    .where('action_nodes.action_id', '=', action.id)
    .where('node_marshals.user_id', '=', userId)
    .execute();
  return {
    action,
    ownerRole,
    organizer: ownerRole === 'coordinator',
    hosts: new Set(hosted.map((r) => r.id)),
    appointed: new Set(appointed.map((r) => r.node_id)),
  };
}

export function isMarshalOf(access: ActionAccess, nodeId: string): boolean {
  return access.organizer || access.hosts.has(nodeId) || access.appointed.has(nodeId);
}

export function isAnyMarshal(access: ActionAccess): boolean {
  return access.organizer || access.hosts.size > 0 || access.appointed.size > 0;
}

/** Changing a node and its disclosures: the owners anywhere, a host group's coordinators at home. */
export function mayEditNode(access: ActionAccess, nodeId: string): boolean {
  return access.organizer || access.hosts.has(nodeId);
}

/**
 * open: anyone, and listed; semi-open: anyone with the slug; closed: members of the owning
 * group. Drafts: marshals only. Marshals always see what they marshal, even in a closed
 * action, because the owners put them there.
 */
export function canSeeAction(access: ActionAccess): boolean {
  if (isAnyMarshal(access)) return true;
  if (access.action.status === 'draft') return false;
  if (access.action.visibility === 'closed') return access.ownerRole !== null;
  return true;
}

const actionBySlug = prepared(1, (db, slug: string) => db.selectFrom('actions').selectAll().where('slug', '=', slug));

/** The action behind a slug as the caller may see it, or notFound(). */
export async function visibleAction(ctx: Ctx, slug: string): Promise<ActionAccess> {
  const [action] = await actionBySlug(ctx.db, slug);
  if (!action) throw notFound();
  const access = await actionAccess(ctx, action);
  if (!canSeeAction(access)) throw notFound();
  return access;
}

/** An action the caller organizes. Those who may see it but not change it are told so. */
export async function organizedAction(ctx: Ctx, slug: string): Promise<ActionAccess> {
  requireActor(ctx);
  const access = await visibleAction(ctx, slug);
  if (!access.organizer) throw forbidden('Only coordinators of the owning group may do that.');
  return access;
}

/** A node of a visible action, as the caller may see it: pending nodes only to their marshals. */
export async function visibleNode(ctx: Ctx, access: ActionAccess, nodeId: string): Promise<ActionNodeRow> {
  const node = await ctx.db
    .selectFrom('action_nodes')
    .selectAll()
    .where('id', '=', nodeId)
    .where('action_id', '=', access.action.id)
    .executeTakeFirst();
  if (!node) throw notFound();
  if (node.status !== 'active' && !isMarshalOf(access, node.id)) throw notFound();
  return node;
}

/** The device ticket as given, or null; absurd lengths are nobody's ticket. */
export function cleanTicket(ticket: string | null | undefined): string | null {
  const value = ticket?.trim() ?? '';
  return value === '' || value.length > 512 ? null : value;
}

/**
 * The caller's tier at each node: marshal as above; else an RSVP found by the device ticket
 * or by the signed-in person (checked in: present, otherwise rsvp); else public.
 */
export async function tiersOf(ctx: Ctx, access: ActionAccess, nodes: readonly ActionNodeRow[], ticket: string | null): Promise<Map<string, Tier>> {
  const result = new Map<string, Tier>();
  for (const node of nodes) result.set(node.id, isMarshalOf(access, node.id) ? 'marshal' : 'public');
  const clean = cleanTicket(ticket);
  const userId = ctx.actor?.userId;
  if (clean === null && !userId) return result;
  const rsvps = await ctx.db
    .selectFrom('rsvps')
    .select(['node_id', 'checked_in_at'])
    .where('action_id', '=', access.action.id)
    .where((eb) => {
      const ways = [];
      if (clean !== null) ways.push(eb('ticket_hash', '=', hashToken(clean)));
      if (userId) ways.push(eb('user_id', '=', userId));
      return eb.or(ways);
    })
    .execute();
  for (const rsvp of rsvps) {
    const current = result.get(rsvp.node_id);
    if (current === undefined || current === 'marshal' || current === 'present') continue;
    result.set(rsvp.node_id, rsvp.checked_in_at !== null ? 'present' : 'rsvp');
  }
  return result;
}

export async function tierOf(ctx: Ctx, action: ActionRow, node: ActionNodeRow, ticket: string | null): Promise<Tier> {
  if (node.action_id !== action.id) throw new Error(`node ${node.id} is not part of action ${action.id}`);
  const tiers = await tiersOf(ctx, await actionAccess(ctx, action), [node], ticket);
  return tiers.get(node.id) ?? 'public';
}
