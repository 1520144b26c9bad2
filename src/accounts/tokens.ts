import type { Ctx } from '../core/context.ts';
import { notFound, unauthenticated } from '../core/errors.ts';
import { instant } from '../core/clock.ts';
import { hashToken, secretToken, uuidv7 } from '../core/ids.ts';
import { parseInput, tokenRequest, type AccessToken, type NewAccessToken } from './model.ts';

/**
 * Personal access tokens let scripts and the CLI act as a person without a browser
 * session (so no CSRF). Only the hash is kept; the token itself is shown once.
 */
function owner(ctx: Ctx): string {
  if (!ctx.actor) throw unauthenticated();
  return ctx.actor.userId;
}

export async function listAccessTokens(ctx: Ctx): Promise<AccessToken[]> {
  const rows = await ctx.db
    .selectFrom('access_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at'])
    .where('user_id', '=', owner(ctx))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export async function createAccessToken(ctx: Ctx, name: string): Promise<NewAccessToken> {
  const userId = owner(ctx);
  const data = parseInput(tokenRequest, { name });
  const token = secretToken();
  const id = uuidv7(ctx.clock.now().getTime());
  await ctx.db
    .insertInto('access_tokens')
    .values({ id, user_id: userId, name: data.name, token_hash: hashToken(token), created_at: instant(ctx.clock.now()), last_used_at: null })
    .execute();
  return { id, name: data.name, token };
}

/** Someone else's token answers exactly like a missing one. */
export async function revokeAccessToken(ctx: Ctx, id: string): Promise<void> {
  const result = await ctx.db.deleteFrom('access_tokens').where('id', '=', id).where('user_id', '=', owner(ctx)).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw notFound();
}
