import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent } from '../http/endpoint.ts';
import { groupChangesSchema, groupPageSchema, groupSchema, listQuerySchema, myGroupSchema, newGroupSchema } from './model.ts';
import { createGroup, deleteGroup, getGroup, listGroups, myGroups, updateGroup } from './service.ts';
import { membershipRoutes } from './membership-routes.ts';
import { invitationRoutes } from './invitation-routes.ts';
import { slugParam } from './route-params.ts';

const tags = ['groups'];

const list = endpoint({
  access: 'anyone', method: 'get', path: '/groups', tags,
  summary: 'Public groups, newest first',
  request: { query: listQuerySchema },
  responses: { 200: jsonResponse(groupPageSchema, 'A page of public groups') },
});

const mine = endpoint({
  access: 'user', method: 'get', path: '/me/groups', tags,
  summary: 'The groups I belong to',
  responses: { 200: jsonResponse(z.object({ groups: z.array(myGroupSchema) }), 'My groups with my role') },
});

const create = endpoint({
  access: 'user', method: 'post', path: '/groups', tags,
  summary: 'Start a group; its creator is its first coordinator',
  request: { body: jsonBody(newGroupSchema) },
  responses: { 201: jsonResponse(groupSchema, 'The new group') },
});

const read = endpoint({
  access: 'anyone', method: 'get', path: '/groups/{slug}', tags,
  summary: 'One group (secret groups are not found by outsiders)',
  request: { params: slugParam },
  responses: { 200: jsonResponse(groupSchema, 'The group') },
});

const update = endpoint({
  access: 'user', method: 'patch', path: '/groups/{slug}', tags,
  summary: 'Change a group (coordinators)',
  request: { params: slugParam, body: jsonBody(groupChangesSchema) },
  responses: { 200: jsonResponse(groupSchema, 'The changed group') },
});

const remove = endpoint({
  access: 'user', method: 'delete', path: '/groups/{slug}', tags,
  summary: 'Delete a group and everything in it (coordinators)',
  request: { params: slugParam },
  responses: { 204: noContent },
});

export function groupRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(list, async (c) => c.json(await listGroups(ctxOf(c), c.req.valid('query')), 200));
  api.openapi(mine, async (c) => c.json({ groups: await myGroups(ctxOf(c)) }, 200));
  api.openapi(create, async (c) => c.json(await createGroup(ctxOf(c), c.req.valid('json')), 201));
  api.openapi(read, async (c) => c.json(await getGroup(ctxOf(c), c.req.valid('param').slug), 200));
  api.openapi(update, async (c) => c.json(await updateGroup(ctxOf(c), c.req.valid('param').slug, c.req.valid('json')), 200));
  api.openapi(remove, async (c) => {
    await deleteGroup(ctxOf(c), c.req.valid('param').slug);
    return c.body(null, 204);
  });
  membershipRoutes(api);
  invitationRoutes(api);
}
