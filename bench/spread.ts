import { round } from './stats.ts';

/**
 * How a crowd is shared out among client processes, each of which may hold no more
 * connections than its open-file limit allows: as few processes as will do, shares even.
 */
export function splitCrowd(total: number, perProcessMax: number): number[] {
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`total must be a whole number ≥ 1, got ${total}`);
  if (!(perProcessMax >= 1)) throw new RangeError(`a process must be able to hold at least one connection, got ${perProcessMax}`);
  const processes = Math.ceil(total / Math.floor(perProcessMax));
  const base = Math.floor(total / processes);
  return Array.from({ length: processes }, (_, i) => base + (i < total % processes ? 1 : 0));
}

/** Resident memory each idle connection adds, in KiB: the growth over `connections`, from MiB readings. */
export function idleKbPerConnection(rssBeforeMb: number, rssAfterMb: number, connections: number): number | null {
  if (connections <= 0) return null;
  return round(((rssAfterMb - rssBeforeMb) * 1024) / connections);
}
