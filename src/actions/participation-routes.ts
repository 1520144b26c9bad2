import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { hashToken } from '../core/ids.ts';
import type { Actor } from '../core/context.ts';
import { ctxFor, ctxOf, type AppDeps, type AppEnv } from '../http/env.ts';
import { leanEndpoint } from '../http/lean.ts';
import { endpoint, jsonBody, jsonResponse, noContent, problemSchema } from '../http/endpoint.ts';
import { sseResponse } from '../realtime/sse-response.ts';
import { sendBroadcast } from './broadcasts.ts';
import { checkIn, checkInByMarshal } from './checkin.ts';
import { liveCatchUp, liveSeat } from './live.ts';
import {
  broadcastViewSchema, checkInRequestSchema, type CheckInRequest, checkInResultSchema, holderViewSchema, liveHeadersSchema, liveQuerySchema,
  marshalCheckInRequestSchema, marshalCheckInResultSchema, newBroadcastSchema, rsvpCreatedSchema, rsvpRequestSchema,
} from './participation-views.ts';
import { nodeParams, slugParam, ticketHeaders, ticketOf, ticketQuery } from './route-params.ts';
import { cleanTicket } from './policy.ts';
import { holderView, rsvpTo, withdrawRsvp } from './rsvp.ts';

const tags = ['actions'];
const minutes = (n: number) => n * 60_000;
const erased = { description: 'The action is over and erased; only its public call remains.', content: { 'application/problem+json': { schema: problemSchema } } };
/** Generous per network: a whole staging point may share one carrier's addresses. */
const limits = {
  rsvp: { max: 100, windowMs: minutes(10) },
  codePerTicket: { max: 10, windowMs: minutes(5) },
  codePerNetwork: { max: 300, windowMs: minutes(5) },
  broadcast: { max: 30, windowMs: minutes(10) },
};

const rsvp = endpoint({
  access: 'anyone', method: 'post', path: '/actions/{slug}/rsvp', tags,
  summary: 'Say you will come to a city, with or without an account; the answer holds the device ticket, shown once',
  request: { params: slugParam, headers: ticketHeaders, body: jsonBody(rsvpRequestSchema) },
  responses: { 201: jsonResponse(rsvpCreatedSchema, 'The RSVP and its device ticket') },
});

const withdraw = endpoint({
  access: 'anyone', method: 'delete', path: '/actions/{slug}/rsvp', tags,
  summary: 'Withdraw the RSVP of this ticket (or of the signed-in person)',
  request: { params: slugParam, query: ticketQuery, headers: ticketHeaders },
  responses: { 204: noContent },
});

const me = endpoint({
  access: 'anyone', method: 'get', path: '/actions/{slug}/me', tags,
  summary: 'The holder of this ticket (or session): their city, tier and what that tier may see now',
  request: { params: slugParam, query: ticketQuery, headers: ticketHeaders },
  responses: { 200: jsonResponse(holderViewSchema, 'The holder'), 410: erased },
});

const checkin = endpoint({
  access: 'anyone', method: 'post', path: '/actions/{slug}/checkin', tags,
  summary: 'Check in at the staging point with the code the marshals show; then reopen the live stream',
  request: { params: slugParam, headers: ticketHeaders, body: jsonBody(checkInRequestSchema) },
  responses: { 200: jsonResponse(checkInResultSchema, 'Present; what that has made visible') },
});

const marshalCheckin = endpoint({
  access: 'user', method: 'post', path: '/actions/{slug}/nodes/{nodeId}/checkins', tags,
  summary: 'Check a participant in by scanning their ticket\'s QR code (marshals of the node)',
  request: { params: nodeParams, body: jsonBody(marshalCheckInRequestSchema) },
  responses: { 200: jsonResponse(marshalCheckInResultSchema, 'Checked in') },
});

const live = endpoint({
  access: 'anyone', method: 'get', path: '/actions/{slug}/live', tags,
  summary: 'The live channel of a city (SSE): countdown state, disclosures at their release for your tier, broadcasts, dispersal',
  description: 'Events: `state`, `disclosure` (id `<releaseAt>~d~<id>`), `broadcast` (`<createdAt>~b~<id>`), `disperse` (`<endsAt>~x~<nodeId>`). '
    + 'Resumes after Last-Event-ID. The tier is fixed when the stream opens: after checking in, open a fresh stream.',
  request: { params: slugParam, query: liveQuerySchema, headers: liveHeadersSchema },
  responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } }, 410: erased },
});

const broadcast = endpoint({
  access: 'user', method: 'post', path: '/actions/{slug}/broadcasts', tags,
  summary: 'Tell a tier of one city, or of every city, something now (marshals; every city: organizers)',
  request: { params: slugParam, body: jsonBody(newBroadcastSchema) },
  responses: { 201: jsonResponse(broadcastViewSchema, 'Sent, and kept for whoever connects later') },
});

interface Caller {
  deps: AppDeps;
  actor: Actor | null;
  networkKey: string;
  ticket: string | null;
}

/** The check-in route's work, whichever way the request came in: through Hono, or the lean path. */
async function checkInAs(caller: Caller, slug: string, input: CheckInRequest) {
  const { deps, actor, networkKey, ticket } = caller;
  deps.limiter.hit('checkin-code', ticket !== null ? hashToken(ticket) : (actor?.userId ?? networkKey), limits.codePerTicket);
  deps.limiter.hit('checkin-code-network', networkKey, limits.codePerNetwork);
  return checkIn(ctxFor(deps, actor), slug, input, ticket);
}

/**
 * A whole staging point checks in within minutes, from phones that carry a ticket and no
 * session: those requests skip Hono (http/lean.ts). Others take the route above.
 */
export const leanParticipationEndpoints = [
  leanEndpoint(checkin, 200, (call) => checkInAs({ deps: call.deps, actor: null, networkKey: call.networkKey, ticket: cleanTicket(call.headers['x-blossom-ticket']) }, call.params.slug, call.body)),
];

export function participationRoutes(api: OpenAPIHono<AppEnv>): void {
  api.openapi(rsvp, async (c) => {
    c.get('deps').limiter.hit('action-rsvp', c.get('networkKey'), limits.rsvp);
    return c.json(await rsvpTo(ctxOf(c), c.req.valid('param').slug, c.req.valid('json'), ticketOf(c)), 201);
  });
  api.openapi(withdraw, async (c) => {
    await withdrawRsvp(ctxOf(c), c.req.valid('param').slug, ticketOf(c));
    return c.body(null, 204);
  });
  api.openapi(me, async (c) => c.json(await holderView(ctxOf(c), c.req.valid('param').slug, ticketOf(c)), 200));
  api.openapi(checkin, async (c) => {
    const caller = { deps: c.get('deps'), actor: c.get('actor'), networkKey: c.get('networkKey'), ticket: ticketOf(c) };
    return c.json(await checkInAs(caller, c.req.valid('param').slug, c.req.valid('json')), 200);
  });
  api.openapi(marshalCheckin, async (c) => {
    const { slug, nodeId } = c.req.valid('param');
    return c.json(await checkInByMarshal(ctxOf(c), slug, nodeId, c.req.valid('json')), 200);
  });
  api.openapi(live, async (c) => {
    const ctx = ctxOf(c);
    const seat = await liveSeat(ctx, c.req.valid('param').slug, c.req.valid('query').node, ticketOf(c));
    return sseResponse(c, { hub: c.get('deps').hub, topic: seat.topic, audience: seat.tier, catchUp: (lastEventId) => liveCatchUp(ctx, seat, lastEventId) });
  });
  api.openapi(broadcast, async (c) => {
    c.get('deps').limiter.hit('action-broadcast', c.get('actor')?.userId ?? c.get('networkKey'), limits.broadcast);
    const deps = c.get('deps');
    return c.json(await sendBroadcast(ctxOf(c), deps.bus, c.req.valid('param').slug, c.req.valid('json')), 201);
  });
}
