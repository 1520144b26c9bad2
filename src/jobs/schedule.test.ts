import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshStore, skipReason, type TestStore } from '../../test/support/stores.ts';
import { ManualClock, addMs } from '../core/clock.ts';
import { cancelJobs, jobsByKeyPrefix, pruneJobs, scheduleJob } from './schedule.ts';

for (const dialect of dialects) {
  describe(`scheduling jobs on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    const clock = new ManualClock();
    before(async () => {
      if (!skip) t = await freshStore(dialect);
    });
    after(async () => t?.dispose());

    const row = (id: string) => t.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('stores a pending job with its instant and payload', { skip }, async () => {
      const runAt = addMs(clock.now(), 60_000);
      const id = await scheduleJob(t.store.db, { kind: 'test.store', runAt, payload: { actionId: 'a1', node: 3 } }, clock);
      const job = await row(id);
      assert.equal(job.status, 'pending');
      assert.equal(job.run_at, runAt.toISOString());
      assert.deepEqual(JSON.parse(job.payload), { actionId: 'a1', node: 3 });
      assert.equal(job.attempts, 0);
      assert.equal(job.dedupe_key, null);
    });

    it('reschedules a pending job scheduled again under the same key', { skip }, async () => {
      const first = await scheduleJob(t.store.db, { kind: 'test.dedupe', runAt: addMs(clock.now(), 1000), payload: { v: 1 }, dedupeKey: 'reveal:x' }, clock);
      const later = addMs(clock.now(), 5000);
      const second = await scheduleJob(t.store.db, { kind: 'test.dedupe', runAt: later, payload: { v: 2 }, dedupeKey: 'reveal:x' }, clock);
      assert.equal(second, first);
      const again = await scheduleJob(t.store.db, { kind: 'test.dedupe', runAt: later, payload: { v: 2 }, dedupeKey: 'reveal:x' }, clock);
      assert.equal(again, first);
      const rows = await t.store.db.selectFrom('jobs').selectAll().where('dedupe_key', '=', 'reveal:x').execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.run_at, later.toISOString());
      assert.deepEqual(JSON.parse(rows[0]!.payload), { v: 2 });
    });

    it('leaves a started or finished job alone when its key is scheduled again', { skip }, async () => {
      const id = await scheduleJob(t.store.db, { kind: 'test.dedupe', runAt: clock.now(), payload: { v: 1 }, dedupeKey: 'reveal:done' }, clock);
      await t.store.db.updateTable('jobs').set({ status: 'done' }).where('id', '=', id).execute();
      const again = await scheduleJob(t.store.db, { kind: 'test.dedupe', runAt: addMs(clock.now(), 9000), payload: { v: 2 }, dedupeKey: 'reveal:done' }, clock);
      assert.equal(again, id);
      const job = await row(id);
      assert.equal(job.status, 'done');
      assert.deepEqual(JSON.parse(job.payload), { v: 1 });
    });

    it('cancels by key prefix, literally and case-sensitively, in any status', { skip }, async () => {
      const at = addMs(clock.now(), 1000);
      const keys = ['action:A1:reveal', 'action:A1:disperse', 'action:A10:reveal', 'Action:A1:reveal', 'action:%:x', 'action:_1:x'];
      for (const dedupeKey of keys) await scheduleJob(t.store.db, { kind: 'test.cancel', runAt: at, payload: {}, dedupeKey }, clock);
      await t.store.db.updateTable('jobs').set({ status: 'running' }).where('dedupe_key', '=', 'action:A1:disperse').execute();

      const listed = await jobsByKeyPrefix(t.store.db, ['action:A1:', 'action:_']);
      assert.deepEqual(listed.map((j) => `${j.dedupe_key} ${j.status}`).sort(), ['action:A1:disperse running', 'action:A1:reveal pending', 'action:_1:x pending']);
      await assert.rejects(jobsByKeyPrefix(t.store.db, ['']));

      assert.equal(await cancelJobs(t.store.db, { dedupeKeyPrefix: 'action:A1:' }), 2);
      assert.equal(await cancelJobs(t.store.db, { dedupeKeyPrefix: 'action:%' }), 1);
      const left = await t.store.db.selectFrom('jobs').select('dedupe_key').where('kind', '=', 'test.cancel').orderBy('dedupe_key').execute();
      assert.deepEqual(left.map((r) => r.dedupe_key).sort(), ['Action:A1:reveal', 'action:A10:reveal', 'action:_1:x']);
      await assert.rejects(cancelJobs(t.store.db, { dedupeKeyPrefix: '' }));
    });

    it('lets a cancelled key be scheduled afresh', { skip }, async () => {
      const first = await scheduleJob(t.store.db, { kind: 'test.cancel', runAt: clock.now(), payload: {}, dedupeKey: 'again:1' }, clock);
      await cancelJobs(t.store.db, { dedupeKeyPrefix: 'again:' });
      const second = await scheduleJob(t.store.db, { kind: 'test.cancel', runAt: clock.now(), payload: {}, dedupeKey: 'again:1' }, clock);
      assert.notEqual(second, first);
    });

    it('refuses payloads that are more than ids', { skip }, async () => {
      await assert.rejects(
        scheduleJob(t.store.db, { kind: 'test.big', runAt: clock.now(), payload: { text: 'x'.repeat(3000) } }, clock),
        /ids only/,
      );
      await assert.rejects(scheduleJob(t.store.db, { kind: 'test.big', runAt: new Date('nonsense'), payload: {} }, clock));
    });

    it('prunes finished jobs past retention and keeps the rest', { skip }, async () => {
      const ids = await Promise.all(
        ['done', 'failed', 'pending', 'running'].map(async (status) => {
          const id = await scheduleJob(t.store.db, { kind: 'test.prune', runAt: clock.now(), payload: {} }, clock);
          await t.store.db.updateTable('jobs').set({ status, updated_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', id).execute();
          return id;
        }),
      );
      assert.equal(await pruneJobs(t.store.db, { finishedBefore: new Date('2021-01-01T00:00:00.000Z') }), 2);
      const left = await t.store.db.selectFrom('jobs').select('status').where('id', 'in', ids).execute();
      assert.deepEqual(left.map((r) => r.status).sort(), ['pending', 'running']);
    });
  });
}
