import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { hashToken } from '../core/ids.ts';
import {
  acceptInvitation, createGroup, createInvitation, getGroup, joinGroup, listInvitations, listRequests,
  previewInvitation, revokeInvitation,
} from './service.ts';
import { insertPerson, openGroup, refused } from './test-fixtures.ts';

const hour = 60 * 60 * 1000;

for (const dialect of dialects) {
  describe(`group invitations on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    let people = 0;
    const person = () => insertPerson(t.fixture.store.db, `guest_${++people}`);
    before(async () => {
      if (!skip) t = await testApp(dialect);
    });
    after(async () => t?.dispose());

    it('keeps only the hash of a token and shows it once', { skip }, async () => {
      const coord = await person();
      const { slug } = await createGroup(t.ctx(coord), openGroup('Hashed', { joinPolicy: 'invitation' }));
      const made = await createInvitation(t.ctx(coord), slug);
      assert.match(made.token, /^[\w-]{43}$/);
      assert.equal(made.maxUses, 25);
      assert.equal(made.expiresAt, new Date(t.clock.now().getTime() + 168 * hour).toISOString());
      const row = await t.fixture.store.db.selectFrom('invitations').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
      assert.equal(row.token_hash, hashToken(made.token));
      assert.ok(!JSON.stringify(row).includes(made.token));
      const listed = await listInvitations(t.ctx(coord), slug);
      assert.deepEqual(listed, [{ id: made.id, expiresAt: made.expiresAt, maxUses: 25, uses: 0, revoked: false, createdAt: row.created_at }]);
      assert.ok(!JSON.stringify(listed).includes(made.token));
    });

    it('lets the token holder preview and join, even a secret group', { skip }, async () => {
      const [coord, guest, requester] = [await person(), await person(), await person()];
      const group = await createGroup(t.ctx(coord), openGroup('Back Room', { visibility: 'secret', description: '_hello_', city: 'Gent' }));
      const { token } = await createInvitation(t.ctx(coord), group.slug, { expiresInHours: 2, maxUses: 3 });
      const preview = await previewInvitation(t.ctx(null), token);
      assert.deepEqual(preview.group, { slug: group.slug, name: 'Back Room', kind: 'affinity', city: 'Gent', descriptionHtml: '<p><em>hello</em></p>\n' });
      await refused(getGroup(t.ctx(guest), group.slug), 404, 'not_found');
      assert.deepEqual(await acceptInvitation(t.ctx(guest), token), { slug: group.slug, status: 'member' });
      assert.equal((await getGroup(t.ctx(guest), group.slug)).viewer.role, 'member');
      await refused(acceptInvitation(t.ctx(guest), token), 409, 'already_member');
      assert.equal((await listInvitations(t.ctx(coord), group.slug))[0]!.uses, 1, 'a refused accept spends no use');

      // A pending request is settled by the invitation.
      const asked = await createGroup(t.ctx(coord), openGroup('Asked', { joinPolicy: 'request' }));
      await joinGroup(t.ctx(requester), asked.slug);
      const invite = await createInvitation(t.ctx(coord), asked.slug);
      await acceptInvitation(t.ctx(requester), invite.token);
      assert.deepEqual(await listRequests(t.ctx(coord), asked.slug), []);
    });

    it('expires', { skip }, async () => {
      const [coord, late] = [await person(), await person()];
      const { slug } = await createGroup(t.ctx(coord), openGroup('Expiring'));
      const { token } = await createInvitation(t.ctx(coord), slug, { expiresInHours: 1 });
      t.clock.advance(hour - 1);
      assert.ok(await previewInvitation(t.ctx(null), token));
      t.clock.advance(1);
      await refused(previewInvitation(t.ctx(null), token), 410, 'invitation_expired');
      await refused(acceptInvitation(t.ctx(late), token), 410, 'invitation_expired');
    });

    it('stops at its use limit', { skip }, async () => {
      const [coord, first, second] = [await person(), await person(), await person()];
      const { slug } = await createGroup(t.ctx(coord), openGroup('One Seat'));
      const { token } = await createInvitation(t.ctx(coord), slug, { maxUses: 1 });
      await acceptInvitation(t.ctx(first), token);
      await refused(previewInvitation(t.ctx(null), token), 410, 'invitation_used_up');
      await refused(acceptInvitation(t.ctx(second), token), 410, 'invitation_used_up');
    });

    it('never lets a race spend more uses than allowed', { skip }, async () => {
      const coord = await person();
      const { slug } = await createGroup(t.ctx(coord), openGroup('Rush'));
      const { token, id } = await createInvitation(t.ctx(coord), slug, { maxUses: 2 });
      const crowd = await Promise.all(Array.from({ length: 6 }, person));
      const results = await Promise.allSettled(crowd.map((p) => acceptInvitation(t.ctx(p), token)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
      for (const result of results) {
        if (result.status === 'rejected') assert.equal((result.reason as { code?: string }).code, 'invitation_used_up', String(result.reason));
      }
      const row = await t.fixture.store.db.selectFrom('invitations').select('uses').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.uses, 2);
      assert.equal((await getGroup(t.ctx(coord), slug)).memberCount, 3);
    });

    it('can be revoked by a coordinator', { skip }, async () => {
      const [coord, member, guest] = [await person(), await person(), await person()];
      const { slug } = await createGroup(t.ctx(coord), openGroup('Revocable'));
      await joinGroup(t.ctx(member), slug);
      const { token, id } = await createInvitation(t.ctx(coord), slug);
      await refused(revokeInvitation(t.ctx(member), slug, id), 403, 'forbidden');
      await refused(createInvitation(t.ctx(member), slug), 403, 'forbidden');
      await refused(listInvitations(t.ctx(member), slug), 403, 'forbidden');
      await revokeInvitation(t.ctx(coord), slug, id);
      await revokeInvitation(t.ctx(coord), slug, id);
      await refused(previewInvitation(t.ctx(null), token), 410, 'invitation_revoked');
      await refused(acceptInvitation(t.ctx(guest), token), 410, 'invitation_revoked');
      assert.equal((await listInvitations(t.ctx(coord), slug))[0]!.revoked, true);
      const other = await createGroup(t.ctx(guest), openGroup('Elsewhere'));
      await refused(revokeInvitation(t.ctx(guest), other.slug, id), 404, 'not_found');
    });

    it('answers unknown tokens with 404 and checks its options', { skip }, async () => {
      const coord = await person();
      await refused(previewInvitation(t.ctx(null), 'not-a-real-token'), 404, 'not_found');
      await refused(acceptInvitation(t.ctx(coord), 'not-a-real-token'), 404, 'not_found');
      const { slug } = await createGroup(t.ctx(coord), openGroup('Options'));
      for (const [options, field] of [[{ expiresInHours: 0 }, 'expiresInHours'], [{ expiresInHours: 721 }, 'expiresInHours'], [{ maxUses: 0 }, 'maxUses'], [{ maxUses: 1001 }, 'maxUses'], [{ maxUses: 1.5 }, 'maxUses']] as const) {
        const problem = await refused(createInvitation(t.ctx(coord), slug, options), 422, 'invalid_input');
        assert.ok(problem.fields?.[field], JSON.stringify(problem.fields));
      }
      assert.deepEqual(await listInvitations(t.ctx(coord), slug), []);
    });
  });
}
