import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { skipReason } from '../../test/support/stores.ts';
import { resumedKind, type BusMessage } from './bus.ts';
import { channelFor } from './postgres.ts';
import { dropListener, postgresBus } from './postgres-fixture.ts';

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** What only a networked bus has: other processes, namespaces, and a connection that can drop. */
describe('postgres bus, between processes', async () => {
  const skip = await skipReason('postgres');
  const disposals: Array<() => Promise<void>> = [];
  const open = async (namespace?: string) => {
    const made = await postgresBus(namespace ? { namespace } : {});
    await made.bus.start();
    disposals.push(async () => {
      await made.bus.stop();
      await made.dispose();
    });
    return made;
  };
  after(async () => {
    for (const dispose of disposals.reverse()) await dispose();
  });

  it('keeps channel names within PostgreSQL\'s 63-byte identifiers', () => {
    assert.equal(channelFor(undefined), 'blossom_bus');
    assert.equal(channelFor('t_abc'), 'blossom_bus:t_abc');
    const long = channelFor('x'.repeat(80));
    assert.ok(Buffer.byteLength(long) <= 63);
    assert.notEqual(long, channelFor('x'.repeat(81)));
  });

  it('delivers from one process to another in the same namespace, and never across namespaces', { skip }, async () => {
    const a = await open();
    const b = await open(a.namespace);
    const stranger = await open();
    const heard: Record<string, string[]> = { a: [], b: [], stranger: [] };
    a.bus.subscribe('jobs', (m) => void heard.a!.push(String(m.n)));
    b.bus.subscribe('jobs', (m) => void heard.b!.push(String(m.n)));
    stranger.bus.subscribe('jobs', (m) => void heard.stranger!.push(String(m.n)));
    await a.bus.publish('jobs', { kind: 'job.scheduled', n: 1 });
    await b.bus.publish('jobs', { kind: 'job.scheduled', n: 2 });
    await eventually(() => heard.a!.length === 2 && heard.b!.length === 2);
    await sleep(50);
    assert.deepEqual(heard, { a: ['1', '2'], b: ['1', '2'], stranger: [] });
  });

  it('reconnects after its LISTEN connection drops, tells subscribers it resumed, and delivers again', { skip }, async () => {
    const a = await open();
    const b = await open(a.namespace);
    const heard: BusMessage[] = [];
    b.bus.subscribe('live', (m) => void heard.push(m));
    assert.equal(await dropListener(b.bus), 1);
    await eventually(() => heard.some((m) => m.kind === resumedKind));
    await a.bus.publish('live', { kind: 'release', nodeId: 'n1' });
    await eventually(() => heard.some((m) => m.kind === 'release'));
    assert.deepEqual(heard.map((m) => m.kind), [resumedKind, 'release']);
  });
});
