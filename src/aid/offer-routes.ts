import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ctxOf, type AppEnv } from '../http/env.ts';
import { endpoint, jsonBody, jsonResponse, noContent } from '../http/endpoint.ts';
import { matchesForMe } from './matches.ts';
import { listQuerySchema, matchQuerySchema, needMatchSchema, newOfferSchema, offerSchema } from './model.ts';
import { listOffers, postOffer, withdrawOffer } from './offers.ts';
import { idParam, idempotencyHeaders, replayedHeader, slugParam } from './route-params.ts';

const tags = ['mutual aid'];

const post = endpoint({
  access: 'user', method: 'post', path: '/groups/{slug}/aid/offers', tags,
  summary: 'Offer help (members): a category, a window, a coarse area and how far you will go',
  description: '422 `unknown_category` (fields.category), `invalid_window`, `idempotency_key_reused`. The offer is deleted when its window ends.',
  request: { params: slugParam, headers: idempotencyHeaders, body: jsonBody(newOfferSchema) },
  responses: { 201: { ...jsonResponse(offerSchema, 'The new offer'), headers: replayedHeader } },
});

const list = endpoint({
  access: 'user', method: 'get', path: '/groups/{slug}/aid/offers', tags,
  summary: "Current offers of a network, for its members (newest first; with lat and lon, nearest first within km)",
  request: { params: slugParam, query: listQuerySchema },
  responses: { 200: jsonResponse(z.object({ offers: z.array(offerSchema) }), 'Current offers') },
});

const withdraw = endpoint({
  access: 'user', method: 'delete', path: '/aid/offers/{id}', tags,
  summary: 'Take an offer down (its helper, or a coordinator removing abuse); needs claimed through it stay claimed',
  request: { params: idParam },
  responses: { 204: noContent },
});

const matches = endpoint({
  access: 'user', method: 'get', path: '/groups/{slug}/aid/matches', tags,
  summary: 'For a helper: the nearest open needs that fit any of my current offers here',
  description: 'Same category, overlapping time, within the offer’s reach; nearest first, then most urgent. Each need once, with the offer it fits best.',
  request: { params: slugParam, query: matchQuerySchema },
  responses: { 200: jsonResponse(z.object({ needs: z.array(needMatchSchema) }), 'Nearest first') },
});

export function offerRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(post, async (c) => {
    const { replayed, ...offer } = await postOffer(ctxOf(c), c.req.valid('param').slug, c.req.valid('json'), c.req.valid('header')['idempotency-key']);
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(offer, 201);
  });
  api.openapi(list, async (c) => c.json({ offers: await listOffers(ctxOf(c), c.req.valid('param').slug, c.req.valid('query')) }, 200));
  api.openapi(withdraw, async (c) => {
    await withdrawOffer(ctxOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
  api.openapi(matches, async (c) => c.json({ needs: await matchesForMe(ctxOf(c), c.req.valid('param').slug, c.req.valid('query').limit) }, 200));
}
