import type { Ctx } from '../core/context.ts';
import type { UserRow } from '../store/schema.ts';
import { notFound, unauthenticated, invalid } from '../core/errors.ts';
import { instant } from '../core/clock.ts';
import { parseInput, passwordChange, passwordReset, profileUpdate, toMe, type Me, type ProfileUpdate } from './model.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { revokeSessions } from './sessions.ts';

/** The acting person's row; an actor whose account vanished is treated as logged out. */
export async function ownRow(ctx: Ctx): Promise<UserRow> {
  if (!ctx.actor) throw unauthenticated();
  const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', ctx.actor.userId).executeTakeFirst();
  if (!row) throw unauthenticated();
  return row;
}

/** A person's own account, with the private fields. */
export async function getMe(ctx: Ctx): Promise<Me> {
  return toMe(await ownRow(ctx));
}

export async function updateProfile(ctx: Ctx, patch: ProfileUpdate): Promise<Me> {
  const data = parseInput(profileUpdate, patch);
  const row = await ownRow(ctx);
  const changes: Partial<UserRow> = {};
  // Clearing the display name falls back to the handle rather than showing nothing.
  if (data.displayName !== undefined) changes.display_name = data.displayName || row.handle;
  if (data.bio !== undefined) changes.bio = data.bio;
  if (data.languages !== undefined) changes.languages = JSON.stringify([...new Set(data.languages)]);
  if (data.email !== undefined) changes.email = data.email;
  if (Object.keys(changes).length === 0) return toMe(row);
  changes.updated_at = instant(ctx.clock.now());
  await ctx.db.updateTable('users').set(changes).where('id', '=', row.id).execute();
  return toMe({ ...row, ...changes });
}

export const wrongPassword = (field: string) => invalid('wrong_password', { [field]: 'That is not your current password' });

/**
 * Changing the password logs out every other session (a thief's included) but keeps the
 * one making the change, so the person is not thrown out of the page they are on.
 */
export async function changePassword(
  ctx: Ctx,
  input: { currentPassword: string; newPassword: string },
  keepSessionId: string | null,
): Promise<void> {
  const data = parseInput(passwordChange, input);
  const row = await ownRow(ctx);
  if (!(await verifyPassword(row.password_hash, data.currentPassword))) throw wrongPassword('currentPassword');
  const passwordHash = await hashPassword(data.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: instant(ctx.clock.now()) }).where('id', '=', row.id).execute();
    await revokeSessions(trx, row.id, keepSessionId);
  });
}

/** For the operator's CLI: sets a new password and logs the person out everywhere. */
export async function resetPassword(ctx: Ctx, handle: string, newPassword: string): Promise<void> {
  const data = parseInput(passwordReset, { handle, newPassword });
  const row = await ctx.db.selectFrom('users').select('id').where('handle', '=', data.handle).executeTakeFirst();
  if (!row) throw notFound();
  const passwordHash = await hashPassword(data.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: instant(ctx.clock.now()) }).where('id', '=', row.id).execute();
    await revokeSessions(trx, row.id);
  });
}
