import type { Ctx } from '../core/context.ts';
import { notFound } from '../core/errors.ts';
import { toMe, toUser, type Me, type User } from './model.ts';

// The accounts capability's public face: other capabilities and the CLI import from here.
export { createAccount, signUp, type NewAccount } from './registration.ts';
export { logIn, endSession, revokeSessions, type NewSession } from './sessions.ts';
export { getMe, updateProfile, changePassword, resetPassword } from './profile.ts';
export { listAccessTokens, createAccessToken, revokeAccessToken } from './tokens.ts';
export { deleteAccount } from './deletion.ts';
export { adminSetupLink, claimAdminSetup } from './setup.ts';

export async function findUserByHandle(ctx: Ctx, handle: string): Promise<Me | null> {
  const row = await ctx.db.selectFrom('users').selectAll().where('handle', '=', handle.toLowerCase()).executeTakeFirst();
  return row ? toMe(row) : null;
}

/** The public profile anyone may see. */
export async function getUser(ctx: Ctx, handle: string): Promise<User> {
  const row = await ctx.db.selectFrom('users').selectAll().where('handle', '=', handle.toLowerCase()).executeTakeFirst();
  if (!row) throw notFound();
  return toUser(row);
}
