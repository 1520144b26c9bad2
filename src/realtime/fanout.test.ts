import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Hub } from './hub.ts';
import { eventually, startSseServer, type SseServer, type Subscriber } from './test-server.ts';

const ids = (s: Subscriber) => s.reader.events.map((e) => e.id);

describe('SSE fan-out through a real HTTP server', () => {
  let server: SseServer;
  beforeEach(async () => {
    server = await startSseServer({ hub: new Hub({ maxQueuedBytes: 1024 * 1024 }) });
  });
  afterEach(async () => server.close());

  it('answers with an event stream that nothing may cache or buffer', async () => {
    const s = await server.subscribe('a', 'public');
    assert.equal(s.response.status, 200);
    assert.equal(s.response.headers.get('content-type'), 'text/event-stream');
    assert.equal(s.response.headers.get('cache-control'), 'no-store');
    assert.equal(s.response.headers.get('x-accel-buffering'), 'no');
  });

  it('reaches the named audiences on the topic and nobody else', async () => {
    const [rsvp1, rsvp2, present, elsewhere] = await Promise.all([
      server.subscribe('a', 'rsvp'),
      server.subscribe('a', 'rsvp'),
      server.subscribe('a', 'present'),
      server.subscribe('b', 'present'),
    ]);
    const { hub } = server;
    assert.deepEqual([hub.count('a', 'rsvp'), hub.count('a', 'present'), hub.count('b'), hub.count()], [2, 1, 1, 4]);

    assert.equal(hub.send('a', ['present'], { id: 'e1', event: 'reveal', data: { target: 'the square' } }), 1);
    assert.equal(hub.send('a', ['rsvp', 'present'], { id: 'e2', event: 'staging', data: { at: 'the park' } }), 3);
    assert.equal(hub.send('b', ['present'], { id: 'e3', event: 'reveal', data: {} }), 1);
    assert.equal(hub.send('a', ['marshal'], { id: 'e4', event: 'note', data: {} }), 0);
    assert.equal(hub.send('nobody-here', ['rsvp'], { id: 'e5', event: 'note', data: {} }), 0);
    // A last event to everyone: once it has arrived, everything before it has too.
    hub.send('a', ['rsvp', 'present'], { id: 'end', event: 'end', data: null });
    hub.send('b', ['present'], { id: 'end', event: 'end', data: null });
    for (const s of [rsvp1!, rsvp2!, present!, elsewhere!]) await s.reader.until((events) => events.at(-1)?.id === 'end');

    assert.deepEqual(ids(rsvp1!), ['e2', 'end']);
    assert.deepEqual(ids(rsvp2!), ['e2', 'end']);
    assert.deepEqual(ids(present!), ['e1', 'e2', 'end']);
    assert.deepEqual(ids(elsewhere!), ['e3', 'end']);
    assert.deepEqual(present!.reader.events[0], { id: 'e1', event: 'reveal', data: '{"target":"the square"}' });
  });

  it('encodes an event once however many connections receive it', async () => {
    const subscribers = await Promise.all(Array.from({ length: 5 }, (_, i) => server.subscribe('a', i < 3 ? 'rsvp' : 'present')));
    const before = server.hub.metrics;
    assert.equal(server.hub.send('a', ['rsvp', 'present', 'rsvp'], { id: 'e1', event: 'call', data: { n: 1 } }), 5);
    const after = server.hub.metrics;
    assert.equal(after.framesEncoded - before.framesEncoded, 1);
    assert.equal(after.framesDelivered - before.framesDelivered, 5);
    for (const s of subscribers) await s.reader.until((events) => events.length === 1);
  });

  it('forgets a connection when its client goes away', async () => {
    const stays = await server.subscribe('a', 'rsvp');
    const leaves = await server.subscribe('a', 'rsvp');
    assert.equal(server.hub.count('a', 'rsvp'), 2);
    leaves.close();
    await eventually(() => server.hub.count('a', 'rsvp') === 1);
    stays.close();
    await eventually(() => server.hub.count() === 0);
    assert.deepEqual(server.hub.counts(), []);
  });

  it('keeps idle streams alive with comment lines', async () => {
    const s = await server.subscribe('a', 'rsvp');
    server.hub.heartbeat();
    server.hub.heartbeat();
    await eventually(() => s.reader.comments === 2);
    assert.equal(s.reader.events.length, 0);
  });

  it('skips the beat of a stream that carried an event since the last one', async () => {
    const s = await server.subscribe('a', 'rsvp');
    server.hub.send('a', ['rsvp'], { id: 'reveal', event: 'disclosure', data: null });
    server.hub.heartbeat(); // skipped: the stream just carried the reveal
    server.hub.heartbeat(); // idle since then: a comment
    // Bytes on one stream arrive in order: once the marker is read, every comment before it is too.
    server.hub.send('a', ['rsvp'], { id: 'marker', event: 'note', data: null });
    await s.reader.until((events) => events.length === 2);
    assert.equal(s.reader.comments, 1);
  });

  it('beats one group of streams at a time, every idle stream once a round', async () => {
    const streams = await Promise.all(Array.from({ length: 25 }, () => server.subscribe('a', 'rsvp')));
    /** Comments each stream has read. The marker event it sends is traffic: each stream's next beat is skipped. */
    const comments = async () => {
      // Bytes on one stream arrive in order: once the marker is read, every comment before it is too.
      const marker = `m${Math.random()}`;
      server.hub.send('a', ['rsvp'], { id: marker, event: 'note', data: null });
      await Promise.all(streams.map((s) => s.reader.until((events) => events.at(-1)?.id === marker)));
      return streams.map((s) => s.reader.comments);
    };
    // A round of 20 groups, then the first group again: 25 streams dealt into 20 groups, two in the first.
    for (let i = 0; i < 21; i++) server.hub.beatNextGroup();
    assert.deepEqual(await comments(), streams.map((_, i) => (i % 20 === 0 ? 2 : 1)));
    // After the marker every stream's next beat is skipped; in the round after that, each beats once.
    for (let i = 0; i < 40; i++) server.hub.beatNextGroup();
    assert.deepEqual(await comments(), streams.map((_, i) => (i % 20 === 0 ? 3 : 2)));
  });

  it('ends every stream when the hub stops', async () => {
    const s = await server.subscribe('a', 'rsvp');
    server.hub.stop();
    await s.reader.done;
    assert.equal(s.reader.error, null);
    assert.equal(server.hub.count(), 0);
  });

  it('ends only the streams of topics with a given prefix', async () => {
    const [erased1, erased2, kept] = await Promise.all([
      server.subscribe('action:1:n1', 'rsvp'),
      server.subscribe('action:1:n2', 'present'),
      server.subscribe('action:2:n1', 'rsvp'),
    ]);
    assert.equal(server.hub.endTopics('action:1:'), 2);
    await Promise.all([erased1!.reader.done, erased2!.reader.done]);
    assert.deepEqual([server.hub.count('action:1:n1'), server.hub.count('action:1:n2'), server.hub.count('action:2:n1')], [0, 0, 1]);
    server.hub.send('action:2:n1', ['rsvp'], { id: 'still', event: 'note', data: null });
    await kept!.reader.until((events) => events.at(-1)?.id === 'still');
  });

  it('cuts off a subscriber that stops reading, without holding back the others', async () => {
    const fast = await Promise.all([server.subscribe('a', 'rsvp'), server.subscribe('a', 'rsvp')]);
    // A phone that stopped reading: a raw socket that never consumes what it is sent.
    const slow: Socket = connect(server.port, '127.0.0.1');
    slow.write(`GET /streams/a?audience=stuck HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    slow.pause();
    await eventually(() => server.hub.count('a', 'stuck') === 1);

    const chunk = 'x'.repeat(128 * 1024);
    let sent = 0;
    // Lock-step with the readers that keep up, until the kernel and then the hub have given up on the slow one.
    while (server.hub.count('a', 'stuck') > 0 && sent < 2000) {
      server.hub.send('a', ['rsvp', 'stuck'], { id: `e${String(sent).padStart(5, '0')}`, event: 'bulk', data: chunk });
      sent++;
      await Promise.all(fast.map((s) => s.reader.until((events) => events.length === sent)));
    }
    assert.equal(server.hub.count('a', 'stuck'), 0, 'the slow subscriber was never cut off');
    assert.equal(server.hub.metrics.connectionsDropped, 1);
    assert.equal(server.hub.count('a', 'rsvp'), 2);
    server.hub.send('a', ['rsvp'], { id: 'after', event: 'end', data: null });
    for (const s of fast) {
      await s.reader.until((events) => events.at(-1)?.id === 'after');
      assert.equal(s.reader.events.length, sent + 1);
    }
    slow.destroy();
  });
});
