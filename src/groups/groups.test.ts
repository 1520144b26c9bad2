import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import type { Actor } from '../core/context.ts';
import { createGroup, deleteGroup, getGroup, updateGroup } from './service.ts';
import { addToGroup, insertPerson, openGroup, refused } from './test-fixtures.ts';

for (const dialect of dialects) {
  describe(`groups service on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    let ada: Actor;
    let bo: Actor;
    before(async () => {
      if (skip) return;
      t = await testApp(dialect);
      ada = await insertPerson(t.fixture.store.db, 'ada');
      bo = await insertPerson(t.fixture.store.db, 'bo');
    });
    after(async () => t?.dispose());

    it('creates a group whose creator is its coordinator', { skip }, async () => {
      const group = await createGroup(t.ctx(ada), openGroup('Garden Crew', { kind: 'working', city: 'Lyon', description: '**weekly**' }));
      assert.equal(group.slug, 'garden-crew');
      assert.equal(group.kind, 'working');
      assert.equal(group.memberCount, 1);
      assert.equal(group.memberList, 'members', 'member lists are private unless a group says otherwise');
      assert.equal(group.descriptionHtml, '<p><strong>weekly</strong></p>\n');
      assert.deepEqual(group.viewer, { role: 'coordinator', requested: false });
      const seen = await getGroup(t.ctx(bo), 'garden-crew');
      assert.deepEqual(seen.viewer, { role: null, requested: false });
      assert.equal((await getGroup(t.ctx(null), 'garden-crew')).name, 'Garden Crew');
    });

    it('gives a taken slug, and every secret group, a random suffix', { skip }, async () => {
      await createGroup(t.ctx(ada), openGroup('Night Owls'));
      const second = await createGroup(t.ctx(bo), openGroup('night owls!'));
      assert.match(second.slug, /^night-owls-[a-z0-9]{6}$/);
      const secret = await createGroup(t.ctx(ada), openGroup('Hidden Roots', { visibility: 'secret' }));
      assert.match(secret.slug, /^hidden-roots-[a-z0-9]{6}$/);
    });

    it('stores coordinates rounded to about a kilometre, never the precise spot', { skip }, async () => {
      const group = await createGroup(t.ctx(ada), openGroup('Riverside', { lat: 48.856613, lon: -2.352222 }));
      assert.deepEqual([group.lat, group.lon], [48.86, -2.35]);
      const row = await t.fixture.store.db.selectFrom('groups').select(['lat', 'lon']).where('slug', '=', group.slug).executeTakeFirstOrThrow();
      assert.deepEqual([Number(row.lat), Number(row.lon)], [48.86, -2.35]);
      const moved = await updateGroup(t.ctx(ada), group.slug, { lat: -0.001, lon: 179.996 });
      assert.deepEqual([moved.lat, moved.lon], [0, 180]);
      const cleared = await updateGroup(t.ctx(ada), group.slug, { lat: null, lon: null });
      assert.deepEqual([cleared.lat, cleared.lon], [null, null]);
    });

    it('refuses bad input with 422 naming the field, and writes nothing', { skip }, async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'x' }, 'name'],
        [{ name: 'x'.repeat(101) }, 'name'],
        [{ kind: 'party' }, 'kind'],
        [{ visibility: 'private' }, 'visibility'],
        [{ joinPolicy: 'maybe' }, 'joinPolicy'],
        [{ memberList: 'all' }, 'memberList'],
        [{ lat: 90.5, lon: 0 }, 'lat'],
        [{ lat: 0, lon: -180.01 }, 'lon'],
        [{ lat: 10 }, 'lon'],
        [{ city: 'c'.repeat(101) }, 'city'],
        [{ contact: 'c'.repeat(501) }, 'contact'],
        [{ meetingRhythm: 'm'.repeat(201) }, 'meetingRhythm'],
        [{ description: 'd'.repeat(20001) }, 'description'],
      ];
      const before = await t.fixture.store.db.selectFrom('groups').select('id').execute();
      for (const [change, field] of cases) {
        const problem = await refused(createGroup(t.ctx(ada), { ...openGroup('Valid Name'), ...change } as never), 422, 'invalid_input');
        assert.ok(problem.fields?.[field], `${JSON.stringify(change)} names ${field}: ${JSON.stringify(problem.fields)}`);
      }
      const unknown = await refused(createGroup(t.ctx(ada), { ...openGroup('Valid Name'), admin: true } as never), 422, 'unknown_field');
      assert.deepEqual(unknown.fields, { admin: 'Unknown field' });
      assert.equal((await t.fixture.store.db.selectFrom('groups').select('id').execute()).length, before.length);
    });

    it('lets coordinators edit, tells members no, and keeps the slug', { skip }, async () => {
      const group = await createGroup(t.ctx(ada), openGroup('Book Swap'));
      await addToGroup(t.fixture.store.db, group.slug, bo);
      const edited = await updateGroup(t.ctx(ada), group.slug, { name: 'Book & Zine Swap', joinPolicy: 'request', contact: 'signal: ask us' });
      assert.equal(edited.slug, 'book-swap');
      assert.equal(edited.name, 'Book & Zine Swap');
      assert.equal(edited.joinPolicy, 'request');
      assert.equal(edited.contact, 'signal: ask us');
      assert.equal(edited.memberCount, 2);
      await refused(updateGroup(t.ctx(bo), group.slug, { name: 'Mine now' }), 403, 'forbidden');
      await refused(updateGroup(t.ctx(ada), group.slug, { lat: 1 }), 422, 'invalid_input');
      await refused(deleteGroup(t.ctx(bo), group.slug), 403, 'forbidden');
      const { id } = await t.fixture.store.db.selectFrom('groups').select('id').where('slug', '=', group.slug).executeTakeFirstOrThrow();
      await deleteGroup(t.ctx(ada), group.slug);
      await refused(getGroup(t.ctx(ada), group.slug), 404, 'not_found');
      const left = await t.fixture.store.db.selectFrom('memberships').select('user_id').where('group_id', '=', id).execute();
      assert.equal(left.length, 0, 'memberships go with the group');
    });

    it('hides a secret group from outsiders exactly like a missing one', { skip }, async () => {
      const secret = await createGroup(t.ctx(ada), openGroup('Quiet Circle', { visibility: 'secret' }));
      const missing = await refused(getGroup(t.ctx(bo), 'no-such-group'), 404, 'not_found');
      for (const who of [bo, null]) {
        const hidden = await refused(getGroup(t.ctx(who), secret.slug), 404, 'not_found');
        assert.deepEqual(hidden.toJSON(), missing.toJSON());
        await refused(updateGroup(t.ctx(who ?? bo), secret.slug, { name: 'Found you' }), 404, 'not_found');
        await refused(deleteGroup(t.ctx(who ?? bo), secret.slug), 404, 'not_found');
      }
      assert.equal((await getGroup(t.ctx(ada), secret.slug)).visibility, 'secret');
    });

    it('shows an unlisted group to anyone with the link', { skip }, async () => {
      const unlisted = await createGroup(t.ctx(ada), openGroup('Link Only', { visibility: 'unlisted' }));
      assert.equal((await getGroup(t.ctx(null), unlisted.slug)).name, 'Link Only');
    });
  });
}
