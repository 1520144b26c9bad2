/**
 * Device tickets: the proof of an RSVP made without an account. The server keeps only a
 * hash, so the ticket lives here, in this browser's storage, one per action. It never goes
 * into an address that is shown, shared or kept in history — only into a request header,
 * and into the live stream's query because EventSource cannot send headers.
 */

export interface StoredTicket {
  ticket: string;
  /** The city (node) the RSVP is for. */
  nodeId: string;
  savedAt: string;
}

const prefix = 'blossom.ticket.';
/** Everything this device keeps about one action starts with one of these, so it can all be cleared. */
export const actionKeyPrefixes = [prefix, 'blossom.live.'] as const;

/** Private windows and full disks refuse storage; the RSVP still works for as long as the page is open. */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function readJson<T>(key: string): T | null {
  try {
    const raw = storage()?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function writeJson(key: string, value: unknown): boolean {
  try {
    storage()?.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function removeKey(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing stored, nothing to remove.
  }
}

const memory = new Map<string, StoredTicket>();

export function ticketFor(slug: string): StoredTicket | null {
  const stored = readJson<StoredTicket>(prefix + slug);
  if (stored && typeof stored.ticket === 'string' && typeof stored.nodeId === 'string') return stored;
  return memory.get(slug) ?? null;
}

/** Returns false when the browser would not keep it (then it lasts only while the page is open). */
export function saveTicket(slug: string, ticket: string, nodeId: string): boolean {
  const stored: StoredTicket = { ticket, nodeId, savedAt: new Date().toISOString() };
  memory.set(slug, stored);
  return writeJson(prefix + slug, stored);
}

/** The ticket header for API calls about this action, when this device holds one. */
export function ticketHeader(slug: string): Record<string, string> {
  const stored = ticketFor(slug);
  return stored ? { 'X-Blossom-Ticket': stored.ticket } : {};
}

/** After a cancelled RSVP or the action's erasure: nothing secret about it stays on the device. */
export function forgetAction(slug: string): void {
  memory.delete(slug);
  for (const start of actionKeyPrefixes) removeKey(start + slug);
}
