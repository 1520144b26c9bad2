import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent } from './frame.ts';
import { SseReader } from './sse-reader.ts';

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
      controller.close();
    },
  });
}

describe('SSE frames', () => {
  it('puts id, event and JSON data on one line each', () => {
    const frame = encodeEvent({ id: '0190-a', event: 'reveal', data: { text: 'line one\nline two\r\nend' } });
    assert.equal(frame.toString(), 'id: 0190-a\nevent: reveal\ndata: {"text":"line one\\nline two\\r\\nend"}\n\n');
    assert.equal(encodeEvent({ id: 'x', event: 'e', data: undefined }).toString(), 'id: x\nevent: e\ndata: null\n\n');
  });

  it('refuses ids and names that would smuggle in fields', () => {
    assert.throws(() => encodeEvent({ id: 'a\nevent: reveal', event: 'e', data: null }));
    assert.throws(() => encodeEvent({ id: 'a', event: 'e\rdata: x', data: null }));
    assert.throws(() => encodeEvent({ id: '', event: 'e', data: null }));
    assert.throws(() => encodeEvent({ id: 'a\0', event: 'e', data: null }));
  });

  it('reads back what it writes, split anywhere, as EventSource would', async () => {
    const wire = encodeEvent({ id: '1', event: 'call', data: { city: 'Zürich' } }).toString() + ': heartbeat\n\n' + 'data: a\r\ndata: b\r\rid: 2\nevent: x\ndata: c\n\n';
    const parts = [wire.slice(0, 7), wire.slice(7, 40), wire.slice(40, 71), wire.slice(71)];
    const reader = new SseReader(streamOf(...parts));
    await reader.done;
    assert.equal(reader.comments, 1);
    assert.deepEqual(reader.events, [
      { id: '1', event: 'call', data: '{"city":"Zürich"}' },
      { id: '1', event: 'message', data: 'a\nb' },
      { id: '2', event: 'x', data: 'c' },
    ]);
  });
});
