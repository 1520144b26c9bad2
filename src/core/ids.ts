import { hash, randomBytes } from 'node:crypto';

/** UUIDv7 (RFC 9562): time-ordered, so primary keys cluster by creation time. */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  const ms = BigInt(nowMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A secret for a link, cookie or ticket: 32 random bytes, URL-safe. */
export function secretToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A short public id for URLs (never sequential). */
export function shortId(bytes = 9): string {
  return randomBytes(bytes).toString('base64url');
}

/** Secrets are stored only as their SHA-256, so a stolen database holds no usable token. */
export function hashToken(token: string): string {
  // One-shot: no Hash object per call, and the same digest.
  return hash('sha256', token, 'base64url');
}
