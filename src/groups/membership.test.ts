import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import type { Actor } from '../core/context.ts';
import {
  approveRequest, changeRole, createGroup, declineRequest, getGroup, joinGroup, leaveGroup,
  listMembers, listRequests, prepareAccountDeletion, removeMember, updateGroup, withdrawRequest,
} from './service.ts';
import { addToGroup, insertPerson, openGroup, refused } from './test-fixtures.ts';

for (const dialect of dialects) {
  describe(`group membership on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    let people = 0;
    const person = () => insertPerson(t.fixture.store.db, `person_${++people}`);
    before(async () => {
      if (!skip) t = await testApp(dialect);
    });
    after(async () => t?.dispose());

    const members = async (slug: string, as: Actor) => (await listMembers(t.ctx(as), slug)).map((m) => `${m.handle}:${m.role}`);

    it('lets anyone join an open group at once', { skip }, async () => {
      const [coord, newcomer] = [await person(), await person()];
      const { slug } = await createGroup(t.ctx(coord), openGroup('Open Door'));
      assert.deepEqual(await joinGroup(t.ctx(newcomer), slug), { status: 'member' });
      assert.deepEqual((await getGroup(t.ctx(newcomer), slug)).viewer, { role: 'member', requested: false });
      await refused(joinGroup(t.ctx(newcomer), slug), 409, 'already_member');
      assert.deepEqual(await members(slug, coord), [`${coord.handle}:coordinator`, `${newcomer.handle}:member`]);
    });

    it('queues requests for coordinators, who approve or decline them', { skip }, async () => {
      const [coord, asker, other, quitter] = [await person(), await person(), await person(), await person()];
      const { slug } = await createGroup(t.ctx(coord), openGroup('Ask First', { joinPolicy: 'request' }));
      assert.deepEqual(await joinGroup(t.ctx(asker), slug, 'I cook for actions'), { status: 'requested' });
      assert.deepEqual(await joinGroup(t.ctx(asker), slug, 'again'), { status: 'requested' }, 'asking twice is harmless');
      t.clock.advance(1000);
      await joinGroup(t.ctx(other), slug);
      t.clock.advance(1000);
      await joinGroup(t.ctx(quitter), slug);
      assert.deepEqual((await getGroup(t.ctx(asker), slug)).viewer, { role: null, requested: true });

      const requests = await listRequests(t.ctx(coord), slug);
      assert.deepEqual(requests.map((r) => [r.handle, r.message]), [[asker.handle, 'I cook for actions'], [other.handle, ''], [quitter.handle, '']]);
      await refused(listRequests(t.ctx(asker), slug), 403, 'forbidden');
      await refused(approveRequest(t.ctx(asker), slug, requests[0]!.id), 403, 'forbidden');

      await approveRequest(t.ctx(coord), slug, requests[0]!.id);
      await declineRequest(t.ctx(coord), slug, requests[1]!.id);
      await withdrawRequest(t.ctx(quitter), slug);
      await refused(withdrawRequest(t.ctx(quitter), slug), 404, 'not_found');
      await refused(approveRequest(t.ctx(coord), slug, requests[1]!.id), 404, 'not_found');
      assert.deepEqual(await listRequests(t.ctx(coord), slug), []);
      assert.deepEqual(await members(slug, coord), [`${coord.handle}:coordinator`, `${asker.handle}:member`]);
      assert.deepEqual((await getGroup(t.ctx(other), slug)).viewer, { role: null, requested: false });
      await refused(joinGroup(t.ctx(await person()), slug, 'm'.repeat(1001)), 422, 'invalid_input');
    });

    it('does not let a request be approved in another group', { skip }, async () => {
      const [coord, asker] = [await person(), await person()];
      const mine = await createGroup(t.ctx(coord), openGroup('Mine', { joinPolicy: 'request' }));
      const theirs = await createGroup(t.ctx(asker), openGroup('Theirs', { joinPolicy: 'request' }));
      await joinGroup(t.ctx(coord), theirs.slug);
      const [request] = await listRequests(t.ctx(asker), theirs.slug);
      await refused(approveRequest(t.ctx(coord), mine.slug, request!.id), 404, 'not_found');
    });

    it('says an invitation is required, and hides secret groups from would-be joiners', { skip }, async () => {
      const [coord, outsider] = [await person(), await person()];
      const closed = await createGroup(t.ctx(coord), openGroup('Invite Only', { joinPolicy: 'invitation' }));
      await refused(joinGroup(t.ctx(outsider), closed.slug), 403, 'invitation_required');
      const secret = await createGroup(t.ctx(coord), openGroup('Secret Open', { visibility: 'secret' }));
      await refused(joinGroup(t.ctx(outsider), secret.slug), 404, 'not_found');
      await refused(withdrawRequest(t.ctx(outsider), secret.slug), 404, 'not_found');
    });

    it('keeps the last coordinator until someone else can take over', { skip }, async () => {
      const [coord, member] = [await person(), await person()];
      const { slug } = await createGroup(t.ctx(coord), openGroup('Handover'));
      await joinGroup(t.ctx(member), slug);
      const problem = await refused(leaveGroup(t.ctx(coord), slug), 409, 'last_coordinator');
      assert.match(problem.detail ?? '', /Handover/);
      await refused(changeRole(t.ctx(coord), slug, coord.handle, 'member'), 409, 'last_coordinator');
      await refused(removeMember(t.ctx(coord), slug, coord.handle), 409, 'last_coordinator');
      await refused(changeRole(t.ctx(member), slug, member.handle, 'coordinator'), 403, 'forbidden');

      await changeRole(t.ctx(coord), slug, member.handle, 'coordinator');
      assert.deepEqual(await members(slug, coord), [`${coord.handle}:coordinator`, `${member.handle}:coordinator`]);
      await changeRole(t.ctx(member), slug, coord.handle, 'member');
      await leaveGroup(t.ctx(coord), slug);
      assert.deepEqual(await members(slug, member), [`${member.handle}:coordinator`]);
      await refused(leaveGroup(t.ctx(coord), slug), 409, 'not_member');
    });

    it('lets only one of two coordinators step down when both try at once', { skip }, async () => {
      const [first, second, member] = [await person(), await person(), await person()];
      const { slug } = await createGroup(t.ctx(first), openGroup('Both Leaving'));
      await addToGroup(t.fixture.store.db, slug, second, 'coordinator');
      await addToGroup(t.fixture.store.db, slug, member);
      const results = await Promise.allSettled([leaveGroup(t.ctx(first), slug), leaveGroup(t.ctx(second), slug)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const remaining = await members(slug, member);
      assert.equal(remaining.filter((m) => m.endsWith(':coordinator')).length, 1, remaining.join());
    });

    it('dissolves a group when its only member leaves', { skip }, async () => {
      const coord = await person();
      const { slug } = await createGroup(t.ctx(coord), openGroup('Short Lived'));
      assert.equal(await leaveGroup(t.ctx(coord), slug), 'dissolved');
      await refused(getGroup(t.ctx(coord), slug), 404, 'not_found');
    });

    it('lets coordinators remove members and change roles, and refuses unknown handles', { skip }, async () => {
      const [coord, member] = [await person(), await person()];
      const { slug } = await createGroup(t.ctx(coord), openGroup('Pruning'));
      await joinGroup(t.ctx(member), slug);
      await refused(removeMember(t.ctx(member), slug, coord.handle), 403, 'forbidden');
      await refused(changeRole(t.ctx(coord), slug, member.handle, 'boss' as never), 422, 'invalid_input');
      await refused(changeRole(t.ctx(coord), slug, 'nobody_here', 'coordinator'), 404, 'not_found');
      await refused(removeMember(t.ctx(coord), slug, 'nobody_here'), 404, 'not_found');
      await removeMember(t.ctx(coord), slug, member.handle);
      await refused(removeMember(t.ctx(coord), slug, member.handle), 404, 'not_found');
      assert.deepEqual(await members(slug, coord), [`${coord.handle}:coordinator`]);
    });

    it('shows the member list only as far as the group allows', { skip }, async () => {
      const [coord, member, outsider] = [await person(), await person(), await person()];
      const { slug } = await createGroup(t.ctx(coord), openGroup('Listing Rules', { memberList: 'public' }));
      await addToGroup(t.fixture.store.db, slug, member);
      const seeing = async () => Promise.all([null, outsider, member, coord].map((who) => listMembers(t.ctx(who), slug).then(() => true, () => false)));
      assert.deepEqual(await seeing(), [true, true, true, true]);
      await updateGroup(t.ctx(coord), slug, { memberList: 'members' });
      assert.deepEqual(await seeing(), [false, false, true, true]);
      await updateGroup(t.ctx(coord), slug, { memberList: 'coordinators' });
      assert.deepEqual(await seeing(), [false, false, false, true]);
      await refused(listMembers(t.ctx(member), slug), 404, 'not_found');
      await updateGroup(t.ctx(coord), slug, { memberList: 'public', visibility: 'secret' });
      assert.deepEqual(await seeing(), [false, false, true, true]);
    });

    it('prepares an account deletion: refuses while last coordinator, dissolves solo groups', { skip }, async () => {
      const [leaving, member, coCoord] = [await person(), await person(), await person()];
      const db = t.fixture.store.db;
      const stuck = await createGroup(t.ctx(leaving), openGroup('Stuck Group'));
      await joinGroup(t.ctx(member), stuck.slug);
      const solo = await createGroup(t.ctx(leaving), openGroup('Solo Group'));
      const shared = await createGroup(t.ctx(coCoord), openGroup('Shared Group'));
      await addToGroup(db, shared.slug, leaving, 'coordinator');
      const joined = await createGroup(t.ctx(coCoord), openGroup('Joined Group', { joinPolicy: 'request' }));
      await joinGroup(t.ctx(leaving), joined.slug);

      const problem = await refused(prepareAccountDeletion(db, leaving.userId), 409, 'last_coordinator');
      assert.match(problem.detail ?? '', /"Stuck Group"/);
      assert.ok((await getGroup(t.ctx(leaving), solo.slug)), 'a refusal changes nothing');

      await changeRole(t.ctx(leaving), stuck.slug, member.handle, 'coordinator');
      await db.transaction().execute((trx) => prepareAccountDeletion(trx, leaving.userId));
      await refused(getGroup(t.ctx(coCoord), solo.slug), 404, 'not_found');
      assert.deepEqual(await members(stuck.slug, member), [`${member.handle}:coordinator`]);
      assert.deepEqual(await members(shared.slug, coCoord), [`${coCoord.handle}:coordinator`]);
      assert.deepEqual(await listRequests(t.ctx(coCoord), joined.slug), []);
    });
  });
}
