import { it } from 'node:test';
import assert from 'node:assert/strict';
import { memoByKey } from './memo.ts';

it('memoByKey builds each value once, and starts over past its limit', () => {
  const built: string[] = [];
  const upper = memoByKey((key) => {
    built.push(key);
    return { key: key.toUpperCase() };
  }, 2);
  const a = upper('a');
  assert.equal(upper('a'), a);
  assert.deepEqual(upper('b'), { key: 'B' });
  assert.deepEqual(built, ['a', 'b']);
  upper('c'); // a third key: what was held is forgotten
  assert.notEqual(upper('a'), a);
  assert.deepEqual(built, ['a', 'b', 'c', 'a']);
});
