import { Temporal } from 'temporal-polyfill';
import type { Ctx } from '../core/context.ts';
import { renderMarkdown } from '../groups/markdown.ts';
import { visibleDisclosures } from './disclosure-policy.ts';
import type { ActionVisibility, NodesPolicy } from './model.ts';
import { timingOf } from './node-timing.ts';
import { isAnyMarshal, isMarshalOf, tiersOf, type ActionAccess } from './policy.ts';
import type { ActionNodeRow, ActionRow } from './rows.ts';
import type { ActionView, GroupRef, NodeCounts, NodeView } from './views.ts';

/** Builds the one view of an action that fits the caller: the public call, plus what their tier allows per node. */

/** An instant as read in a zone, with its offset: `2026-06-20T17:00:00+01:00`. */
export function localIso(at: string, zone: string): string {
  return Temporal.Instant.from(at).toZonedDateTimeISO(zone).toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

export async function nodesOf(ctx: Ctx, actionId: string): Promise<ActionNodeRow[]> {
  return ctx.db.selectFrom('action_nodes').selectAll().where('action_id', '=', actionId).orderBy('starts_at').orderBy('city').orderBy('id').execute();
}

/**
 * Names groups only where that tells nobody anything new: public groups, or groups the
 * viewer is in. An open action called by a secret group must not unmask the group.
 */
export async function groupRefs(ctx: Ctx, groupIds: readonly string[]): Promise<Map<string, GroupRef>> {
  const refs = new Map<string, GroupRef>();
  if (groupIds.length === 0) return refs;
  const userId = ctx.actor?.userId ?? '';
  const rows = await ctx.db
    .selectFrom('groups')
    .leftJoin('memberships', (join) => join.onRef('memberships.group_id', '=', 'groups.id').on('memberships.user_id', '=', userId))
    .select(['groups.id', 'groups.slug', 'groups.name', 'groups.visibility', 'memberships.role'])
    .where('groups.id', 'in', [...new Set(groupIds)])
    .execute();
  for (const row of rows) refs.set(row.id, row.visibility === 'public' || row.role ? { slug: row.slug, name: row.name } : null);
  return refs;
}

/** RSVPs and check-ins per node; after erasure, only what the organizers chose to keep. */
async function countsByNode(ctx: Ctx, action: ActionRow): Promise<Map<string, NodeCounts>> {
  const counts = new Map<string, NodeCounts>();
  if (action.status === 'erased') {
    const kept = await ctx.db.selectFrom('action_counts').selectAll().where('action_id', '=', action.id).execute();
    for (const row of kept) counts.set(row.node_id, { rsvps: Number(row.rsvps), checkins: Number(row.checkins) });
    return counts;
  }
  const rows = await ctx.db
    .selectFrom('rsvps')
    .select((eb) => ['node_id', eb.fn.countAll().as('rsvps'), eb.fn.count('checked_in_at').as('checkins')])
    .where('action_id', '=', action.id)
    .groupBy('node_id')
    .execute();
  // PostgreSQL returns count() as a string (bigint).
  for (const row of rows) counts.set(row.node_id, { rsvps: Number(row.rsvps), checkins: Number(row.checkins) });
  return counts;
}

async function appointedHandles(ctx: Ctx, nodeIds: readonly string[]): Promise<Map<string, string[]>> {
  const handles = new Map<string, string[]>();
  if (nodeIds.length === 0) return handles;
  const rows = await ctx.db
    .selectFrom('node_marshals')
    .innerJoin('users', 'users.id', 'node_marshals.user_id')
    .select(['node_marshals.node_id', 'users.handle'])
    .where('node_marshals.node_id', 'in', nodeIds)
    .orderBy('users.handle')
    .execute();
  for (const row of rows) handles.set(row.node_id, [...(handles.get(row.node_id) ?? []), row.handle]);
  return handles;
}

export async function presentAction(ctx: Ctx, access: ActionAccess, ticket: string | null): Promise<ActionView> {
  const { action } = access;
  const now = ctx.clock.now();
  // Pending nodes wait for the owners' approval; only their marshals know of them.
  const nodes = (await nodesOf(ctx, action.id)).filter((node) => node.status === 'active' || isMarshalOf(access, node.id));
  const tiers = await tiersOf(ctx, access, nodes, ticket);
  const refs = await groupRefs(ctx, [action.group_id, ...nodes.map((node) => node.host_group_id)]);
  const marshalled = nodes.filter((node) => tiers.get(node.id) === 'marshal').map((node) => node.id);
  const counts = marshalled.length > 0 ? await countsByNode(ctx, action) : new Map<string, NodeCounts>();
  const handles = await appointedHandles(ctx, marshalled);
  const views: NodeView[] = [];
  for (const node of nodes) {
    const tier = tiers.get(node.id) ?? 'public';
    const marshal = tier === 'marshal';
    const disclosures = await visibleDisclosures(ctx, action, node, tier, now, { includeUnreleased: marshal });
    views.push({
      id: node.id,
      city: node.city,
      zone: node.zone,
      startsAt: node.starts_at,
      startsLocal: localIso(node.starts_at, node.zone),
      endsAt: node.ends_at,
      endsLocal: localIso(node.ends_at, node.zone),
      capacity: node.capacity === null ? null : Number(node.capacity),
      status: node.status === 'pending' ? 'pending' : 'active',
      host: refs.get(node.host_group_id) ?? null,
      tier,
      disclosures: disclosures.map((d) => ({ ...d, released: d.releaseAt <= now.toISOString() })),
      counts: marshal ? (counts.get(node.id) ?? { rsvps: 0, checkins: 0 }) : null,
      marshals: marshal ? (handles.get(node.id) ?? []) : null,
    });
  }
  return {
    slug: action.slug,
    title: action.title,
    call: action.call,
    callHtml: renderMarkdown(action.call),
    bring: action.bring,
    visibility: action.visibility as ActionVisibility,
    status: action.status as ActionView['status'],
    timing: timingOf(action),
    durationMinutes: Number(action.duration_minutes),
    nodesPolicy: action.nodes_policy as NodesPolicy,
    retentionMinutes: Number(action.retention_minutes),
    keepCounts: Number(action.keep_counts) === 1,
    group: refs.get(action.group_id) ?? null,
    viewer: { organizer: access.organizer, marshal: isAnyMarshal(access) },
    now: now.toISOString(),
    nodes: views,
    createdAt: action.created_at,
    updatedAt: action.updated_at,
  };
}
