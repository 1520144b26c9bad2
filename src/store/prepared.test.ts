import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshStore, skipReason, type TestStore } from '../../test/support/stores.ts';
import { prepared } from './prepared.ts';

const user = (handle: string, isAdmin: number) => ({
  id: `u-${handle}`, handle, display_name: handle, bio: '', languages: '[]', email: null, password_hash: 'x', is_admin: isAdmin,
  created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
});

for (const dialect of dialects) {
  describe(`prepared queries on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    before(async () => {
      if (skip) return;
      t = await freshStore(dialect);
      await t.store.db.insertInto('users').values([user('ann', 1), user('bob', 0), user('cat', 1)]).execute();
    });
    after(async () => t?.dispose());

    it('runs with each call\'s arguments in their places, constants kept', { skip }, async () => {
      const handles = prepared(2, (db, from: string, to: string) =>
        db.selectFrom('users').select('handle').where('handle', '>=', from).where('handle', '<=', to).where('is_admin', '=', 1).orderBy('handle'));
      assert.deepEqual(await handles(t.store.db, 'a', 'z'), [{ handle: 'ann' }, { handle: 'cat' }]);
      assert.deepEqual(await handles(t.store.db, 'b', 'z'), [{ handle: 'cat' }]);
      // The arguments in the other order than they appear in the SQL.
      const swapped = prepared(2, (db, to: string, from: string) => db.selectFrom('users').select('handle').where('handle', '>=', from).where('handle', '<=', to).orderBy('handle'));
      assert.deepEqual(await swapped(t.store.db, 'bz', 'b'), [{ handle: 'bob' }]);
    });

    it('writes, inside a transaction too', { skip }, async () => {
      const rename = prepared(2, (db, id: string, name: string) => db.updateTable('users').set({ display_name: name }).where('id', '=', id).returning('display_name'));
      assert.deepEqual(await rename(t.store.db, 'u-bob', 'Bob'), [{ display_name: 'Bob' }]);
      await t.store.db.transaction().execute(async (trx) => assert.deepEqual(await rename(trx, 'u-ann', 'Ann'), [{ display_name: 'Ann' }]));
      assert.deepEqual(await rename(t.store.db, 'u-nobody', 'X'), []);
    });

    it('binds an argument used twice in both places', { skip }, async () => {
      const twice = prepared(1, (db, name: string) => db.selectFrom('users').select('handle').where('handle', '=', name).where('display_name', '=', name));
      assert.deepEqual(await twice(t.store.db, 'cat'), [{ handle: 'cat' }]);
      assert.deepEqual(await twice(t.store.db, 'bob'), []); // display_name is Bob now
    });

    it('never reads what another caller\'s open transaction has not committed', { skip }, async () => {
      const name = prepared(1, (db, id: string) => db.selectFrom('users').select('display_name').where('id', '=', id));
      let written!: () => void;
      const wrote = new Promise<void>((resolve) => (written = resolve));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const committing = t.store.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ display_name: 'Uncommitted' }).where('id', '=', 'u-cat').execute();
        written();
        await held;
        await trx.updateTable('users').set({ display_name: 'Cat' }).where('id', '=', 'u-cat').execute();
      });
      await wrote;
      const read = name(t.store.db, 'u-cat');
      release();
      const [seen] = await read;
      assert.notEqual(seen?.display_name, 'Uncommitted');
      // SQLite has one connection: the read waited for the commit.
      if (dialect === 'sqlite') assert.equal(seen?.display_name, 'Cat');
      await committing;
      assert.deepEqual(await name(t.store.db, 'u-cat'), [{ display_name: 'Cat' }]);
    });

    it('refuses an argument that is not a bound parameter', { skip }, async () => {
      const unused = prepared(1, (db, _handle: string) => db.selectFrom('users').select('handle'));
      await assert.rejects(unused(t.store.db, 'ann'), /argument 0 is not a bound parameter/);
    });
  });
}
