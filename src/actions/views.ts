import { z } from '@hono/zod-openapi';
import { actionVisibilitySchema, nodesPolicySchema, placeSchema, tierSchema, timingSchema } from './model.ts';

/** What the server answers about actions. Each view is built for one caller's tier. */

export const groupRefSchema = z
  .object({ slug: z.string(), name: z.string() })
  .nullable()
  .openapi('GroupRef', { description: 'Null when the group is not public and the caller is not in it.' });
export type GroupRef = z.infer<typeof groupRefSchema>;

export const releasedDisclosureSchema = z
  .object({
    id: z.string(),
    tier: tierSchema,
    releaseAt: z.string().openapi({ description: 'Node start + offset, an ISO instant.' }),
    released: z.boolean().openapi({ description: 'Always true except in a marshal\'s view, which shows what is still to come.' }),
    text: z.string(),
    place: placeSchema.nullable(),
  })
  .openapi('ReleasedDisclosure');
export type ReleasedDisclosure = z.infer<typeof releasedDisclosureSchema>;

export const nodeCountsSchema = z.object({ rsvps: z.number().int(), checkins: z.number().int() }).openapi('NodeCounts');
export type NodeCounts = z.infer<typeof nodeCountsSchema>;

const nodeStatusSchema = z.enum(['active', 'pending']).openapi('NodeStatus');

export const nodeViewSchema = z
  .object({
    id: z.string(),
    city: z.string(),
    zone: z.string(),
    startsAt: z.string().openapi({ description: 'UTC instant.' }),
    startsLocal: z.string().openapi({ description: 'The same instant as read in the node\'s zone, with its offset.', example: '2026-06-20T17:00:00+01:00' }),
    endsAt: z.string().openapi({ description: 'Dispersal, UTC instant.' }),
    endsLocal: z.string(),
    capacity: z.number().int().nullable(),
    status: nodeStatusSchema,
    host: groupRefSchema,
    tier: tierSchema.openapi({ description: 'The caller\'s tier at this node.' }),
    disclosures: z.array(releasedDisclosureSchema),
    counts: nodeCountsSchema.nullable().openapi({ description: 'Marshals only.' }),
    marshals: z.array(z.string()).nullable().openapi({ description: 'Handles of appointed marshals; marshals only.' }),
  })
  .openapi('ActionNode');
export type NodeView = z.infer<typeof nodeViewSchema>;

export const actionViewSchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    call: z.string(),
    callHtml: z.string().openapi({ description: 'The call rendered and sanitized.' }),
    bring: z.string(),
    visibility: actionVisibilitySchema,
    status: z.enum(['draft', 'published', 'erased']).openapi('ActionStatus'),
    timing: timingSchema,
    durationMinutes: z.number().int(),
    nodesPolicy: nodesPolicySchema,
    retentionMinutes: z.number().int(),
    keepCounts: z.boolean(),
    group: groupRefSchema,
    viewer: z.object({
      organizer: z.boolean().openapi({ description: 'A coordinator of the owning group.' }),
      marshal: z.boolean().openapi({ description: 'A marshal of at least one node.' }),
    }),
    now: z.string().openapi({ description: 'The server\'s clock, for countdowns.' }),
    nodes: z.array(nodeViewSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Action');
export type ActionView = z.infer<typeof actionViewSchema>;

export const actionSummarySchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    group: groupRefSchema,
    nodesPolicy: nodesPolicySchema,
    cities: z.array(z.object({ nodeId: z.string(), city: z.string(), zone: z.string(), startsAt: z.string(), startsLocal: z.string() })),
    createdAt: z.string(),
  })
  .openapi('ActionSummary');
export type ActionSummary = z.infer<typeof actionSummarySchema>;

export const actionPageSchema = z
  .object({ actions: z.array(actionSummarySchema), next: z.string().nullable().openapi({ description: 'Opaque cursor for the next page.' }) })
  .openapi('ActionPage');
export type ActionPage = z.infer<typeof actionPageSchema>;

export const consoleDisclosureSchema = z
  .object({
    id: z.string(),
    tier: tierSchema,
    offsetMinutes: z.number().int(),
    nodeId: z.string().nullable(),
    text: z.string(),
    place: placeSchema.nullable(),
    releases: z.array(z.object({ nodeId: z.string(), city: z.string(), releaseAt: z.string(), released: z.boolean() })),
    createdAt: z.string(),
  })
  .openapi('ConsoleDisclosure');
export type ConsoleDisclosure = z.infer<typeof consoleDisclosureSchema>;

export const nodeCodeSchema = z
  .object({
    code: z.string().openapi({ example: 'K7HM2Q' }),
    display: z.string().openapi({ description: 'Split for reading aloud.', example: 'K7H M2Q' }),
    secondsLeft: z.number(),
  })
  .openapi('NodeCode');
export type NodeCode = z.infer<typeof nodeCodeSchema>;
