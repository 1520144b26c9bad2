import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { ctxOf } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent } from '../http/endpoint.ts';
import { accessTokenSchema, accountDeletion, meSchema, newAccessTokenSchema, passwordChange, profileUpdate, tokenRequest } from './model.ts';
import {
  changePassword, createAccessToken, deleteAccount, getMe, listAccessTokens, revokeAccessToken, updateProfile,
} from './service.ts';
import { clearBrowserSession } from './cookies.ts';

const tags = ['me'];

/** Whoever holds a session must still not be able to guess the password behind it quickly. */
function limitPasswordChecks(c: Context<AppEnv>): void {
  const actor = c.get('actor');
  if (actor) c.get('deps').limiter.hit('password-check', actor.userId, { max: 10, windowMs: 15 * 60 * 1000 });
}

/** The logged-in person's own account: profile, password, access tokens, deletion. */
export function meRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    endpoint({
      access: 'user', method: 'get', path: '/me', tags, summary: 'My account',
      responses: { 200: jsonResponse(meSchema, 'My account, with private fields.') },
    }),
    async (c) => c.json(await getMe(ctxOf(c)), 200),
  );

  api.openapi(
    endpoint({
      access: 'user', method: 'patch', path: '/me', tags, summary: 'Update my profile',
      request: { body: jsonBody(profileUpdate) },
      responses: { 200: jsonResponse(meSchema, 'The updated account.') },
    }),
    async (c) => c.json(await updateProfile(ctxOf(c), c.req.valid('json')), 200),
  );

  api.openapi(
    endpoint({
      access: 'user', method: 'post', path: '/me/password', tags, summary: 'Change my password',
      description: 'Logs out every other session. 422 `wrong_password` names `currentPassword`.',
      request: { body: jsonBody(passwordChange) },
      responses: { 204: noContent },
    }),
    async (c) => {
      limitPasswordChecks(c);
      await changePassword(ctxOf(c), c.req.valid('json'), c.get('sessionId'));
      return c.body(null, 204);
    },
  );

  api.openapi(
    endpoint({
      access: 'user', method: 'delete', path: '/me', tags, summary: 'Delete my account',
      description: 'Removes the account and everything tied to it. 409 `last_coordinator` while a group would be left without one.',
      request: { body: jsonBody(accountDeletion) },
      responses: { 204: noContent },
    }),
    async (c) => {
      limitPasswordChecks(c);
      await deleteAccount(ctxOf(c), c.req.valid('json').password);
      clearBrowserSession(c);
      return c.body(null, 204);
    },
  );

  api.openapi(
    endpoint({
      access: 'user', method: 'get', path: '/me/tokens', tags, summary: 'My access tokens',
      responses: { 200: jsonResponse(z.object({ tokens: z.array(accessTokenSchema) }), 'My access tokens (without the secrets).') },
    }),
    async (c) => c.json({ tokens: await listAccessTokens(ctxOf(c)) }, 200),
  );

  api.openapi(
    endpoint({
      access: 'user', method: 'post', path: '/me/tokens', tags, summary: 'Make an access token',
      request: { body: jsonBody(tokenRequest) },
      responses: { 201: jsonResponse(newAccessTokenSchema, 'The token, shown this once.') },
    }),
    async (c) => c.json(await createAccessToken(ctxOf(c), c.req.valid('json').name), 201),
  );

  api.openapi(
    endpoint({
      access: 'user', method: 'delete', path: '/me/tokens/{id}', tags, summary: 'Revoke an access token',
      request: { params: z.object({ id: z.string() }) },
      responses: { 204: noContent },
    }),
    async (c) => {
      await revokeAccessToken(ctxOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
