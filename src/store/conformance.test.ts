import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshStore, skipReason, type TestStore } from '../../test/support/stores.ts';
import { uuidv7 } from '../core/ids.ts';

// The same expectations on every backend: what passes on SQLite must pass on PostgreSQL.
for (const dialect of dialects) {
  describe(`store conformance on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    before(async () => {
      if (!skip) t = await freshStore(dialect);
    });
    after(async () => t?.dispose());

    const user = (handle: string) => ({
      id: uuidv7(),
      handle,
      display_name: handle,
      bio: '',
      languages: '[]',
      email: null,
      password_hash: 'x',
      is_admin: 0,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });

    it('migrations are idempotent', { skip }, async () => {
      assert.deepEqual(await t.store.migrate(), []);
    });

    it('round-trips text, integers, nulls and doubles identically', { skip }, async () => {
      const row = user('roundtrip');
      await t.store.db.insertInto('users').values(row).execute();
      const back = await t.store.db.selectFrom('users').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      assert.deepEqual(back, row);
      const group = {
        id: uuidv7(), slug: 'g', name: 'G', kind: 'affinity', visibility: 'public', join_policy: 'open', member_list: 'members',
        description: '', city: '', lat: 52.52, lon: -13.4, contact: '', meeting_rhythm: '', created_at: row.created_at, updated_at: row.created_at,
      };
      await t.store.db.insertInto('groups').values(group).execute();
      const g = await t.store.db.selectFrom('groups').select(['lat', 'lon']).where('id', '=', group.id).executeTakeFirstOrThrow();
      assert.deepEqual(g, { lat: 52.52, lon: -13.4 });
    });

    it('enforces unique handles', { skip }, async () => {
      await t.store.db.insertInto('users').values(user('twin')).execute();
      await assert.rejects(t.store.db.insertInto('users').values(user('twin')).execute());
    });

    it('cascades a deleted person out of sessions', { skip }, async () => {
      const row = user('leaver');
      await t.store.db.insertInto('users').values(row).execute();
      await t.store.db.insertInto('sessions').values({ id: 's-' + row.id, user_id: row.id, csrf_token: 'c', created_at: row.created_at, expires_at: row.created_at }).execute();
      await t.store.db.deleteFrom('users').where('id', '=', row.id).execute();
      const left = await t.store.db.selectFrom('sessions').select('id').where('user_id', '=', row.id).execute();
      assert.equal(left.length, 0);
    });

    it('rolls back a failed transaction completely', { skip }, async () => {
      const row = user('halfway');
      await assert.rejects(
        t.store.db.transaction().execute(async (trx) => {
          await trx.insertInto('users').values(row).execute();
          await trx.insertInto('users').values(row).execute();
        }),
      );
      const found = await t.store.db.selectFrom('users').select('id').where('id', '=', row.id).execute();
      assert.equal(found.length, 0);
    });

    it('orders ISO instants as time', { skip }, async () => {
      const early = { ...user('early'), created_at: '2026-01-02T09:00:00.000Z' };
      const late = { ...user('late'), created_at: '2026-01-10T09:00:00.000Z' };
      await t.store.db.insertInto('users').values([late, early]).execute();
      const rows = await t.store.db.selectFrom('users').select('handle').where('handle', 'in', ['early', 'late']).orderBy('created_at').execute();
      assert.deepEqual(rows.map((r) => r.handle), ['early', 'late']);
    });
  });
}
