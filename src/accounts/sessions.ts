import type { Kysely } from 'kysely';
import type { Ctx } from '../core/context.ts';
import type { Database } from '../store/schema.ts';
import { Problem } from '../core/errors.ts';
import { addMs, instant } from '../core/clock.ts';
import { hashToken, secretToken } from '../core/ids.ts';
import { logInInput, parseInput, toMe, type Me } from './model.ts';
import { verifyPassword } from './passwords.ts';

const dayMs = 24 * 60 * 60 * 1000;

/** What the browser gets after logging in: the cookie value is never stored, only its hash. */
export interface NewSession {
  me: Me;
  cookieValue: string;
  csrfToken: string;
}

export const badCredentials = (): Problem =>
  new Problem(401, 'bad_credentials', 'That handle and password do not match an account');

export function sessionMaxAgeSeconds(ctx: Ctx): number {
  return ctx.config.sessionDays * 24 * 60 * 60;
}

/** Opens a session for a person; `ctx.db` may be a transaction so it commits with its cause. */
export async function openSession(ctx: Ctx, me: Me): Promise<NewSession> {
  const now = ctx.clock.now();
  const cookieValue = secretToken();
  const csrfToken = secretToken();
  // Expired sessions of this person are dropped here, so they do not pile up as a record.
  await ctx.db.deleteFrom('sessions').where('user_id', '=', me.id).where('expires_at', '<=', instant(now)).execute();
  await ctx.db
    .insertInto('sessions')
    .values({
      id: hashToken(cookieValue),
      user_id: me.id,
      csrf_token: csrfToken,
      created_at: instant(now),
      expires_at: instant(addMs(now, ctx.config.sessionDays * dayMs)),
    })
    .execute();
  return { me, cookieValue, csrfToken };
}

/**
 * Checks a handle and password and opens a session. Unknown handles are verified against a
 * dummy hash, so the answer and its timing are the same as for a wrong password. A session
 * the caller already had is closed, so a planted cookie cannot ride along (fixation).
 */
export async function logIn(ctx: Ctx, input: { handle: string; password: string }, replacing: string | null = null): Promise<NewSession> {
  const { handle, password } = parseInput(logInInput, input);
  const row = await ctx.db.selectFrom('users').selectAll().where('handle', '=', handle).executeTakeFirst();
  const ok = await verifyPassword(row?.password_hash ?? null, password);
  if (!row || !ok) throw badCredentials();
  return ctx.db.transaction().execute(async (trx) => {
    if (replacing) await endSession({ ...ctx, db: trx }, replacing);
    return openSession({ ...ctx, db: trx }, toMe(row));
  });
}

/** Logs out one session, by its stored id (the hash of the cookie value). */
export async function endSession(ctx: Ctx, sessionId: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of a person, except optionally the one making the change. */
export async function revokeSessions(db: Kysely<Database>, userId: string, except: string | null = null): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (except) query = query.where('id', '!=', except);
  await query.execute();
}
