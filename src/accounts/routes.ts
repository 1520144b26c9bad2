import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.ts';
import { ctxOf } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent } from '../http/endpoint.ts';
import { hashToken } from '../core/ids.ts';
import { adminSetupInput, logInInput, loggedInSchema, sessionSchema, signUpInput, userSchema } from './model.ts';
import { claimAdminSetup, endSession, getMe, getUser, logIn, signUp } from './service.ts';
import { clearBrowserSession, startBrowserSession } from './cookies.ts';
import { meRoutes } from './me-routes.ts';

const minute = 60 * 1000;
// Generous for people behind one shared network (a squat, a campus), tight for scripts.
const limits = {
  signUp: { max: 10, windowMs: 60 * minute },
  logInNetwork: { max: 20, windowMs: 15 * minute },
  logInHandle: { max: 10, windowMs: 15 * minute },
  setup: { max: 10, windowMs: 60 * minute },
};

const tags = ['accounts'];

export function accountRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    endpoint({
      access: 'anyone', method: 'post', path: '/accounts', tags, summary: 'Sign up (and log in)',
      request: { body: jsonBody(signUpInput) },
      responses: { 201: jsonResponse(loggedInSchema, 'Account made; the session cookie is set.') },
    }),
    async (c) => {
      c.get('deps').limiter.hit('sign-up', c.get('networkKey'), limits.signUp);
      const session = await signUp(ctxOf(c), c.req.valid('json'), c.get('sessionId'));
      return c.json(startBrowserSession(c, session), 201);
    },
  );

  api.openapi(
    endpoint({
      access: 'anyone', method: 'post', path: '/session', tags, summary: 'Log in',
      request: { body: jsonBody(logInInput) },
      responses: { 200: jsonResponse(loggedInSchema, 'Logged in; the session cookie is set.') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { limiter } = c.get('deps');
      limiter.hit('log-in', c.get('networkKey'), limits.logInNetwork);
      // Slows guessing at one account from many networks; keyed by hash so no handle sits in memory.
      limiter.hit('log-in-handle', hashToken(input.handle), limits.logInHandle);
      const session = await logIn(ctxOf(c), input, c.get('sessionId'));
      return c.json(startBrowserSession(c, session), 200);
    },
  );

  api.openapi(
    endpoint({
      access: 'anyone', method: 'get', path: '/session', tags, summary: 'Who is logged in',
      responses: { 200: jsonResponse(sessionSchema, 'The logged-in person (or null) and the CSRF token.') },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const user = ctx.actor ? await getMe(ctx) : null;
      return c.json({ user, csrfToken: c.get('csrfToken') }, 200);
    },
  );

  api.openapi(
    endpoint({
      access: 'anyone', method: 'delete', path: '/session', tags, summary: 'Log out',
      responses: { 204: noContent },
    }),
    async (c) => {
      const sessionId = c.get('sessionId');
      if (sessionId) await endSession(ctxOf(c), sessionId);
      clearBrowserSession(c);
      return c.body(null, 204);
    },
  );

  api.openapi(
    endpoint({
      access: 'anyone', method: 'get', path: '/users/{handle}', tags, summary: 'A public profile',
      request: { params: z.object({ handle: z.string() }) },
      responses: { 200: jsonResponse(userSchema, 'The public profile.') },
    }),
    async (c) => c.json(await getUser(ctxOf(c), c.req.valid('param').handle), 200),
  );

  api.openapi(
    endpoint({
      access: 'anyone', method: 'post', path: '/setup/admin', tags, summary: 'Claim the first-admin link',
      description: 'Uses the one-time token printed when the server first starts. A wrong or used token answers 404.',
      request: { body: jsonBody(adminSetupInput) },
      responses: { 201: jsonResponse(loggedInSchema, 'Administrator made; the session cookie is set.') },
    }),
    async (c) => {
      c.get('deps').limiter.hit('admin-setup', c.get('networkKey'), limits.setup);
      const session = await claimAdminSetup(ctxOf(c), c.req.valid('json'));
      return c.json(startBrowserSession(c, session), 201);
    },
  );

  meRoutes(api);
}
