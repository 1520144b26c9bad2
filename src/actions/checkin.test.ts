import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { codeAt } from '../core/rotating-code.ts';
import { hashToken } from '../core/ids.ts';
import { markPresent } from './checkin-marks.ts';
import { nodeSecret } from './keys.ts';
import { api, stage, type Stage } from './organizer-fixtures.ts';
import { at, rsvpFor, scene, ticketHeader, type Scene } from './participation-fixtures.ts';

for (const dialect of dialects) {
  describe(`actions: check-in at the staging point on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let sc: Scene;
    /** The code a marshal's screen shows at `when`, read the way the server derives it. */
    let codeFor: (when: Date) => Promise<string>;
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      sc = await scene(s, { tag: 'checkin' });
      codeFor = async (when) => {
        const db = s.t.fixture.store.db;
        const action = await db.selectFrom('actions').selectAll().where('id', '=', sc.actionId).executeTakeFirstOrThrow();
        const node = await db.selectFrom('action_nodes').selectAll().where('id', '=', sc.nodeId).executeTakeFirstOrThrow();
        return codeAt(nodeSecret(s.t.ctx(), action, node), when);
      };
    });
    after(async () => s?.t.dispose());

    it('moves a holder who types the current code to present, and hands over what that unlocks', { skip }, async () => {
      s.t.clock.set(at(-3));
      const phone = s.anonymous();
      const ticket = await rsvpFor(phone, sc.slug, sc.nodeId);
      const shown = await sc.marshal.call('GET', `${api}/actions/${sc.slug}/nodes/${sc.nodeId}/code`);
      assert.equal(shown.status, 200);
      // Typed sloppily: small letters and a space.
      const typed = `${shown.body.code.slice(0, 3)} ${shown.body.code.slice(3)}`.toLowerCase();
      const res = await phone.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: typed }, ticketHeader(ticket));
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.tier, 'present');
      assert.equal(res.body.reconnect, true);
      assert.equal(res.body.checkedInAt, at(-3).toISOString());
      // The target (present tier, out since T-5) is new; the staging point the rsvp tier had already is not.
      assert.deepEqual(res.body.disclosures.map((d: { text: string }) => d.text), [sc.target.text]);
      const me = await phone.call('GET', `${api}/actions/${sc.slug}/me`, undefined, ticketHeader(ticket));
      assert.equal(me.body.tier, 'present');
      assert.deepEqual(me.body.disclosures.map((d: { text: string }) => d.text), [sc.staging.text, sc.target.text]);
      // Again (an answer lost on the way): same tier, same instant, same list.
      const again = await phone.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: 'whatever' }, ticketHeader(ticket));
      assert.equal(again.status, 200);
      assert.equal(again.body.checkedInAt, at(-3).toISOString());
      assert.deepEqual(again.body.disclosures.map((d: { text: string }) => d.text), [sc.target.text]);
    });

    it('accepts the code that just turned, refuses older ones and wrong ones', { skip }, async () => {
      const now = at(-30);
      s.t.clock.set(now);
      const phone = s.anonymous();
      const ticket = await rsvpFor(phone, sc.slug, sc.nodeId);
      const expired = await codeFor(new Date(now.getTime() - 2 * 60_000));
      const refused = await phone.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: expired }, ticketHeader(ticket));
      assert.equal(refused.status, 422);
      assert.equal(refused.body.code, 'wrong_code');
      assert.ok(refused.body.fields.code);
      const wrong = await phone.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: '222222' }, ticketHeader(ticket));
      assert.equal(wrong.body.code, 'wrong_code');
      assert.equal((await phone.call('GET', `${api}/actions/${sc.slug}/me`, undefined, ticketHeader(ticket))).body.tier, 'rsvp');
      const previous = await codeFor(new Date(now.getTime() - 60_000));
      const ok = await phone.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: previous }, ticketHeader(ticket));
      assert.equal(ok.status, 200, ok.text);
    });

    it('slows down guessing, per ticket', { skip }, async () => {
      s.t.clock.set(at(-20));
      const phone = s.anonymous();
      const ticket = await rsvpFor(phone, sc.slug, sc.nodeId);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await phone.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: '222222' }, ticketHeader(ticket))).status);
      assert.deepEqual(statuses.slice(0, 10), Array(10).fill(422));
      assert.deepEqual(statuses.slice(10), [429, 429]);
      // Another phone on the same network is not held back by this one.
      const other = s.anonymous();
      other.address = phone.address;
      const otherTicket = await rsvpFor(other, sc.slug, sc.nodeId);
      assert.equal((await other.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: await codeFor(at(-20)) }, ticketHeader(otherTicket))).status, 200);
    });

    it('checks in a signed-in person by their account, unless a ticket names another RSVP', { skip }, async () => {
      s.t.clock.set(at(-12));
      const rosa = await s.person('rosa_checkin');
      await rsvpFor(rosa, sc.slug, sc.nodeId);
      const code = await codeFor(at(-12));
      // The ticket wins over the session, and this one names nobody.
      assert.equal((await rosa.call('POST', `${api}/actions/${sc.slug}/checkin`, { code }, ticketHeader('nobodys-ticket'))).status, 404);
      const res = await rosa.call('POST', `${api}/actions/${sc.slug}/checkin`, { code });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.tier, 'present');
      assert.equal(res.body.checkedInAt, at(-12).toISOString());
      assert.equal((await rosa.call('GET', `${api}/actions/${sc.slug}/me`)).body.tier, 'present');
    });

    it('answers not found without an RSVP, and refuses after dispersal', { skip }, async () => {
      s.t.clock.set(at(-10));
      const stranger = s.anonymous();
      const code = await codeFor(at(-10));
      assert.equal((await stranger.call('POST', `${api}/actions/${sc.slug}/checkin`, { code })).status, 404);
      assert.equal((await stranger.call('POST', `${api}/actions/${sc.slug}/checkin`, { code }, ticketHeader('nobodys-ticket'))).status, 404);
      const phone = s.anonymous();
      const ticket = await rsvpFor(phone, sc.slug, sc.nodeId);
      s.t.clock.set(at(95));
      const late = await phone.call('POST', `${api}/actions/${sc.slug}/checkin`, { code: await codeFor(at(95)) }, ticketHeader(ticket));
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'action_over');
    });

    it('writes a crowd checking in at once, each mark once, the first instant kept', { skip }, async () => {
      s.t.clock.set(at(-12));
      const phones = await Promise.all(Array.from({ length: 6 }, async () => {
        const phone = s.anonymous();
        return { phone, ticket: await rsvpFor(phone, sc.slug, sc.nodeId) };
      }));
      const code = await codeFor(at(-12));
      const post = ({ phone, ticket }: (typeof phones)[number]) => phone.call('POST', `${api}/actions/${sc.slug}/checkin`, { code }, ticketHeader(ticket));
      // Every phone at once, the first one twice (a retry racing its original).
      const answers = await Promise.all([...phones.map(post), post(phones[0]!)]);
      assert.deepEqual(answers.map((a) => a.status), Array(7).fill(200));
      assert.ok(answers.every((a) => a.body.checkedInAt === at(-12).toISOString() && a.body.tier === 'present'));
      const db = s.t.fixture.store.db;
      const rows = await db.selectFrom('rsvps').select(['id', 'checked_in_at']).where('ticket_hash', 'in', phones.map((p) => hashToken(p.ticket))).execute();
      assert.deepEqual(rows.map((r) => r.checked_in_at), Array(6).fill(at(-12).toISOString()));
      // Straight to the writer: a second mark keeps the first instant; a vanished RSVP answers null.
      const [first] = rows;
      assert.deepEqual(await Promise.all([markPresent(db, first!.id, at(-1).toISOString()), markPresent(db, 'no-such-rsvp', at(-1).toISOString())]), [at(-12).toISOString(), null]);
    });

    it('lets a marshal of the node check someone in by their QR code, and nobody else', { skip }, async () => {
      s.t.clock.set(at(-15));
      const phone = s.anonymous();
      const ticket = await rsvpFor(phone, sc.slug, sc.nodeId);
      const path = `${api}/actions/${sc.slug}/nodes/${sc.nodeId}/checkins`;
      const outsider = await s.person('qr_outsider');
      assert.equal((await outsider.call('POST', path, { ticket })).status, 404);
      assert.equal((await s.anonymous().call('POST', path, { ticket })).status, 401);
      const unknown = await sc.marshal.call('POST', path, { ticket: 'not-a-ticket' });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.code, 'unknown_ticket');
      const res = await sc.marshal.call('POST', path, { ticket });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { checkedInAt: at(-15).toISOString(), alreadyCheckedIn: false });
      assert.equal((await phone.call('GET', `${api}/actions/${sc.slug}/me`, undefined, ticketHeader(ticket))).body.tier, 'present');
      s.t.clock.set(at(-14));
      assert.deepEqual((await sc.organizer.call('POST', path, { ticket })).body, { checkedInAt: at(-15).toISOString(), alreadyCheckedIn: true });
    });
  });
}
