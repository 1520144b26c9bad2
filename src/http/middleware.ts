import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { nodeMessages } from '../realtime/sse-response.ts';
import { actorForAccessToken, actorForSession, sessionCookie } from '../accounts/authn.ts';
import { Problem } from '../core/errors.ts';
import { networkKey } from './rate-limit.ts';
import type { AppDeps, AppEnv } from './env.ts';

export function provideDeps(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('deps', deps);
    c.set('actor', null);
    c.set('sessionId', null);
    c.set('csrfToken', null);
    let address: string | undefined;
    try {
      address = getConnInfo(c).remote.address;
    } catch {
      // Requests made with app.request() in tests have no socket.
    }
    c.set('networkKey', callerNetwork(deps, address, c.req.header('x-forwarded-for')));
    await next();
  };
}

/** The caller's network key, from the socket's address or, behind a trusted proxy, the proxy's word. */
export function callerNetwork(deps: AppDeps, socketAddress: string | undefined, forwardedFor: string | undefined): string {
  let address = socketAddress ?? '0.0.0.0';
  if (deps.config.trustProxy) {
    // The proxy appends the address it saw; that last entry is the one it vouches for.
    const forwarded = forwardedFor?.split(',').map((s) => s.trim()).filter(Boolean);
    if (forwarded?.length) address = forwarded[forwarded.length - 1]!;
  }
  return networkKey(address, deps.config.masterSecret);
}

/** The largest request body the API takes. */
export const maxApiBody = 64 * 1024;

/**
 * Refuses request bodies over `maxSize` bytes. Hono's bodyLimit asks the request for its body
 * stream first, which turns Node's request into a full web Request on every call; a declared
 * Content-Length (which Node's parser holds the body to) answers without that. Bodies without
 * one are counted as they stream, by Hono's bodyLimit.
 */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = () => {
    throw new Problem(413, 'body_too_large', `The request body is larger than ${maxSize / 1024} KiB`);
  };
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
      // No declared length: a chunked (or HTTP/2) body is counted as it streams; GET has none.
      return c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : streamed(c, next);
    }
    if (Number.parseInt(length, 10) > maxSize) tooLarge();
    await next();
  };
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Bearer tokens are for the API and CLI; cookies are for the browser and must carry the
 * session's CSRF token on every write (double-submit through a header a form cannot set).
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { store, clock } = c.get('deps');
  const auth = c.req.header('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) {
    const actor = await actorForAccessToken(store.db, auth.slice(7).trim(), clock.now());
    if (!actor) throw new Problem(401, 'invalid_token', 'That access token is not valid');
    c.set('actor', actor);
    return next();
  }
  const cookie = getCookie(c, sessionCookie);
  if (cookie) {
    const found = await actorForSession(store.db, cookie, clock.now());
    if (found) {
      if (unsafe.has(c.req.method) && c.req.header('x-csrf-token') !== found.csrfToken) {
        throw new Problem(403, 'csrf_failed', 'This request lacks a valid CSRF token; reload the page');
      }
      c.set('actor', found.actor);
      c.set('sessionId', found.sessionId);
      c.set('csrfToken', found.csrfToken);
    }
  }
  return next();
};

/** The only outside origin pages may load from: the operator's map tile server, if any. */
function tileOrigin(template: string | undefined): string {
  if (!template) return '';
  // {s} subdomains (a.tile…, b.tile…) become a wildcard on the parent host.
  return ' ' + new URL(template.replace(/\{[^}]+\}/g, '0')).origin.replace(/^https:\/\/0\./, 'https://*.');
}

export interface SecurityHeaderSet {
  /** On every answer. */
  always: readonly (readonly [string, string])[];
  /** On API answers: the same, and never cached. */
  api: readonly (readonly [string, string])[];
}

export function securityHeaderSet(mapTiles?: string): SecurityHeaderSet {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tileOrigin(mapTiles)}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const always = [
    ['Content-Security-Policy', csp],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'no-referrer'],
    ['X-Frame-Options', 'DENY'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Permissions-Policy', 'camera=(self), geolocation=(self), microphone=()'],
  ] as const;
  return { always, api: [...always, ['Cache-Control', 'no-store']] };
}

export function securityHeaders(mapTiles?: string): MiddlewareHandler<AppEnv> {
  const set = securityHeaderSet(mapTiles);
  return async (c, next) => {
    const headers = c.req.path.startsWith('/api/') ? set.api : set.always;
    // Also on Node's ServerResponse first: a live stream writes its own head once the route
    // has said yes (src/realtime/hand-off.ts) and takes them from there.
    const outgoing = nodeMessages(c.env)?.outgoing;
    if (outgoing) for (const [name, value] of headers) outgoing.setHeader(name, value);
    await next();
    // Onto the finished response's own headers: c.header() after next() rebuilds the whole
    // response around a body stream, which costs more than most handlers.
    try {
      for (const [name, value] of headers) c.res.headers.set(name, value);
    } catch {
      // A response with immutable headers (Response.redirect, a fetched one): the slow way.
      for (const [name, value] of headers) c.header(name, value);
    }
  };
}
