import assert from 'node:assert/strict';
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Caller, TestApp } from '../../test/support/app.ts';
import type { Job } from '../jobs/model.ts';
import { SseReader, type ReceivedEvent } from '../realtime/sse-reader.ts';
import { liveBusTopic } from './live-events.ts';
import { addNode, api, draftAction, join, newGroup, publish, type Stage } from './organizer-fixtures.ts';

/**
 * Arrangements for the participant-side tests: one published action in London, starting
 * 2026-06-20T16:00Z for 90 minutes, with a staging point (rsvp, T-120) and a target
 * (present, T-5), each carrying a canary text; and ways to read its live channel.
 */
export const start = Date.parse('2026-06-20T16:00:00Z');
export const minute = 60_000;
export const at = (offsetMinutes: number) => new Date(start + offsetMinutes * minute);
export const stagingAt = at(-120).toISOString();
export const targetAt = at(-5).toISOString();
export const endsAt = at(90).toISOString();

export interface Scene {
  slug: string;
  actionId: string;
  nodeId: string;
  organizer: Caller;
  /** Appointed marshal of the London node (a member of the owning group). */
  marshal: Caller;
  staging: { id: string; text: string };
  target: { id: string; text: string };
}

export async function scene(s: Stage, opts: { tag: string; capacity?: number; retentionMinutes?: number; keepCounts?: boolean; visibility?: string }): Promise<Scene> {
  const organizer = await s.person(`org_${opts.tag}`);
  const marshal = await s.person(`mar_${opts.tag}`);
  const group = await newGroup(organizer, `Crew ${opts.tag}`);
  await join(marshal, group);
  const action = await draftAction(organizer, group, {
    visibility: opts.visibility ?? 'open',
    retentionMinutes: opts.retentionMinutes ?? 60,
    keepCounts: opts.keepCounts ?? false,
  });
  const node = await addNode(organizer, action.slug, 'London', 'Europe/London', { marshals: [`mar_${opts.tag}`], capacity: opts.capacity ?? null });
  const disclose = async (tier: string, offsetMinutes: number, text: string) => {
    const res = await organizer.call('POST', `${api}/actions/${action.slug}/disclosures`, { tier, offsetMinutes, text });
    assert.equal(res.status, 201, res.text);
    return { id: res.body.id as string, text };
  };
  const staging = await disclose('rsvp', -120, `CANARY-staging-${opts.tag}`);
  const target = await disclose('present', -5, `CANARY-target-${opts.tag}`);
  await publish(organizer, action.slug);
  const row = await s.t.fixture.store.db.selectFrom('actions').select('id').where('slug', '=', action.slug).executeTakeFirstOrThrow();
  return { slug: action.slug, actionId: row.id, nodeId: node.id, organizer, marshal, staging, target };
}

/** An RSVP through the API, as a phone makes it. */
export async function rsvpFor(caller: Caller, slug: string, nodeId: string): Promise<string> {
  const res = await caller.call('POST', `${api}/actions/${slug}/rsvp`, { nodeId });
  assert.equal(res.status, 201, res.text);
  return res.body.ticket as string;
}

export const ticketHeader = (ticket: string) => ({ 'x-blossom-ticket': ticket });

/** Checks in with the code the marshal's screen shows now. */
export async function checkInNow(s: Stage, sc: Scene, caller: Caller, ticket: string): Promise<void> {
  const code = await sc.marshal.call('GET', `${api}/actions/${sc.slug}/nodes/${sc.nodeId}/code`);
  assert.equal(code.status, 200, code.text);
  const res = await caller.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: code.body.code }, ticketHeader(ticket));
  assert.equal(res.status, 200, res.text);
}

/** Everything the bus tells the live channels, for counting what fired. */
export function busLog(t: TestApp): { kind: string; [field: string]: unknown }[] {
  const heard: { kind: string }[] = [];
  t.bus.subscribe(liveBusTopic, (message) => void heard.push({ ...message }));
  return heard;
}

/** The catch-up of a live stream, read in-process until its closing `state` event. */
export async function catchUpOf(t: TestApp, caller: Caller | null, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; events: ReceivedEvent[] }> {
  const res = await t.app.request(path, { headers: { ...headers, ...(caller?.cookie ? { cookie: caller.cookie } : {}) } });
  if (res.status !== 200) return { status: res.status, text: await res.text(), events: [] };
  const reader = new SseReader(res.body!);
  await reader.until((events) => events.some((e) => e.event === 'state'));
  await reader.cancel();
  return { status: 200, text: reader.events.map((e) => `${e.id} ${e.event} ${e.data}`).join('\n'), events: reader.events };
}

export interface Listening {
  url: string;
  /** Opens a stream as a phone's EventSource would, with fetch. */
  follow(path: string, headers?: Record<string, string>): Promise<{ status: number; reader: SseReader; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** The test app on a real loopback port, so the live route writes to real sockets. */
export async function listen(t: TestApp): Promise<Listening> {
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const open = new Set<AbortController>();
  return {
    url,
    async follow(path, headers = {}) {
      const abort = new AbortController();
      open.add(abort);
      const res = await fetch(url + path, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
      const reader = new SseReader(res.body!);
      return { status: res.status, reader, close: async () => void abort.abort() };
    },
    async close() {
      for (const abort of open) abort.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export const ids = (events: readonly ReceivedEvent[], kind?: string) => events.filter((e) => kind === undefined || e.event === kind).map((e) => e.id);

/** A job as the runner hands it over, for calling a handler at a chosen moment. */
export const jobOf = (kind: string, payload: Job['payload']): Job => ({ id: 'test-job', kind, runAt: new Date(0), payload, attempt: 1 });
