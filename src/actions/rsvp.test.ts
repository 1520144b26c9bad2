import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { hashToken } from '../core/ids.ts';
import { api, join, newGroup, stage, type Stage } from './organizer-fixtures.ts';
import { at, rsvpFor, scene, ticketHeader, type Scene } from './participation-fixtures.ts';

for (const dialect of dialects) {
  describe(`actions: RSVP on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let sc: Scene;
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      sc = await scene(s, { tag: 'rsvp' });
    });
    after(async () => s?.t.dispose());

    it('takes an RSVP without an account: a ticket shown once, only its hash kept', { skip }, async () => {
      const phone = s.anonymous();
      const res = await phone.call('POST', `${api}/actions/${sc.slug}/rsvp`, { nodeId: sc.nodeId });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(Object.keys(res.body).sort(), ['nodeId', 'ticket', 'tier']);
      const { ticket } = res.body as { ticket: string };
      assert.ok(ticket.length >= 40);
      const rows = await s.t.fixture.store.db.selectFrom('rsvps').selectAll().where('node_id', '=', sc.nodeId).execute();
      assert.ok(rows.some((r) => r.ticket_hash === hashToken(ticket) && r.user_id === null));
      assert.ok(!JSON.stringify(rows).includes(ticket), 'the ticket itself is stored nowhere');

      const me = await phone.call('GET', `${api}/actions/${sc.slug}/me`, undefined, ticketHeader(ticket));
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.tier, 'rsvp');
      assert.equal(me.body.city, 'London');
      assert.deepEqual(me.body.disclosures, [], 'the staging point is not out yet');
      const byQuery = await phone.call('GET', `${api}/actions/${sc.slug}/me?ticket=${encodeURIComponent(ticket)}`);
      assert.equal(byQuery.status, 200);
      // Once out, the staging point is there for the rsvp tier, and the target still is not.
      s.t.clock.set(at(-60));
      const later = await phone.call('GET', `${api}/actions/${sc.slug}/me`, undefined, ticketHeader(ticket));
      assert.deepEqual(later.body.disclosures.map((d: { text: string }) => d.text), [sc.staging.text]);
      s.t.clock.set('2026-06-01T12:00:00.000Z');
      // Another ticket, or none, is nobody.
      assert.equal((await phone.call('GET', `${api}/actions/${sc.slug}/me`, undefined, ticketHeader('not-a-ticket'))).status, 404);
      assert.equal((await phone.call('GET', `${api}/actions/${sc.slug}/me`)).status, 404);
      // Asking again with the same ticket: already coming.
      const again = await phone.call('POST', `${api}/actions/${sc.slug}/rsvp`, { nodeId: sc.nodeId }, ticketHeader(ticket));
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'already_rsvped');
    });

    it('links an RSVP to the account of a signed-in person, once', { skip }, async () => {
      const rosa = await s.person('rosa_rsvp');
      await rsvpFor(rosa, sc.slug, sc.nodeId);
      const again = await rosa.call('POST', `${api}/actions/${sc.slug}/rsvp`, { nodeId: sc.nodeId });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'already_rsvped');
      const me = await rosa.call('GET', `${api}/actions/${sc.slug}/me`);
      assert.equal(me.status, 200);
      assert.equal(me.body.tier, 'rsvp');
      assert.equal((await rosa.call('DELETE', `${api}/actions/${sc.slug}/rsvp`)).status, 204);
      assert.equal((await rosa.call('GET', `${api}/actions/${sc.slug}/me`)).status, 404);
      assert.equal((await rosa.call('DELETE', `${api}/actions/${sc.slug}/rsvp`)).status, 404);
    });

    it('withdraws by ticket', { skip }, async () => {
      const phone = s.anonymous();
      const ticket = await rsvpFor(phone, sc.slug, sc.nodeId);
      assert.equal((await phone.call('DELETE', `${api}/actions/${sc.slug}/rsvp`, undefined, ticketHeader(ticket))).status, 204);
      assert.equal((await phone.call('GET', `${api}/actions/${sc.slug}/me`, undefined, ticketHeader(ticket))).status, 404);
    });

    it('refuses cities that are not part of it, and cities that have dispersed', { skip }, async () => {
      const phone = s.anonymous();
      const wrong = await phone.call('POST', `${api}/actions/${sc.slug}/rsvp`, { nodeId: 'no-such-node' });
      assert.equal(wrong.status, 422);
      assert.ok(wrong.body.fields.nodeId);
      assert.equal((await phone.call('POST', `${api}/actions/${sc.slug}/rsvp`, { nodeId: sc.nodeId, extra: 1 })).body.code, 'unknown_field');
      assert.equal((await phone.call('POST', `${api}/actions/no-such-action/rsvp`, { nodeId: sc.nodeId })).status, 404);
      s.t.clock.set(at(90));
      const late = await phone.call('POST', `${api}/actions/${sc.slug}/rsvp`, { nodeId: sc.nodeId });
      s.t.clock.set('2026-06-01T12:00:00.000Z');
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'action_over');
    });

    it('keeps a closed action to the members of the owning group, and drafts to nobody', { skip }, async () => {
      const closed = await scene(s, { tag: 'closed', visibility: 'closed' });
      const stranger = s.anonymous();
      const hidden = await stranger.call('POST', `${api}/actions/${closed.slug}/rsvp`, { nodeId: closed.nodeId });
      const missing = await stranger.call('POST', `${api}/actions/no-such-action/rsvp`, { nodeId: closed.nodeId });
      assert.equal(hidden.status, 404);
      assert.equal(hidden.text, missing.text);
      const outsider = await s.person('outsider_rsvp');
      assert.equal((await outsider.call('POST', `${api}/actions/${closed.slug}/rsvp`, { nodeId: closed.nodeId })).status, 404);
      const member = await s.person('member_rsvp');
      const groupSlug = (await s.t.fixture.store.db
        .selectFrom('groups').innerJoin('actions', 'actions.group_id', 'groups.id').select('groups.slug').where('actions.slug', '=', closed.slug)
        .executeTakeFirstOrThrow()).slug;
      await join(member, groupSlug);
      await rsvpFor(member, closed.slug, closed.nodeId);

      const organizer = await s.person('draft_org');
      const group = await newGroup(organizer, 'Drafting crew');
      const draft = await organizer.call('POST', `${api}/groups/${group}/actions`, {
        title: 'Not yet', visibility: 'open', timing: { mode: 'same-instant', at: '2026-06-20T16:00:00Z' }, durationMinutes: 60,
      });
      const node = await organizer.call('POST', `${api}/actions/${draft.body.slug}/nodes`, { city: 'Leeds', zone: 'Europe/London' });
      assert.equal((await stranger.call('POST', `${api}/actions/${draft.body.slug}/rsvp`, { nodeId: node.body.id })).status, 404);
      const own = await organizer.call('POST', `${api}/actions/${draft.body.slug}/rsvp`, { nodeId: node.body.id });
      assert.equal(own.status, 409);
      assert.equal(own.body.code, 'not_published');
    });

    it('never lets concurrent RSVPs overbook a city', { skip }, async () => {
      const small = await scene(s, { tag: 'small', capacity: 5 });
      const phones = Array.from({ length: 20 }, () => s.anonymous());
      const answers = await Promise.all(phones.map((p) => p.call('POST', `${api}/actions/${small.slug}/rsvp`, { nodeId: small.nodeId })));
      assert.equal(answers.filter((a) => a.status === 201).length, 5);
      const refused = answers.filter((a) => a.status !== 201);
      assert.ok(refused.every((a) => a.status === 409 && a.body.code === 'node_full'), refused.map((a) => a.text).join('\n'));
      const rows = await s.t.fixture.store.db.selectFrom('rsvps').select('id').where('node_id', '=', small.nodeId).execute();
      assert.equal(rows.length, 5);
      // A withdrawal makes room again.
      const ticket = answers.find((a) => a.status === 201)!.body.ticket as string;
      assert.equal((await phones[0]!.call('DELETE', `${api}/actions/${small.slug}/rsvp`, undefined, ticketHeader(ticket))).status, 204);
      assert.equal((await s.anonymous().call('POST', `${api}/actions/${small.slug}/rsvp`, { nodeId: small.nodeId })).status, 201);
    });
  });
}
