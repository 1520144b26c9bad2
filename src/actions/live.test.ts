import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, skipReason } from '../../test/support/stores.ts';
import type { ReceivedEvent, SseReader } from '../realtime/sse-reader.ts';
import { api, stage, type Stage } from './organizer-fixtures.ts';
import { at, checkInNow, endsAt, ids, listen, rsvpFor, scene, stagingAt, targetAt, type Listening, type Scene } from './participation-fixtures.ts';

/**
 * The live channel over real sockets, along one action's timeline: streams opened early
 * and late, in every tier, while the release timers fire (ManualClock + runDue).
 */
for (const dialect of dialects) {
  describe(`actions: the live channel on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let sc: Scene;
    let server: Listening;
    const tickets: Record<'rsvp' | 'present' | 'rising', string> = { rsvp: '', present: '', rising: '' };
    const streams: Record<string, SseReader> = {};
    const livePath = (ticket?: string) => `${api}/actions/${sc.slug}/live?node=${sc.nodeId}${ticket ? `&ticket=${encodeURIComponent(ticket)}` : ''}`;
    const open = async (name: string, path: string, headers: Record<string, string> = {}) => {
      const stream = await server.follow(path, headers);
      assert.equal(stream.status, 200);
      await stream.reader.until((events) => events.some((e) => e.event === 'state'));
      streams[name] = stream.reader;
      return stream;
    };
    const texts = (events: readonly ReceivedEvent[]) => events.filter((e) => e.event === 'disclosure' || e.event === 'broadcast').map((e) => JSON.parse(e.data).text as string);
    // A second apart: broadcasts within one millisecond have no order between them.
    const broadcast = async (tier: string, text: string, nodeId: string | undefined = sc.nodeId) => {
      s.t.clock.advance(1000);
      const res = await sc.marshal.call('POST', `${api}/actions/${sc.slug}/broadcasts`, { tier, text, ...(nodeId ? { nodeId } : {}) });
      assert.equal(res.status, 201, res.text);
      return res.body.id as string;
    };

    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      sc = await scene(s, { tag: 'live' });
      server = await listen(s.t);
      s.t.clock.set(at(-30));
      const phones = { rsvp: s.anonymous(), present: s.anonymous(), rising: s.anonymous() };
      for (const name of ['rsvp', 'present', 'rising'] as const) tickets[name] = await rsvpFor(phones[name], sc.slug, sc.nodeId);
      await checkInNow(s, sc, phones.present, tickets.present);
    });
    after(async () => {
      await server?.close();
      await s?.t.dispose();
    });

    it('opens with a catch-up of what each tier may see, then the countdown state', { skip }, async () => {
      await open('rsvp', livePath(tickets.rsvp));
      await open('present', livePath(), { 'x-blossom-ticket': tickets.present });
      await open('marshal', livePath(), { cookie: sc.marshal.cookie! });
      await open('public', livePath());
      for (const name of ['rsvp', 'present', 'marshal']) {
        assert.deepEqual(ids(streams[name]!.events), [`${stagingAt}~d~${sc.staging.id}`, `${stagingAt}~d~${sc.staging.id}`], name);
        assert.deepEqual(streams[name]!.events.map((e) => e.event), ['disclosure', 'state']);
      }
      assert.deepEqual(streams.public!.events.map((e) => e.event), ['state']);
      const state = JSON.parse(streams.present!.events.at(-1)!.data);
      assert.deepEqual(state, {
        nodeId: sc.nodeId, city: 'London', zone: 'Europe/London', startsAt: at(0).toISOString(), startsLocal: '2026-06-20T17:00:00+01:00',
        endsAt, endsLocal: '2026-06-20T18:30:00+01:00', now: at(-30).toISOString(), tier: 'present',
      });
      assert.equal(JSON.parse(streams.marshal!.events.at(-1)!.data).tier, 'marshal');
      assert.equal(s.t.hub.count(), 4);
    });

    it('reveals the target at its instant to the present tier and up, never early, never to the rsvp tier', { skip }, async () => {
      await s.t.jobs.runDue();
      s.t.clock.set(new Date(Date.parse(targetAt) - 1));
      assert.equal(await s.t.jobs.runDue(), 0, 'nothing is due a millisecond before the reveal');
      s.t.clock.set(targetAt);
      assert.equal(await s.t.jobs.runDue(), 1);
      const targetId = `${targetAt}~d~${sc.target.id}`;
      for (const name of ['present', 'marshal']) await streams[name]!.until((events) => ids(events).includes(targetId));
      // A last word to every tier: once it has arrived, everything sent before it has too.
      await broadcast('rsvp', 'Stay together');
      for (const name of ['rsvp', 'present', 'marshal']) await streams[name]!.until((events) => texts(events).includes('Stay together'));
      assert.deepEqual(texts(streams.rsvp!.events), [sc.staging.text, 'Stay together']);
      assert.deepEqual(texts(streams.present!.events), [sc.staging.text, sc.target.text, 'Stay together']);
      assert.deepEqual(streams.public!.events.map((e) => e.event), ['state']);
      // The staging timer fired again meanwhile (it was due); its event, caught up already, was not repeated.
      assert.equal(ids(streams.present!.events, 'disclosure').length, 2);
      const target = JSON.parse(streams.present!.events.find((e) => e.id === targetId)!.data);
      assert.deepEqual(target, { id: sc.target.id, nodeId: sc.nodeId, tier: 'present', releaseAt: targetAt, text: sc.target.text, place: null });
    });

    it('sends broadcasts to their tier and the tiers above only', { skip }, async () => {
      await broadcast('present', 'Masks on');
      await broadcast('marshal', 'Police van at the corner');
      await streams.marshal!.until((events) => texts(events).includes('Police van at the corner'));
      await streams.present!.until((events) => texts(events).includes('Masks on'));
      await broadcast('rsvp', 'Second word');
      for (const name of ['rsvp', 'present']) await streams[name]!.until((events) => texts(events).includes('Second word'));
      assert.deepEqual(texts(streams.rsvp!.events), [sc.staging.text, 'Stay together', 'Second word']);
      assert.deepEqual(texts(streams.present!.events), [sc.staging.text, sc.target.text, 'Stay together', 'Masks on', 'Second word']);
      assert.ok(texts(streams.marshal!.events).includes('Masks on'));
      // Every city at once is for the organizers; a marshal of one city names it.
      const all = await sc.marshal.call('POST', `${api}/actions/${sc.slug}/broadcasts`, { tier: 'rsvp', text: 'Everyone!' });
      assert.equal(all.status, 403);
      const outsider = await s.person('live_outsider');
      assert.equal((await outsider.call('POST', `${api}/actions/${sc.slug}/broadcasts`, { tier: 'rsvp', text: 'Go home' })).status, 404);
      s.t.clock.advance(1000);
      const everywhere = await sc.organizer.call('POST', `${api}/actions/${sc.slug}/broadcasts`, { tier: 'rsvp', text: 'Everyone!' });
      assert.equal(everywhere.status, 201, everywhere.text);
      await streams.rsvp!.until((events) => texts(events).includes('Everyone!'));
      assert.equal((await sc.marshal.call('POST', `${api}/actions/${sc.slug}/broadcasts`, { tier: 'rsvp', text: 'x'.repeat(501), nodeId: sc.nodeId })).status, 422);
    });

    it('resumes after Last-Event-ID with what was missed and nothing twice', { skip }, async () => {
      const first = await open('resumer', livePath(tickets.present));
      const seen = ids(first.reader.events);
      await first.close();
      const missed = await broadcast('present', 'Left at the lights');
      s.t.clock.set(at(-1));
      const again = await open('resumed', livePath(tickets.present), { 'last-event-id': seen.at(-1)! });
      const events = again.reader.events;
      assert.deepEqual(events.map((e) => e.event), ['broadcast', 'state']);
      assert.ok(events[0]!.id!.endsWith(`~b~${missed}`));
      assert.equal(events.at(-1)!.id, events[0]!.id, 'the resume point moves to the last event sent, no further');
      await again.close();
    });

    it('gives a holder who rose to present since their resume point what the higher tier had missed', { skip }, async () => {
      const before = await open('rising', livePath(tickets.rising));
      const resumeAt = ids(before.reader.events).at(-1)!;
      assert.ok(!texts(before.reader.events).includes(sc.target.text));
      await before.close();
      const qr = await sc.marshal.call('POST', `${api}/actions/${sc.slug}/nodes/${sc.nodeId}/checkins`, { ticket: tickets.rising });
      assert.equal(qr.status, 200);
      const after = await open('risen', livePath(tickets.rising), { 'last-event-id': resumeAt });
      assert.ok(texts(after.reader.events).includes(sc.target.text));
      assert.equal(JSON.parse(after.reader.events.at(-1)!.data).tier, 'present');
      await after.close();
    });

    it('tells every tier to disperse at the end, and a late phone gets the whole story', { skip }, async () => {
      s.t.clock.set(endsAt);
      await s.t.jobs.runDue();
      const disperseId = `${endsAt}~x~${sc.nodeId}`;
      for (const name of ['rsvp', 'present', 'marshal', 'public']) await streams[name]!.until((events) => ids(events).includes(disperseId));
      assert.deepEqual(JSON.parse(streams.public!.events.find((e) => e.id === disperseId)!.data), { nodeId: sc.nodeId, endsAt });
      s.t.clock.set(at(100));
      const late = await open('late', livePath(tickets.present));
      const kinds = late.reader.events.map((e) => e.event);
      assert.deepEqual(kinds.filter((k) => k !== 'broadcast'), ['disclosure', 'disclosure', 'disperse', 'state']);
      assert.deepEqual(texts(late.reader.events), [sc.staging.text, sc.target.text, 'Stay together', 'Masks on', 'Second word', 'Everyone!', 'Left at the lights']);
      const sorted = [...ids(late.reader.events).slice(0, -1)].sort();
      assert.deepEqual(ids(late.reader.events).slice(0, -1), sorted, 'oldest first');
      await late.close();
    });

    it('refuses streams for nodes one may not see', { skip }, async () => {
      const hidden = await server.follow(`${api}/actions/${sc.slug}/live?node=no-such-node`);
      assert.equal(hidden.status, 404);
      const missing = await server.follow(`${api}/actions/no-such-action/live?node=${sc.nodeId}`);
      assert.equal(missing.status, 404);
      await hidden.close();
      await missing.close();
    });
  });
}
