import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem } from './errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

it('round-trips a position and is opaque', () => {
  const cursor = encodeCursor('2026-06-01T12:00:00.000Z', 'abc');
  assert.doesNotMatch(cursor, /2026|abc/);
  assert.deepEqual(decodeCursor(cursor), ['2026-06-01T12:00:00.000Z', 'abc']);
});

it('refuses anything it did not give out, naming the cursor field', () => {
  for (const bad of ['zzz', encodeCursor('a', 'b').slice(2), Buffer.from('[1,2]').toString('base64url'), Buffer.from('["a"]').toString('base64url')]) {
    assert.throws(() => decodeCursor(bad), (err: Problem) => err.status === 422 && err.fields?.cursor !== undefined);
  }
});
