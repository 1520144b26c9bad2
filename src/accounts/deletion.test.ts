import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, Caller, type TestApp } from '../../test/support/app.ts';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { instant } from '../core/clock.ts';
import { uuidv7 } from '../core/ids.ts';

const password = 'a long enough passphrase';

/** Every row of every table, as text, so a test can search for any trace of a person. */
async function everything(t: TestApp): Promise<Map<string, string[]>> {
  const { db, dialect } = t.fixture.store;
  const tables = (await db.introspection.getTables()).filter((table) => dialect === 'sqlite' || table.schema === t.fixture.location);
  assert.ok(tables.some((table) => table.name === 'users'));
  const dump = new Map<string, string[]>();
  for (const table of tables) {
    const rows = await db.selectFrom(table.name as 'users').selectAll().execute();
    dump.set(table.name, rows.map((row) => JSON.stringify(row)));
  }
  return dump;
}

function traces(dump: Map<string, string[]>, needles: string[]): string[] {
  return [...dump].flatMap(([table, rows]) => rows.filter((row) => needles.some((n) => row.includes(n))).map((row) => `${table}: ${row}`));
}

for (const dialect of dialects) {
  describe(`account deletion on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestApp;
    before(async () => {
      if (!skip) t = await testApp(dialect, { BLOSSOM_TRUST_PROXY: 'true' });
    });
    after(async () => t?.dispose());

    /** A group with the given people in it, written directly so this test does not lean on the groups API. */
    async function group(name: string, members: [string, 'member' | 'coordinator'][]): Promise<string> {
      const db = t.fixture.store.db;
      const now = instant(t.clock.now());
      const id = uuidv7();
      await db.insertInto('groups').values({
        id, slug: name.toLowerCase().replace(/\W+/g, '-'), name, kind: 'affinity', visibility: 'public', join_policy: 'request',
        member_list: 'members', description: '', city: '', lat: null, lon: null, contact: '', meeting_rhythm: '', created_at: now, updated_at: now,
      }).execute();
      for (const [userId, role] of members) await db.insertInto('memberships').values({ group_id: id, user_id: userId, role, created_at: now }).execute();
      return id;
    }

    it('leaves no row with the person\'s id or handle in any table', { skip }, async () => {
      const db = t.fixture.store.db;
      const leaving = await new Caller(t.app, '192.0.2.1').signUp('zz_leaving_person');
      const staying = await new Caller(t.app, '192.0.3.1').signUp('staying_friend');
      const { id } = (await leaving.call('GET', '/api/v1/me')).body as { id: string };
      const friendId = ((await staying.call('GET', '/api/v1/me')).body as { id: string }).id;
      await leaving.call('PATCH', '/api/v1/me', { bio: 'I am zz_leaving_person', email: 'leaving@example.org' });
      await leaving.call('POST', '/api/v1/me/tokens', { name: 'script' });
      await new Caller(t.app, '192.0.4.1').call('POST', '/api/v1/session', { handle: 'zz_leaving_person', password });

      // A member of a group that goes on, the only member of one that ends, a requester elsewhere.
      const shared = await group('Shared Garden', [[friendId, 'coordinator'], [id, 'member']]);
      const solo = await group('Solo Patch', [[id, 'coordinator']]);
      const other = await group('Other Crew', [[friendId, 'coordinator']]);
      const now = instant(t.clock.now());
      await db.insertInto('join_requests').values({ id: uuidv7(), group_id: other, user_id: id, message: 'hello from zz', created_at: now }).execute();
      await db.insertInto('invitations').values({
        id: uuidv7(), group_id: shared, token_hash: 'h1', created_by: id, expires_at: now, max_uses: 5, uses: 0, revoked_at: null, created_at: now,
      }).execute();

      assert.ok(traces(await everything(t), [id, 'zz_leaving_person']).length >= 6);
      const res = await leaving.call('DELETE', '/api/v1/me', { password });
      assert.equal(res.status, 204);

      const dump = await everything(t);
      assert.deepEqual(traces(dump, [id, 'zz_leaving_person', 'leaving@example.org', 'hello from zz']), []);
      assert.equal((await db.selectFrom('groups').select('id').where('id', '=', solo).execute()).length, 0, 'a group nobody is left in goes too');
      const invitation = await db.selectFrom('invitations').select('created_by').where('group_id', '=', shared).executeTakeFirstOrThrow();
      assert.equal(invitation.created_by, null);
      assert.ok(traces(dump, [friendId]).length > 0, 'the friend is untouched');
    });

    it('refuses while the person is the last coordinator of a group with others, changing nothing', { skip }, async () => {
      const db = t.fixture.store.db;
      const holding = await new Caller(t.app, '192.0.5.1').signUp('holding_on');
      const member = await new Caller(t.app, '192.0.6.1').signUp('just_member');
      const id = ((await holding.call('GET', '/api/v1/me')).body as { id: string }).id;
      const memberId = ((await member.call('GET', '/api/v1/me')).body as { id: string }).id;
      await group('Solo Again', [[id, 'coordinator']]);
      await group('Tenant Union', [[id, 'coordinator'], [memberId, 'member']]);
      const before = traces(await everything(t), [id]);

      const res = await holding.call('DELETE', '/api/v1/me', { password });
      assert.equal(res.status, 409);
      assert.equal(res.body.code, 'last_coordinator');
      assert.match(res.body.detail, /Tenant Union/);
      assert.deepEqual(traces(await everything(t), [id]), before, 'nothing half-deleted');
      assert.equal((await holding.call('GET', '/api/v1/me')).status, 200);
      assert.equal((await db.selectFrom('groups').select('id').where('name', '=', 'Solo Again').execute()).length, 1);
    });
  });
}
