import type { Place, Tier } from '../components/action/types.ts';
import { readJson, writeJson } from './tickets.ts';

/**
 * What the live channel of an action sends, and what this device keeps of it so the page
 * still reads offline — in a basement, or after the network was cut. Ids sort in time order
 * (`<instant>~d~<id>`, `~b~`, `~x~`), so sorting by id gives the order things happened.
 */

export interface LiveState {
  startsAt: string;
  endsAt: string;
  /** The server's clock when it sent this, for countdowns on a phone whose clock is off. */
  now: string;
  tier: Tier;
}

export interface LiveDisclosure {
  kind: 'disclosure';
  /** The event id, `<releaseAt>~d~<disclosureId>`. */
  id: string;
  disclosureId: string;
  tier: Tier;
  releaseAt: string;
  text: string;
  place: Place | null;
}

export interface LiveBroadcast {
  kind: 'broadcast';
  id: string;
  tier: Tier;
  text: string;
  createdAt: string;
}

export interface LiveDisperse {
  kind: 'disperse';
  id: string;
  at: string;
}

export type LiveEvent = LiveDisclosure | LiveBroadcast | LiveDisperse;

/** Enough about the action and city to draw the page offline. */
export interface LiveSummary {
  title: string;
  city: string;
  zone: string;
  startsAt: string;
  endsAt: string;
}

export interface LiveRecord {
  nodeId: string;
  summary: LiveSummary | null;
  state: LiveState | null;
  /** The server's clock minus this phone's, when last heard: countdowns stay right offline. */
  skewMs: number;
  events: LiveEvent[];
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const tierOf = (v: unknown): Tier => (v === 'public' || v === 'rsvp' || v === 'present' || v === 'marshal' ? v : 'marshal');

function placeOf(v: unknown): Place | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  if (typeof p.label !== 'string' || typeof p.lat !== 'number' || typeof p.lon !== 'number') return null;
  return { label: p.label, lat: p.lat, lon: p.lon };
}

/** The instant at the head of an id such as `2026-06-20T16:00:00.000Z~d~…`. */
export function instantOfId(id: string): string {
  return id.split('~')[0] ?? '';
}

function parse(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function parseState(data: string): LiveState | null {
  const d = parse(data);
  if (!d || typeof d.startsAt !== 'string' || typeof d.endsAt !== 'string') return null;
  return { startsAt: d.startsAt, endsAt: d.endsAt, now: str(d.now, new Date().toISOString()), tier: tierOf(d.tier) };
}

/** One event off the wire, or null when it is not one this page knows how to show. */
export function parseEvent(type: string, id: string, data: string): LiveEvent | null {
  const d = parse(data);
  if (!d || !id) return null;
  if (type === 'disclosure' && typeof d.text === 'string') {
    const disclosureId = str(d.id, id.split('~d~')[1] ?? id);
    return { kind: 'disclosure', id, disclosureId, tier: tierOf(d.tier), releaseAt: str(d.releaseAt, instantOfId(id)), text: d.text, place: placeOf(d.place) };
  }
  if (type === 'broadcast' && typeof d.text === 'string') {
    return { kind: 'broadcast', id, tier: tierOf(d.tier), text: d.text, createdAt: str(d.createdAt, instantOfId(id)) };
  }
  if (type === 'disperse') return { kind: 'disperse', id, at: str(d.endsAt, str(d.at, instantOfId(id))) };
  return null;
}

/** A disclosure is the same one whether the stream, the check-in answer or the action view brought it. */
const sameness = (e: LiveEvent): string => (e.kind === 'disclosure' ? `d:${e.disclosureId}` : e.id);

/** A disclosure as the action view or the check-in answer gives it, with the id the stream would give it. */
export function fromView(d: { id: string; tier: Tier; releaseAt: string; text: string; place: Place | null }): LiveDisclosure {
  return { kind: 'disclosure', id: `${d.releaseAt}~d~${d.id}`, disclosureId: d.id, tier: d.tier, releaseAt: d.releaseAt, text: d.text, place: d.place };
}

/** Adds what is new and keeps the list in time order; the same list back when nothing was new. */
export function merge(events: readonly LiveEvent[], incoming: readonly LiveEvent[]): LiveEvent[] {
  const seen = new Set(events.map(sameness));
  const fresh = incoming.filter((e) => !seen.has(sameness(e)) && (seen.add(sameness(e)), true));
  if (fresh.length === 0) return events as LiveEvent[];
  return [...events, ...fresh].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const keyOf = (slug: string) => `blossom.live.${slug}`;

export function loadRecord(slug: string, nodeId: string): LiveRecord {
  const stored = readJson<LiveRecord>(keyOf(slug));
  // A record for another city (the RSVP was changed) is not this one's.
  if (!stored || stored.nodeId !== nodeId || !Array.isArray(stored.events)) return { nodeId, summary: null, state: null, skewMs: 0, events: [] };
  const skewMs = typeof stored.skewMs === 'number' && Number.isFinite(stored.skewMs) ? stored.skewMs : 0;
  return { nodeId, summary: stored.summary ?? null, state: stored.state ?? null, skewMs, events: stored.events };
}

export function saveRecord(slug: string, record: LiveRecord): void {
  writeJson(keyOf(slug), record);
}
