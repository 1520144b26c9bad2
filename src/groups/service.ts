import type { Kysely } from 'kysely';
import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { invalid, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, GroupRow } from '../store/schema.ts';
import {
  groupChangesSchema,
  newGroupSchema,
  parseInput,
  roundCoordinate,
  toGroup,
  type Group,
  type GroupChanges,
  type NewGroup,
  type Role,
} from './model.ts';
import { managedGroup, requireActor, visibleGroup } from './policy.ts';
import { countRoles } from './roster.ts';
import { slugFromName, withRandomSuffix } from './slug.ts';

// The rest of the groups capability, so callers elsewhere have one module to import.
export { listGroups, myGroups } from './listing.ts';
export { joinGroup, leaveGroup, listMembers, changeRole, removeMember } from './membership.ts';
export { listRequests, approveRequest, declineRequest, withdrawRequest } from './requests.ts';
export { createInvitation, listInvitations, revokeInvitation, previewInvitation, acceptInvitation } from './invitations.ts';
export { prepareAccountDeletion } from './account-deletion.ts';

/** The full group as the given viewer sees it. */
export async function presentGroup(db: Kysely<Database>, group: GroupRow, userId: string | undefined, role: Role | null): Promise<Group> {
  const { members } = await countRoles(db, group.id);
  let requested = false;
  if (userId && !role) {
    const request = await db
      .selectFrom('join_requests')
      .select('id')
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    requested = request !== undefined;
  }
  return toGroup(group, members, { role, requested });
}

/** Location is all or nothing: half a coordinate is a mistake, not a place. */
function checkLocation(lat: number | null, lon: number | null): void {
  if ((lat === null) === (lon === null)) return;
  const message = 'Give both lat and lon, or neither';
  throw invalid('invalid_input', lat === null ? { lat: message } : { lon: message });
}

export async function createGroup(ctx: Ctx, input: NewGroup): Promise<Group> {
  const actor = requireActor(ctx);
  const data = parseInput(newGroupSchema, input);
  const lat = roundCoordinate(data.lat ?? null);
  const lon = roundCoordinate(data.lon ?? null);
  checkLocation(lat, lon);
  const now = instant(ctx.clock.now());
  const base = slugFromName(data.name);
  for (let attempt = 0; attempt < 5; attempt++) {
    // A secret group's slug is never guessable, even from its name.
    const slug = attempt === 0 && data.visibility !== 'secret' ? base : withRandomSuffix(base);
    const row: GroupRow = {
      id: uuidv7(ctx.clock.now().getTime()),
      slug,
      name: data.name,
      kind: data.kind,
      visibility: data.visibility,
      join_policy: data.joinPolicy,
      member_list: data.memberList ?? 'members',
      description: data.description ?? '',
      city: data.city ?? '',
      lat,
      lon,
      contact: data.contact ?? '',
      meeting_rhythm: data.meetingRhythm ?? '',
      created_at: now,
      updated_at: now,
    };
    const created = await ctx.db.transaction().execute(async (trx) => {
      // DO NOTHING rather than catching the error: a failed statement would end a PostgreSQL transaction.
      const result = await trx.insertInto('groups').values(row).onConflict((oc) => oc.column('slug').doNothing()).executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await trx
        .insertInto('memberships')
        .values({ group_id: row.id, user_id: actor.userId, role: 'coordinator', created_at: now })
        .execute();
      return true;
    });
    if (created) return toGroup(row, 1, { role: 'coordinator', requested: false });
  }
  throw new Error(`no free slug for "${base}" after 5 attempts`);
}

export async function getGroup(ctx: Ctx, slug: string): Promise<Group> {
  const { group, role } = await visibleGroup(ctx, slug);
  return presentGroup(ctx.db, group, ctx.actor?.userId, role);
}

/** The slug stays as it was, so links already shared keep working after a rename. */
export async function updateGroup(ctx: Ctx, slug: string, changes: GroupChanges): Promise<Group> {
  const data = parseInput(groupChangesSchema, changes);
  const { group, role } = await managedGroup(ctx, slug);
  const lat = data.lat === undefined ? group.lat : roundCoordinate(data.lat);
  const lon = data.lon === undefined ? group.lon : roundCoordinate(data.lon);
  checkLocation(lat, lon);
  const updated: GroupRow = {
    ...group,
    name: data.name ?? group.name,
    kind: data.kind ?? group.kind,
    visibility: data.visibility ?? group.visibility,
    join_policy: data.joinPolicy ?? group.join_policy,
    member_list: data.memberList ?? group.member_list,
    description: data.description ?? group.description,
    city: data.city ?? group.city,
    lat,
    lon,
    contact: data.contact ?? group.contact,
    meeting_rhythm: data.meetingRhythm ?? group.meeting_rhythm,
    updated_at: instant(ctx.clock.now()),
  };
  const { id: _id, slug: _slug, created_at: _created, ...columns } = updated;
  const result = await ctx.db.updateTable('groups').set(columns).where('id', '=', group.id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound();
  return presentGroup(ctx.db, updated, ctx.actor?.userId, role);
}

/** Memberships, requests and invitations go with it (foreign keys cascade). */
export async function deleteGroup(ctx: Ctx, slug: string): Promise<void> {
  const { group } = await managedGroup(ctx, slug);
  await ctx.db.deleteFrom('groups').where('id', '=', group.id).execute();
}
