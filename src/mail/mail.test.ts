import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshStore, skipReason, type TestStore } from '../../test/support/stores.ts';
import { testConfig } from '../../test/support/app.ts';
import { ManualClock } from '../core/clock.ts';
import { createLogger } from '../core/log.ts';
import { JobRunner } from '../jobs/runner.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { mailHandler, mailJobKind, queueMail, type MailComposer } from './outbox.ts';
import { startTestSmtp, type TestSmtp } from './test-smtp.ts';

/** Mail through a real SMTP server on 127.0.0.1: sent by a durable job, retried when refused. */
const config = { mailFrom: 'Blossom <noreply@blossom.test>' };
const greeting: MailComposer = async (_ctx, payload) =>
  payload.who === 'nobody' ? null : { to: `${String(payload.who)}@example.org`, subject: 'Hello', text: `Hello ${String(payload.who)}` };

describe('mailer', () => {
  let smtp: TestSmtp;
  before(async () => {
    smtp = await startTestSmtp();
  });
  after(async () => smtp?.close());

  it('sends through the configured SMTP server, from the configured sender', async () => {
    const mailer = createMailer({ ...config, smtpUrl: smtp.url });
    assert.equal(await mailer.send({ to: 'ada@example.org', subject: 'Hi there', text: 'Body text' }), 'sent');
    mailer.close();
    const [message] = smtp.received;
    assert.deepEqual([message?.from, message?.to], ['noreply@blossom.test', ['ada@example.org']]);
    assert.match(message!.raw, /Subject: Hi there/);
    assert.match(message!.raw, /Body text/);
  });

  it('sends nothing without BLOSSOM_SMTP_URL', async () => {
    const mailer = createMailer(config);
    assert.equal(mailer.enabled, false);
    assert.equal(await mailer.send({ to: 'x@example.org', subject: 's', text: 't' }), 'disabled');
  });

  it('reads BLOSSOM_SMTP_URL and BLOSSOM_MAIL_FROM from the environment, and refuses other schemes', () => {
    const loaded = testConfig({ BLOSSOM_SMTP_URL: smtp.url, BLOSSOM_MAIL_FROM: 'Aid <aid@example.org>' });
    assert.deepEqual([loaded.smtpUrl, loaded.mailFrom], [smtp.url, 'Aid <aid@example.org>']);
    assert.throws(() => testConfig({ BLOSSOM_SMTP_URL: 'http://mail.example.org' }), /BLOSSOM_SMTP_URL/);
  });
});

for (const dialect of dialects) {
  describe(`mail jobs on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    let smtp: TestSmtp;
    let mailer: Mailer;
    const lines: string[] = [];
    const clock = new ManualClock();
    let runner: JobRunner;
    before(async () => {
      if (skip) return;
      t = await freshStore(dialect);
      smtp = await startTestSmtp();
      mailer = createMailer({ ...config, smtpUrl: smtp.url });
      const ctx = { db: t.store.db, clock, config: testConfig(), actor: null };
      const log = createLogger('debug', (line) => lines.push(line));
      runner = new JobRunner({ store: t.store, clock, log }).register(mailJobKind, mailHandler({ ctx, mailer, composers: { greeting }, log }));
    });
    after(async () => {
      mailer?.close();
      await smtp?.close();
      await t?.dispose();
    });

    const job = (id: string) => t.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('sends a queued message when its job runs, and keeps no address in the job', { skip }, async () => {
      const id = await queueMail(t.store.db, clock, 'greeting', { who: 'grace' });
      assert.doesNotMatch((await job(id)).payload, /@/);
      assert.equal(await runner.runDue(), 1);
      assert.equal((await job(id)).status, 'done');
      assert.deepEqual(smtp.received.at(-1)?.to, ['grace@example.org']);
    });

    it('retries a message the server refused, logging no address, and sends it later', { skip }, async () => {
      smtp.refuse = true;
      const id = await queueMail(t.store.db, clock, 'greeting', { who: 'linus' });
      await runner.runDue();
      const failed = await job(id);
      assert.equal(failed.status, 'pending');
      assert.match(failed.last_error ?? '', /mail not sent \(.*451/);
      assert.doesNotMatch(failed.last_error ?? '', /@/);
      assert.ok(lines.every((line) => !line.includes('linus@')), 'the log holds no address');
      smtp.refuse = false;
      clock.advance(1000);
      await runner.runDue();
      assert.equal((await job(id)).status, 'done');
      assert.deepEqual(smtp.received.at(-1)?.to, ['linus@example.org']);
    });

    it('skips a message with no recipient, and an unknown template fails safely', { skip }, async () => {
      const before = smtp.received.length;
      const none = await queueMail(t.store.db, clock, 'greeting', { who: 'nobody' });
      const unknown = await queueMail(t.store.db, clock, 'no-such-template', {});
      await runner.runDue();
      assert.equal((await job(none)).status, 'done');
      assert.match((await job(unknown)).last_error ?? '', /no composer/);
      assert.equal(smtp.received.length, before);
    });

    it('logs a skipped message without its address when mail is off', { skip }, async () => {
      const quiet: string[] = [];
      const ctx = { db: t.store.db, clock, config: testConfig(), actor: null };
      const log = createLogger('debug', (line) => quiet.push(line));
      const off = new JobRunner({ store: t.store, clock, log }).register(mailJobKind, mailHandler({ ctx, mailer: createMailer(config), composers: { greeting }, log }));
      const id = await queueMail(t.store.db, clock, 'greeting', { who: 'margaret' });
      await off.runDue();
      assert.equal((await job(id)).status, 'done');
      assert.ok(quiet.some((line) => line.includes('mail skipped')));
      assert.ok(quiet.every((line) => !line.includes('margaret')));
    });
  });
}
