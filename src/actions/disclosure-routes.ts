import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent } from '../http/endpoint.ts';
import { createDisclosure, deleteDisclosure, listConsoleDisclosures, updateDisclosure } from './disclosures.ts';
import { disclosureChangesSchema, newDisclosureSchema } from './model.ts';
import { disclosureParams, slugParam } from './route-params.ts';
import { consoleDisclosureSchema } from './views.ts';

const tags = ['actions'];

const list = endpoint({
  access: 'user', method: 'get', path: '/actions/{slug}/disclosures', tags,
  summary: 'The organizer console: every disclosure of the nodes I marshal, released or not',
  request: { params: slugParam },
  responses: { 200: jsonResponse(z.object({ disclosures: z.array(consoleDisclosureSchema) }), 'Disclosures with their release instant per node') },
});

const create = endpoint({
  access: 'user', method: 'post', path: '/actions/{slug}/disclosures', tags,
  summary: 'Add a disclosure for every node (organizers) or one node (its host coordinators too)',
  request: { params: slugParam, body: jsonBody(newDisclosureSchema) },
  responses: { 201: jsonResponse(consoleDisclosureSchema, 'The disclosure, sealed at rest') },
});

const update = endpoint({
  access: 'user', method: 'patch', path: '/actions/{slug}/disclosures/{id}', tags,
  summary: 'Change a disclosure',
  request: { params: disclosureParams, body: jsonBody(disclosureChangesSchema) },
  responses: { 200: jsonResponse(consoleDisclosureSchema, 'The changed disclosure') },
});

const remove = endpoint({
  access: 'user', method: 'delete', path: '/actions/{slug}/disclosures/{id}', tags,
  summary: 'Delete a disclosure',
  request: { params: disclosureParams },
  responses: { 204: noContent },
});

export function disclosureRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(list, async (c) => c.json({ disclosures: await listConsoleDisclosures(ctxOf(c), c.req.valid('param').slug) }, 200));
  api.openapi(create, async (c) => c.json(await createDisclosure(ctxOf(c), c.req.valid('param').slug, c.req.valid('json')), 201));
  api.openapi(update, async (c) => {
    const { slug, id } = c.req.valid('param');
    return c.json(await updateDisclosure(ctxOf(c), slug, id, c.req.valid('json')), 200);
  });
  api.openapi(remove, async (c) => {
    const { slug, id } = c.req.valid('param');
    await deleteDisclosure(ctxOf(c), slug, id);
    return c.body(null, 204);
  });
}
