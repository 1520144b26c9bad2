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

  it('does not sweep the whole map on every new key when a crowd shares one window', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(clock);
    const limit = { max: 10, windowMs: 5 * 60_000 };
    for (let i = 0; i < 50_000; i++) limiter.hit('checkin-code', `ticket-${i}`, limit);
    assert.equal(limiter.sweeps, 0);
    // Past 50,000 windows, all still open: one sweep finds nothing to drop, and the next new
    // keys must not each sweep the whole map again.
    for (let i = 50_000; i < 70_000; i++) limiter.hit('checkin-code', `ticket-${i}`, limit);
    assert.equal(limiter.sweeps, 1);
    // Still counted, and still forgiven after the window.
    for (let i = 0; i < 10; i++) limiter.hit('checkin-code', 'late', limit);
    assert.throws(() => limiter.hit('checkin-code', 'late', limit), (err: Problem) => err.status === 429);
    clock.advance(limit.windowMs);
    limiter.hit('checkin-code', 'late', limit);
  });
});
