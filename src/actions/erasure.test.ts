import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { api, stage, type Stage } from './organizer-fixtures.ts';
import { at, checkInNow, listen, rsvpFor, scene, ticketHeader, type Listening, type Scene } from './participation-fixtures.ts';
import { heldNodeCodes } from './keys.ts';
import { plaintextSightings } from './plaintext-scan.ts';

for (const dialect of dialects) {
  describe(`actions: erasure on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let sc: Scene;
    let server: Listening;
    const tickets: string[] = [];
    const whisper = 'CANARY-broadcast-erasure';
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      sc = await scene(s, { tag: 'erasure', keepCounts: true, retentionMinutes: 60 });
      server = await listen(s.t);
      s.t.clock.set(at(-20));
      for (let i = 0; i < 3; i++) tickets.push(await rsvpFor(s.anonymous(), sc.slug, sc.nodeId));
      for (const ticket of tickets.slice(0, 2)) await checkInNow(s, sc, s.anonymous(), ticket);
      const said = await sc.marshal.call('POST', `${api}/actions/${sc.slug}/broadcasts`, { tier: 'present', text: whisper, nodeId: sc.nodeId });
      assert.equal(said.status, 201);
    });
    after(async () => {
      await server?.close();
      await s?.t.dispose();
    });

    const db = () => s.t.fixture.store.db;
    const status = async () => (await db().selectFrom('actions').select('status').where('id', '=', sc.actionId).executeTakeFirstOrThrow()).status;

    it('waits for the last dispersal plus the retention window, moving with it', { skip }, async () => {
      assert.equal((await sc.organizer.call('PATCH', `${api}/actions/${sc.slug}`, { retentionMinutes: 120 })).status, 200);
      s.t.clock.set(at(150));
      await s.t.jobs.runDue();
      assert.equal(await status(), 'published');
      assert.equal((await sc.organizer.call('PATCH', `${api}/actions/${sc.slug}`, { retentionMinutes: 60 })).status, 200);
      s.t.clock.set(new Date(at(150).getTime() - 1));
      await s.t.jobs.runDue();
      assert.equal(await status(), 'published');
    });

    it('destroys the key and every secret at once, keeping only the public call and the counts', { skip }, async () => {
      const stream = await server.follow(`${api}/actions/${sc.slug}/live?node=${sc.nodeId}`, ticketHeader(tickets[0]!));
      await stream.reader.until((events) => events.some((e) => e.event === 'state'));
      const wrappedKey = (await db().selectFrom('actions').select('wrapped_key').where('id', '=', sc.actionId).executeTakeFirstOrThrow()).wrapped_key!;
      const codeSecret = (await db().selectFrom('action_nodes').select('code_secret').where('id', '=', sc.nodeId).executeTakeFirstOrThrow()).code_secret;
      assert.ok(heldNodeCodes(sc.actionId) > 0, 'the check-ins opened the node code key');
      s.t.clock.set(at(150));
      await s.t.jobs.runDue();
      assert.equal(await status(), 'erased');
      assert.equal(heldNodeCodes(sc.actionId), 0, 'no opened node code key outlives erasure');
      // The phones are cut off; their reconnect hears the action is gone.
      await stream.reader.done;
      assert.equal(s.t.hub.count(), 0);

      const action = await db().selectFrom('actions').selectAll().where('id', '=', sc.actionId).executeTakeFirstOrThrow();
      assert.deepEqual([action.wrapped_key, action.erased_at], [null, at(150).toISOString()]);
      assert.equal(action.title, 'Bloom on the square');
      for (const table of ['disclosures', 'rsvps', 'broadcasts'] as const) {
        assert.deepEqual(await db().selectFrom(table).select('id').where('action_id', '=', sc.actionId).execute(), [], table);
      }
      assert.deepEqual(await db().selectFrom('node_marshals').selectAll().where('node_id', '=', sc.nodeId).execute(), []);
      const node = await db().selectFrom('action_nodes').selectAll().where('id', '=', sc.nodeId).executeTakeFirstOrThrow();
      assert.equal(node.code_secret, '');
      const counts = await db().selectFrom('action_counts').selectAll().where('action_id', '=', sc.actionId).execute();
      assert.deepEqual(counts.map((c) => [c.node_id, Number(c.rsvps), Number(c.checkins)]), [[sc.nodeId, 3, 2]]);
      const timers = (await db().selectFrom('jobs').select('dedupe_key').execute()).filter((j) => j.dedupe_key?.includes(sc.nodeId));
      assert.deepEqual(timers, [], 'not even when the reveals were');
      // The wrapped key and the sealed code secret are gone from the tables, and on SQLite from the file and its WAL too.
      const needles = [sc.staging.text, sc.target.text, whisper, ...tickets, wrappedKey, codeSecret];
      assert.deepEqual(await plaintextSightings(s.t.fixture, needles), []);
    });

    it('answers every participant and organizer route as an erased action', { skip }, async () => {
      const phone = s.anonymous();
      const view = await phone.call('GET', `${api}/actions/${sc.slug}`, undefined, ticketHeader(tickets[0]!));
      assert.equal(view.status, 200);
      assert.equal(view.body.status, 'erased');
      assert.equal(view.body.call, 'Come **as you are**.');
      assert.deepEqual(view.body.nodes.map((n: { city: string; tier: string; disclosures: unknown[] }) => [n.city, n.tier, n.disclosures.length]), [['London', 'public', 0]]);
      const organizerView = await sc.organizer.call('GET', `${api}/actions/${sc.slug}`);
      assert.deepEqual(organizerView.body.nodes[0].counts, { rsvps: 3, checkins: 2 });
      assert.deepEqual(organizerView.body.nodes[0].disclosures, []);

      const expect = async (caller: typeof phone, method: string, path: string, wanted: number, code?: string, body?: unknown, headers = ticketHeader(tickets[0]!)) => {
        const res = await caller.call(method, `${api}/actions/${sc.slug}${path}`, body, headers);
        assert.equal(res.status, wanted, `${method} ${path}: ${res.text}`);
        if (code) assert.equal(res.body.code, code, `${method} ${path}`);
        for (const secret of [sc.staging.text, sc.target.text, whisper]) assert.ok(!res.text.includes(secret), `${method} ${path} leaks`);
      };
      await expect(phone, 'GET', '/me', 410, 'action_erased');
      await expect(phone, 'GET', `/live?node=${sc.nodeId}`, 410, 'action_erased');
      await expect(phone, 'POST', '/rsvp', 409, 'action_erased', { nodeId: sc.nodeId });
      await expect(phone, 'POST', '/checkin', 409, 'action_erased', { code: '222222' });
      await expect(phone, 'DELETE', '/rsvp', 409, 'action_erased');
      await expect(sc.organizer, 'POST', '/broadcasts', 409, 'action_erased', { tier: 'rsvp', text: 'Anyone there?' });
      await expect(sc.organizer, 'POST', `/nodes/${sc.nodeId}/checkins`, 409, 'action_erased', { ticket: tickets[2] });
      await expect(sc.organizer, 'GET', `/nodes/${sc.nodeId}/code`, 404);
      await expect(sc.organizer, 'GET', '/disclosures', 200);
      await expect(sc.organizer, 'GET', '/calendar.ics', 200);
      await expect(sc.organizer, 'PATCH', '', 409, 'action_erased', { title: 'Again' });
      await expect(sc.organizer, 'POST', '/disclosures', 409, 'action_erased', { tier: 'rsvp', offsetMinutes: 0, text: 'More' });
      // The appointed marshal was a marshal of this action only while it lasted.
      await expect(sc.marshal, 'POST', `/nodes/${sc.nodeId}/checkins`, 404, undefined, { ticket: tickets[2] });
    });
  });
}
