import { z } from '@hono/zod-openapi';
import { tierSchema } from './model.ts';
import { releasedDisclosureSchema } from './views.ts';

/** What participants and marshals send and get back on the participant side of an action. */

const id = (description: string) => z.string().max(64).openapi({ description });

export const rsvpRequestSchema = z.strictObject({ nodeId: id('The city (node) to come to.') }).openapi('RsvpRequest');
export type RsvpRequest = z.input<typeof rsvpRequestSchema>;

export const rsvpCreatedSchema = z
  .object({
    ticket: z.string().openapi({ description: 'The device ticket, shown this once: keep it on the device; send it as X-Blossom-Ticket.' }),
    nodeId: z.string(),
    tier: tierSchema,
  })
  .openapi('RsvpCreated');
export type RsvpCreated = z.infer<typeof rsvpCreatedSchema>;

export const holderViewSchema = z
  .object({
    nodeId: z.string(),
    city: z.string(),
    zone: z.string(),
    startsAt: z.string(),
    startsLocal: z.string(),
    endsAt: z.string(),
    endsLocal: z.string(),
    tier: tierSchema.openapi({ description: 'rsvp until checked in at the staging point, then present (marshal for marshals).' }),
    rsvpedAt: z.string(),
    checkedInAt: z.string().nullable(),
    now: z.string().openapi({ description: 'The server\'s clock, for countdowns.' }),
    disclosures: z.array(releasedDisclosureSchema).openapi({ description: 'What this tier may see now.' }),
  })
  .openapi('ActionHolder');
export type HolderView = z.infer<typeof holderViewSchema>;

export const checkInRequestSchema = z
  .strictObject({ code: z.string().max(32).openapi({ description: 'The code the marshals show; case, spaces and look-alikes are forgiven.' }) })
  .openapi('CheckInRequest');
export type CheckInRequest = z.input<typeof checkInRequestSchema>;

export const checkInResultSchema = z
  .object({
    tier: tierSchema,
    checkedInAt: z.string(),
    disclosures: z.array(releasedDisclosureSchema).openapi({ description: 'What checking in has just made visible.' }),
    reconnect: z.literal(true).openapi({
      description: 'A live stream keeps the tier it was opened with: open a fresh one (no Last-Event-ID) to receive the higher tier.',
    }),
  })
  .openapi('CheckInResult');
export type CheckInResult = z.infer<typeof checkInResultSchema>;

export const marshalCheckInRequestSchema = z
  .strictObject({ ticket: z.string().max(512).openapi({ description: 'The ticket read from the participant\'s QR code.' }) })
  .openapi('MarshalCheckInRequest');
export type MarshalCheckInRequest = z.input<typeof marshalCheckInRequestSchema>;

export const marshalCheckInResultSchema = z
  .object({ checkedInAt: z.string(), alreadyCheckedIn: z.boolean() })
  .openapi('MarshalCheckInResult');
export type MarshalCheckInResult = z.infer<typeof marshalCheckInResultSchema>;

export const broadcastTiers = ['rsvp', 'present', 'marshal'] as const;

export const newBroadcastSchema = z
  .strictObject({
    text: z.string().trim().min(1, 'Write something').max(500, 'At most 500 characters'),
    tier: z.enum(broadcastTiers).openapi({ description: 'Who hears it: this tier and every higher one.' }),
    nodeId: id('One city; leave out for every city (organizers only).').optional(),
  })
  .openapi('NewBroadcast');
export type NewBroadcast = z.input<typeof newBroadcastSchema>;

export const broadcastViewSchema = z
  .object({ id: z.string(), nodeId: z.string().nullable(), tier: tierSchema, text: z.string(), createdAt: z.string() })
  .openapi('Broadcast');
export type BroadcastView = z.infer<typeof broadcastViewSchema>;

export const liveQuerySchema = z.object({
  node: z.string().max(200).openapi({ description: 'The node (city) whose channel to follow.' }),
  ticket: z.string().max(512).optional().openapi({ description: 'The device ticket (EventSource cannot send headers).' }),
});

export const liveHeadersSchema = z.object({
  'x-blossom-ticket': z.string().max(512).optional().openapi({ description: 'The device ticket from the RSVP.' }),
  'last-event-id': z.string().max(200).optional().openapi({ description: 'Sent by EventSource on reconnect: resume after this event.' }),
});
