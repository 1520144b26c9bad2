import assert from 'node:assert/strict';
import { Caller, testApp, type TestApp } from '../../test/support/app.ts';
import type { TestStore } from '../../test/support/stores.ts';
import { instant, type Clock } from '../core/clock.ts';
import { hashToken, secretToken, uuidv7 } from '../core/ids.ts';
import type { DialectName } from '../store/store.ts';
import type { ActionView } from './views.ts';

/** Shared arrangements for the action tests, driven through the real HTTP app. */
export const api = '/api/v1';

export interface Stage {
  t: TestApp;
  /** A signed-up, logged-in person from their own network (so sign-up limits never join in). */
  person(handle: string): Promise<Caller>;
  /** Someone with no account. */
  anonymous(): Caller;
}

export async function stage(dialect: DialectName): Promise<Stage> {
  const t = await testApp(dialect, { BLOSSOM_TRUST_PROXY: 'true' });
  let network = 0;
  const caller = () => new Caller(t.app, `198.18.${++network % 250}.${1 + Math.floor(network / 250)}`);
  return { t, person: (handle) => caller().signUp(handle), anonymous: caller };
}

export async function newGroup(coordinator: Caller, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await coordinator.call('POST', `${api}/groups`, { name, kind: 'affinity', visibility: 'public', joinPolicy: 'open', ...extra });
  assert.equal(res.status, 201, res.text);
  return res.body.slug as string;
}

export async function join(person: Caller, groupSlug: string): Promise<void> {
  const res = await person.call('POST', `${api}/groups/${groupSlug}/join`, {});
  assert.equal(res.status, 200, res.text);
}

export async function promote(coordinator: Caller, groupSlug: string, handle: string): Promise<void> {
  const res = await coordinator.call('PATCH', `${api}/groups/${groupSlug}/members/${handle}`, { role: 'coordinator' });
  assert.equal(res.status, 204, res.text);
}

export const sameInstant = (at: string) => ({ mode: 'same-instant', at });
export const sameLocal = (wall: string) => ({ mode: 'same-local', wall });

export async function draftAction(organizer: Caller, groupSlug: string, extra: Record<string, unknown> = {}): Promise<ActionView> {
  const res = await organizer.call('POST', `${api}/groups/${groupSlug}/actions`, {
    title: 'Bloom on the square',
    call: 'Come **as you are**.',
    bring: 'Water, a flower',
    visibility: 'open',
    timing: sameInstant('2026-06-20T16:00:00Z'),
    durationMinutes: 90,
    ...extra,
  });
  assert.equal(res.status, 201, res.text);
  return res.body as ActionView;
}

export async function addNode(caller: Caller, slug: string, city: string, zone: string, extra: Record<string, unknown> = {}): Promise<ActionView['nodes'][number]> {
  const res = await caller.call('POST', `${api}/actions/${slug}/nodes`, { city, zone, ...extra });
  assert.equal(res.status, 201, res.text);
  return res.body as ActionView['nodes'][number];
}

export async function publish(organizer: Caller, slug: string): Promise<ActionView> {
  const res = await organizer.call('POST', `${api}/actions/${slug}/publish`);
  assert.equal(res.status, 200, res.text);
  return res.body as ActionView;
}

/**
 * An RSVP written straight into the table: the RSVP and check-in endpoints belong to the
 * participant side; these tests only need the rows that decide a tier.
 */
export async function rsvp(t: { fixture: TestStore; clock: Clock }, slug: string, nodeId: string, opts: { userId?: string; checkedIn?: boolean } = {}): Promise<string> {
  const db = t.fixture.store.db;
  const action = await db.selectFrom('actions').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
  const ticket = secretToken();
  const now = instant(t.clock.now());
  await db
    .insertInto('rsvps')
    .values({
      id: uuidv7(),
      action_id: action.id,
      node_id: nodeId,
      ticket_hash: hashToken(ticket),
      user_id: opts.userId ?? null,
      checked_in_at: opts.checkedIn ? now : null,
      created_at: now,
    })
    .execute();
  return ticket;
}

export async function userId(t: { fixture: TestStore }, handle: string): Promise<string> {
  const row = await t.fixture.store.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow();
  return row.id;
}
