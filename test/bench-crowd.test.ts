import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Crowd, ErrorTally, outcome, type Listener } from '../bench/crowd.ts';
import type { FromClients } from '../bench/protocol.ts';

describe('bench: the crowd waiting for the reveal', () => {
  it('sums up who got the target, who is still waiting and who was lost', () => {
    const phones: Listener[] = [
      { receivedAt: 1005.5, ended: false },
      { receivedAt: null, ended: false },
      { receivedAt: 1012, ended: true }, // got it, then its connection ended: still delivered
      { receivedAt: null, ended: true },
      { receivedAt: null, ended: true },
    ];
    assert.deepEqual(outcome(phones, 1000), { latencies: [5.5, 12], missing: 1, lost: 2 });
    assert.deepEqual(outcome([], 1000), { latencies: [], missing: 0, lost: 0 });
  });

  it('tallies failures by reason, keeping only the first five distinct reasons', () => {
    const tally = new ErrorTally();
    for (const reason of ['ECONNRESET a', 'b', 'ECONNRESET a', 'c', 'd', 'e', 'f', 'b']) tally.add(reason);
    assert.equal(tally.failed, 8);
    assert.deepEqual(tally.lines(), ['2 × ECONNRESET a', '2 × b', '1 × c', '1 × d', '1 × e']);
    assert.deepEqual(tally.connected(42), { kind: 'connected', open: 42, failed: 8, errors: tally.lines() });
    assert.deepEqual(new ErrorTally().connected(3), { kind: 'connected', open: 3, failed: 0, errors: [] });
  });

  it('stops waiting as soon as every phone has its answer, long before the deadline', async () => {
    const sent: FromClients[] = [];
    const crowd = new Crowd<Listener & { name: string }>((message) => sent.push(message));
    const [a, b, c, gone] = ['a', 'b', 'c', 'gone'].map((name) => ({ name, receivedAt: 1, ended: false }));
    gone!.ended = true;
    crowd.phones.push(a!, b!, c!, gone!);
    crowd.received(a!, 'r-7', 0, () => 'not armed yet'); // ignored before arming
    const at = Date.now();
    const started = Date.now();
    const done = crowd.arm({ at, match: 'r-7', deadline: at + 60_000 });
    assert.deepEqual(sent, [{ kind: 'armed' }]);
    assert.equal(a!.receivedAt, null, 'arming forgets earlier arrivals');
    crowd.received(a!, 'other', at + 1, () => 'wrong');
    crowd.received(a!, null, at + 1, () => 'no id');
    crowd.received(a!, 'ev-r-7', at + 3, () => 'first');
    crowd.received(a!, 'ev-r-7', at + 9, () => 'again'); // a phone counts once
    crowd.received(b!, 'ev-r-7', at + 4, () => 'second');
    c!.ended = true;
    crowd.dropped(c!);
    await done;
    assert.ok(Date.now() - started < 5_000);
    assert.equal(crowd.armed, false);
    assert.deepEqual(sent[1], { kind: 'result', latencies: [3, 4], missing: 0, lost: 2, frame: 'first' });
  });

  it('reports the stragglers as missing once the deadline passes', async () => {
    const sent: FromClients[] = [];
    const crowd = new Crowd<Listener>((message) => sent.push(message));
    crowd.phones.push({ receivedAt: null, ended: false }, { receivedAt: null, ended: false });
    const at = Date.now();
    const done = crowd.arm({ at, match: 'x', deadline: at + 30 });
    crowd.received(crowd.phones[0]!, 'x', at + 2, () => 'frame');
    await done;
    assert.deepEqual(sent[1], { kind: 'result', latencies: [2], missing: 1, lost: 0, frame: 'frame' });
  });
});
