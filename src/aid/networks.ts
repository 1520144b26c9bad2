import type { Kysely } from 'kysely';
import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { forbidden } from '../core/errors.ts';
import type { Role } from '../groups/model.ts';
import { managedGroup, visibleGroup } from '../groups/policy.ts';
import type { Database, GroupRow } from '../store/schema.ts';
import { defaultCategories, urgencies, type AidNetwork } from './model.ts';

/**
 * A mutual aid network is a group: its members help, its coordinators dispatch, and its
 * visibility rules (src/groups/policy.ts) decide who may know it exists at all.
 */
export interface NetworkInView {
  group: GroupRow;
  role: Role | null;
}

export async function categoriesOf(db: Kysely<Database>, groupId: string): Promise<string[]> {
  const row = await db.selectFrom('aid_networks').select('categories').where('group_id', '=', groupId).executeTakeFirst();
  return row ? (JSON.parse(row.categories) as string[]) : [...defaultCategories];
}

/** The network as the caller may see it, or notFound() (a secret group to an outsider). */
export const visibleNetwork = (ctx: Ctx, slug: string): Promise<NetworkInView> => visibleGroup(ctx, slug);

/** Helping, and seeing who needs what, is for members. */
export async function memberNetwork(ctx: Ctx, slug: string): Promise<NetworkInView> {
  const seen = await visibleGroup(ctx, slug);
  if (!seen.role) throw forbidden('Only members of this network can do that.');
  return seen;
}

export async function coordinatedNetwork(ctx: Ctx, slug: string): Promise<NetworkInView> {
  return managedGroup(ctx, slug);
}

async function present(ctx: Ctx, seen: NetworkInView): Promise<AidNetwork> {
  return {
    slug: seen.group.slug,
    name: seen.group.name,
    categories: await categoriesOf(ctx.db, seen.group.id),
    urgencies: [...urgencies],
    retentionDays: ctx.config.aidRetentionDays,
    tiles: ctx.config.mapTiles ? { url: ctx.config.mapTiles, attribution: ctx.config.mapAttribution } : null,
    viewer: { role: seen.role, canPost: true, canHelp: seen.role !== null },
  };
}

export async function getNetwork(ctx: Ctx, slug: string): Promise<AidNetwork> {
  return present(ctx, await visibleNetwork(ctx, slug));
}

/** Coordinators extend or trim the categories; needs already posted keep theirs. */
export async function updateNetwork(ctx: Ctx, slug: string, changes: { categories: string[] }): Promise<AidNetwork> {
  const seen = await coordinatedNetwork(ctx, slug);
  const now = instant(ctx.clock.now());
  const categories = JSON.stringify(changes.categories);
  await ctx.db
    .insertInto('aid_networks')
    .values({ group_id: seen.group.id, categories, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('group_id').doUpdateSet({ categories, updated_at: now }))
    .execute();
  return present(ctx, seen);
}

/** What outlives erased needs: counts per category, month and outcome, for members. */
export async function networkCounts(ctx: Ctx, slug: string): Promise<Array<{ category: string; month: string; outcome: 'fulfilled' | 'withdrawn' | 'expired' | 'removed'; count: number }>> {
  const { group } = await memberNetwork(ctx, slug);
  const rows = await ctx.db.selectFrom('aid_counts').select(['category', 'month', 'outcome', 'count']).where('network_id', '=', group.id).orderBy('month', 'desc').orderBy('category').orderBy('outcome').execute();
  return rows.map((row) => ({ ...row, outcome: row.outcome as 'fulfilled' | 'withdrawn' | 'expired' | 'removed', count: Number(row.count) }));
}
