/** JSON shapes of the actions API (src/actions/views.ts and the participant routes; see docs/openapi.json). */

export type Tier = 'public' | 'rsvp' | 'present' | 'marshal';
export type ActionVisibility = 'open' | 'semi-open' | 'closed';
export type NodesPolicy = 'closed' | 'immediate' | 'approval';
export type TimingMode = 'same-instant' | 'same-local';
export type ActionStatus = 'draft' | 'published' | 'erased';

export type Timing = { mode: 'same-instant'; at: string } | { mode: 'same-local'; wall: string };

export interface Place {
  label: string;
  lat: number;
  lon: number;
}

export interface GroupRef {
  slug: string;
  name: string;
}

export interface ReleasedDisclosure {
  id: string;
  tier: Tier;
  releaseAt: string;
  /** False only in a marshal's view, for what is still to come. */
  released: boolean;
  text: string;
  place: Place | null;
}

export interface NodeCounts {
  rsvps: number;
  checkins: number;
}

export interface ActionNode {
  id: string;
  city: string;
  zone: string;
  startsAt: string;
  startsLocal: string;
  endsAt: string;
  endsLocal: string;
  capacity: number | null;
  status: 'active' | 'pending';
  host: GroupRef | null;
  tier: Tier;
  disclosures: ReleasedDisclosure[];
  counts: NodeCounts | null;
  marshals: string[] | null;
}

export interface ActionView {
  slug: string;
  title: string;
  call: string;
  callHtml: string;
  bring: string;
  visibility: ActionVisibility;
  status: ActionStatus;
  timing: Timing;
  durationMinutes: number;
  nodesPolicy: NodesPolicy;
  retentionMinutes: number;
  keepCounts: boolean;
  group: GroupRef | null;
  viewer: { organizer: boolean; marshal: boolean };
  /** The server's clock, for countdowns. */
  now: string;
  nodes: ActionNode[];
  createdAt: string;
  updatedAt: string;
}

export interface ConsoleDisclosure {
  id: string;
  tier: Tier;
  offsetMinutes: number;
  nodeId: string | null;
  text: string;
  place: Place | null;
  releases: { nodeId: string; city: string; releaseAt: string; released: boolean }[];
  createdAt: string;
}

export interface NodeCode {
  code: string;
  /** Split in two halves for reading aloud: "K7H M2Q". */
  display: string;
  secondsLeft: number;
}

/** GET /actions/{slug}/me: the holder of a ticket (or a signed-in person with an RSVP). */
export interface HolderView {
  nodeId: string;
  city: string;
  zone: string;
  startsAt: string;
  startsLocal: string;
  endsAt: string;
  endsLocal: string;
  tier: Tier;
  rsvpedAt: string;
  checkedInAt: string | null;
  now: string;
  disclosures: ReleasedDisclosure[];
}

export interface RsvpCreated {
  ticket: string;
  nodeId: string;
  tier: Tier;
}

export interface CheckInResult {
  tier: Tier;
  checkedInAt: string;
  /** What checking in has just made visible. */
  disclosures: ReleasedDisclosure[];
  /** Always true: a stream keeps the tier it was opened with, so open a fresh one. */
  reconnect: true;
}

/** A marshal's scan of someone's ticket. */
export interface MarshalCheckInResult {
  checkedInAt: string;
  alreadyCheckedIn: boolean;
}
