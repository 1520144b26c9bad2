import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Caller } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { addMs, instant } from '../core/clock.ts';
import { aidWorld, api, expectStatus, plaintextSightings, postOffer, withTicket, type AidWorld } from './test-fixtures.ts';

/**
 * The promise of the issue: no route shows a need's exact place or contact to anyone but its
 * poster and the helper holding its claim — in any state, to any caller. Every GET operation
 * of the API (read from the OpenAPI document, so a new route is swept too) is called by every
 * kind of caller, for needs in every state, and every answer is searched for the markers.
 * Coordinators are deliberately among those who must not see them.
 */
const states = ['open', 'claimed', 'released', 'fulfilled', 'withdrawn', 'expired'] as const;
type State = (typeof states)[number];
const viewers = ['anonymous', 'wrong-ticket', 'outsider', 'admin', 'member', 'rival', 'claimer', 'coordinator', 'poster', 'account-poster'] as const;
type Viewer = (typeof viewers)[number];

interface Posted {
  id: string;
  ticket: string;
  /** Unique markers of this need, so one need's details cannot be mistaken for another's. */
  place: string;
  contact: string;
  email: string;
  /** Who posted it: by ticket with no account, or logged in. */
  by: 'poster' | 'account-poster';
}

const getOperations = (): string[] => {
  const doc = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).filter(([, ops]) => 'get' in ops).map(([path]) => path);
};

for (const dialect of dialects) {
  describe(`need privacy sweep on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let w: AidWorld;
    let callers: Record<Exclude<Viewer, 'wrong-ticket' | 'poster'>, Caller>;
    const posted: Array<Posted & { state: State }> = [];
    before(async () => {
      if (skip) return;
      w = await aidWorld(dialect);
      const admin = await w.person('admin');
      await w.t.fixture.store.db.updateTable('users').set({ is_admin: 1 }).where('handle', '=', 'admin').execute();
      callers = { anonymous: w.anonymous(), outsider: w.outsider, admin, member: w.member, rival: w.rival, claimer: w.helper, coordinator: w.coordinator, 'account-poster': await w.person('neighbour') };
      await postOffer(w.rival, w.slug);
      await postOffer(w.helper, w.slug);
    });
    after(async () => w?.t.dispose());

    async function post(state: State, by: Posted['by'], n: number): Promise<Posted & { state: State }> {
      const marks = { place: `${n} Canary Row, ${state}`, contact: `canary-${state}-${n}@signal`, email: `canary.${state}.${n}@example.org` };
      const who = by === 'poster' ? w.anonymous() : callers['account-poster'];
      const until = state === 'expired' ? instant(addMs(w.t.clock.now(), 60 * 60 * 1000)) : undefined;
      const res = await who.call('POST', `${api}/groups/${w.slug}/aid/needs`, { category: 'food', description: `Need ${n} (${state})`, lat: 51.52, lon: -0.08, ...marks, ...(until ? { until } : {}) });
      expectStatus(res, 201);
      const need = { id: res.body.need.id as string, ticket: res.body.ticket as string, ...marks, by, state };
      posted.push(need);
      return need;
    }

    async function bringTo(need: Posted, state: State): Promise<void> {
      const poster = by(need);
      const headers = need.by === 'poster' ? withTicket(need.ticket) : {};
      if (state === 'open' || state === 'expired') return;
      expectStatus(await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {}), 200);
      if (state === 'released') expectStatus(await w.helper.call('POST', `${api}/aid/needs/${need.id}/release`), 200);
      if (state === 'fulfilled') expectStatus(await poster.call('POST', `${api}/aid/needs/${need.id}/fulfil`, undefined, headers), 200);
      if (state === 'withdrawn') expectStatus(await poster.call('POST', `${api}/aid/needs/${need.id}/withdraw`, undefined, headers), 200);
    }

    const by = (need: Posted): Caller => (need.by === 'poster' ? w.anonymous() : callers['account-poster']);

    /** The caller and headers for a viewer looking at one need. */
    function as(viewer: Viewer, need: Posted): { who: Caller; headers: Record<string, string> } {
      if (viewer === 'poster') return { who: w.anonymous(), headers: need.by === 'poster' ? withTicket(need.ticket) : {} };
      if (viewer === 'wrong-ticket') return { who: w.anonymous(), headers: withTicket(`${need.ticket.slice(0, -2)}xx`) };
      return { who: callers[viewer], headers: {} };
    }

    const isPoster = (viewer: Viewer, need: Posted) => viewer === need.by;

    async function sweep(need: Posted & { state: State }, state: State): Promise<number> {
      let shown = 0;
      for (const viewer of viewers) {
        const { who, headers } = as(viewer, need);
        const maySee = isPoster(viewer, need) || (viewer === 'claimer' && state === 'claimed');
        for (const template of getOperations()) {
          const path = template.replace('{slug}', w.slug).replace('{id}', need.id).replace('{handle}', 'helper').replace(/\{[a-zA-Z]+\}/g, 'x');
          const res = await who.call('GET', path, undefined, headers);
          const where = `${viewer} GET ${template} (${state}, posted by ${need.by})`;
          if (!maySee) {
            assert.ok(!res.text.includes(need.place) && !res.text.includes(need.contact), `${where} showed the place or contact`);
          }
          if (!isPoster(viewer, need)) assert.ok(!res.text.includes(need.email), `${where} showed the email`);
          if (res.text.includes(need.place)) shown++;
        }
        // The positive control: those who may see it do see it on the need's own page.
        const own = await who.call('GET', `${api}/aid/needs/${need.id}`, undefined, headers);
        if (maySee) {
          expectStatus(own, 200);
          assert.equal(own.body.details.place, need.place, `${viewer} should see the place (${state})`);
          assert.equal(own.body.details.contact, need.contact);
          assert.equal(own.body.details.email, isPoster(viewer, need) ? need.email : null);
        } else if (own.status === 200) {
          assert.equal(own.body.details, null, `${viewer} got details (${state})`);
        }
      }
      return shown;
    }

    let n = 0;
    for (const state of states) {
      it(`shows the place and contact of a ${state} need only to its poster${state === 'claimed' ? ' and its helper' : ''}`, { skip }, async () => {
        const needs = [await post(state, 'poster', ++n), await post(state, 'account-poster', ++n)];
        for (const need of needs) await bringTo(need, state);
        if (state === 'expired') {
          w.t.clock.advance(2 * 60 * 60 * 1000);
          await w.runner.runDue();
        }
        for (const need of needs) {
          const seen = await w.coordinator.call('GET', `${api}/aid/needs/${need.id}`);
          assert.equal(seen.body.status, state === 'released' ? 'open' : state);
          assert.ok((await sweep(need, state)) > 0, 'the markers are findable where they belong');
        }
      });
    }

    it('never writes a place, contact or email to the database in plaintext', { skip }, async () => {
      const needles = posted.flatMap((need) => [need.place, need.contact, need.email]);
      assert.ok(needles.length >= 36);
      assert.deepEqual(await plaintextSightings(w.t.fixture, needles), []);
    });
  });
}
