import { sql, type ExpressionBuilder } from 'kysely';
import type { Ctx } from '../core/context.ts';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import type { Database } from '../store/schema.ts';
import { listQuerySchema, parseInput, toSummary, type GroupPage, type ListQuery, type MyGroup, type Role } from './model.ts';
import { requireActor } from './policy.ts';

const pageSize = 20;

const memberCount = (eb: ExpressionBuilder<Database, 'groups'>) =>
  eb.selectFrom('memberships').select(eb.fn.countAll().as('n')).whereRef('memberships.group_id', '=', 'groups.id').as('member_count');

/** `%` and `_` typed by a person are letters, not wildcards. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Public groups only, newest first. Unlisted and secret groups are never listed. */
export async function listGroups(ctx: Ctx, query: ListQuery = {}): Promise<GroupPage> {
  const { q, kind, cursor } = parseInput(listQuerySchema, { q: query.q, kind: query.kind, cursor: query.cursor });
  const limit = Math.min(Math.max(query.limit ?? pageSize, 1), 100);
  let select = ctx.db
    .selectFrom('groups')
    .selectAll('groups')
    .select(memberCount)
    .where('visibility', '=', 'public');
  if (kind) select = select.where('kind', '=', kind);
  if (q) {
    // lower() on both sides and LIKE with an explicit escape read the same on SQLite and PostgreSQL.
    const pattern = likePattern(q);
    select = select.where((eb) =>
      eb.or([
        eb(sql`lower(name)`, 'like', sql`lower(${pattern}) escape '\\'`),
        eb(sql`lower(city)`, 'like', sql`lower(${pattern}) escape '\\'`),
      ]),
    );
  }
  if (cursor) {
    const [createdAt, id] = decodeCursor(cursor);
    select = select.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    groups: page.map((row) => toSummary(row, Number(row.member_count))),
    next: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/** Every group the caller belongs to, whatever its visibility, by name. */
export async function myGroups(ctx: Ctx): Promise<MyGroup[]> {
  const actor = requireActor(ctx);
  const rows = await ctx.db
    .selectFrom('memberships as mine')
    .innerJoin('groups', 'groups.id', 'mine.group_id')
    .selectAll('groups')
    .select('mine.role as my_role')
    .select(memberCount)
    .where('mine.user_id', '=', actor.userId)
    .orderBy('groups.name')
    .orderBy('groups.id')
    .execute();
  return rows.map((row) => ({ ...toSummary(row, Number(row.member_count)), role: row.my_role as Role }));
}
