/**
 * Pure pieces of the check-in bench (bench/checkin.ts), kept apart so tests can hold them.
 */

/**
 * The address a proxy would vouch for, for request `index`: one /24 per request up to
 * 65,536 of them, so Blossom's per-network check-in limit (a whole carrier's staging point
 * shares one) is met as a real crowd from many networks would meet it, not lifted.
 */
export function forwardedFor(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`index must be a whole number ≥ 0, got ${index}`);
  const net = index % 65_536;
  return `10.${net >> 8}.${net & 255}.${1 + (Math.floor(index / 65_536) % 254)}`;
}

/** The answer the crowd's requests got, counted by kind: `200`, `422 wrong_code`, `ECONNRESET`... */
export function tally(outcomes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** Acknowledged check-ins per second over the whole burst, whole numbers. */
export function perSecond(acknowledged: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return Math.round((acknowledged * 1000) / elapsedMs);
}
