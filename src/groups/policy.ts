import type { Kysely } from 'kysely';
import type { Actor, Ctx } from '../core/context.ts';
import { forbidden, notFound, unauthenticated } from '../core/errors.ts';
import type { Database, GroupRow } from '../store/schema.ts';
import type { Role } from './model.ts';

/**
 * The one place that decides who may see and do what in a group. Whatever is hidden
 * answers notFound(), the same bytes as a slug that never existed, so nobody can learn
 * that a secret group exists, let alone who is in it.
 */
type Viewed = Pick<GroupRow, 'visibility' | 'member_list'>;

export function canSeeGroup(group: Viewed, role: Role | null): boolean {
  return group.visibility !== 'secret' || role !== null;
}

export function canSeeMembers(group: Viewed, role: Role | null): boolean {
  if (!canSeeGroup(group, role)) return false;
  if (group.member_list === 'public') return true;
  if (group.member_list === 'members') return role !== null;
  return isCoordinator(role);
}

export function isCoordinator(role: Role | null): boolean {
  return role === 'coordinator';
}

/** Editing, deleting, roles, requests and invitations: coordinators, and several may share it. */
export function canManage(role: Role | null): boolean {
  return isCoordinator(role);
}

export function requireActor(ctx: Ctx): Actor {
  if (!ctx.actor) throw unauthenticated();
  return ctx.actor;
}

export interface GroupInView {
  group: GroupRow;
  role: Role | null;
}

export async function roleIn(db: Kysely<Database>, groupId: string, userId: string | undefined): Promise<Role | null> {
  if (!userId) return null;
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (row?.role as Role | undefined) ?? null;
}

/** The group behind a slug as the caller may see it, or notFound(). */
export async function visibleGroup(ctx: Ctx, slug: string): Promise<GroupInView> {
  const group = await ctx.db.selectFrom('groups').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!group) throw notFound();
  const role = await roleIn(ctx.db, group.id, ctx.actor?.userId);
  if (!canSeeGroup(group, role)) throw notFound();
  return { group, role };
}

/** A group the caller coordinates. Those who can see it but not manage it are told so. */
export async function managedGroup(ctx: Ctx, slug: string): Promise<GroupInView> {
  requireActor(ctx);
  const seen = await visibleGroup(ctx, slug);
  if (!canManage(seen.role)) throw forbidden('Only coordinators of this group may do that.');
  return seen;
}

/** A group whose member list the caller may read; otherwise it is as if it were not there. */
export async function groupWithVisibleMembers(ctx: Ctx, slug: string): Promise<GroupInView> {
  const seen = await visibleGroup(ctx, slug);
  if (!canSeeMembers(seen.group, seen.role)) throw notFound();
  return seen;
}
