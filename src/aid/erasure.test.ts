import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { addMs, instant } from '../core/clock.ts';
import { aidWorld, api, canary, expectStatus, plaintextSightings, postNeed, postOffer, withTicket, type AidWorld } from './test-fixtures.ts';

/** Needs expire when their time passes, and closed needs leave only counts once retention runs out. */
const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

for (const dialect of dialects) {
  describe(`need expiry and erasure on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let w: AidWorld;
    before(async () => {
      if (!skip) w = await aidWorld(dialect);
    });
    after(async () => w?.t.dispose());

    const status = async (id: string) => (await w.t.fixture.store.db.selectFrom('aid_needs').select('status').where('id', '=', id).executeTakeFirst())?.status ?? 'erased';
    const counts = async () =>
      (await w.t.fixture.store.db.selectFrom('aid_counts').select(['category', 'month', 'outcome', 'count']).orderBy('outcome').execute()).map((c) => `${c.category} ${c.month} ${c.outcome} ${Number(c.count)}`);
    const later = (ms: number) => instant(addMs(w.t.clock.now(), ms));

    it('expires an open need when its window passes, not before, and erases it after the retention window', { skip }, async () => {
      const { need, ticket } = await postNeed(w.anonymous(), w.slug, { description: 'Canary soup for two', until: later(2 * hourMs) });
      w.t.clock.advance(hourMs);
      await w.runner.runDue();
      assert.equal(await status(need.id), 'open');
      w.t.clock.advance(hourMs);
      await w.runner.runDue();
      assert.equal(await status(need.id), 'expired');
      const seen = await w.anonymous().call('GET', `${api}/aid/needs/${need.id}`, undefined, withTicket(ticket));
      assert.equal(seen.body.details.place, canary.place, 'its poster still sees it during retention');
      expectStatus(await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {}), 409, 'not_open');

      w.t.clock.advance(7 * dayMs - 1000);
      await w.runner.runDue();
      assert.equal(await status(need.id), 'expired');
      w.t.clock.advance(1000);
      await w.runner.runDue();
      assert.equal(await status(need.id), 'erased');
      assert.deepEqual(await counts(), ['food 2026-06 expired 1']);
      expectStatus(await w.anonymous().call('GET', `${api}/aid/needs/${need.id}`, undefined, withTicket(ticket)), 404);
    });

    it('gives a claimed need the retention window past its time before it expires', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug, { until: later(hourMs) });
      await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {});
      w.t.clock.advance(hourMs);
      await w.runner.runDue();
      assert.equal(await status(need.id), 'claimed');
      w.t.clock.advance(7 * dayMs);
      await w.runner.runDue();
      assert.equal(await status(need.id), 'expired');
    });

    it('expires a need released after its time at once', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug, { until: later(hourMs) });
      await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {});
      w.t.clock.advance(2 * hourMs);
      const released = await w.helper.call('POST', `${api}/aid/needs/${need.id}/release`);
      assert.equal(released.body.status, 'expired');
    });

    it('erases fulfilled and withdrawn needs after retention, leaving only counts and no plaintext', { skip }, async () => {
      const marks = { place: 'Erasable Close 9', contact: 'erasable-contact-7781', email: 'erasable@example.org', description: 'Erasable canary description' };
      const done = await postNeed(w.anonymous(), w.slug, { ...marks, category: 'medical' });
      const gone = await postNeed(w.anonymous(), w.slug, { ...marks, category: 'medical' });
      await w.helper.call('POST', `${api}/aid/needs/${done.need.id}/claim`, {});
      expectStatus(await w.helper.call('POST', `${api}/aid/needs/${done.need.id}/fulfil`), 200);
      expectStatus(await w.anonymous().call('POST', `${api}/aid/needs/${gone.need.id}/withdraw`, undefined, withTicket(gone.ticket)), 200);
      w.t.clock.advance(6 * dayMs);
      await w.runner.runDue();
      assert.equal(await status(done.need.id), 'fulfilled');
      w.t.clock.advance(dayMs);
      await w.runner.runDue();
      assert.equal(await status(done.need.id), 'erased');
      assert.equal(await status(gone.need.id), 'erased');
      assert.ok((await counts()).includes('medical 2026-06 fulfilled 1'));
      assert.ok((await counts()).includes('medical 2026-06 withdrawn 1'));
      assert.deepEqual(await plaintextSightings(w.t.fixture, Object.values(marks)), []);
      const db = w.t.fixture.store.db;
      assert.equal((await db.selectFrom('aid_idempotency').selectAll().where('target_id', 'in', [done.need.id, gone.need.id]).execute()).length, 0);
      const shown = await w.coordinator.call('GET', `${api}/groups/${w.slug}/aid/counts`);
      assert.ok(shown.body.counts.some((c: { category: string; outcome: string }) => c.category === 'medical' && c.outcome === 'fulfilled'));
    });

    it('deletes an offer when its window ends', { skip }, async () => {
      const offer = await postOffer(w.rival, w.slug, { until: later(hourMs) });
      w.t.clock.advance(hourMs);
      await w.runner.runDue();
      expectStatus(await w.rival.call('DELETE', `${api}/aid/offers/${offer.id}`), 404);
    });

    it('releases the needs a deleted account held, and takes the needs it posted with it', { skip }, async () => {
      const leaving = await w.person('leaving_helper');
      await leaving.call('POST', `${api}/groups/${w.slug}/join`, {});
      const held = await postNeed(w.anonymous(), w.slug);
      await leaving.call('POST', `${api}/aid/needs/${held.need.id}/claim`, {});
      const own = await postNeed(leaving, w.slug);
      expectStatus(await leaving.call('DELETE', `${api}/me`, { password: 'a long enough passphrase' }), 204);
      assert.equal(await status(held.need.id), 'open');
      assert.equal(await status(own.need.id), 'erased');
    });
  });

  describe(`erasure with no retention on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let w: AidWorld;
    before(async () => {
      if (!skip) w = await aidWorld(dialect, { env: { BLOSSOM_AID_RETENTION_DAYS: '0' } });
    });
    after(async () => w?.t.dispose());

    it('erases a fulfilled need at once', { skip }, async () => {
      const { need } = await postNeed(w.anonymous(), w.slug);
      await w.helper.call('POST', `${api}/aid/needs/${need.id}/claim`, {});
      await w.helper.call('POST', `${api}/aid/needs/${need.id}/fulfil`);
      await w.runner.runDue();
      const left = await w.t.fixture.store.db.selectFrom('aid_needs').select('id').where('id', '=', need.id).execute();
      assert.equal(left.length, 0);
    });
  });
}
