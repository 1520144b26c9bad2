import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Actor } from '../core/context.ts';
import { hashToken } from '../core/ids.ts';
import { instant } from '../core/clock.ts';

export const sessionCookie = 'blossom_session';

export interface SessionActor {
  actor: Actor;
  sessionId: string;
  csrfToken: string;
}

/** The session behind a cookie value, if it exists and has not expired. */
export async function actorForSession(db: Kysely<Database>, cookieValue: string, now: Date): Promise<SessionActor | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id as sessionId', 'sessions.csrf_token', 'users.id', 'users.handle', 'users.is_admin'])
    .where('sessions.id', '=', hashToken(cookieValue))
    .where('sessions.expires_at', '>', instant(now))
    .executeTakeFirst();
  if (!row) return null;
  return {
    actor: { userId: row.id, handle: row.handle, isAdmin: row.is_admin === 1 },
    sessionId: row.sessionId,
    csrfToken: row.csrf_token,
  };
}

/** The person behind a personal access token (`Authorization: Bearer …`). */
export async function actorForAccessToken(db: Kysely<Database>, token: string, now: Date): Promise<Actor | null> {
  const row = await db
    .selectFrom('access_tokens')
    .innerJoin('users', 'users.id', 'access_tokens.user_id')
    .select(['access_tokens.id as tokenId', 'users.id', 'users.handle', 'users.is_admin'])
    .where('access_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  await db.updateTable('access_tokens').set({ last_used_at: instant(now) }).where('id', '=', row.tokenId).execute();
  return { userId: row.id, handle: row.handle, isAdmin: row.is_admin === 1 };
}
