import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshStore, postgresUrl, skipReason, type TestStore } from '../../../test/support/stores.ts';
import { uuidv7 } from '../../core/ids.ts';
import { openStore } from '../store.ts';
import { claimDueJobs, type ClaimRequest } from './claim.ts';

const now = '2026-06-01T12:00:00.000Z';
const request = (kinds: string[], limit = 10, at = now): ClaimRequest => ({ now: at, leaseUntil: '2026-06-01T12:01:00.000Z', limit, kinds });

for (const dialect of dialects) {
  describe(`claiming due jobs on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    before(async () => {
      if (!skip) t = await freshStore(dialect);
    });
    after(async () => t?.dispose());

    const insert = async (kind: string, runAt: string, extra: { status?: string; lease_until?: string | null } = {}) => {
      const id = uuidv7();
      await t.store.db
        .insertInto('jobs')
        .values({
          id, kind, run_at: runAt, payload: '{}', status: 'pending', attempts: 0, lease_until: null, dedupe_key: null,
          last_error: null, created_at: now, updated_at: now, ...extra,
        })
        .execute();
      return id;
    };

    it('takes due jobs of the given kinds, earliest first, up to the limit, under a lease', { skip }, async () => {
      const late = await insert('c.due', '2026-06-01T11:59:00.000Z');
      const early = await insert('c.due', '2026-06-01T11:00:00.000Z');
      const exact = await insert('c.due', now);
      await insert('c.due', '2026-06-01T12:00:00.001Z');
      await insert('c.other', '2026-06-01T11:00:00.000Z');

      const first = await claimDueJobs(t.store.db, t.store.dialect, request(['c.due'], 2));
      assert.deepEqual(first.map((j) => j.id), [early, late]);
      assert.deepEqual(first.map((j) => [j.status, j.attempts, j.lease_until]), [
        ['running', 1, '2026-06-01T12:01:00.000Z'],
        ['running', 1, '2026-06-01T12:01:00.000Z'],
      ]);
      assert.deepEqual((await claimDueJobs(t.store.db, t.store.dialect, request(['c.due']))).map((j) => j.id), [exact]);
      assert.deepEqual(await claimDueJobs(t.store.db, t.store.dialect, request(['c.due'])), []);
      assert.deepEqual(await claimDueJobs(t.store.db, t.store.dialect, request([])), []);
    });

    it('takes back a running job only once its lease has ended', { skip }, async () => {
      const held = await insert('c.lease', '2026-06-01T11:00:00.000Z', { status: 'running', lease_until: '2026-06-01T12:00:00.001Z' });
      const lapsed = await insert('c.lease', '2026-06-01T11:00:00.000Z', { status: 'running', lease_until: now });
      await insert('c.lease', '2026-06-01T11:00:00.000Z', { status: 'done' });
      await insert('c.lease', '2026-06-01T11:00:00.000Z', { status: 'failed' });
      assert.deepEqual((await claimDueJobs(t.store.db, t.store.dialect, request(['c.lease']))).map((j) => j.id), [lapsed]);
      const later = request(['c.lease'], 10, '2026-06-01T12:00:00.001Z');
      assert.deepEqual((await claimDueJobs(t.store.db, t.store.dialect, later)).map((j) => j.id), [held]);
    });

    it('never hands the same job to two claimers at once', { skip }, async () => {
      for (let i = 0; i < 100; i++) await insert('c.race', now);
      const other = await openStore(dialect === 'postgres' ? { databaseUrl: postgresUrl, schema: t.location } : { sqlitePath: t.location });
      try {
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) => claimDueJobs(i % 2 ? other.db : t.store.db, t.store.dialect, request(['c.race'], 15))),
        );
        const ids = claims.flat().map((j) => j.id);
        assert.equal(ids.length, 100);
        assert.equal(new Set(ids).size, 100);
      } finally {
        await other.close();
      }
    });
  });
}
