import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { aidWorld, api, expectStatus, needBody, offerBody, type AidWorld } from './test-fixtures.ts';

/** Repeated submissions with an Idempotency-Key answer the first result; nothing is duplicated. */
for (const dialect of dialects) {
  describe(`idempotent creates on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let w: AidWorld;
    before(async () => {
      if (!skip) w = await aidWorld(dialect);
    });
    after(async () => w?.t.dispose());

    const needs = async () => Number((await w.t.fixture.store.db.selectFrom('aid_needs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const offers = async () => Number((await w.t.fixture.store.db.selectFrom('aid_offers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const key = (name: string) => ({ 'idempotency-key': `key-${name}-0123456789` });
    const postNeed = (headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
      w.anonymous().call('POST', `${api}/groups/${w.slug}/aid/needs`, needBody(extra), headers);

    it('answers a repeated need with the first one, ticket included, and stores one', { skip }, async () => {
      const before = await needs();
      const first = await postNeed(key('a'));
      expectStatus(first, 201);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await postNeed(key('a'));
      expectStatus(again, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.body.need.id, first.body.need.id);
      assert.equal(again.body.ticket, first.body.ticket, 'the retry gets the ticket it never saw');
      assert.equal(await needs(), before + 1);
    });

    it('stores one need when the same submission arrives many times at once', { skip }, async () => {
      const before = await needs();
      const replies = await Promise.all(Array.from({ length: 6 }, () => postNeed(key('burst'))));
      assert.deepEqual([...new Set(replies.map((r) => r.status))], [201]);
      assert.equal(new Set(replies.map((r) => r.body.need.id)).size, 1);
      assert.equal(await needs(), before + 1);
    });

    it('refuses a key reused for a different request, naming the header', { skip }, async () => {
      await postNeed(key('b'));
      const other = await postNeed(key('b'), { description: 'Something else entirely' });
      expectStatus(other, 422, 'idempotency_key_reused');
      assert.ok(other.body.fields['idempotency-key']);
      const short = await postNeed({ 'idempotency-key': 'short' });
      expectStatus(short, 422, 'invalid_input');
      assert.ok(short.body.fields['idempotency-key']);
    });

    it('treats different keys, and no key, as new submissions', { skip }, async () => {
      const before = await needs();
      await postNeed(key('c1'));
      await postNeed(key('c2'));
      await postNeed({});
      await postNeed({});
      assert.equal(await needs(), before + 4);
    });

    it('forgets a key after a day', { skip }, async () => {
      const first = await postNeed(key('d'));
      w.t.clock.advance(24 * 60 * 60 * 1000 + 1);
      const later = await postNeed(key('d'));
      assert.notEqual(later.body.need.id, first.body.need.id);
    });

    it('does the same for offers, per helper', { skip }, async () => {
      const before = await offers();
      const first = await w.helper.call('POST', `${api}/groups/${w.slug}/aid/offers`, offerBody(), key('o'));
      const again = await w.helper.call('POST', `${api}/groups/${w.slug}/aid/offers`, offerBody(), key('o'));
      expectStatus(again, 201);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const someoneElse = await w.rival.call('POST', `${api}/groups/${w.slug}/aid/offers`, offerBody(), key('o'));
      assert.notEqual(someoneElse.body.id, first.body.id, 'a key is scoped to whoever sent it');
      assert.equal(await offers(), before + 2);
    });
  });
}
