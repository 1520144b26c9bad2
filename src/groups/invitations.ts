import { addMs, instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { conflict, gone, notFound, type Problem } from '../core/errors.ts';
import { hashToken, secretToken, uuidv7 } from '../core/ids.ts';
import type { InvitationRow } from '../store/schema.ts';
import { renderMarkdown } from './markdown.ts';
import {
  invitationOptionsSchema,
  parseInput,
  type Invitation,
  type InvitationOptions,
  type InvitationPreview,
  type Kind,
  type NewInvitation,
} from './model.ts';
import { managedGroup, requireActor, roleIn } from './policy.ts';
import { addMember } from './membership.ts';

const hour = 60 * 60 * 1000;

/** Why a link no longer works, in the order a person would want to hear it. */
function refusal(invitation: Pick<InvitationRow, 'revoked_at' | 'expires_at' | 'uses' | 'max_uses'>, now: string): Problem | null {
  if (invitation.revoked_at !== null) return gone('invitation_revoked', 'This invitation was withdrawn by the group.');
  if (invitation.expires_at <= now) return gone('invitation_expired', 'This invitation has expired; ask the group for a new one.');
  if (invitation.uses >= invitation.max_uses) return usedUp();
  return null;
}

const usedUp = () => gone('invitation_used_up', 'This invitation has been used as often as it allows.');

/** The token is returned once and only its hash is kept, so a copied database invites nobody. */
export async function createInvitation(ctx: Ctx, slug: string, options: InvitationOptions = {}): Promise<NewInvitation> {
  const actor = requireActor(ctx);
  const data = parseInput(invitationOptionsSchema, options);
  const { group } = await managedGroup(ctx, slug);
  const now = ctx.clock.now();
  const token = secretToken();
  const row: InvitationRow = {
    id: uuidv7(now.getTime()),
    group_id: group.id,
    token_hash: hashToken(token),
    created_by: actor.userId,
    expires_at: instant(addMs(now, (data.expiresInHours ?? 168) * hour)),
    max_uses: data.maxUses ?? 25,
    uses: 0,
    revoked_at: null,
    created_at: instant(now),
  };
  await ctx.db.insertInto('invitations').values(row).execute();
  return { id: row.id, token, expiresAt: row.expires_at, maxUses: row.max_uses };
}

export async function listInvitations(ctx: Ctx, slug: string): Promise<Invitation[]> {
  const { group } = await managedGroup(ctx, slug);
  const rows = await ctx.db
    .selectFrom('invitations')
    .selectAll()
    .where('group_id', '=', group.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    expiresAt: row.expires_at,
    maxUses: row.max_uses,
    uses: row.uses,
    revoked: row.revoked_at !== null,
    createdAt: row.created_at,
  }));
}

/** Revoking twice is harmless; the first revocation time is kept. */
export async function revokeInvitation(ctx: Ctx, slug: string, invitationId: string): Promise<void> {
  const { group } = await managedGroup(ctx, slug);
  const found = await ctx.db
    .selectFrom('invitations')
    .select('id')
    .where('id', '=', invitationId)
    .where('group_id', '=', group.id)
    .executeTakeFirst();
  if (!found) throw notFound();
  await ctx.db
    .updateTable('invitations')
    .set({ revoked_at: instant(ctx.clock.now()) })
    .where('id', '=', invitationId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Holding a working link is what entitles someone to see the group, even a secret one. */
export async function previewInvitation(ctx: Ctx, token: string): Promise<InvitationPreview> {
  const row = await ctx.db
    .selectFrom('invitations')
    .innerJoin('groups', 'groups.id', 'invitations.group_id')
    .select(['invitations.revoked_at', 'invitations.expires_at', 'invitations.uses', 'invitations.max_uses'])
    .select(['groups.slug', 'groups.name', 'groups.kind', 'groups.city', 'groups.description'])
    .where('invitations.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) throw notFound();
  const refused = refusal(row, instant(ctx.clock.now()));
  if (refused) throw refused;
  return {
    group: { slug: row.slug, name: row.name, kind: row.kind as Kind, city: row.city, descriptionHtml: renderMarkdown(row.description) },
    expiresAt: row.expires_at,
  };
}

/**
 * Spends one use and adds the member in one transaction. The use is taken by a conditional
 * UPDATE, so two people racing for the last use cannot both get in.
 */
export async function acceptInvitation(ctx: Ctx, token: string): Promise<{ slug: string; status: 'member' }> {
  const actor = requireActor(ctx);
  const now = instant(ctx.clock.now());
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('invitations')
      .innerJoin('groups', 'groups.id', 'invitations.group_id')
      .select(['invitations.id', 'invitations.group_id', 'invitations.revoked_at', 'invitations.expires_at', 'invitations.uses', 'invitations.max_uses', 'groups.slug'])
      .where('invitations.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) throw notFound();
    const refused = refusal(row, now);
    if (refused) throw refused;
    if (await roleIn(trx, row.group_id, actor.userId)) throw conflict('already_member', 'You are already a member of this group.');
    const spent = await trx
      .updateTable('invitations')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('id', '=', row.id)
      .whereRef('uses', '<', 'max_uses')
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) === 0) throw usedUp();
    // Throwing here rolls the spent use back too.
    if (!(await addMember(trx, row.group_id, actor.userId, now))) throw conflict('already_member', 'You are already a member of this group.');
    return { slug: row.slug, status: 'member' as const };
  });
}
