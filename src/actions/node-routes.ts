import type { OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent } from '../http/endpoint.ts';
import { newNodeSchema, nodeChangesSchema } from './model.ts';
import { currentCode } from './node-marshals.ts';
import { addNode, approveNode, removeNode, updateNode } from './nodes.ts';
import { nodeParams, slugParam } from './route-params.ts';
import { nodeCodeSchema, nodeViewSchema } from './views.ts';

const tags = ['actions'];

const add = endpoint({
  access: 'user', method: 'post', path: '/actions/{slug}/nodes', tags,
  summary: 'Add a city: organizers directly; other groups\' coordinators when the action is open for nodes',
  request: { params: slugParam, body: jsonBody(newNodeSchema) },
  responses: { 201: jsonResponse(nodeViewSchema, 'The node (pending when it needs the owners\' approval)') },
});

const update = endpoint({
  access: 'user', method: 'patch', path: '/actions/{slug}/nodes/{nodeId}', tags,
  summary: 'Change a node (organizers, or the host group\'s coordinators)',
  request: { params: nodeParams, body: jsonBody(nodeChangesSchema) },
  responses: { 200: jsonResponse(nodeViewSchema, 'The changed node') },
});

const approve = endpoint({
  access: 'user', method: 'post', path: '/actions/{slug}/nodes/{nodeId}/approve', tags,
  summary: 'Accept a pending node (organizers)',
  request: { params: nodeParams },
  responses: { 200: jsonResponse(nodeViewSchema, 'The node, now active') },
});

const remove = endpoint({
  access: 'user', method: 'delete', path: '/actions/{slug}/nodes/{nodeId}', tags,
  summary: 'Remove a node with its RSVPs and disclosures (organizers, or the host group\'s coordinators)',
  request: { params: nodeParams },
  responses: { 204: noContent },
});

const code = endpoint({
  access: 'user', method: 'get', path: '/actions/{slug}/nodes/{nodeId}/code', tags,
  summary: 'The rotating check-in code to show at the staging point (marshals of the node)',
  request: { params: nodeParams },
  responses: { 200: jsonResponse(nodeCodeSchema, 'The code now and when it turns') },
});

export function nodeRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(add, async (c) => c.json(await addNode(ctxOf(c), c.req.valid('param').slug, c.req.valid('json')), 201));
  api.openapi(update, async (c) => {
    const { slug, nodeId } = c.req.valid('param');
    return c.json(await updateNode(ctxOf(c), slug, nodeId, c.req.valid('json')), 200);
  });
  api.openapi(approve, async (c) => {
    const { slug, nodeId } = c.req.valid('param');
    return c.json(await approveNode(ctxOf(c), slug, nodeId), 200);
  });
  api.openapi(remove, async (c) => {
    const { slug, nodeId } = c.req.valid('param');
    await removeNode(ctxOf(c), slug, nodeId);
    return c.body(null, 204);
  });
  api.openapi(code, async (c) => {
    const { slug, nodeId } = c.req.valid('param');
    return c.json(await currentCode(ctxOf(c), slug, nodeId), 200);
  });
}
