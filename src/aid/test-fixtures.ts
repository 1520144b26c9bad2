import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { Caller, testApp, type Reply, type TestApp } from '../../test/support/app.ts';
import type { TestStore } from '../../test/support/stores.ts';
import { JobRunner } from '../jobs/runner.ts';
import type { Mailer } from '../mail/mailer.ts';
import { mailHandler, mailJobKind } from '../mail/outbox.ts';
import type { DialectName } from '../store/store.ts';
import { aidMailComposers, registerAidJobs } from './jobs.ts';
import type { PostedNeed } from './model.ts';

/** Shared arrangements for the mutual aid tests, driven through the real HTTP app. */
export const api = '/api/v1';

/** Markers that must never be seen where they should not be: in a response, a row or the file. */
export const canary = {
  place: 'Canary Lane 17, flat 3',
  contact: 'signal +44 7700 900123 canary',
  email: 'canary.poster@example.org',
};

export interface AidWorld {
  t: TestApp;
  slug: string;
  coordinator: Caller;
  /** A member who offers help and takes needs. */
  helper: Caller;
  /** Another member who helps. */
  rival: Caller;
  /** A member who neither offers nor holds anything. */
  member: Caller;
  outsider: Caller;
  anonymous(): Caller;
  runner: JobRunner;
  person(handle: string): Promise<Caller>;
}

/** A public, open network with a coordinator, three members and an outsider. */
export async function aidWorld(dialect: DialectName, opts: { env?: Record<string, string>; mailer?: Mailer } = {}): Promise<AidWorld> {
  const t = await testApp(dialect, opts.env);
  let network = 0;
  const caller = () => new Caller(t.app, `198.18.${++network % 250}.${1 + Math.floor(network / 250)}`);
  const person = (handle: string) => caller().signUp(handle);
  const coordinator = await person('coord');
  const created = await coordinator.call('POST', `${api}/groups`, { name: 'Eastside Mutual Aid', kind: 'network', visibility: 'public', joinPolicy: 'open' });
  assert.equal(created.status, 201, created.text);
  const slug = created.body.slug as string;
  const members: Caller[] = [];
  for (const handle of ['helper', 'rival', 'member']) {
    const who = await person(handle);
    assert.equal((await who.call('POST', `${api}/groups/${slug}/join`, {})).status, 200);
    members.push(who);
  }
  const runner = registerAidJobs(new JobRunner({ store: t.fixture.store, clock: t.clock }), t.ctx());
  if (opts.mailer) runner.register(mailJobKind, mailHandler({ ctx: t.ctx(), mailer: opts.mailer, composers: aidMailComposers }));
  return { t, slug, coordinator, helper: members[0]!, rival: members[1]!, member: members[2]!, outsider: await person('outsider'), anonymous: caller, runner, person };
}

export const needBody = (extra: Record<string, unknown> = {}) => ({
  category: 'food',
  description: 'Groceries for a family of four this week',
  urgency: 'high',
  lat: 51.52341,
  lon: -0.08123,
  place: canary.place,
  contact: canary.contact,
  email: canary.email,
  ...extra,
});

export const offerBody = (extra: Record<string, unknown> = {}) => ({
  category: 'food',
  description: 'I can bring groceries by bike',
  lat: 51.53,
  lon: -0.09,
  radiusKm: 5,
  ...extra,
});

export async function postNeed(who: Caller, slug: string, extra: Record<string, unknown> = {}): Promise<PostedNeed> {
  const res = await who.call('POST', `${api}/groups/${slug}/aid/needs`, needBody(extra));
  assert.equal(res.status, 201, res.text);
  return res.body as PostedNeed;
}

export async function postOffer(who: Caller, slug: string, extra: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await who.call('POST', `${api}/groups/${slug}/aid/offers`, offerBody(extra));
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string };
}

export const withTicket = (ticket: string) => ({ 'x-blossom-ticket': ticket });

export function expectStatus(res: Reply, status: number, code?: string): void {
  assert.equal(res.status, status, res.text);
  if (code) assert.equal((res.body as { code?: string }).code, code, res.text);
}

/**
 * Where any of `needles` sits in the database in plaintext: every column of every table
 * (found through the catalogue, so tables added later are scanned too) and, on SQLite, the
 * raw bytes of the file and its WAL.
 */
export async function plaintextSightings(fixture: TestStore, needles: readonly string[]): Promise<string[]> {
  const { db, dialect } = fixture.store;
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((r) => r.name);
  assert.ok(tables.includes('aid_needs') && tables.includes('jobs'), `the scan sees the whole schema: ${tables.join(', ')}`);
  const sightings: string[] = [];
  for (const table of tables) {
    for (const row of (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows) {
      for (const [column, value] of Object.entries(row)) {
        const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
        for (const needle of needles) if (text.includes(needle)) sightings.push(`${table}.${column}: ${needle}`);
      }
    }
  }
  if (dialect === 'sqlite') {
    for (const path of [fixture.location, `${fixture.location}-wal`]) {
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      for (const needle of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) sightings.push(`${path}: ${needle}`);
    }
  }
  return sightings;
}
