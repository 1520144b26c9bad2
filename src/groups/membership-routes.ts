import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent, problemSchema } from '../http/endpoint.ts';
import { joinRequestSchema, joinSchema, memberSchema, roleChangeSchema } from './model.ts';
import { approveRequest, changeRole, declineRequest, joinGroup, leaveGroup, listMembers, listRequests, removeMember, withdrawRequest } from './service.ts';
import { memberParams, requestParams, slugParam } from './route-params.ts';

const tags = ['groups'];

const join = endpoint({
  access: 'user', method: 'post', path: '/groups/{slug}/join', tags,
  summary: 'Join an open group, or ask to join one that takes requests',
  request: { params: slugParam, body: jsonBody(joinSchema) },
  responses: {
    200: jsonResponse(z.object({ status: z.literal('member') }), 'You are a member'),
    202: jsonResponse(z.object({ status: z.literal('requested') }), 'Your request waits for a coordinator'),
    403: {
      description: 'This group takes members by invitation only (`invitation_required`).',
      content: { 'application/problem+json': { schema: problemSchema } },
    },
  },
});

const leave = endpoint({
  access: 'user', method: 'post', path: '/groups/{slug}/leave', tags,
  summary: 'Leave a group (the last coordinator may not while others remain)',
  request: { params: slugParam },
  responses: { 204: noContent },
});

const members = endpoint({
  access: 'anyone', method: 'get', path: '/groups/{slug}/members', tags,
  summary: "Who is in the group, as far as its member-list setting allows",
  request: { params: slugParam },
  responses: { 200: jsonResponse(z.object({ members: z.array(memberSchema) }), 'The members') },
});

const setRole = endpoint({
  access: 'user', method: 'patch', path: '/groups/{slug}/members/{handle}', tags,
  summary: "Change a member's role (coordinators)",
  request: { params: memberParams, body: jsonBody(roleChangeSchema) },
  responses: { 204: noContent },
});

const removeOne = endpoint({
  access: 'user', method: 'delete', path: '/groups/{slug}/members/{handle}', tags,
  summary: 'Remove a member (coordinators)',
  request: { params: memberParams },
  responses: { 204: noContent },
});

const requests = endpoint({
  access: 'user', method: 'get', path: '/groups/{slug}/requests', tags,
  summary: 'Pending requests to join (coordinators)',
  request: { params: slugParam },
  responses: { 200: jsonResponse(z.object({ requests: z.array(joinRequestSchema) }), 'Pending requests') },
});

const withdraw = endpoint({
  access: 'user', method: 'delete', path: '/groups/{slug}/requests/mine', tags,
  summary: 'Withdraw my request to join',
  request: { params: slugParam },
  responses: { 204: noContent },
});

const decide = (verb: 'approve' | 'decline') =>
  endpoint({
    access: 'user', method: 'post', path: `/groups/{slug}/requests/{id}/${verb}`, tags,
    summary: verb === 'approve' ? 'Let the requester in (coordinators)' : 'Turn the request down (coordinators)',
    request: { params: requestParams },
    responses: { 204: noContent },
  });

export function membershipRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(join, async (c) => {
    const outcome = await joinGroup(ctxOf(c), c.req.valid('param').slug, c.req.valid('json').message);
    return outcome.status === 'member' ? c.json({ status: 'member' as const }, 200) : c.json({ status: 'requested' as const }, 202);
  });
  api.openapi(leave, async (c) => {
    await leaveGroup(ctxOf(c), c.req.valid('param').slug);
    return c.body(null, 204);
  });
  api.openapi(members, async (c) => c.json({ members: await listMembers(ctxOf(c), c.req.valid('param').slug) }, 200));
  api.openapi(setRole, async (c) => {
    const { slug, handle } = c.req.valid('param');
    await changeRole(ctxOf(c), slug, handle, c.req.valid('json').role);
    return c.body(null, 204);
  });
  api.openapi(removeOne, async (c) => {
    const { slug, handle } = c.req.valid('param');
    await removeMember(ctxOf(c), slug, handle);
    return c.body(null, 204);
  });
  api.openapi(requests, async (c) => c.json({ requests: await listRequests(ctxOf(c), c.req.valid('param').slug) }, 200));
  api.openapi(withdraw, async (c) => {
    await withdrawRequest(ctxOf(c), c.req.valid('param').slug);
    return c.body(null, 204);
  });
  api.openapi(decide('approve'), async (c) => {
    const { slug, id } = c.req.valid('param');
    await approveRequest(ctxOf(c), slug, id);
    return c.body(null, 204);
  });
  api.openapi(decide('decline'), async (c) => {
    const { slug, id } = c.req.valid('param');
    await declineRequest(ctxOf(c), slug, id);
    return c.body(null, 204);
  });
}
