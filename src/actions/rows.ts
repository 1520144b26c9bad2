/**
 * Rows of the action engine. Everything secret is sealed with the per-action key
 * (src/core/crypto.ts); erasing `actions.wrapped_key` makes every sealed column unreadable.
 */
export interface ActionRow {
  id: string;
  /** Short random id for public URLs. */
  slug: string;
  group_id: string;
  title: string;
  /** The public call, Markdown. */
  call: string;
  bring: string;
  /** open | semi-open | closed */
  visibility: string;
  /** same-instant | same-local */
  timing_mode: string;
  /** An ISO instant (same-instant) or a wall time YYYY-MM-DDTHH:mm (same-local). */
  timing_at: string;
  duration_minutes: number;
  /** draft | published | erased */
  status: string;
  /** closed | immediate | approval: whether other groups may add a node for their city. */
  nodes_policy: string;
  retention_minutes: number;
  keep_counts: number;
  /** The per-action data key wrapped by the master secret; NULL once erased. */
  wrapped_key: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  erased_at: string | null;
}

export interface ActionNodeRow {
  id: string;
  action_id: string;
  host_group_id: string;
  city: string;
  /** IANA time zone. */
  zone: string;
  /** Resolved from the action's timing and the zone; re-resolved when either changes. */
  starts_at: string;
  /** Dispersal instant. */
  ends_at: string;
  capacity: number | null;
  /** active | pending (awaiting the owners' approval) */
  status: string;
  /** The rotating check-in code's secret, sealed with AAD `node-code:<id>`. */
  code_secret: string;
  created_at: string;
}

export interface NodeMarshalRow {
  node_id: string;
  user_id: string;
}

export interface DisclosureRow {
  id: string;
  action_id: string;
  /** NULL: the same disclosure for every node. */
  node_id: string | null;
  /** public | rsvp | present | marshal */
  tier: string;
  /** Released at node start + offset; negative is before the start. */
  offset_minutes: number;
  /** Sealed JSON `{ text, place? }`, AAD `disclosure:<id>`. */
  sealed: string;
  created_at: string;
}

export interface RsvpRow {
  id: string;
  action_id: string;
  node_id: string;
  /** hashToken of the device ticket; the ticket itself is only ever on the device. */
  ticket_hash: string;
  user_id: string | null;
  checked_in_at: string | null;
  created_at: string;
}

export interface BroadcastRow {
  id: string;
  action_id: string;
  node_id: string | null;
  tier: string;
  /** Sealed text, AAD `broadcast:<id>`. */
  sealed: string;
  created_by: string | null;
  created_at: string;
}

/** What may remain of an erased action, only when its organizers opted in. */
export interface ActionCountRow {
  action_id: string;
  node_id: string;
  rsvps: number;
  checkins: number;
}

export interface ActionTables {
  actions: ActionRow;
  action_nodes: ActionNodeRow;
  node_marshals: NodeMarshalRow;
  disclosures: DisclosureRow;
  rsvps: RsvpRow;
  broadcasts: BroadcastRow;
  action_counts: ActionCountRow;
}
