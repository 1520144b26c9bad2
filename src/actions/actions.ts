import type { z } from '@hono/zod-openapi';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import type { Ctx } from '../core/context.ts';
import type { DataKey } from '../core/crypto.ts';
import { instant } from '../core/clock.ts';
import { conflict } from '../core/errors.ts';
import { shortId, uuidv7 } from '../core/ids.ts';
import { parseInput } from '../groups/model.ts';
import { managedGroup } from '../groups/policy.ts';
import { groupRefs, localIso, presentAction } from './action-view.ts';
import { notifyDisclosuresChanged } from './disclosures.ts';
import { newActionKey } from './keys.ts';
import {
  actionChangesSchema,
  listQuerySchema,
  newActionSchema,
  type ActionChanges,
  type ActionListQuery,
  type NewAction,
} from './model.ts';
import { reResolveNodes, storedTiming } from './node-timing.ts';
import { actionAccess, organizedAction, visibleAction } from './policy.ts';
import type { ActionRow } from './rows.ts';
import type { ActionPage, ActionView, GroupRef } from './views.ts';

/** An action's life on the organizer side: drafted by a group's coordinators, edited, published, listed. */

/** A draft's row and its fresh data key (for sealing whatever is written with it). */
export function newDraftRow(ctx: Ctx, groupId: string, data: z.output<typeof newActionSchema>): { row: ActionRow; key: DataKey } {
  const now = ctx.clock.now();
  const id = uuidv7(now.getTime());
  const { key, wrapped } = newActionKey(ctx, id);
  const row: ActionRow = {
    id,
    slug: shortId(),
    group_id: groupId,
    title: data.title,
    call: data.call ?? '',
    bring: data.bring ?? '',
    visibility: data.visibility,
    ...storedTiming(data.timing),
    duration_minutes: data.durationMinutes,
    status: 'draft',
    nodes_policy: data.nodesPolicy ?? 'closed',
    retention_minutes: data.retentionMinutes ?? 60,
    keep_counts: data.keepCounts ? 1 : 0,
    wrapped_key: wrapped,
    created_by: ctx.actor?.userId ?? null,
    created_at: instant(now),
    updated_at: instant(now),
    erased_at: null,
  };
  return { row, key };
}

export async function createAction(ctx: Ctx, groupSlug: string, input: NewAction): Promise<ActionView> {
  const data = parseInput(newActionSchema, input);
  const { group } = await managedGroup(ctx, groupSlug);
  const { row } = newDraftRow(ctx, group.id, data);
  await ctx.db.insertInto('actions').values(row).execute();
  return presentAction(ctx, await actionAccess(ctx, row), null);
}

/** The view for the caller's tier at each node; the ticket is the device's, if any. */
export async function getAction(ctx: Ctx, slug: string, ticket: string | null = null): Promise<ActionView> {
  return presentAction(ctx, await visibleAction(ctx, slug), ticket);
}

/** A changed timing or duration moves every node, in the same transaction. */
export async function updateAction(ctx: Ctx, slug: string, changes: ActionChanges): Promise<ActionView> {
  const data = parseInput(actionChangesSchema, changes);
  const access = await organizedAction(ctx, slug);
  const { action } = access;
  if (action.status === 'erased') throw conflict('action_erased', 'This action has been erased; only its public call remains.');
  const next: ActionRow = {
    ...action,
    title: data.title ?? action.title,
    call: data.call ?? action.call,
    bring: data.bring ?? action.bring,
    visibility: data.visibility ?? action.visibility,
    ...(data.timing ? storedTiming(data.timing) : {}),
    duration_minutes: data.durationMinutes ?? action.duration_minutes,
    nodes_policy: data.nodesPolicy ?? action.nodes_policy,
    retention_minutes: data.retentionMinutes ?? action.retention_minutes,
    keep_counts: data.keepCounts === undefined ? action.keep_counts : data.keepCounts ? 1 : 0,
    updated_at: instant(ctx.clock.now()),
  };
  const moved =
    next.timing_mode !== action.timing_mode || next.timing_at !== action.timing_at || Number(next.duration_minutes) !== Number(action.duration_minutes);
  // Only what an edit may change: writing back status or wrapped_key read earlier could undo
  // an erasure that ran meanwhile and bring a destroyed key back.
  const columns = {
    title: next.title, call: next.call, bring: next.bring, visibility: next.visibility,
    timing_mode: next.timing_mode, timing_at: next.timing_at, duration_minutes: next.duration_minutes,
    nodes_policy: next.nodes_policy, retention_minutes: next.retention_minutes, keep_counts: next.keep_counts,
    updated_at: next.updated_at,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('actions').set(columns).where('id', '=', action.id).where('status', '!=', 'erased').executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw conflict('action_erased', 'This action has been erased; only its public call remains.');
    if (moved) await reResolveNodes(trx, next);
  });
  // Retention moves the erasure instant, so the participant side reschedules for it too.
  if (moved || next.retention_minutes !== action.retention_minutes) await notifyDisclosuresChanged(ctx, action.id);
  return presentAction(ctx, { ...access, action: next }, null);
}

/** The call goes out. Publishing twice is harmless; an action with no active node has nowhere to go. */
export async function publishAction(ctx: Ctx, slug: string): Promise<ActionView> {
  const access = await organizedAction(ctx, slug);
  const { action } = access;
  if (action.status === 'erased') throw conflict('action_erased', 'This action has been erased.');
  if (action.status === 'published') return presentAction(ctx, access, null);
  const active = await ctx.db
    .selectFrom('action_nodes')
    .select('id')
    .where('action_id', '=', action.id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!active) throw conflict('no_nodes', 'Add at least one node (a city with its time zone) before publishing.');
  const next: ActionRow = { ...action, status: 'published', updated_at: instant(ctx.clock.now()) };
  await ctx.db.updateTable('actions').set({ status: next.status, updated_at: next.updated_at }).where('id', '=', action.id).where('status', '=', 'draft').execute();
  await notifyDisclosuresChanged(ctx, action.id);
  return presentAction(ctx, { ...access, action: next }, null);
}

const pageSize = 20;

/** Open, published actions only, newest first: semi-open and closed ones are never listed. */
export async function listActions(ctx: Ctx, query: ActionListQuery = {}): Promise<ActionPage> {
  const { cursor } = parseInput(listQuerySchema, { cursor: query.cursor });
  const limit = Math.min(Math.max(query.limit ?? pageSize, 1), 100);
  let select = ctx.db.selectFrom('actions').selectAll().where('visibility', '=', 'open').where('status', '=', 'published');
  if (cursor) {
    const [createdAt, id] = decodeCursor(cursor);
    select = select.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const nodes = page.length === 0 ? [] : await ctx.db
    .selectFrom('action_nodes')
    .select(['id', 'action_id', 'city', 'zone', 'starts_at'])
    .where('action_id', 'in', page.map((a) => a.id))
    .where('status', '=', 'active')
    .orderBy('starts_at')
    .orderBy('city')
    .execute();
  const refs = await groupRefs(ctx, page.map((a) => a.group_id));
  const last = page.at(-1);
  return {
    actions: page.map((a) => ({
      slug: a.slug,
      title: a.title,
      group: refs.get(a.group_id) ?? (null as GroupRef),
      nodesPolicy: a.nodes_policy as ActionPage['actions'][number]['nodesPolicy'],
      cities: nodes
        .filter((n) => n.action_id === a.id)
        .map((n) => ({ nodeId: n.id, city: n.city, zone: n.zone, startsAt: n.starts_at, startsLocal: localIso(n.starts_at, n.zone) })),
      createdAt: a.created_at,
    })),
    next: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
