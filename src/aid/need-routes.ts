import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent } from '../http/endpoint.ts';
import { claimNeed, fulfilNeed, releaseNeed, withdrawNeed } from './claims.ts';
import { assignNeed, removeNeed } from './dispatch.ts';
import { offersForNeed } from './matches.ts';
import { assignSchema, claimSchema, listQuerySchema, matchQuerySchema, needSchema, needSummarySchema, newNeedSchema, offerMatchSchema, postedNeedSchema } from './model.ts';
import { getNeed, listNeeds, postNeed } from './needs.ts';
import { idParam, idempotencyHeaders, replayedHeader, slugParam, ticketHeaders, ticketOf } from './route-params.ts';

const tags = ['mutual aid'];
const needReply = jsonResponse(needSchema, 'The need as the caller now sees it');
const hourly = { max: 30, windowMs: 60 * 60 * 1000 };

const post = endpoint({
  access: 'anyone', method: 'post', path: '/groups/{slug}/aid/needs', tags,
  summary: 'Ask for help; no account needed (the answer holds a device ticket, shown once)',
  description: 'Anyone who can see the network may post. The exact place, contact and email are encrypted; lists and maps only ever show the area rounded to about 1 km. 422 `unknown_category` (fields.category), `invalid_window`, `idempotency_key_reused`; 429 when one network address posts too often.',
  request: { params: slugParam, headers: idempotencyHeaders, body: jsonBody(newNeedSchema) },
  responses: { 201: { ...jsonResponse(postedNeedSchema, 'The need, as its poster sees it, and its device ticket'), headers: replayedHeader } },
});

const list = endpoint({
  access: 'user', method: 'get', path: '/groups/{slug}/aid/needs', tags,
  summary: 'Open needs of a network for its members: coarse areas, never contact or place',
  description: 'Most urgent and oldest first; with lat and lon, all within km, nearest first (for a map).',
  request: { params: slugParam, query: listQuerySchema },
  responses: { 200: jsonResponse(z.object({ needs: z.array(needSummarySchema) }), 'Open needs') },
});

const read = endpoint({
  access: 'anyone', method: 'get', path: '/aid/needs/{id}', tags,
  summary: 'One need. Its poster (device ticket or account) and, while it holds the claim, its helper also get `details`',
  description: 'Members and coordinators of the network see the coarse need; coordinators also see who helps. Anyone else: 404. Poll it: `updatedAt` changes on every claim, release and outcome.',
  request: { params: idParam, headers: ticketHeaders },
  responses: { 200: jsonResponse(needSchema, 'The need') },
});

const offers = endpoint({
  access: 'anyone', method: 'get', path: '/aid/needs/{id}/offers', tags,
  summary: 'The nearest open offers that could meet this need (same category, overlapping time, within their reach)',
  description: 'For whoever may see the need. A poster outside the network sees `helper: null`. Empty once the need is not open.',
  request: { params: idParam, headers: ticketHeaders, query: matchQuerySchema },
  responses: { 200: jsonResponse(z.object({ offers: z.array(offerMatchSchema) }), 'Nearest first') },
});

const claim = endpoint({
  access: 'user', method: 'post', path: '/aid/needs/{id}/claim', tags,
  summary: 'Take an open need (members); you then see its place and contact',
  description: '409 `already_claimed` when someone else holds it, `not_open` when it is closed or its time has passed, `own_need` for your own. Claiming a need you already hold answers 200.',
  request: { params: idParam, body: jsonBody(claimSchema) },
  responses: { 200: needReply },
});

const release = endpoint({
  access: 'user', method: 'post', path: '/aid/needs/{id}/release', tags,
  summary: 'Give a claimed need back (its helper or a coordinator); it is open again, or expired if its time has passed',
  request: { params: idParam },
  responses: { 200: needReply },
});

const fulfil = endpoint({
  access: 'anyone', method: 'post', path: '/aid/needs/{id}/fulfil', tags,
  summary: 'Mark a need done (its poster, its helper or a coordinator); its details are destroyed after the retention window',
  request: { params: idParam, headers: ticketHeaders },
  responses: { 200: needReply },
});

const withdraw = endpoint({
  access: 'anyone', method: 'post', path: '/aid/needs/{id}/withdraw', tags,
  summary: 'Withdraw a need (its poster, by device ticket or account)',
  request: { params: idParam, headers: ticketHeaders },
  responses: { 200: needReply },
});

const assign = endpoint({
  access: 'user', method: 'post', path: '/aid/needs/{id}/assign', tags,
  summary: 'Give an open need to a member (coordinators); 422 `not_a_member` (fields.helper), 409 `already_claimed`',
  request: { params: idParam, body: jsonBody(assignSchema) },
  responses: { 200: needReply },
});

const remove = endpoint({
  access: 'user', method: 'delete', path: '/aid/needs/{id}', tags,
  summary: 'Remove an abusive need at once (coordinators); only a count under "removed" remains',
  request: { params: idParam },
  responses: { 204: noContent },
});

export function needRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(post, async (c) => {
    c.get('deps').limiter.hit('aid-need', c.get('networkKey'), hourly);
    const { replayed, ...posted } = await postNeed(ctxOf(c), c.req.valid('param').slug, c.req.valid('json'), c.req.valid('header')['idempotency-key']);
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(posted, 201);
  });
  api.openapi(list, async (c) => c.json({ needs: await listNeeds(ctxOf(c), c.req.valid('param').slug, c.req.valid('query')) }, 200));
  api.openapi(read, async (c) => c.json(await getNeed(ctxOf(c), c.req.valid('param').id, ticketOf(c)), 200));
  api.openapi(offers, async (c) => c.json({ offers: await offersForNeed(ctxOf(c), c.req.valid('param').id, ticketOf(c), c.req.valid('query').limit) }, 200));
  api.openapi(claim, async (c) => c.json(await claimNeed(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200));
  api.openapi(release, async (c) => c.json(await releaseNeed(ctxOf(c), c.req.valid('param').id), 200));
  api.openapi(fulfil, async (c) => c.json(await fulfilNeed(ctxOf(c), c.req.valid('param').id, ticketOf(c)), 200));
  api.openapi(withdraw, async (c) => c.json(await withdrawNeed(ctxOf(c), c.req.valid('param').id, ticketOf(c)), 200));
  api.openapi(assign, async (c) => c.json(await assignNeed(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200));
  api.openapi(remove, async (c) => {
    await removeNeed(ctxOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
