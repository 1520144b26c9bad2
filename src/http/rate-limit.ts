import { createHmac, createSecretKey } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { tooManyRequests } from '../core/errors.ts';
import { memoByKey } from '../core/memo.ts';
import type { Clock } from '../core/clock.ts';

/** HMAC keyed by a KeyObject costs a fraction of keying it with a string on every request. */
const saltKey = memoByKey((salt) => createSecretKey(Buffer.from(salt, 'utf8')));

/**
 * Addresses are reduced to their network (/24 for IPv4, /48 for IPv6) and hashed with a
 * server secret, so the limiter can tell neighbours apart without ever holding an address.
 */
export function networkKey(address: string, salt: string): string {
  let prefix: string;
  const mapped = address.startsWith('::ffff:') ? address.slice(7) : address;
  // A dotted IPv4 address has no colon; isIPv6's pattern costs more than the HMAC below.
  if (mapped.includes(':') && isIPv6(mapped)) {
    prefix = expandIPv6(mapped).slice(0, 3).join(':');
  } else {
    prefix = mapped.split('.').slice(0, 3).join('.');
  }
  return createHmac('sha256', saltKey(salt)).update(prefix).digest('base64url').slice(0, 22);
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = address.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((part) => part.toLowerCase().padStart(4, '0'));
}

export interface Limit {
  /** Attempts allowed per window. */
  max: number;
  windowMs: number;
}

const SWEEP_ABOVE = 50_000;

/** Fixed-window counters in memory; a restart forgives everyone, which is acceptable. */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #windows = new Map<string, { start: number; count: number }>();
  /** Sweep once the map holds more than this; after a sweep, not before it has doubled. */
  #sweepAbove = SWEEP_ABOVE;
  #sweeps = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Counts one attempt; throws a 429 problem once the bucket is full. */
  hit(bucket: string, key: string, limit: Limit): void {
    const now = this.#clock.now().getTime();
    const id = `${bucket}:${key}`;
    let window = this.#windows.get(id);
    if (!window || now - window.start >= limit.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(id, window);
      if (this.#windows.size > this.#sweepAbove) {
        this.#sweep(now, limit.windowMs);
        // A crowd all inside one window (a staging point checking in) leaves little to sweep:
        // sweeping again on the next new key would cost the whole map per attempt.
        this.#sweepAbove = Math.max(SWEEP_ABOVE, 2 * this.#windows.size);
      }
    }
    window.count += 1;
    if (window.count > limit.max) {
      throw tooManyRequests(Math.max(1, Math.ceil((window.start + limit.windowMs - now) / 1000)));
    }
  }

  /** How many times the whole map has been swept for expired windows. */
  get sweeps(): number {
    return this.#sweeps;
  }

  #sweep(now: number, windowMs: number): void {
    this.#sweeps++;
    for (const [id, window] of this.#windows) if (now - window.start >= windowMs) this.#windows.delete(id);
  }
}
