import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import type { Actor } from '../core/context.ts';
import { createGroup, joinGroup, listGroups, myGroups } from './service.ts';
import type { GroupSummary, ListQuery } from './model.ts';
import { insertPerson, openGroup, refused } from './test-fixtures.ts';

for (const dialect of dialects) {
  describe(`group listing on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    let ada: Actor;
    let bo: Actor;
    const publicNames: string[] = [];
    const createdAt = new Map<string, number>();
    before(async () => {
      if (skip) return;
      t = await testApp(dialect);
      ada = await insertPerson(t.fixture.store.db, 'ada');
      bo = await insertPerson(t.fixture.store.db, 'bo');
      for (let i = 0; i < 23; i++) {
        const name = `Circle ${String(i).padStart(2, '0')}`;
        await createGroup(t.ctx(ada), openGroup(name, { kind: i % 3 === 0 ? 'working' : 'affinity', city: i % 5 === 0 ? 'Marseille' : 'Lille' }));
        publicNames.push(name);
        createdAt.set(name, t.clock.now().getTime());
        // Every third group shares its instant with the next, so ties must page correctly too.
        if (i % 3 !== 0) t.clock.advance(1000);
      }
      await createGroup(t.ctx(ada), openGroup('Not Listed', { visibility: 'unlisted' }));
      await createGroup(t.ctx(ada), openGroup('Deep Secret', { visibility: 'secret' }));
      await createGroup(t.ctx(bo), openGroup('100% Solidarity_Now', { city: 'Saint-Étienne' }));
      publicNames.push('100% Solidarity_Now');
      createdAt.set('100% Solidarity_Now', t.clock.now().getTime());
    });
    after(async () => t?.dispose());

    async function everyPage(query: ListQuery): Promise<GroupSummary[]> {
      const seen: GroupSummary[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 50; pages++) {
        const page = await listGroups(t.ctx(null), { ...query, ...(cursor ? { cursor } : {}) });
        seen.push(...page.groups);
        if (!page.next) return seen;
        cursor = page.next;
      }
      throw new Error('pagination never ended');
    }

    it('lists public groups only, newest first, a page at a time', { skip }, async () => {
      const first = await listGroups(t.ctx(null));
      assert.equal(first.groups.length, 20);
      assert.equal(first.groups[0]!.name, '100% Solidarity_Now');
      assert.ok(first.next);
      const all = await everyPage({ limit: 7 });
      const onePage = await listGroups(t.ctx(null), { limit: 100 });
      assert.deepEqual(all, onePage.groups, 'pages join up with nothing lost or repeated, ties included');
      assert.equal(onePage.next, null);
      assert.deepEqual(all.map((g) => g.name).sort(), [...publicNames].sort());
      const times = all.map((g) => createdAt.get(g.name)!);
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      assert.ok(all.every((g) => g.visibility === 'public' && g.memberCount === 1));
    });

    it('finds groups by name or city, ignoring case, and treats % and _ as letters', { skip }, async () => {
      assert.deepEqual((await everyPage({ q: 'circle 1' })).map((g) => g.name).sort(), Array.from({ length: 10 }, (_, i) => `Circle 1${i}`));
      const inMarseille = await everyPage({ q: 'MARSEILLE' });
      assert.equal(inMarseille.length, 5);
      assert.deepEqual((await everyPage({ q: '100%' })).map((g) => g.name), ['100% Solidarity_Now']);
      assert.deepEqual((await everyPage({ q: 'y_n' })).map((g) => g.name), ['100% Solidarity_Now']);
      assert.deepEqual(await everyPage({ q: '%' }), (await everyPage({ q: '100% ' })));
      assert.deepEqual(await everyPage({ q: 'secret' }), [], 'secret groups are not found by search');
      assert.deepEqual(await everyPage({ q: 'not listed' }), [], 'unlisted groups are not found by search');
    });

    it('filters by kind', { skip }, async () => {
      const working = await everyPage({ kind: 'working' });
      assert.equal(working.length, 8);
      assert.ok(working.every((g) => g.kind === 'working'));
      assert.deepEqual((await everyPage({ kind: 'working', q: 'marseille' })).map((g) => g.name).sort(), ['Circle 00', 'Circle 15']);
    });

    it('refuses a cursor it did not give out', { skip }, async () => {
      for (const cursor of ['nonsense', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
        const problem = await refused(listGroups(t.ctx(null), { cursor }), 422, 'invalid_input');
        assert.ok(problem.fields?.cursor);
      }
      await refused(listGroups(t.ctx(null), { kind: 'party' as never }), 422, 'invalid_input');
    });

    it('lists my groups with my role, whatever their visibility', { skip }, async () => {
      await joinGroup(t.ctx(bo), 'circle-03');
      const mine = await myGroups(t.ctx(bo));
      assert.deepEqual(mine.map((g) => [g.name, g.role, g.memberCount]), [
        ['100% Solidarity_Now', 'coordinator', 1],
        ['Circle 03', 'member', 2],
      ]);
      const adas = await myGroups(t.ctx(ada));
      assert.equal(adas.length, 25);
      assert.ok(adas.some((g) => g.visibility === 'secret'));
    });
  });
}
