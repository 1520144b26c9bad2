import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { dialects, freshStore, postgresUrl, skipReason, type TestStore } from '../../test/support/stores.ts';
import { ManualClock, addMs, instant } from '../core/clock.ts';
import { claimDueJobs } from '../store/dialect/claim.ts';
import { openStore } from '../store/store.ts';
import { JobFailure, type Job } from './model.ts';
import { JobRunner } from './runner.ts';
import { scheduleJob } from './schedule.ts';

for (const dialect of dialects) {
  describe(`job runner on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    before(async () => {
      if (!skip) t = await freshStore(dialect);
    });
    after(async () => t?.dispose());

    const job = (id: string) => t.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const recorder = () => {
      const runs: Job[] = [];
      return { runs, handler: async (ran: Job) => void runs.push(ran) };
    };

    it('runs due jobs once and leaves future ones for later', { skip }, async () => {
      const clock = new ManualClock();
      const { runs, handler } = recorder();
      const runner = new JobRunner({ store: t.store, clock }).register('t.due', handler);
      const due = await scheduleJob(t.store.db, { kind: 't.due', runAt: clock.now(), payload: { actionId: 'a1' } }, clock);
      await scheduleJob(t.store.db, { kind: 't.due', runAt: addMs(clock.now(), -1000), payload: {} }, clock);
      const future = await scheduleJob(t.store.db, { kind: 't.due', runAt: addMs(clock.now(), 60_000), payload: {} }, clock);

      assert.equal(await runner.runDue(), 2);
      assert.equal(await runner.runDue(), 0);
      assert.deepEqual(runs.find((r) => r.id === due)?.payload, { actionId: 'a1' });
      assert.equal(runs[0]!.attempt, 1);
      assert.equal((await job(due)).status, 'done');
      assert.equal((await job(future)).status, 'pending');

      clock.advance(60_000);
      assert.equal(await runner.runDue(), 1);
      assert.equal(runs.at(-1)!.id, future);
    });

    it('retries with backoff, then fails, keeping only what is safe to say', { skip }, async () => {
      const clock = new ManualClock();
      const retry = { maxAttempts: 3, backoffMs: (attempt: number) => 1000 * attempt };
      const runner = new JobRunner({ store: t.store, clock, retry })
        .register('t.flaky', async () => {
          throw new Error('could not reach the target at 5th Avenue');
        })
        .register('t.explained', async () => {
          throw new JobFailure('the mail server refused the message');
        })
        .register('t.coded', async () => {
          throw Object.assign(new Error('connect to 10.0.0.7 refused'), { code: 'ECONNREFUSED' });
        });
      const id = await scheduleJob(t.store.db, { kind: 't.flaky', runAt: clock.now(), payload: {} }, clock);

      assert.equal(await runner.runDue(), 1);
      let row = await job(id);
      assert.deepEqual([row.status, row.attempts, row.run_at, row.lease_until], ['pending', 1, instant(addMs(clock.now(), 1000)), null]);
      assert.equal(await runner.runDue(), 0, 'not before its backoff');
      clock.advance(1000);
      assert.equal(await runner.runDue(), 1);
      assert.equal((await job(id)).run_at, instant(addMs(clock.now(), 2000)));
      clock.advance(2000);
      assert.equal(await runner.runDue(), 1);
      row = await job(id);
      assert.deepEqual([row.status, row.attempts, row.last_error], ['failed', 3, 'Error']);

      const explained = await scheduleJob(t.store.db, { kind: 't.explained', runAt: clock.now(), payload: {} }, clock);
      const coded = await scheduleJob(t.store.db, { kind: 't.coded', runAt: clock.now(), payload: {} }, clock);
      await runner.runDue();
      assert.equal((await job(explained)).last_error, 'the mail server refused the message');
      assert.equal((await job(coded)).last_error, 'Error (ECONNREFUSED)');
    });

    it('takes over a job whose runner died mid-run once the lease runs out, and runs it once', { skip }, async () => {
      const clock = new ManualClock();
      const { runs, handler } = recorder();
      const runner = new JobRunner({ store: t.store, clock, leaseMs: 30_000 }).register('t.orphan', handler);
      const id = await scheduleJob(t.store.db, { kind: 't.orphan', runAt: clock.now(), payload: {} }, clock);
      // Another process claims it, then dies without finishing.
      const now = clock.now();
      const abandoned = await claimDueJobs(t.store.db, t.store.dialect, {
        now: instant(now), leaseUntil: instant(addMs(now, 30_000)), limit: 10, kinds: ['t.orphan'],
      });
      assert.deepEqual(abandoned.map((r) => r.id), [id]);

      assert.equal(await runner.runDue(), 0, 'the lease still holds');
      clock.advance(30_000);
      assert.equal(await runner.runDue(), 1);
      assert.equal(await runner.runDue(), 0);
      assert.deepEqual(runs.map((r) => [r.id, r.attempt]), [[id, 2]]);
      assert.equal((await job(id)).status, 'done');
    });

    it('gives up on a job whose process died during its last attempt', { skip }, async () => {
      const clock = new ManualClock();
      const { runs, handler } = recorder();
      const retry = { maxAttempts: 2, backoffMs: () => 0 };
      const runner = new JobRunner({ store: t.store, clock, retry, leaseMs: 1000 }).register('t.crashing', handler);
      const id = await scheduleJob(t.store.db, { kind: 't.crashing', runAt: clock.now(), payload: {} }, clock);
      for (let i = 0; i < 2; i++) {
        const now = clock.now();
        await claimDueJobs(t.store.db, t.store.dialect, { now: instant(now), leaseUntil: instant(addMs(now, 1000)), limit: 1, kinds: ['t.crashing'] });
        clock.advance(1000);
      }
      assert.equal(await runner.runDue(), 1);
      assert.equal(runs.length, 0);
      const row = await job(id);
      assert.equal(row.status, 'failed');
      assert.match(row.last_error ?? '', /process stopped/);
    });

    it('does not run a job again when its key is scheduled after it ran', { skip }, async () => {
      const clock = new ManualClock();
      const { runs, handler } = recorder();
      const runner = new JobRunner({ store: t.store, clock }).register('t.once', handler);
      const request = { kind: 't.once', runAt: clock.now(), payload: {}, dedupeKey: 'reveal:once' };
      await scheduleJob(t.store.db, request, clock);
      await runner.runDue();
      await scheduleJob(t.store.db, request, clock);
      assert.equal(await runner.runDue(), 0);
      assert.equal(runs.length, 1);
    });

    it('never runs a job twice when two runners claim at the same time', { skip }, async () => {
      const clock = new ManualClock();
      // A second process: its own connections to the same database.
      const other = await openStore(dialect === 'postgres' ? { databaseUrl: postgresUrl, schema: t.location } : { sqlitePath: t.location });
      try {
        const runs = new Map<string, number>();
        const handler = async (ran: Job) => {
          runs.set(ran.id, (runs.get(ran.id) ?? 0) + 1);
          await sleep(1);
        };
        const ids = [];
        for (let i = 0; i < 200; i++) ids.push(await scheduleJob(t.store.db, { kind: 't.race', runAt: clock.now(), payload: { i } }, clock));
        const a = new JobRunner({ store: t.store, clock, batchSize: 10 }).register('t.race', handler);
        const b = new JobRunner({ store: other, clock, batchSize: 10 }).register('t.race', handler);
        const counts = await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
        assert.equal(counts.reduce((x, y) => x + y), 200);
        assert.equal(runs.size, 200);
        assert.ok([...runs.values()].every((n) => n === 1), 'some job ran twice');
      } finally {
        await other.close();
      }
    });


    it('runs no more jobs at once than its concurrency allows, and still runs them all', { skip }, async () => {
      const clock = new ManualClock();
      let running = 0;
      let most = 0;
      const runner = new JobRunner({ store: t.store, clock, concurrency: 2, batchSize: 10 }).register('t.capped', async () => {
        most = Math.max(most, ++running);
        await sleep(2);
        running--;
      });
      for (let i = 0; i < 5; i++) await scheduleJob(t.store.db, { kind: 't.capped', runAt: clock.now(), payload: {} }, clock);
      assert.equal(await runner.runDue(), 5);
      assert.equal(most, 2);
    });
  });
}
