import { z } from '@hono/zod-openapi';
import { isValidWallTime, isValidZone, resolveStart } from '../core/tz.ts';

/**
 * What organizers send. Views (what the server answers) are in views.ts, the playbook
 * format in playbook-model.ts. Service functions re-validate with parseInput, because the
 * CLI and the participant side call them without going through HTTP.
 */
export const tiers = ['public', 'rsvp', 'present', 'marshal'] as const;
export const actionVisibilities = ['open', 'semi-open', 'closed'] as const;
export const nodesPolicies = ['closed', 'immediate', 'approval'] as const;
export const timingModes = ['same-instant', 'same-local'] as const;

export type Tier = (typeof tiers)[number];
export type ActionVisibility = (typeof actionVisibilities)[number];
export type NodesPolicy = (typeof nodesPolicies)[number];
export type TimingMode = (typeof timingModes)[number];

export const tierSchema = z.enum(tiers).openapi('Tier', { description: 'public < rsvp < present < marshal' });
export const actionVisibilitySchema = z
  .enum(actionVisibilities)
  .openapi('ActionVisibility', { description: 'open: listed; semi-open: anyone with the link; closed: members of the owning group.' });
export const nodesPolicySchema = z
  .enum(nodesPolicies)
  .openapi('NodesPolicy', { description: 'Whether coordinators of other groups may add a node for their city, and if it needs approval.' });

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`);
const wholeBetween = (min: number, max: number) =>
  z.number().int('A whole number').min(min, `Between ${min} and ${max}`).max(max, `Between ${min} and ${max}`);

const isInstant = (at: string): boolean => {
  try {
    resolveStart({ mode: 'same-instant', at }, 'UTC');
    return true;
  } catch {
    return false;
  }
};

export const timingSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('same-instant'),
      at: z.string().max(64).refine(isInstant, 'Use an instant with a UTC offset, like 2026-03-29T15:00:00Z'),
    }),
    z.strictObject({
      mode: z.literal('same-local'),
      wall: z.string().max(16).refine(isValidWallTime, 'Use a local date and time like 2026-03-29T17:00'),
    }),
  ])
  .openapi('ActionTiming', {
    description: 'same-instant: one instant for every node; same-local: one wall-clock time in each node\'s own zone.',
  });
export type Timing = z.infer<typeof timingSchema>;

export const zoneSchema = z
  .string()
  .max(64, 'At most 64 characters')
  .refine(isValidZone, 'Not a known time zone; use an IANA name like Europe/London')
  .openapi({ example: 'Europe/London' });

const actionFields = {
  title: z.string().trim().min(2, 'At least 2 characters').max(200, 'At most 200 characters'),
  call: text(20000).openapi({ description: 'The public call, Markdown; raw HTML is not rendered.' }),
  bring: text(2000).openapi({ description: 'What to bring (public).' }),
  visibility: actionVisibilitySchema,
  timing: timingSchema,
  durationMinutes: wholeBetween(1, 10080).openapi({ description: 'From start to dispersal, in every node.' }),
  nodesPolicy: nodesPolicySchema,
  retentionMinutes: wholeBetween(1, 10080).openapi({ description: 'How long after the last dispersal the secrets are destroyed.' }),
  keepCounts: z.boolean().openapi({ description: 'Keep RSVP and check-in counts per node after erasure.' }),
};

/** What a new action needs; shared with the playbook format, which carries the same fields. */
export const newActionFields = {
  ...actionFields,
  call: actionFields.call.optional(),
  bring: actionFields.bring.optional(),
  nodesPolicy: actionFields.nodesPolicy.optional(),
  retentionMinutes: actionFields.retentionMinutes.optional(),
  keepCounts: actionFields.keepCounts.optional(),
};

export const newActionSchema = z.strictObject(newActionFields).openapi('NewAction');
export type NewAction = z.input<typeof newActionSchema>;

export const actionChangesSchema = z.strictObject(actionFields).partial().openapi('ActionChanges');
export type ActionChanges = z.input<typeof actionChangesSchema>;

const handleList = z
  .array(z.string().trim().toLowerCase().min(1).max(30))
  .max(50, 'At most 50 marshals per node')
  .openapi({ description: 'Handles of extra marshals for this node (members of the owning or the host group).' });

const nodeFields = {
  hostGroup: z.string().max(120).openapi({ description: 'Slug of the group hosting this node; defaults to the owning group.' }),
  city: z.string().trim().min(1, 'Name the city').max(100, 'At most 100 characters'),
  zone: zoneSchema,
  capacity: wholeBetween(1, 1_000_000).nullable(),
  marshals: handleList,
};

export const newNodeSchema = z
  .strictObject({
    ...nodeFields,
    hostGroup: nodeFields.hostGroup.optional(),
    capacity: nodeFields.capacity.optional(),
    marshals: nodeFields.marshals.optional(),
  })
  .openapi('NewNode');
export type NewNode = z.input<typeof newNodeSchema>;

const { hostGroup: _hostGroup, ...changeableNodeFields } = nodeFields;
export const nodeChangesSchema = z.strictObject(changeableNodeFields).partial().openapi('NodeChanges');
export type NodeChanges = z.input<typeof nodeChangesSchema>;

export const placeSchema = z
  .strictObject({
    label: z.string().trim().min(1, 'Name the place').max(200, 'At most 200 characters'),
    lat: z.number().min(-90, 'Between -90 and 90').max(90, 'Between -90 and 90'),
    lon: z.number().min(-180, 'Between -180 and 180').max(180, 'Between -180 and 180'),
  })
  .openapi('Place');
export type Place = z.infer<typeof placeSchema>;

const disclosureFields = {
  tier: tierSchema,
  offsetMinutes: wholeBetween(-10080, 10080).openapi({ description: 'Released at node start + offset; negative is before the start.' }),
  nodeId: z.string().max(64).nullable().openapi({ description: 'One node, or null for every node.' }),
  text: z.string().trim().min(1, 'Write something').max(2000, 'At most 2000 characters'),
  place: placeSchema.nullable(),
};

export const newDisclosureSchema = z
  .strictObject({ ...disclosureFields, nodeId: disclosureFields.nodeId.optional(), place: disclosureFields.place.optional() })
  .openapi('NewDisclosure');
export type NewDisclosure = z.input<typeof newDisclosureSchema>;

export const disclosureChangesSchema = z.strictObject(disclosureFields).partial().openapi('DisclosureChanges');
export type DisclosureChanges = z.input<typeof disclosureChangesSchema>;

export const listQuerySchema = z.object({ cursor: z.string().max(200).optional() });
export type ActionListQuery = z.infer<typeof listQuerySchema> & { limit?: number };

/** Position in the order public < rsvp < present < marshal; anything else ranks above all (fail closed). */
export function tierRank(tier: string): number {
  const rank = (tiers as readonly string[]).indexOf(tier);
  return rank === -1 ? Number.POSITIVE_INFINITY : rank;
}
