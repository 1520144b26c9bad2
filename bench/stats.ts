/**
 * Summaries of one reveal as a crowd of phones saw it. Latencies are milliseconds from the
 * scheduled release instant to the moment the target event was in a client's hands.
 */
export interface LatencySummary {
  delivered: number;
  /** Receipts before the release instant: the never-early rule broken on the wire. */
  early: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of values at or below it),
 * so a p99 over 100 values is the 99th, never an interpolation nobody received.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    delivered: sorted.length,
    early: sorted.filter((ms) => ms < 0).length,
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.at(-1) ?? null),
  };
}

/** One decimal: the clocks are good to a fraction of a millisecond, not to a microsecond. */
export function round(value: number | null, digits = 1): number | null {
  if (value === null) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Blossom's cost over the floor's; how to read it is in bench/README.md. */
export function ratio(value: number | null, floor: number | null): number | null {
  if (value === null || floor === null || floor <= 0) return null;
  return round(value / floor, 2);
}
