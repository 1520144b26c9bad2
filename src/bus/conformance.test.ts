import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, type Logger } from '../core/log.ts';
import type { Bus, BusMessage } from './bus.ts';
import { MemoryBus } from './memory.ts';
import { postgresBus } from './postgres-fixture.ts';
import { skipReason } from '../../test/support/stores.ts';

interface Made {
  bus: Bus;
  /** Releases what the bus was built on, after bus.stop(). */
  dispose?: () => Promise<void>;
}

/** Every Bus must pass the same suite. */
const buses: Array<{ name: string; skip: () => Promise<string | undefined>; make: (log: Logger) => Promise<Made> }> = [
  { name: 'memory', skip: async () => undefined, make: async (log) => ({ bus: new MemoryBus({ log }) }) },
  { name: 'postgres', skip: () => skipReason('postgres'), make: (log) => postgresBus({ log }) },
];

/** Delivery is asynchronous on every bus, and slower on some: wait for it, do not assume a tick. */
async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

for (const { name, skip: skipped, make } of buses) {
  describe(`${name} bus`, { concurrency: false }, async () => {
    const skip = await skipped();
    let bus: Bus;
    let made: Made | undefined;
    let logged: string[];
    beforeEach(async () => {
      if (skip) return;
      logged = [];
      made = await make(createLogger('error', (line) => logged.push(line)));
      bus = made.bus;
      await bus.start();
    });
    afterEach(async () => {
      await made?.bus.stop();
      await made?.dispose?.();
      made = undefined;
    });

    it('delivers to the subscribers of a topic only, after publish returns', { skip }, async () => {
      const got: Array<[string, BusMessage]> = [];
      bus.subscribe('action:a1', (m, topic) => void got.push([topic, m]));
      bus.subscribe('action:a1', (m, topic) => void got.push([topic, m]));
      bus.subscribe('action:a2', (m, topic) => void got.push([topic, m]));
      const published = bus.publish('action:a1', { kind: 'disclosure.released', disclosureId: 'd1' });
      assert.equal(got.length, 0, 'delivered during publish()');
      await published;
      await eventually(() => got.length === 2);
      await sleep(20);
      assert.deepEqual(got, [
        ['action:a1', { kind: 'disclosure.released', disclosureId: 'd1' }],
        ['action:a1', { kind: 'disclosure.released', disclosureId: 'd1' }],
      ]);
    });

    it('keeps one publisher\'s messages in order', { skip }, async () => {
      const seen: number[] = [];
      bus.subscribe('t', (m) => void seen.push(m.n as number));
      for (let n = 0; n < 50; n++) await bus.publish('t', { kind: 'tick', n });
      await eventually(() => seen.length === 50);
      assert.deepEqual(seen, [...Array(50).keys()]);
    });

    it('hands subscribers a copy that nobody can change', { skip }, async () => {
      const got: BusMessage[] = [];
      bus.subscribe('t', (m) => void got.push(m));
      const message = { kind: 'rsvp.added', rsvpId: 'r1' };
      await bus.publish('t', message);
      message.rsvpId = 'changed';
      await eventually(() => got.length === 1);
      assert.equal(got[0]!.rsvpId, 'r1');
      assert.ok(Object.isFrozen(got[0]));
    });

    it('stops delivering after unsubscribe', { skip }, async () => {
      const got: BusMessage[] = [];
      const unsubscribe = bus.subscribe('t', (m) => void got.push(m));
      await bus.publish('t', { kind: 'one' });
      await eventually(() => got.length === 1);
      unsubscribe();
      await bus.publish('t', { kind: 'two' });
      await sleep(20);
      assert.deepEqual(got.map((m) => m.kind), ['one']);
    });

    it('refuses messages that are not small and flat', { skip }, async () => {
      await assert.rejects(bus.publish('t', { kind: '' }), /kind/);
      await assert.rejects(bus.publish('t', { kind: 'x', at: new Date() as unknown as string }), /field at/);
      await assert.rejects(bus.publish('t', { kind: 'x', nested: { a: 1 } as unknown as string }), /field nested/);
      await assert.rejects(bus.publish('t', { kind: 'x', blob: 'x'.repeat(2000) }), /ids, not content/);
      await assert.rejects(bus.publish('', { kind: 'x' }), /topic/);
    });

    it('keeps a failing handler from reaching the publisher or the other handlers', { skip }, async () => {
      const got: BusMessage[] = [];
      bus.subscribe('t', () => {
        throw new Error('secret detail');
      });
      bus.subscribe('t', async () => {
        throw new Error('secret detail');
      });
      bus.subscribe('t', (m) => void got.push(m));
      await bus.publish('t', { kind: 'x' });
      await eventually(() => got.length === 1 && logged.length === 2);
      assert.ok(logged.every((line) => !line.includes('secret')), 'error messages reached the log');
    });

    it('refuses to publish when stopped', { skip }, async () => {
      await bus.stop();
      await assert.rejects(bus.publish('t', { kind: 'x' }), /not started/);
    });
  });
}
