import type { OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse } from '../http/endpoint.ts';
import { createAction, getAction, listActions, publishAction, updateAction } from './actions.ts';
import { actionChangesSchema, listQuerySchema, newActionSchema } from './model.ts';
import { disclosureRoutes } from './disclosure-routes.ts';
import { nodeRoutes } from './node-routes.ts';
import { playbookRoutes } from './playbook-routes.ts';
import { slugParam, ticketHeaders, ticketOf, ticketQuery } from './route-params.ts';
import { actionPageSchema, actionViewSchema } from './views.ts';
import { participationRoutes } from './participation-routes.ts';

export { leanParticipationEndpoints as leanActionEndpoints } from './participation-routes.ts';

const tags = ['actions'];

const create = endpoint({
  access: 'user', method: 'post', path: '/groups/{slug}/actions', tags,
  summary: 'Draft an action for a group (coordinators)',
  request: { params: slugParam, body: jsonBody(newActionSchema) },
  responses: { 201: jsonResponse(actionViewSchema, 'The new draft, as its organizers see it') },
});

const list = endpoint({
  access: 'anyone', method: 'get', path: '/actions', tags,
  summary: 'Open, published actions, newest first',
  request: { query: listQuerySchema },
  responses: { 200: jsonResponse(actionPageSchema, 'A page of actions') },
});

const read = endpoint({
  access: 'anyone', method: 'get', path: '/actions/{slug}', tags,
  summary: "An action as the caller's tier sees it: the public call, cities and released disclosures",
  request: { params: slugParam, query: ticketQuery, headers: ticketHeaders },
  responses: { 200: jsonResponse(actionViewSchema, 'The action') },
});

const update = endpoint({
  access: 'user', method: 'patch', path: '/actions/{slug}', tags,
  summary: 'Change an action (organizers); a new timing moves every node',
  request: { params: slugParam, body: jsonBody(actionChangesSchema) },
  responses: { 200: jsonResponse(actionViewSchema, 'The changed action') },
});

const publish = endpoint({
  access: 'user', method: 'post', path: '/actions/{slug}/publish', tags,
  summary: 'Send the call out (organizers); needs at least one active node',
  request: { params: slugParam },
  responses: { 200: jsonResponse(actionViewSchema, 'The published action') },
});

export function actionRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(create, async (c) => c.json(await createAction(ctxOf(c), c.req.valid('param').slug, c.req.valid('json')), 201));
  api.openapi(list, async (c) => c.json(await listActions(ctxOf(c), c.req.valid('query')), 200));
  api.openapi(read, async (c) => c.json(await getAction(ctxOf(c), c.req.valid('param').slug, ticketOf(c)), 200));
  api.openapi(update, async (c) => c.json(await updateAction(ctxOf(c), c.req.valid('param').slug, c.req.valid('json')), 200));
  api.openapi(publish, async (c) => c.json(await publishAction(ctxOf(c), c.req.valid('param').slug), 200));
  nodeRoutes(api);
  disclosureRoutes(api);
  playbookRoutes(api);
  participationRoutes(api);
}
