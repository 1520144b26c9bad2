import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent, problemSchema } from '../http/endpoint.ts';
import { invitationOptionsSchema, invitationPreviewSchema, invitationSchema, newInvitationSchema } from './model.ts';
import { acceptInvitation, createInvitation, listInvitations, previewInvitation, revokeInvitation } from './service.ts';
import { invitationParams, slugParam, tokenParam } from './route-params.ts';

const tags = ['invitations'];
const deadLink = {
  description: 'The invitation was revoked, has expired or is used up (`code` says which).',
  content: { 'application/problem+json': { schema: problemSchema } },
};

const list = endpoint({
  access: 'user', method: 'get', path: '/groups/{slug}/invitations', tags,
  summary: "A group's invitation links (coordinators)",
  request: { params: slugParam },
  responses: { 200: jsonResponse(z.object({ invitations: z.array(invitationSchema) }), 'Invitations, newest first') },
});

const create = endpoint({
  access: 'user', method: 'post', path: '/groups/{slug}/invitations', tags,
  summary: 'Make an invitation link (coordinators); the token is shown only now',
  request: { params: slugParam, body: jsonBody(invitationOptionsSchema) },
  responses: { 201: jsonResponse(newInvitationSchema, 'The new invitation') },
});

const revoke = endpoint({
  access: 'user', method: 'delete', path: '/groups/{slug}/invitations/{id}', tags,
  summary: 'Revoke an invitation link (coordinators)',
  request: { params: invitationParams },
  responses: { 204: noContent },
});

const preview = endpoint({
  access: 'anyone', method: 'get', path: '/invitations/{token}', tags,
  summary: 'What an invitation link leads to',
  request: { params: tokenParam },
  responses: { 200: jsonResponse(invitationPreviewSchema, 'The group you are invited to'), 410: deadLink },
});

const accept = endpoint({
  access: 'user', method: 'post', path: '/invitations/{token}/accept', tags,
  summary: 'Join through an invitation link',
  request: { params: tokenParam },
  responses: { 200: jsonResponse(z.object({ slug: z.string(), status: z.literal('member') }), 'You are a member'), 410: deadLink },
});

export function invitationRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(list, async (c) => c.json({ invitations: await listInvitations(ctxOf(c), c.req.valid('param').slug) }, 200));
  api.openapi(create, async (c) => c.json(await createInvitation(ctxOf(c), c.req.valid('param').slug, c.req.valid('json')), 201));
  api.openapi(revoke, async (c) => {
    const { slug, id } = c.req.valid('param');
    await revokeInvitation(ctxOf(c), slug, id);
    return c.body(null, 204);
  });
  api.openapi(preview, async (c) => c.json(await previewInvitation(ctxOf(c), c.req.valid('param').token), 200));
  api.openapi(accept, async (c) => c.json(await acceptInvitation(ctxOf(c), c.req.valid('param').token), 200));
}
