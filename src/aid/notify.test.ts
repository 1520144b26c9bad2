import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { startTestSmtp, type TestSmtp } from '../mail/test-smtp.ts';
import { aidWorld, api, canary, expectStatus, postNeed, withTicket, type AidWorld } from './test-fixtures.ts';

/** Both sides hear of a claim and its outcome by email, through a real SMTP server; never where or how to reach anyone. */
for (const dialect of dialects) {
  describe(`mutual aid mail on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let w: AidWorld;
    let smtp: TestSmtp;
    let mailer: Mailer;
    before(async () => {
      if (skip) return;
      smtp = await startTestSmtp();
      mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Blossom <aid@blossom.test>' });
      w = await aidWorld(dialect, { mailer, env: { BLOSSOM_PUBLIC_URL: 'https://aid.example.org' } });
      expectStatus(await w.helper.call('PATCH', `${api}/me`, { email: 'helper@example.org' }), 200);
    });
    after(async () => {
      mailer?.close();
      await smtp?.close();
      await w?.t.dispose();
    });

    /** Runs the mail jobs and returns what arrived meanwhile. */
    async function delivered(): Promise<TestSmtp['received']> {
      const before = smtp.received.length;
      // Twice: a job run by the first (an expiry) may queue the mail the second sends.
      await w.runner.runDue();
      await w.runner.runDue();
      return smtp.received.slice(before);
    }

    const to = (mail: TestSmtp['received'], address: string) => mail.filter((m) => m.to.includes(address));

    it('tells the poster by email when a helper takes the need, and the helper when the poster marks it done', { skip }, async () => {
      const { need, ticket } = await postNeed(w.anonymous(), w.slug);
      assert.deepEqual(await delivered(), [], 'posting sends nothing');
      await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {});
      const claimMail = await delivered();
      assert.equal(claimMail.length, 1, 'only the poster: the helper made the change');
      const [toPoster] = to(claimMail, canary.email);
      assert.ok(toPoster);
      assert.match(toPoster.subject, /^Someone is coming to help — Eastside Mutual Aid$/);
      assert.match(toPoster.text, new RegExp(`https://aid.example.org/aid/needs/${need.id}`));
      for (const secret of [canary.place, canary.contact]) assert.ok(!toPoster.text.includes(secret), 'mail never carries the place or contact');

      await w.anonymous().call('POST', `${api}/aid/needs/${need.id}/fulfil`, undefined, withTicket(ticket));
      const doneMail = await delivered();
      assert.equal(to(doneMail, 'helper@example.org').length, 1);
      assert.equal(to(doneMail, canary.email).length, 0);
      assert.match(doneMail[0]!.text, /marked as done/);
    });

    it('tells both sides of an assignment, and the poster of a release', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug);
      await w.coordinator.call('POST', `${api}/aid/needs/${need.id}/assign`, { helper: 'helper' });
      const assigned = await delivered();
      assert.equal(to(assigned, canary.email).length, 1);
      assert.equal(to(assigned, 'helper@example.org').length, 1);
      assert.match(to(assigned, 'helper@example.org')[0]!.subject, /asked to help/);
      await w.helper.call('POST', `${api}/aid/needs/${need.id}/release`);
      const released = await delivered();
      assert.deepEqual(released.map((m) => m.to), [[canary.email]]);
      assert.match(released[0]!.subject, /open again/);
    });

    it('writes to nobody without an address, and tells the helper of a removal', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug, { email: undefined });
      await w.rival.call('POST', `${api}/aid/needs/${need.id}/claim`, {});
      assert.deepEqual(await delivered(), [], 'neither the poster nor the rival gave an address');
      const taken = await postNeed(w.anonymous(), w.slug);
      await w.helper.call('POST', `${api}/aid/needs/${taken.need.id}/claim`, {});
      await delivered();
      await w.coordinator.call('DELETE', `${api}/aid/needs/${taken.need.id}`);
      const removed = await delivered();
      assert.deepEqual(removed.map((m) => m.to), [['helper@example.org']], 'an abusive poster is not written to');
      assert.match(removed[0]!.subject, /removed/);
    });

    it('tells the poster when the need expires', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug, { until: new Date(w.t.clock.now().getTime() + 60_000).toISOString() });
      w.t.clock.advance(60_000);
      const mail = await delivered();
      assert.equal(to(mail, canary.email).length, 1);
      assert.match(mail[0]!.subject, /expired/);
      assert.equal((await w.coordinator.call('GET', `${api}/aid/needs/${need.id}`)).body.status, 'expired');
    });
  });
}
