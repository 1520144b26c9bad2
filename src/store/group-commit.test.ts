import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from './group-commit.ts';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('flushes what is submitted in one turn together, answering each its own result', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => (batches.push([...items]), items.map((n) => n * 10)));
    const answers = await Promise.all([group.submit(1), group.submit(2), group.submit(3)]);
    assert.deepEqual(answers, [10, 20, 30]);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  it('settles nobody before the flush has finished', async () => {
    let finish!: () => void;
    const group = new GroupCommit<string, string>((items) => new Promise((resolve) => (finish = () => resolve(items.map((s) => s.toUpperCase())))));
    let settled = false;
    const answer = group.submit('a').then((value) => ((settled = true), value));
    await turn();
    await turn();
    assert.equal(settled, false);
    finish();
    assert.equal(await answer, 'A');
  });

  it('queues what arrives during a flush for the next batch, never overlapping flushes', async () => {
    const batches: string[][] = [];
    let running = 0;
    const group = new GroupCommit<string, string>(async (items) => {
      assert.equal(++running, 1, 'flushes overlapped');
      batches.push([...items]);
      await turn();
      await turn();
      running--;
      return items;
    });
    const first = [group.submit('a'), group.submit('b')];
    await turn(); // the first flush is running now
    const second = [group.submit('c'), group.submit('d')];
    assert.deepEqual(await Promise.all([...first, ...second]), ['a', 'b', 'c', 'd']);
    assert.deepEqual(batches, [['a', 'b'], ['c', 'd']]);
    assert.equal(group.pending, 0);
  });

  it('rejects every submitter of a failed batch with its error, and carries on with the next', async () => {
    let fail = true;
    const group = new GroupCommit<number, number>(async (items) => {
      if (fail) throw new Error('disk full');
      return items;
    });
    const failed = [group.submit(1), group.submit(2)].map((p) => p.then(() => 'ok', (err: Error) => err.message));
    assert.deepEqual(await Promise.all(failed), ['disk full', 'disk full']);
    fail = false;
    assert.equal(await group.submit(3), 3);
  });

  it('rejects a flush that answers the wrong number of results', async () => {
    const group = new GroupCommit<number, number>(async () => [1]);
    const answers = await Promise.allSettled([group.submit(1), group.submit(2)]);
    assert.deepEqual(answers.map((a) => a.status), ['rejected', 'rejected']);
  });

  it('splits a crowd into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(async (items) => (sizes.push(items.length), items), { maxBatch: 2 });
    assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n))), [1, 2, 3, 4, 5]);
    assert.deepEqual(sizes, [2, 2, 1]);
  });
});
