import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { dialects, freshStore, skipReason, type TestStore } from '../../test/support/stores.ts';
import { ManualClock, addMs } from '../core/clock.ts';
import { resumedKind } from '../bus/bus.ts';
import { MemoryBus } from '../bus/memory.ts';
import { JobRunner, jobsTopic } from './runner.ts';
import { scheduleJob } from './schedule.ts';

/** Rejects if the promise has not settled in time; the timer does not hold the process open. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, sleep(ms, undefined, { ref: false }).then(() => Promise.reject(new Error(`not within ${ms} ms`)))]);
}

// The runner's own timer at work (start/stop), as opposed to runDue() called by hand.
for (const dialect of dialects) {
  describe(`job timers on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let t: TestStore;
    before(async () => {
      if (!skip) t = await freshStore(dialect);
    });
    after(async () => t?.dispose());

    it('on start, runs at once what came due while it was down', { skip }, async () => {
      const clock = new ManualClock();
      for (const seconds of [1, 2, 3]) {
        await scheduleJob(t.store.db, { kind: 't.restart', runAt: addMs(clock.now(), seconds * 1000), payload: { seconds } }, clock);
      }
      clock.advance(10_000);
      let ran = 0;
      const { promise: allRan, resolve } = Promise.withResolvers<void>();
      const runner = new JobRunner({ store: t.store, clock, pollMs: 60_000 }).register('t.restart', async () => {
        if (++ran === 3) resolve();
      });
      await runner.start();
      await within(allRan, 3000);
      await runner.stop();
      const again = new JobRunner({ store: t.store, clock }).register('t.restart', async () => void ran++);
      assert.equal(await again.runDue(), 0);
      assert.equal(ran, 3);
    });

    it('fires a timer at its instant, not on the next poll (real clock)', { skip }, async () => {
      const { promise: fired, resolve } = Promise.withResolvers<number>();
      const runner = new JobRunner({ store: t.store, pollMs: 60_000 }).register('t.timer', async () => resolve(Date.now()));
      await runner.start();
      // Let the start-up pass finish, so only the new timer can wake the runner in time.
      await sleep(100);
      try {
        const runAt = new Date(Date.now() + 50);
        await runner.schedule({ kind: 't.timer', runAt, payload: {} });
        assert.ok((await within(fired, 3000)) >= runAt.getTime(), 'fired early');
      } finally {
        await runner.stop();
      }
    });

    it('finds jobs it was not told about on its safety poll (real clock)', { skip }, async () => {
      const { promise: fired, resolve } = Promise.withResolvers<void>();
      const runner = new JobRunner({ store: t.store, pollMs: 100 }).register('t.poll', async () => resolve());
      await runner.start();
      try {
        await scheduleJob(t.store.db, { kind: 't.poll', runAt: new Date(), payload: {} });
        await within(fired, 3000);
      } finally {
        await runner.stop();
      }
    });

    it('wakes a runner in another part of the server through the bus (real clock)', { skip }, async () => {
      const bus = new MemoryBus();
      await bus.start();
      const { promise: fired, resolve } = Promise.withResolvers<number>();
      const worker = new JobRunner({ store: t.store, bus, pollMs: 60_000 }).register('t.bus', async () => resolve(Date.now()));
      const web = new JobRunner({ store: t.store, bus, pollMs: 60_000 });
      await worker.start();
      await sleep(100);
      try {
        const runAt = new Date(Date.now() + 50);
        await web.schedule({ kind: 't.bus', runAt, payload: {} });
        assert.ok((await within(fired, 3000)) >= runAt.getTime(), 'fired early');
      } finally {
        await worker.stop();
        await bus.stop();
      }
    });

    it('looks for due jobs at once when the bus says it was deaf for a while (real clock)', { skip }, async () => {
      const bus = new MemoryBus();
      await bus.start();
      const { promise: fired, resolve } = Promise.withResolvers<void>();
      const runner = new JobRunner({ store: t.store, bus, pollMs: 60_000 }).register('t.resumed', async () => resolve());
      await runner.start();
      try {
        await sleep(100);
        // Scheduled elsewhere while this process heard nothing: only the resume wakes it before the poll.
        await scheduleJob(t.store.db, { kind: 't.resumed', runAt: new Date(), payload: {} });
        await bus.publish(jobsTopic, { kind: resumedKind });
        await within(fired, 3000);
      } finally {
        await runner.stop();
        await bus.stop();
      }
    });

    it('does not hold a timer back behind a slow job (real clock)', { skip }, async () => {
      const slowStarted = Promise.withResolvers<void>();
      const slowMayEnd = Promise.withResolvers<void>();
      const { promise: revealed, resolve } = Promise.withResolvers<number>();
      const runner = new JobRunner({ store: t.store, pollMs: 60_000 })
        .register('t.slow', async () => {
          slowStarted.resolve();
          await slowMayEnd.promise;
        })
        .register('t.reveal', async () => resolve(Date.now()));
      await runner.start();
      try {
        await runner.schedule({ kind: 't.slow', runAt: new Date(), payload: {} });
        await within(slowStarted.promise, 3000);
        const runAt = new Date(Date.now() + 50);
        await runner.schedule({ kind: 't.reveal', runAt, payload: {} });
        assert.ok((await within(revealed, 3000)) >= runAt.getTime());
      } finally {
        slowMayEnd.resolve();
        await runner.stop();
      }
    });

    it('keeps renewing the lease of a job it is still running (real clock)', { skip }, async () => {
      const started = Promise.withResolvers<void>();
      const mayEnd = Promise.withResolvers<void>();
      let runs = 0;
      const handler = async () => {
        runs++;
        started.resolve();
        await mayEnd.promise;
      };
      const owner = new JobRunner({ store: t.store, leaseMs: 150, pollMs: 60_000 }).register('t.long', handler);
      const other = new JobRunner({ store: t.store, leaseMs: 150 }).register('t.long', async () => void runs++);
      const id = await scheduleJob(t.store.db, { kind: 't.long', runAt: new Date(), payload: {} });
      const running = owner.runDue();
      await within(started.promise, 3000);
      await sleep(450);
      assert.equal(await other.runDue(), 0, 'another runner took over a job that was still running');
      mayEnd.resolve();
      assert.equal(await running, 1);
      assert.equal(runs, 1);
      const row = await t.store.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'done');
    });
  });
}
