import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../http/env.ts';
import { ctxOf } from '../http/env.ts';
import { sessionCookie } from './authn.ts';
import type { Me } from './model.ts';
import { sessionMaxAgeSeconds, type NewSession } from './sessions.ts';

function secure(c: Context<AppEnv>): boolean {
  return c.get('deps').config.publicUrl?.startsWith('https:') ?? false;
}

/** The session cookie: unreadable by scripts, not sent on cross-site requests. */
export function startBrowserSession(c: Context<AppEnv>, session: NewSession): { user: Me; csrfToken: string } {
  const ctx = ctxOf(c);
  setCookie(c, sessionCookie, session.cookieValue, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: secure(c),
    maxAge: sessionMaxAgeSeconds(ctx),
  });
  return { user: session.me, csrfToken: session.csrfToken };
}

export function clearBrowserSession(c: Context<AppEnv>): void {
  deleteCookie(c, sessionCookie, { path: '/', secure: secure(c) });
}

