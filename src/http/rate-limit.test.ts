import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/clock.ts';
import type { Problem } from '../core/errors.ts';
import { RateLimiter, networkKey } from './rate-limit.ts';

describe('network keys', () => {
  it('groups an IPv4 /24 and an IPv6 /48 together, and never contains the address', () => {
    assert.equal(networkKey('198.51.100.7', 's'), networkKey('198.51.100.200', 's'));
    assert.notEqual(networkKey('198.51.100.7', 's'), networkKey('198.51.101.7', 's'));
    assert.equal(networkKey('2001:db8:1::1', 's'), networkKey('2001:0db8:0001:ffff::9', 's'));
    assert.notEqual(networkKey('2001:db8:1::1', 's'), networkKey('2001:db8:2::1', 's'));
    assert.equal(networkKey('::ffff:198.51.100.7', 's'), networkKey('198.51.100.9', 's'));
    assert.doesNotMatch(networkKey('198.51.100.7', 's'), /198|51|100/);
  });

  it('depends on the server salt', () => {
    assert.notEqual(networkKey('198.51.100.7', 'a'), networkKey('198.51.100.7', 'b'));
  });
});

describe('rate limiter', () => {
  it('refuses past the limit and forgives after the window', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(clock);
    const limit = { max: 2, windowMs: 60_000 };
    limiter.hit('login', 'k', limit);
    limiter.hit('login', 'k', limit);
    assert.throws(() => limiter.hit('login', 'k', limit), (err: Problem) => err.status === 429 && err.headers?.['Retry-After'] === '60');
    limiter.hit('login', 'other', limit);
    clock.advance(60_000);
    limiter.hit('login', 'k', limit);
  });
});
