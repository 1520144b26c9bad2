import { z } from '@hono/zod-openapi';
import { newActionFields, newDisclosureSchema, newNodeSchema, placeSchema, tierSchema } from './model.ts';

/**
 * A playbook: the shape of an action that another group can fork, and nothing that could
 * hurt anyone if it travelled: no people, no group ids, no marshals, and no disclosure text
 * beyond public texts already released everywhere — the rest are slots with a placeholder.
 */
export const playbookFormat = 'blossom-playbook/1';

export const playbookNodeSchema = z
  .strictObject({
    city: newNodeSchema.shape.city,
    zone: newNodeSchema.shape.zone,
    capacity: newNodeSchema.shape.capacity,
  })
  .openapi('PlaybookNode');

export const playbookDisclosureSchema = z
  .strictObject({
    tier: tierSchema,
    offsetMinutes: newDisclosureSchema.shape.offsetMinutes,
    node: z
      .number()
      .int()
      .min(0)
      .nullable()
      .optional()
      .openapi({ description: 'Index into `nodes`, or null for every node.' }),
    text: newDisclosureSchema.shape.text,
    place: placeSchema.nullable().optional(),
  })
  .openapi('PlaybookDisclosure');

// Spelled out rather than .extend()ed, so the OpenAPI document shows one closed object.
export const playbookSchema = z
  .strictObject({
    format: z.literal(playbookFormat),
    ...newActionFields,
    nodes: z.array(playbookNodeSchema).max(200, 'At most 200 nodes'),
    disclosures: z.array(playbookDisclosureSchema).max(200, 'At most 200 disclosures'),
  })
  .openapi('Playbook');
export type Playbook = z.input<typeof playbookSchema>;
export type ParsedPlaybook = z.output<typeof playbookSchema>;

/** What a slot says instead of a secret text, so the forking group knows what to write. */
export const placeholders = {
  public: 'Write the public announcement here',
  rsvp: 'Write the staging point here',
  present: 'Write the target and the instructions here',
  marshal: 'Write the marshals\' notes here',
} as const;
