import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import type { SseEvent } from './frame.ts';
import { Hub } from './hub.ts';
import { SseReader } from './sse-reader.ts';
import { sseResponse } from './sse-response.ts';
import { eventually, startSseServer, type SseServer } from './test-server.ts';

const event = (id: string): SseEvent => ({ id, event: 'broadcast', data: { id } });

/** Stores the event, then sends it live: the order every publisher must keep. */
function publish(server: SseServer, topic: string, e: SseEvent): void {
  const stored = server.archive.get(topic) ?? [];
  server.archive.set(topic, [...stored, e]);
  server.hub.send(topic, ['rsvp'], e);
}

describe('SSE catch-up', () => {
  let server: SseServer;
  afterEach(async () => server?.close());

  it('gives a new subscriber what it missed, then what happens next', async () => {
    server = await startSseServer();
    server.archive.set('a', [event('e1'), event('e2')]);
    const s = await server.subscribe('a', 'rsvp');
    await s.reader.until((events) => events.length === 2);
    publish(server, 'a', event('e3'));
    await s.reader.until((events) => events.length === 3);
    assert.deepEqual(s.reader.events.map((e) => e.id), ['e1', 'e2', 'e3']);
  });

  it('resumes after Last-Event-ID with no gap and no duplicate while events arrive during catch-up', async () => {
    const reading = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    server = await startSseServer({
      catchUp: async (topic, last) => {
        reading.resolve();
        await release.promise;
        return (server.archive.get(topic) ?? []).filter((e) => last === null || e.id > last);
      },
    });
    server.archive.set('a', [event('e1'), event('e2'), event('e3')]);
    const subscribing = server.subscribe('a', 'rsvp', 'e1');
    await reading.promise;
    // Stored before the catch-up is read, but sent live only now: it would arrive twice.
    server.hub.send('a', ['rsvp'], event('e3'));
    // Stored and sent while the catch-up is being read.
    publish(server, 'a', event('e4'));
    release.resolve();
    const s = await subscribing;
    publish(server, 'a', event('e5'));
    await s.reader.until((events) => events.at(-1)?.id === 'e5');
    assert.deepEqual(s.reader.events.map((e) => e.id), ['e2', 'e3', 'e4', 'e5']);
  });

  it('ignores a caught-up event that its publisher sends live only later', async () => {
    server = await startSseServer();
    server.archive.set('a', [event('e1')]);
    const s = await server.subscribe('a', 'rsvp');
    await s.reader.until((events) => events.length === 1);
    server.hub.send('a', ['rsvp'], event('e1'));
    publish(server, 'a', event('e2'));
    await s.reader.until((events) => events.at(-1)?.id === 'e2');
    assert.deepEqual(s.reader.events.map((e) => e.id), ['e1', 'e2']);
  });

  it('answers with an ordinary error, and registers nothing, when the catch-up fails', async () => {
    const hub = new Hub();
    const app = new Hono();
    app.onError((_err, c) => c.json({ code: 'not_found' }, 404));
    app.get('/s', (c) => sseResponse(c, { hub, topic: 'a', audience: 'rsvp', catchUp: async () => Promise.reject(new Error('no such ticket')) }));
    server = await startSseServer({ hub });
    server.app.route('/', app);
    const res = await fetch(`${server.url}/s`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { code: 'not_found' });
    assert.equal(hub.count(), 0);
  });

  it('works without a Node response too (app.request in tests)', async () => {
    const hub = new Hub();
    const archive = [event('e1'), event('e2')];
    const app = new Hono();
    app.get('/s', (c) =>
      sseResponse(c, { hub, topic: 'a', audience: 'rsvp', catchUp: async (last) => archive.filter((e) => last === null || e.id > last) }),
    );
    const res = await app.request('/s', { headers: { 'last-event-id': 'e1' } });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = new SseReader(res.body!);
    hub.send('a', ['rsvp'], event('e3'));
    await reader.until((events) => events.length === 2);
    assert.deepEqual(reader.events.map((e) => e.id), ['e2', 'e3']);
    await reader.cancel();
    await eventually(() => hub.count() === 0);
  });
});
