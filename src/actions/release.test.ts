import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { dialects, skipReason } from '../../test/support/stores.ts';
import { JobRunner } from '../jobs/runner.ts';
import { registerActionJobs } from './engine.ts';
import { api, stage, type Stage } from './organizer-fixtures.ts';
import { at, busLog, endsAt, jobOf, scene, stagingAt, targetAt } from './participation-fixtures.ts';
import { fireRelease, releaseJob } from './release.ts';

const hour = 60 * 60_000;

for (const dialect of dialects) {
  describe(`actions: release timers on ${dialect}`, async () => {
    const skip = await skipReason(dialect);
    let s: Stage;
    let heard: ReturnType<typeof busLog>;
    before(async () => {
      if (skip) return;
      s = await stage(dialect);
      heard = busLog(s.t);
    });
    after(async () => s?.t.dispose());

    const jobsOf = async (nodeId: string, actionId: string) =>
      (await s.t.fixture.store.db.selectFrom('jobs').select(['dedupe_key', 'status', 'run_at']).orderBy('dedupe_key').execute())
        .filter((j) => j.dedupe_key?.includes(nodeId) || j.dedupe_key?.includes(actionId));
    const firedFor = (actionId: string) => heard.filter((m) => m.actionId === actionId).map((m) => `${m.kind}@${String(m.releaseAt ?? m.endsAt ?? '')}`);
    /** The bus delivers on a later tick. */
    const settle = () => sleep(5);

    it('schedules one timer per release instant, the dispersal and the erasure when the call goes out', { skip }, async () => {
      const sc = await scene(s, { tag: 'timers' });
      assert.deepEqual(await jobsOf(sc.nodeId, sc.actionId), [
        { dedupe_key: `disperse:${sc.nodeId}:${endsAt}`, status: 'pending', run_at: endsAt },
        { dedupe_key: `erase:${sc.actionId}`, status: 'pending', run_at: at(150).toISOString() },
        { dedupe_key: `release:${sc.nodeId}:${stagingAt}`, status: 'pending', run_at: stagingAt },
        { dedupe_key: `release:${sc.nodeId}:${targetAt}`, status: 'pending', run_at: targetAt },
      ]);
    });

    it('fires a release at its instant and not a millisecond before', { skip }, async () => {
      const sc = await scene(s, { tag: 'instant' });
      s.t.clock.set(new Date(Date.parse(stagingAt) - 1));
      await s.t.jobs.runDue();
      await settle();
      assert.deepEqual(firedFor(sc.actionId), []);
      s.t.clock.set(stagingAt);
      await s.t.jobs.runDue();
      await settle();
      assert.deepEqual(firedFor(sc.actionId), [`release@${stagingAt}`]);
      s.t.clock.set(new Date(Date.parse(targetAt) - 1));
      await s.t.jobs.runDue();
      await settle();
      assert.deepEqual(firedFor(sc.actionId), [`release@${stagingAt}`]);
      s.t.clock.set(targetAt);
      await s.t.jobs.runDue();
      s.t.clock.set(endsAt);
      await s.t.jobs.runDue();
      await settle();
      assert.deepEqual(firedFor(sc.actionId), [`release@${stagingAt}`, `release@${targetAt}`, `disperse@${endsAt}`]);
      s.t.clock.set('2026-06-01T12:00:00.000Z');
    });

    it('puts a timer claimed early back, to its own instant', { skip }, async () => {
      const sc = await scene(s, { tag: 'early' });
      s.t.clock.set(new Date(Date.parse(targetAt) - 30_000));
      await fireRelease(s.t.ctx(), s.t.jobs, s.t.bus, jobOf(releaseJob, { actionId: sc.actionId, nodeId: sc.nodeId, releaseAt: targetAt }));
      await settle();
      assert.deepEqual(firedFor(sc.actionId), []);
      const job = (await jobsOf(sc.nodeId, sc.actionId)).find((j) => j.dedupe_key === `release:${sc.nodeId}:${targetAt}`);
      assert.deepEqual(job, { dedupe_key: `release:${sc.nodeId}:${targetAt}`, status: 'pending', run_at: targetAt });
      s.t.clock.set('2026-06-01T12:00:00.000Z');
    });

    it('follows a moved start: the old instants never fire, the new ones do', { skip }, async () => {
      const sc = await scene(s, { tag: 'moved' });
      const moved = await sc.organizer.call('PATCH', `${api}/actions/${sc.slug}`, { timing: { mode: 'same-instant', at: '2026-06-20T18:00:00Z' } });
      assert.equal(moved.status, 200, moved.text);
      const newTarget = new Date(Date.parse(targetAt) + 2 * hour).toISOString();
      const keys = (await jobsOf(sc.nodeId, sc.actionId)).map((j) => j.dedupe_key);
      assert.ok(keys.includes(`release:${sc.nodeId}:${newTarget}`));
      assert.ok(!keys.includes(`release:${sc.nodeId}:${targetAt}`), 'the stale timer is cancelled');
      s.t.clock.set(new Date(Date.parse(newTarget) - 1));
      await s.t.jobs.runDue();
      await settle();
      assert.deepEqual(firedFor(sc.actionId), [`release@${new Date(Date.parse(stagingAt) + 2 * hour).toISOString()}`]);
      s.t.clock.set('2026-06-01T12:00:00.000Z');
    });

    it('after a restart, fires at once what came due while down, and nothing twice', { skip }, async () => {
      const sc = await scene(s, { tag: 'restart' });
      // Down from before the staging point until after the dispersal.
      s.t.clock.set(new Date(Date.parse(endsAt) + 60_000));
      const { promise: allFired, resolve } = Promise.withResolvers<void>();
      const check = setInterval(() => firedFor(sc.actionId).length >= 3 && resolve(), 2);
      const revived = registerActionJobs(new JobRunner({ store: s.t.fixture.store, clock: s.t.clock, bus: s.t.bus, pollMs: 60_000 }), {
        store: s.t.fixture.store, clock: s.t.clock, config: s.t.config, log: { debug() {}, info() {}, warn() {}, error() {} }, bus: s.t.bus,
      });
      await revived.start();
      try {
        await Promise.race([allFired, sleep(3000).then(() => assert.fail(`fired only ${firedFor(sc.actionId).join(', ')}`))]);
      } finally {
        clearInterval(check);
        await revived.stop();
      }
      assert.equal(await s.t.jobs.runDue(), 0);
      await settle();
      assert.deepEqual(firedFor(sc.actionId).sort(), [`disperse@${endsAt}`, `release@${stagingAt}`, `release@${targetAt}`]);
      s.t.clock.set('2026-06-01T12:00:00.000Z');
    });

    it('sends no dispersal for an end that has moved since', { skip }, async () => {
      const sc = await scene(s, { tag: 'longer' });
      // Longer: the end moves from T+90 to T+120, and its timer with it.
      assert.equal((await sc.organizer.call('PATCH', `${api}/actions/${sc.slug}`, { durationMinutes: 120 })).status, 200);
      s.t.clock.set(at(100));
      await s.t.jobs.runDue();
      await settle();
      assert.ok(!firedFor(sc.actionId).some((f) => f.startsWith('disperse')));
      s.t.clock.set(at(120));
      await s.t.jobs.runDue();
      await settle();
      assert.deepEqual(firedFor(sc.actionId).filter((f) => f.startsWith('disperse')), [`disperse@${at(120).toISOString()}`]);
      s.t.clock.set('2026-06-01T12:00:00.000Z');
    });
  });
}
