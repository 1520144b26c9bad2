import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse } from '../http/endpoint.ts';
import { myAid } from './dashboard.ts';
import { dispatchQueue } from './dispatch.ts';
import { aidNetworkSchema, countSchema, dispatchItemSchema, myAidSchema, networkChangesSchema } from './model.ts';
import { getNetwork, networkCounts, updateNetwork } from './networks.ts';
import { needRoutes } from './need-routes.ts';
import { offerRoutes } from './offer-routes.ts';
import { slugParam } from './route-params.ts';

/** Mutual aid: a network is a group (/groups/{slug}); needs and offers hang off it. */
const tags = ['mutual aid'];

const network = endpoint({
  access: 'anyone', method: 'get', path: '/groups/{slug}/aid', tags,
  summary: "A network's mutual aid settings: its categories, urgencies and retention, and what the caller may do",
  request: { params: slugParam },
  responses: { 200: jsonResponse(aidNetworkSchema, 'The network') },
});

const configure = endpoint({
  access: 'user', method: 'patch', path: '/groups/{slug}/aid', tags,
  summary: "Change the network's categories (coordinators); needs already posted keep theirs",
  request: { params: slugParam, body: jsonBody(networkChangesSchema) },
  responses: { 200: jsonResponse(aidNetworkSchema, 'The network') },
});

const dispatch = endpoint({
  access: 'user', method: 'get', path: '/groups/{slug}/aid/dispatch', tags,
  summary: 'The coordinators’ queue: open needs (most urgent, then oldest first) with how many offers could meet each, then claimed ones',
  request: { params: slugParam },
  responses: { 200: jsonResponse(z.object({ needs: z.array(dispatchItemSchema) }), 'The queue') },
});

const counts = endpoint({
  access: 'user', method: 'get', path: '/groups/{slug}/aid/counts', tags,
  summary: 'What remains of erased needs: counts per category, month and outcome (members)',
  request: { params: slugParam },
  responses: { 200: jsonResponse(z.object({ counts: z.array(countSchema) }), 'Counts, newest month first') },
});

const mine = endpoint({
  access: 'user', method: 'get', path: '/me/aid', tags,
  summary: 'My mutual aid across networks: my current offers, the needs I hold (with details) and the needs I posted',
  responses: { 200: jsonResponse(myAidSchema, 'My dashboard') },
});

export function aidRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(network, async (c) => c.json(await getNetwork(ctxOf(c), c.req.valid('param').slug), 200));
  api.openapi(configure, async (c) => c.json(await updateNetwork(ctxOf(c), c.req.valid('param').slug, c.req.valid('json')), 200));
  api.openapi(dispatch, async (c) => c.json({ needs: await dispatchQueue(ctxOf(c), c.req.valid('param').slug) }, 200));
  api.openapi(counts, async (c) => c.json({ counts: await networkCounts(ctxOf(c), c.req.valid('param').slug) }, 200));
  api.openapi(mine, async (c) => c.json(await myAid(ctxOf(c)), 200));
  needRoutes(api);
  offerRoutes(api);
}
