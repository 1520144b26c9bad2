import { readJson, removeKey, writeJson } from './tickets.ts';

/**
 * Needs posted from this device. Asking for help needs no account: the server answers a new
 * need with a device ticket (it keeps only a hash), and this browser keeps the ticket. It
 * never goes into an address that is shown, shared or kept in history — only into the
 * X-Blossom-Ticket header of requests about that one need.
 */
export interface HeldNeed {
  id: string;
  ticket: string;
  /** Slug of the network, to list the need on that network's page. */
  network: string;
  category: string;
  savedAt: string;
}

const prefix = 'blossom.aid.need.';
/** Kept while the page is open when the browser refuses storage (private windows, full disks). */
const memory = new Map<string, HeldNeed>();

function storageKeys(): string[] {
  try {
    return Object.keys(window.localStorage).filter((key) => key.startsWith(prefix));
  } catch {
    return [];
  }
}

function valid(held: HeldNeed | null): held is HeldNeed {
  return !!held && typeof held.id === 'string' && typeof held.ticket === 'string' && typeof held.network === 'string';
}

export function heldNeed(id: string): HeldNeed | null {
  const stored = readJson<HeldNeed>(prefix + id);
  return valid(stored) ? stored : (memory.get(id) ?? null);
}

/** Returns false when the browser would not keep it (then it lasts only while the page is open). */
export function holdNeed(held: Omit<HeldNeed, 'savedAt'>): boolean {
  const value: HeldNeed = { ...held, savedAt: new Date().toISOString() };
  memory.set(held.id, value);
  return writeJson(prefix + held.id, value);
}

/** This device's needs, newest first; only those of one network when a slug is given. */
export function heldNeeds(network?: string): HeldNeed[] {
  const all = new Map<string, HeldNeed>(memory);
  for (const key of storageKeys()) {
    const held = readJson<HeldNeed>(key);
    if (valid(held)) all.set(held.id, held);
  }
  return [...all.values()].filter((h) => network === undefined || h.network === network).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

export function forgetNeed(id: string): void {
  memory.delete(id);
  removeKey(prefix + id);
}

/** The ticket header for requests about this need, when this device posted it. */
export function needTicketHeader(id: string): Record<string, string> {
  const held = heldNeed(id);
  return held ? { 'X-Blossom-Ticket': held.ticket } : {};
}

/**
 * A fresh Idempotency-Key: one per thing being posted, reused when the same post is sent
 * again after a lost answer. getRandomValues works on plain http too, where randomUUID does not.
 */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
