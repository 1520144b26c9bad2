import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { resumedKind } from '../bus/bus.ts';
import { api, stage, type Stage } from './organizer-fixtures.ts';
import { at, ids, listen, rsvpFor, scene, stagingAt, type Listening } from './participation-fixtures.ts';
import { liveBusTopic } from './live-events.ts';

/**
 * A networked bus that was deaf for a while (its LISTEN connection dropped) says so with
 * `bus.resumed`. A release may have gone by unheard, so this process's live streams are
 * ended: each phone reconnects with its Last-Event-ID and the catch-up fills the gap.
 */
describe('actions: the live channel after the bus was deaf', () => {
  let s: Stage;
  let server: Listening;
  after(async () => {
    await server?.close();
    await s?.t.dispose();
  });

  it('ends this process\'s live streams so phones catch up from where they were', async () => {
    s = await stage('sqlite');
    const sc = await scene(s, { tag: 'resume' });
    server = await listen(s.t);
    s.t.clock.set(at(-30));
    const ticket = await rsvpFor(s.anonymous(), sc.slug, sc.nodeId);
    const path = `${api}/actions/${sc.slug}/live?node=${sc.nodeId}`;
    const first = await server.follow(path, { 'x-blossom-ticket': ticket });
    await first.reader.until((events) => events.some((e) => e.event === 'state'));
    assert.equal(s.t.hub.count(), 1);

    await s.t.bus.publish(liveBusTopic, { kind: resumedKind });
    await first.reader.done;
    assert.ok(first.reader.ended, 'the stream was ended');
    assert.equal(s.t.hub.count(), 0);

    // As EventSource does: the last id it saw.
    const lastSeen = ids(first.reader.events).at(-1)!;
    assert.equal(lastSeen, `${stagingAt}~d~${sc.staging.id}`);
    const again = await server.follow(path, { 'x-blossom-ticket': ticket, 'last-event-id': lastSeen });
    await again.reader.until((events) => events.some((e) => e.event === 'state'));
    // Whatever the catch-up repeats carries the same ids, which the phone de-duplicates.
    assert.deepEqual(ids(again.reader.events, 'disclosure').filter((id) => id !== lastSeen), []);
    await again.close();
  });
});
